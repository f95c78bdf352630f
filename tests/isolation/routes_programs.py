"""Isolation registry entries for the programs app's staff pages (namespace "programs")."""

from tests.isolation.registry import Route

PROGRAM = {"program_id": "program"}
TIER = {"program_id": "program", "tier_id": "tier"}
CONTRACT_TYPE = {"contract_type_id": "contract_type"}
PROGRAM_BODY = {"name": "Taken-over program", "partner_role": "introduces", "kpi": "meetings"}
PROGRAM_BODY_OBJECTS = {"contract_type": "contract_type"}
TIER_BODY = {
    "name": "Taken-over tier",
    "window_months": "12",
    "min_meetings_held": "0",
    "min_won_deals": "0",
    "min_revenue": "0",
    "min_certified_reps": "0",
    "discount_rate": "0",
}

ROUTES: dict[str, Route] = {
    "programs:program_list": Route("staff"),
    "programs:program_create": Route(
        "staff",
        ("GET", "POST"),
        post={**PROGRAM_BODY, "default_term_months": "12", "protection_days": "90"},
        post_objects=PROGRAM_BODY_OBJECTS,
    ),
    "programs:program_detail": Route("staff", objects=PROGRAM),
    "programs:program_edit": Route(
        "staff",
        ("GET", "POST"),
        objects=PROGRAM,
        post={**PROGRAM_BODY, "default_term_months": "24", "protection_days": "90"},
        post_objects=PROGRAM_BODY_OBJECTS,
    ),
    "programs:program_archive": Route("staff", ("GET", "POST"), objects=PROGRAM),
    # A new tier marks its program updated: the control test sees the program change.
    "programs:tier_create": Route("staff", ("GET", "POST"), objects=PROGRAM, post=TIER_BODY),
    "programs:tier_edit": Route("staff", ("GET", "POST"), objects=TIER, post=TIER_BODY),
    "programs:tier_move": Route("staff", ("POST",), objects=TIER, post={"direction": "up"}),
    "programs:tier_delete": Route("staff", ("GET", "POST"), objects=TIER),
    # GET only: a new terms version changes no existing row, which the control test cannot
    # see; tests/programs/test_contract_create_views.py proves a POST to another tenant's
    # program answers 404 and adds nothing.
    "programs:terms_create": Route("staff", objects=PROGRAM),
    "programs:terms_detail": Route("staff", objects={"program_id": "program", "terms_id": "terms"}),
    "programs:contract_type_list": Route(
        "staff", ("GET", "POST"), post={"name": "Intruder contract type"}
    ),
    "programs:contract_type_rename": Route(
        "staff", ("POST",), objects=CONTRACT_TYPE, post={"name": "Renamed by intruder"}
    ),
    "programs:contract_type_delete": Route("staff", ("POST",), objects=CONTRACT_TYPE),
}
