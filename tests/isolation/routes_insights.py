"""Isolation registry entries for the insights app (staff overview, goal breakdown, targets)."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {
    # The overview and the goal plan name no object: they read the tenant's own snapshots
    # (tests/isolation/test_isolation.py proves a recompute never touches another tenant's).
    "insights:overview": Route("staff"),
    "insights:goal_breakdown": Route("staff"),
    # Settings › KPI targets (GET here; tests/insights/test_overview.py saves it).
    "insights:settings": Route("staff"),
}
