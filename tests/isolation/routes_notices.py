"""Isolation registry entries for written-terms notices (portal page and PDF, staff PDF and
issue)."""

from tests.isolation.registry import Route

NOTICE = {"notice_id": "notice"}
CONTRACT = {"contract_id": "contract"}

ROUTES: dict[str, Route] = {
    # The side's partner user is its company's partner admin: acknowledging succeeds on its own
    # notice; another partner's notice answers 404 and stays unacknowledged.
    "programs:portal_notice": Route(
        "portal", ("GET", "POST"), objects=NOTICE, post={"confirm": "yes"}, partner_scoped=True
    ),
    "programs:portal_notice_pdf": Route("portal", objects=NOTICE, partner_scoped=True),
    "programs:contract_notice_pdf": Route("staff", objects=CONTRACT),
    # GET here (it goes back to the contract): a POST for a contract whose notice exists
    # changes nothing, which the control test cannot see; tests/programs/test_notices_views.py
    # proves a POST to another tenant's contract answers 404 and issues nothing.
    "programs:contract_notice_issue": Route("staff", objects=CONTRACT),
}
