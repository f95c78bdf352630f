"""Isolation registry entries for announcements and the sales process (staff, portal and
API)."""

from tests.isolation.registry import Route

ANNOUNCEMENT = {"announcement_id": "announcement"}
PHASE = {"phase_id": "sales_phase"}

ROUTES: dict[str, Route] = {
    "programs:announcement_list": Route("staff"),
    # The body names the requested side's program; tests/programs/test_announcements.py
    # proves another tenant's program in a body creates nothing.
    "programs:announcement_create": Route(
        "staff",
        ("GET", "POST"),
        post={
            "title": "Isolation announcement",
            "body": "Isolation text.",
            "kind": "other",
            "token": "isolation-announcement-token",
        },
        post_objects={"programs": "program"},
    ),
    "programs:announcement_detail": Route("staff", objects=ANNOUNCEMENT),
    "programs:announcement_edit": Route(
        "staff",
        ("GET", "POST"),
        objects={"announcement_id": "draft_announcement"},
        post={"title": "Renamed by isolation", "body": "Changed.", "kind": "other"},
    ),
    "programs:announcement_publish": Route(
        "staff", ("GET", "POST"), objects={"announcement_id": "draft_announcement"}
    ),
    "programs:announcement_archive": Route("staff", ("GET", "POST"), objects=ANNOUNCEMENT),
    "programs:sales_process": Route("staff"),
    "programs:sales_phase_create": Route(
        "staff",
        ("GET", "POST"),
        post={"name": "Isolation phase", "exit_criteria": "Isolation criteria."},
    ),
    "programs:sales_phase_edit": Route(
        "staff",
        ("GET", "POST"),
        objects=PHASE,
        post={"name": "Renamed by isolation", "exit_criteria": "Changed."},
    ),
    "programs:sales_phase_move": Route(
        "staff", ("POST",), objects=PHASE, post={"direction": "down"}
    ),
    "programs:sales_phase_delete": Route("staff", ("GET", "POST"), objects=PHASE),
    "programs:portal_announcements": Route("portal"),
    # `announcement_of_other_partner` is published for a tier the partner is not at: the
    # partner user gets 404 for it, as for another tenant's (and opening it records nothing).
    "programs:portal_announcement": Route("portal", objects=ANNOUNCEMENT, partner_scoped=True),
    "programs:portal_sales_process": Route("portal"),
    # The API: staff read every announcement; the partner user the published ones its tier
    # sees (`announcement_of_other_partner` answers 404, as in the portal).
    "programs:api_announcement_list": Route("api"),
    "programs:api_announcement_detail": Route("api", objects=ANNOUNCEMENT, partner_scoped=True),
    # The partner user's read receipt (staff get 403): the object tests sign in as the
    # partner user; the control's write is the receipt, a row of its own that names the
    # announcement. POST only, so the API-key test (GET) skips it, and
    # tests/programs/test_announcements_api.py proves another tier's announcement answers
    # 404 and records nothing.
    "programs:api_announcement_read": Route(
        "api",
        ("POST",),
        objects=ANNOUNCEMENT,
        anonymous={"POST": 401},
        as_partner_user=True,
    ),
}
