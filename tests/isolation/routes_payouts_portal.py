"""Isolation registry entries for the payouts portal pages (my commissions, the company's
statements with their PDF, confirmation and dispute).

The side's partner user is its company's partner admin: it sees the whole company's lines and
its statements. Another partner's line or issued statement answers 404 and stays unchanged
(partner_scoped); a rep seeing only its own lines is in tests/payouts/test_portal.py.
"""

from tests.isolation.registry import Route

STATEMENT = {"statement_id": "issued_statement"}

ROUTES: dict[str, Route] = {
    "payouts:portal_commissions": Route("portal"),
    "payouts:portal_commission": Route(
        "portal", objects={"line_id": "ledger_line"}, partner_scoped=True
    ),
    "payouts:portal_statements": Route("portal"),
    "payouts:portal_statement": Route("portal", objects=STATEMENT, partner_scoped=True),
    "payouts:portal_statement_pdf": Route("portal", objects=STATEMENT, partner_scoped=True),
    # The issued statement awaits the partner's answer: confirming or disputing it succeeds on
    # one's own and changes that statement (the control test).
    "payouts:portal_statement_confirm": Route(
        "portal", ("GET", "POST"), objects=STATEMENT, partner_scoped=True
    ),
    "payouts:portal_statement_dispute": Route(
        "portal",
        ("GET", "POST"),
        objects=STATEMENT,
        post={"comment": "The isolation suite disputes this statement."},
        partner_scoped=True,
    ),
}
