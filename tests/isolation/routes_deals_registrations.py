"""Isolation registry entries for the deals app's registrations area (pages and API)."""

from tests.isolation.registry import Route

DEAL = {"deal_id": "deal"}
EXTENSION = {"extension_id": "extension"}

# The world's partner has a contract whose terms it has NOT accepted: a registration POST is
# refused with the form's error (200) and writes nothing; tests/deals/test_registration_views.py
# proves the accepted case.
REGISTER_BODY = {
    "program": "",
    "customer_name": "株式会社アイソレーション",
    "amount_one_time": "1000",
}

ROUTES: dict[str, Route] = {
    # Staff pages and review actions (DealsPerm.VIEW / REVIEW). The world's deal is pending,
    # so each decision succeeds on tenant A's own deal.
    "deals:review_queue": Route("staff"),
    # GET here; its POST ("check again", REVIEW) recomputes matches and may change nothing, so
    # tests/deals/test_registration_views.py covers it (another tenant's id answers 404).
    "deals:deal_detail": Route("staff", objects=DEAL),
    "deals:deal_approve": Route("staff", ("POST",), objects=DEAL),
    "deals:deal_reject": Route("staff", ("POST",), objects=DEAL, post={"reason": "Isolation"}),
    "deals:deal_duplicate": Route(
        "staff", ("POST",), objects=DEAL, post_objects={"duplicate_of": "direct_deal"}
    ),
    "deals:extension_decide": Route(
        "staff", ("POST",), objects=EXTENSION, post={"decision": "refuse", "note": "Isolation"}
    ),
    # Portal pages (DealsPerm.REGISTER), the partner user's own partner only.
    "deals:portal_deals": Route("portal"),
    "deals:portal_deal_register": Route("portal", ("GET", "POST"), post=REGISTER_BODY),
    "deals:portal_deal_check": Route(
        "portal", ("GET", "POST"), post={"customer_name": "株式会社カスタマー1"}
    ),
    "deals:portal_deal_detail": Route("portal", objects=DEAL, partner_scoped=True),
    # GET here (the world's deal is pending, so a request is refused by design); the POST of
    # another partner's deal answering 404 is in tests/deals/test_registration_views.py.
    "deals:portal_extension_request": Route("portal", objects=DEAL, partner_scoped=True),
    # API
    "deals:api_deal_list": Route("api", ("GET", "POST"), post=REGISTER_BODY),
    "deals:api_deal_detail": Route("api", objects=DEAL, partner_scoped=True),
    "deals:api_deal_extensions": Route("api", objects=DEAL, partner_scoped=True),
    # POST only (decisions); the API-key test of the suite reads with GET, so
    # tests/deals/test_registration_api.py covers keys for these.
    "deals:api_deal_approve": Route(
        "api", ("POST",), objects=DEAL, anonymous={"POST": 401}, why="-"
    ),
    "deals:api_deal_reject": Route(
        "api",
        ("POST",),
        objects=DEAL,
        post={"reason": "Isolation"},
        anonymous={"POST": 401},
        why="-",
    ),
    "deals:api_deal_duplicate": Route(
        "api",
        ("POST",),
        objects=DEAL,
        post_objects={"duplicate_of": "direct_deal"},
        anonymous={"POST": 401},
        why="-",
    ),
    "deals:api_extension_decide": Route(
        "api",
        ("POST",),
        objects=EXTENSION,
        post={"decision": "refuse", "note": "Isolation"},
        anonymous={"POST": 401},
        why="-",
    ),
}
