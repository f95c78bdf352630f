"""Isolation registry entries for the deals app's targets area (pages and API).

The API's writes (create, milestone move) are JSON-only, which this suite's form-encoded POST
cannot send: they are registered for GET here, and tests/deals/test_targets_api.py proves
another tenant's and another partner's account answers 404 there and stays unchanged. The
import job is `?job=<id>` on the upload page (tests/deals/test_targets_import.py proves another
partner's job answers 404).
"""

from tests.isolation.registry import Route

ACCOUNT = {"target_account_id": "target_account"}
PARTNER = {"partner_id": "partner"}

ROUTES: dict[str, Route] = {
    "deals:funnel_board": Route("staff"),
    # Without "confirmed" the POST only shows the confirmation page; the move itself is
    # proven by the card action below and tests/deals/test_targets_views.py.
    "deals:funnel_request": Route("staff", ("POST",), post_objects={"account": "target_account"}),
    "deals:target_account_move": Route(
        "staff", ("POST",), objects=ACCOUNT, post={"to": "requested"}
    ),
    "deals:staff_target_create": Route("staff"),
    "deals:partner_targets": Route("staff", objects=PARTNER),
    "deals:partner_willingness": Route(
        "staff", ("POST",), objects=PARTNER, post={"willingness": "unwilling"}
    ),
    "deals:staff_target_import": Route("staff", objects=PARTNER),
    "deals:portal_targets": Route("portal"),
    "deals:portal_target_import": Route("portal"),
    "deals:api_target_list": Route("api"),
    "deals:api_target_detail": Route("api", objects=ACCOUNT, partner_scoped=True),
    "deals:api_target_move": Route("api", ("GET",), objects=ACCOUNT),
}
