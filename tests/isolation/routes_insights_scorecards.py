"""Isolation registry entries for rep analytics and partner scorecards (staff)."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {
    # Rep analytics names no object in its URL; its filters name programs, types and owners
    # in the query string, which the form limits to the tenant's own
    # (tests/insights/test_rep_analytics.py proves another tenant's reps never show).
    "insights:rep_analytics": Route("staff"),
}
