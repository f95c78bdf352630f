"""Isolation registry entries for the recruitment routes of the partners app."""

from tests.isolation.registry import Route

PROSPECT = {"prospect_id": "prospect"}
LOST_REASON = {"lost_reason_id": "lost_reason"}

ROUTES: dict[str, Route] = {
    "recruitment_home": Route("staff"),
    "recruitment_report": Route("staff"),
    "prospect_create": Route(
        "staff", ("GET", "POST"), post={"company_name": "Intruder Co", "source": "outbound"}
    ),
    "prospect_detail": Route("staff", objects=PROSPECT),
    "prospect_edit": Route(
        "staff",
        ("GET", "POST"),
        objects=PROSPECT,
        post={"company_name": "Taken over", "source": "outbound", "entity_kind": "company"},
    ),
    "prospect_stage": Route("staff", ("POST",), objects=PROSPECT, post={"to_stage": "contacted"}),
    "prospect_sign": Route(
        "staff",
        ("GET", "POST"),
        objects=PROSPECT,
        post={"legal_name": "Signed Over KK", "entity_kind": "company", "priority": "C"},
    ),
    "persona_edit": Route("staff", ("GET", "POST"), post={"goals": "Taken over"}),
    "lost_reason_list": Route("staff", ("GET", "POST"), post={"label": "Intruder reason"}),
    "lost_reason_rename": Route("staff", ("POST",), objects=LOST_REASON, post={"label": "Renamed"}),
    "lost_reason_delete": Route("staff", ("POST",), objects=LOST_REASON),
    "partner_apply": Route(
        "public",
        ("GET", "POST"),
        # An empty POST is an invalid application: the form again, nothing stored.
        anonymous={"GET": 200, "POST": 200},
        why='the public "become a partner" application form',
    ),
    "partner_apply_thanks": Route(
        "public",
        anonymous={"GET": 200},
        why="the thank-you page after an application: static text and the tenant's branding",
    ),
}
