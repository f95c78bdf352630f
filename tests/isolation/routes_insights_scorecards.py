"""Isolation registry entries for rep analytics and partner scorecards (staff)."""

from tests.isolation.registry import Route

PARTNER = {"partner_id": "partner"}

ROUTES: dict[str, Route] = {
    # Rep analytics names no object in its URL; its filters name programs, types and owners
    # in the query string, which the form limits to the tenant's own
    # (tests/insights/test_rep_analytics.py proves another tenant's reps never show).
    "insights:rep_analytics": Route("staff"),
    "insights:partner_scorecard": Route("staff", objects=PARTNER),
    # The partner page's "Scorecard" tab.
    "insights:partner_scorecard_tab": Route("staff", objects=PARTNER),
    "insights:partner_qbr": Route("staff", objects=PARTNER),
    "insights:partner_qbr_pdf": Route("staff", objects=PARTNER),
}
