"""Isolation registry entries for rep analytics and partner scorecards (staff)."""

from tests.isolation.registry import Route

PARTNER = {"partner_id": "partner"}
QBR_JOB = {"export_id": "qbr_job"}

ROUTES: dict[str, Route] = {
    # Rep analytics names no object in its URL; its filters name programs, types and owners
    # in the query string, which the form limits to the tenant's own
    # (tests/insights/test_rep_analytics.py proves another tenant's reps never show).
    "insights:rep_analytics": Route("staff"),
    "insights:partner_scorecard": Route("staff", objects=PARTNER),
    # The partner page's "Scorecard" tab.
    "insights:partner_scorecard_tab": Route("staff", objects=PARTNER),
    "insights:partner_qbr": Route("staff", objects=PARTNER),
    # A POST asks for the QBR as a PDF job (tests/insights/test_qbr_pdf.py proves the rest);
    # only the person who asked sees the job: Side.qbr_job is the admin's.
    "insights:partner_qbr_pdf": Route("staff", ("POST",), objects=PARTNER),
    "insights:qbr_job": Route("staff", objects=QBR_JOB),
    "insights:qbr_job_progress": Route("staff", objects=QBR_JOB),
    "insights:qbr_download": Route("staff", objects=QBR_JOB),
}
