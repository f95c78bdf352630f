"""Isolation registry entries for the payouts API (namespace "payouts"): the ledger lines."""

from tests.isolation.registry import Route

LINE = {"line_id": "ledger_line"}

ROUTES: dict[str, Route] = {
    # Reads: staff (PayoutsPerm.VIEW) see the tenant's rows; the partner user (its company's
    # partner admin) its own partner's lines; another partner's answer 404
    # ("<key>_of_other_partner" in the world).
    "payouts:api_ledger_line_list": Route("api"),
    "payouts:api_ledger_line_detail": Route("api", objects=LINE, partner_scoped=True),
}
