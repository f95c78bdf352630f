"""Isolation registry entries for the deals app's pipeline area (pages and API)."""

from tests.isolation.registry import Route

MOVING = {"deal_id": "moving_deal"}
STAGE = {"stage_id": "deal_stage"}

ROUTES: dict[str, Route] = {
    "deals:pipeline_list": Route("staff"),
    "deals:pipeline_board": Route("staff"),
    # GET here; tests/deals/test_pipeline_views.py enters one (a create names no object).
    "deals:direct_deal_create": Route("staff"),
    # The job is `?job=<id>` on the upload page: tests/deals/test_deal_imports.py proves
    # another tenant's job, and a job of another kind, answer 404.
    "deals:direct_deal_import": Route("staff"),
    "deals:deal_stage_move": Route(
        "staff", ("POST",), objects=MOVING, post_objects={"stage": "deal_stage"}
    ),
    # GET here: the world has no won deal; tests/deals/test_pipeline_views.py changes one.
    "deals:deal_amount_change": Route("staff", objects={"deal_id": "deal"}),
    "deals:deal_churn": Route("staff", objects={"deal_id": "deal"}),
    "deals:deal_attribution": Route(
        "staff",
        ("GET", "POST"),
        objects=MOVING,
        post={"second_partner_role": "closes"},
        post_objects={"second_partner": "partner_of_other_partner"},
    ),
    "deals:partner_deals": Route("staff", objects={"partner_id": "partner"}),
    # Settings › Pipeline stages. Adding one names no object (GET here; the views' tests add).
    "deals:stage_list": Route("staff"),
    "deals:stage_edit": Route(
        "staff",
        ("GET", "POST"),
        objects=STAGE,
        post={"name": "Isolation stage", "exit_criteria": "Changed"},
    ),
    "deals:stage_move": Route("staff", ("POST",), objects=STAGE, post={"direction": "up"}),
    # GET here: a built-in stage is never deleted; the views' tests delete one of their own.
    "deals:stage_delete": Route("staff", objects=STAGE),
    # Portal: the partner moves its own deal of an agency program.
    "deals:portal_deal_stage_move": Route(
        "portal",
        ("GET", "POST"),
        objects=MOVING,
        post_objects={"stage": "deal_stage"},
        partner_scoped=True,
    ),
    # API
    "deals:api_stage_list": Route("api"),
    "deals:api_pipeline_list": Route("api"),
    # POST only; tests/deals/test_pipeline_api.py proves a partner user moving another
    # partner's deal gets 404 and changes nothing.
    "deals:api_deal_stage_move": Route(
        "api",
        ("POST",),
        objects=MOVING,
        post_objects={"stage": "deal_stage"},
        anonymous={"POST": 401},
        why="-",
    ),
    "deals:api_direct_deal_create": Route(
        "api",
        ("POST",),
        post={"customer_name": "株式会社アイソ", "amount_one_time": "1000"},
        anonymous={"POST": 401},
        why="-",
    ),
}
