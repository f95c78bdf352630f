"""Isolation registry entries for the payouts API (namespace "payouts"): the ledger lines,
the statements and their downloads."""

from tests.isolation.registry import Route

LINE = {"line_id": "ledger_line"}
ISSUED = {"statement_id": "issued_statement"}

ROUTES: dict[str, Route] = {
    # Reads: staff (PayoutsPerm.VIEW) see the tenant's rows; the partner user (its company's
    # partner admin) its own partner's lines and issued statements; another partner's answer
    # 404 ("<key>_of_other_partner" in the world).
    "payouts:api_ledger_line_list": Route("api"),
    "payouts:api_ledger_line_detail": Route("api", objects=LINE, partner_scoped=True),
    "payouts:api_statement_list": Route("api"),
    "payouts:api_statement_detail": Route("api", objects=ISSUED, partner_scoped=True),
    # The issued statement's stand-in PDF, its SHA-256 checked.
    "payouts:api_statement_pdf": Route("api", objects=ISSUED, partner_scoped=True),
    # Staff only (partner users get 403): the period's statements as CSV.
    "payouts:api_period_statements_csv": Route("api", objects={"period_id": "closed_period"}),
}
