"""Isolation registry entries for the insights portal page (My results) and the KPI snapshot
API.

The side's partner user is its company's partner admin: the page shows its company's figures
(the partner comes from the login; the page names no object), and the API lists its
partner's rows. Another partner's row answers 404 on the API's detail route and stays
unchanged (partner_scoped); that the tenant's and programs' rows and a colleague's rep row
stay out of a partner user's reach is in tests/insights/test_api.py, and that another
partner's figures never appear on the page in tests/insights/test_portal.py.
"""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {
    "insights:portal_results": Route("portal"),
    "insights:api_kpi_snapshot_list": Route("api"),
    "insights:api_kpi_snapshot_detail": Route(
        "api", objects={"snapshot_id": "kpi_snapshot"}, partner_scoped=True
    ),
}
