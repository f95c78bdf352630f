"""The demo yields believable dashboards: a partner share near 40 % over two years, a funnel
that narrows step by step, reps mostly known and partly active, and the 2:6:2 shape."""

from decimal import Decimal

import pytest

from accounts.models import Tenant
from accounts.tenancy import tenant_context
from insights.metrics import FUNNEL, add_rows, derive
from insights.selectors.snapshots import KpiFilter, kpi_by_rep, kpi_series

pytestmark = pytest.mark.django_db


def test_the_demo_dashboards_are_believable(demo_once, unscoped):
    assert "KPI snapshot rows" in demo_once
    with unscoped():
        sakura = Tenant.objects.get(slug="sakura")
    with tenant_context(sakura):
        years = kpi_series(tenant=sakura, kpi_filter=KpiFilter(period_kind="year"), count=2)
        two_years = derive(add_rows(row for _start, row in years))
        # The partner share grows towards the target: over the two years, near 40 %.
        assert Decimal("0.30") <= two_years["partner_share"] <= Decimal("0.50")
        # Every step of the funnel is narrower than the one before it.
        counts = [add_rows(row for _s, row in years)[code] for code, _lead in FUNNEL]
        assert all(a > b for a, b in zip(counts, counts[1:], strict=False)), counts
        this_year = derive(years[-1][1])
        assert Decimal("0.2") < this_year["activation_rate"] < Decimal("0.9")
        assert this_year["producing_coverage"] < this_year["activation_rate"]
        # A minority of reps opens most of the material (domain.md §3, 2:6:2).
        reps = kpi_by_rep(tenant=sakura, kpi_filter=KpiFilter(period_kind="year"))
    views = sorted((row["asset_views"] for row in reps), reverse=True)
    top_fifth = sum(views[: len(views) // 5])
    assert top_fifth > sum(views) / 2
