"""Isolation registry entries for the engagement routes of the partners app."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {
    "contact_due_list": Route("staff"),
    "cadence_settings": Route(
        "staff",
        ("GET", "POST"),
        post={
            "A-contact_interval_days": "3",
            "A-expectation": "Taken over",
            "B-contact_interval_days": "30",
            "C-contact_interval_days": "30",
            "D-contact_interval_days": "",
        },
    ),
    # GET only here: logging an activity creates a row and changes none, which the control
    # test cannot see; tests/partners/test_engagement_views.py proves a POST naming another
    # tenant's partner answers 404 and creates nothing.
    "partner_activities": Route("staff", objects={"partner_id": "partner"}),
    "partner_rep_search": Route("staff", objects={"partner_id": "partner"}),
    "activity_delete": Route(
        "staff", ("POST",), objects={"partner_id": "partner", "activity_id": "activity"}
    ),
}
