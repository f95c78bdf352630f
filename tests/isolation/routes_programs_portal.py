"""Isolation registry entries for the programs portal pages (my programs, contracts, terms,
written-terms notice)."""

from tests.isolation.registry import Route

CONTRACT = {"contract_id": "contract"}

ROUTES: dict[str, Route] = {
    "programs:portal_programs": Route("portal"),
    # The side's partner user is its company's partner admin: accepting succeeds on its own
    # contract, and another partner's contract answers 404 and stays unaccepted.
    "programs:portal_contract_terms": Route(
        "portal", ("GET", "POST"), objects=CONTRACT, post={"agree": "yes"}, partner_scoped=True
    ),
    "programs:public_programs": Route(
        "public",
        anonymous={"GET": 200},
        why='the "become a partner" page\'s list of the programs the tenant made public',
    ),
}
