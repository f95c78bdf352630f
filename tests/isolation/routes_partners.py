"""Isolation registry entries for the partners routes of the partners app (the directory)."""

from tests.isolation.registry import Route

PARTNER = {"partner_id": "partner"}
REP = {"rep_id": "rep"}
PARTNER_TYPE = {"partner_type_id": "partner_type"}
EXPORT_JOB = {"export_id": "export_job"}
PARTNER_BODY = {"legal_name": "株式会社乗っ取り", "entity_kind": "company", "priority": "B"}

ROUTES: dict[str, Route] = {
    "partner_list": Route("staff"),
    # A POST creates an export job for the list (tests/partners/test_export_jobs.py proves
    # the job holds its own tenant's rows only).
    "partner_export": Route("staff", ("POST",), post={"what": "reps"}),
    # Only the person who asked sees a job: Side.export_job is the admin's (another person's
    # job answers 404 too: tests/partners/test_export_jobs.py::test_idor_*).
    "partner_export_job": Route("staff", objects=EXPORT_JOB),
    "partner_export_job_progress": Route("staff", objects=EXPORT_JOB),
    "partner_export_download": Route("staff", objects=EXPORT_JOB),
    # Partner ids travel in the body: another tenant's id refuses the whole change
    # (tests/partners/test_partner_list.py::test_idor_bulk_assign_*).
    "partner_bulk_assign": Route("staff", ("POST",), post={"priority": "A"}),
    "partner_create": Route("staff", ("GET", "POST"), post=PARTNER_BODY),
    # A confirm with an unknown token: "the upload has expired" and a redirect, nothing written.
    "partner_import": Route("staff", ("GET", "POST"), post={"token": "unknown"}),
    "partner_import_template": Route("staff"),
    "partner_import_job": Route("staff", objects={"import_id": "import_job"}),
    "partner_import_job_progress": Route("staff", objects={"import_id": "import_job"}),
    "partner_detail": Route("staff", objects=PARTNER),
    "partner_edit": Route("staff", ("GET", "POST"), objects=PARTNER, post=PARTNER_BODY),
    "partner_status_change": Route(
        "staff",
        ("POST",),
        objects=PARTNER,
        post={"status": "onboarding", "changed_on": "2024-04-01"},
    ),
    # GET only here: an invitation creates rows and changes none, which the control test
    # cannot see; tests/partners/test_portal_invitations.py proves a POST naming another
    # tenant's partner (or another partner's rep) answers 404 and creates nothing.
    "partner_portal_invite": Route("staff", objects=PARTNER),
    "rep_create": Route(
        "staff", ("GET", "POST"), objects=PARTNER, post={"full_name": "Intruder Rep"}
    ),
    "rep_import": Route("staff", ("GET", "POST"), post={"token": "unknown"}),
    "rep_detail": Route("staff", objects=REP),
    "rep_edit": Route("staff", ("GET", "POST"), objects=REP, post={"full_name": "Taken Over"}),
    "rep_leave": Route("staff", ("POST",), objects=REP, post={"left_on": "2024-04-01"}),
    "partners_dashboard_panel": Route("staff"),
    "partner_type_list": Route("staff", ("GET", "POST"), post={"name": "Intruder type"}),
    "portal_settings_edit": Route("staff", ("GET", "POST"), post={"editable_profile": "address"}),
    "partner_type_rename": Route(
        "staff", ("POST",), objects=PARTNER_TYPE, post={"name": "Renamed by intruder"}
    ),
    "partner_type_delete": Route("staff", ("POST",), objects=PARTNER_TYPE),
}
