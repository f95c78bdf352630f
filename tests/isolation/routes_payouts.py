"""Isolation registry entries for the payouts app (the commission ledger)."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {
    "payouts:ledger_list": Route("staff"),
    "payouts:ledger_line": Route("staff", objects={"line_id": "ledger_line"}),
    # GET here: a booking names its partner in the body; tests/payouts/test_ledger_views.py
    # proves another tenant's partner is refused and nothing is booked.
    "payouts:adjustment_create": Route("staff"),
    "payouts:partner_ledger": Route("staff", objects={"partner_id": "partner"}),
}
