"""Isolation registry entries for the payouts API (namespace "payouts"): the ledger lines,
the statements, their actions and downloads."""

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
    # Finance's actions name statements in the body (a list of ids, which the suite's bodies
    # cannot say); POST only, so the API-key test of the suite, which reads with GET, skips
    # them. tests/payouts/test_api.py proves another tenant's statement is refused and
    # unchanged, and that keys of another tenant are refused.
    "payouts:api_statements_approve": Route("api", ("POST",), anonymous={"POST": 401}, why="-"),
    "payouts:api_statements_issue": Route("api", ("POST",), anonymous={"POST": 401}, why="-"),
    "payouts:api_statements_mark_paid": Route("api", ("POST",), anonymous={"POST": 401}, why="-"),
    # The partner admin's confirmation or dispute: the object tests sign in as the partner
    # user (staff may not respond). POST only, so tests/payouts/test_api.py proves that
    # another partner's statement answers 404 and stays unchanged.
    "payouts:api_statement_respond": Route(
        "api",
        ("POST",),
        objects=ISSUED,
        post={"decision": "dispute", "comment": "Disputed by the isolation suite"},
        anonymous={"POST": 401},
        why="-",
        as_partner_user=True,
    ),
}
