"""Isolation registry entries for partner contracts and program terms (staff pages and API)."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {
    "programs:contract_list": Route("staff"),
    "programs:contract_detail": Route("staff", objects={"contract_id": "contract"}),
    # The body names the requested side's partner, program and tier; tests/programs/
    # test_contract_create_views.py proves another tenant's ids in a body create nothing.
    "programs:contract_create": Route(
        "staff",
        ("GET", "POST"),
        post={"starts_on": "2030-01-01"},
        post_objects={"partner": "partner", "program": "program", "tier": "tier"},
    ),
    "programs:contract_partner_search": Route("staff"),
    "programs:contract_tier_options": Route("staff"),
    "programs:partner_contracts": Route("staff", objects={"partner_id": "partner"}),
    # GET here (it goes back to the detail page): a POST without a file changes nothing, which
    # the control test cannot see; tests/programs/test_contracts_views.py proves a POST to
    # another tenant's contract answers 404 and stores nothing.
    "programs:contract_upload": Route("staff", objects={"contract_id": "contract"}),
    "programs:contract_document": Route("staff", objects={"contract_id": "contract"}),
    "programs:contract_activate": Route("staff", objects={"contract_id": "contract"}),
    "programs:contract_renew": Route("staff", objects={"contract_id": "contract"}),
    "programs:contract_end": Route("staff", ("GET", "POST"), objects={"contract_id": "contract"}),
    "programs:api_contract_list": Route("api"),
    "programs:api_contract_detail": Route("api", objects={"contract_id": "contract"}),
}
