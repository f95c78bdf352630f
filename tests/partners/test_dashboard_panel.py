"""The partners panel of the staff dashboard: what exists now, as charts and tables."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.choices import PartnerStatus, Priority, ProspectStage
from partners.selectors.dashboard import TREND_WEEKS, dashboard_figures
from tests.factories.partners import ActivityFactory, PartnerFactory, ProspectFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def panel_url(tenant):
    return reverse("partners_dashboard_panel", kwargs={"tenant_slug": tenant.slug})


def _world(tenant, owner, size: int):
    today = timezone.localdate()
    for number in range(size):
        partner = PartnerFactory(
            tenant=tenant,
            status=PartnerStatus.ACTIVE,
            priority=Priority.A if number % 2 else Priority.B,
            owner=owner,
        )
        if number % 3 == 0:
            ActivityFactory(partner=partner, occurred_on=today - timedelta(days=number % 50))
        ProspectFactory(tenant=tenant, stage=ProspectStage.MEETING)


def test_figures_count_by_status_priority_owner_week_and_stage(tenant, manager_member, in_tenant):
    today = timezone.localdate()
    overdue_a = PartnerFactory(
        tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.A, owner=manager_member
    )
    ActivityFactory(partner=overdue_a, occurred_on=today - timedelta(days=20))  # A: 7 days
    fresh_a = PartnerFactory(
        tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.A, owner=manager_member
    )
    ActivityFactory(partner=fresh_a, occurred_on=today)
    PartnerFactory(tenant=tenant, status=PartnerStatus.ONBOARDING, priority=Priority.B)  # never
    PartnerFactory(tenant=tenant, status=PartnerStatus.TERMINATED, priority=Priority.A)
    ProspectFactory(tenant=tenant, stage=ProspectStage.SOURCED)
    ProspectFactory(tenant=tenant, stage=ProspectStage.PROPOSAL)
    ProspectFactory(tenant=tenant, stage=ProspectStage.PROPOSAL)
    ActivityFactory(partner=fresh_a, occurred_on=today - timedelta(weeks=TREND_WEEKS + 1))

    with in_tenant(tenant):
        figures = dashboard_figures(tenant=tenant, today=today)

    by_status = {row["status"]: row for row in figures.by_status}
    assert by_status["active"]["counts"] == [2, 0, 0, 0]
    assert by_status["onboarding"]["counts"] == [0, 1, 0, 0]
    assert by_status["terminated"]["total"] == 1
    assert figures.partner_total == 4
    owner_name = manager_member.user.full_name or manager_member.user.email
    assert figures.overdue_by_owner == [
        {"owner": owner_name, "count": 1},
        {"owner": None, "count": 1},
    ]
    assert len(figures.activity_trend) == TREND_WEEKS
    assert sum(row["count"] for row in figures.activity_trend) == 2  # the old one is outside
    assert figures.activity_trend[-1]["count"] == 1
    funnel = {row["stage"]: row["count"] for row in figures.funnel}
    assert funnel["sourced"] == 1 and funnel["proposal"] == 2 and "lost" not in funnel


def test_panel_is_a_fragment_for_htmx_and_a_page_otherwise(tenant, viewer_member, client_for):
    PartnerFactory(tenant=tenant, status=PartnerStatus.ACTIVE)
    client = client_for(viewer_member)

    fragment = client.get(panel_url(tenant), **HTMX).content.decode()
    page = client.get(panel_url(tenant)).content.decode()

    assert "<html" not in fragment and 'data-testid="partners-dashboard"' in fragment
    assert "<html" in page and 'data-testid="partners-dashboard"' in page
    for table in ("status", "overdue", "trend", "funnel"):
        assert f'data-dashboard-chart="{table}"' in fragment
    assert "vendor/chartjs/chart.umd.min.js" in fragment
    assert 'id="partners-dashboard-data"' in fragment


QUERIES = 14


@pytest.mark.parametrize("size", [3, 30])
def test_panel_query_count_is_flat(
    tenant, manager_member, client_for, django_assert_num_queries, size
):
    _world(tenant, manager_member, size)
    client = client_for(manager_member)
    client.get(panel_url(tenant), **HTMX)

    with django_assert_num_queries(QUERIES):
        response = client.get(panel_url(tenant), **HTMX)

    assert response.status_code == 200
