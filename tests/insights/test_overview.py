"""The staff overview and the goal breakdown: figures, filters, exports, targets, and the
same number of queries at two data sizes."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.tenancy import tenant_context
from insights.models import InsightsSettings
from insights.selectors.goals import plan
from insights.services import kpi_recompute
from partners.choices import Priority
from tests.factories.deals import DealFactory
from tests.factories.partners import PartnerFactory, PartnerTypeFactory

pytestmark = pytest.mark.django_db


def _win(partner, amount, *, tenant=None, **fields):
    fields.setdefault("won_on", timezone.localdate())
    return DealFactory(
        tenant=tenant or partner.tenant, partner=partner, amount_one_time=amount, **fields
    )


def _recompute(tenant):
    with tenant_context(tenant):
        kpi_recompute(tenant=tenant)


@pytest.fixture
def world(tenant):
    reseller_type = PartnerTypeFactory(tenant=tenant, name="Reseller")
    bank = PartnerTypeFactory(tenant=tenant, name="Regional bank")
    seller = PartnerFactory(tenant=tenant, partner_type=reseller_type, priority=Priority.A)
    lender = PartnerFactory(tenant=tenant, partner_type=bank, priority=Priority.C)
    _win(seller, 3_000_000)
    _win(lender, 1_000_000)
    _win(None, 6_000_000, tenant=tenant, registration_status="direct")
    _recompute(tenant)
    return {"seller": seller, "lender": lender, "reseller_type": reseller_type}


def test_the_overview_shows_the_revenue_mix_against_the_target(
    tenant, manager_member, client_for, world
):
    page = client_for(manager_member).get(f"/{tenant.slug}/insights/")
    assert page.status_code == 200
    html = page.content.decode()
    # Partners 4,000,000 of 10,000,000: 40.0 %, on the default target.
    assert 'data-testid="headline-partner_share">40.0 %' in html
    assert 'data-testid="headline-revenue">¥4,000,000' in html
    assert 'data-testid="headline-new_customers">3' in html


def test_a_partner_type_filter_slices_the_figures(tenant, manager_member, client_for, world):
    url = f"/{tenant.slug}/insights/?partner_type={world['reseller_type'].pk}"
    html = client_for(manager_member).get(url).content.decode()
    assert 'data-testid="headline-revenue">¥3,000,000' in html
    # The direct deals belong to no partner type: the mix of a slice is its own revenue.
    assert 'data-testid="headline-new_customers">1' in html


def test_exports_are_the_tables(tenant, manager_member, client_for, world):
    client = client_for(manager_member)
    mix = client.get(f"/{tenant.slug}/insights/?export=mix")
    assert mix["Content-Type"].startswith("text/csv")
    last = mix.content.decode("utf-8-sig").strip().splitlines()[-1]
    assert '"4000000.000","6000000.000","0.4000"' in last
    funnel = client.get(f"/{tenant.slug}/insights/?export=funnel").content.decode("utf-8-sig")
    assert "Deals won" in funnel


def test_the_target_is_a_setting_and_its_change_is_audited(tenant, admin_member, client_for):
    client = client_for(admin_member)
    refused = client.post(f"/{tenant.slug}/settings/insights/", {"partner_share_target": "120"})
    assert refused.status_code == 200
    assert "100" in refused.content.decode()
    saved = client.post(f"/{tenant.slug}/settings/insights/", {"partner_share_target": "35"})
    assert saved.status_code == 302
    with scopes_disabled():
        assert InsightsSettings.objects.get(tenant=tenant).partner_share_target == Decimal(35)
        event = AuditEvent.objects.get(tenant=tenant, action="insights.settings_updated")
    assert event.changes["partner_share_target"][1] == "35"


def test_a_viewer_may_not_change_the_target(tenant, viewer_member, client_for):
    client = client_for(viewer_member)
    assert client.get(f"/{tenant.slug}/insights/").status_code == 200
    assert client.get(f"/{tenant.slug}/settings/insights/").status_code in (403, 404)


def test_the_goal_plan_works_back_from_the_goal():
    # Basis: 100 listed, 50 requests (5 days each), 25 agreed (4), 20 done (10), 10 meetings
    # (7), 5 won (30 days) worth 5,000,000 in all (1,000,000 a deal).
    row = {
        "accounts_listed": 100,
        "requests": 50,
        "requests_lead_days": 250,
        "requests_lead_n": 50,
        "actions_agreed": 25,
        "actions_agreed_lead_days": 100,
        "actions_agreed_lead_n": 25,
        "actions_done": 20,
        "actions_done_lead_days": 200,
        "actions_done_lead_n": 20,
        "meetings_held": 10,
        "meetings_held_lead_days": 70,
        "meetings_held_lead_n": 10,
        "deals_won": 5,
        "won_lead_days": 150,
        "won_lead_n": 5,
        "revenue_one_time": 5_000_000,
    }
    from insights.metrics import empty_row

    row = {**empty_row(), **row}
    end = datetime.date(2027, 3, 31)
    meetings = plan(
        name="all", partner_id=None, row=row, metric="meetings_held", goal=Decimal(20), deadline=end
    )
    assert [(s.code, s.needed, s.by) for s in meetings.steps] == [
        ("accounts_listed", 200, datetime.date(2027, 3, 5)),
        ("requests", 100, datetime.date(2027, 3, 10)),
        ("actions_agreed", 50, datetime.date(2027, 3, 14)),
        ("actions_done", 40, datetime.date(2027, 3, 24)),
        ("meetings_held", 20, end),
    ]
    revenue = plan(
        name="all",
        partner_id=None,
        row=row,
        metric="revenue",
        goal=Decimal(3_000_000),
        deadline=end,
    )
    assert [(s.needed, s.by) for s in revenue.steps] == [
        (60, datetime.date(2027, 2, 3)),
        (30, datetime.date(2027, 2, 8)),
        (15, datetime.date(2027, 2, 12)),
        (12, datetime.date(2027, 2, 22)),
        (6, datetime.date(2027, 3, 1)),
        (3, end),
    ]
    assert revenue.complete


def test_the_goal_page_validates_and_exports(tenant, manager_member, client_for, world):
    client = client_for(manager_member)
    bad = client.get(f"/{tenant.slug}/insights/goal/?metric=meetings_held&goal=-3")
    assert bad.status_code == 200
    assert 'data-testid="goal-plan"' not in bad.content.decode()
    assert "is-invalid" in bad.content.decode()
    # Last month's win is in the basis (the twelve months before this one): the seller
    # brought all of it, so the whole goal is the seller's.
    _win(
        world["seller"],
        1_000_000,
        won_on=timezone.localdate().replace(day=1) - datetime.timedelta(days=3),
    )
    _recompute(tenant)
    page = client.get(f"/{tenant.slug}/insights/goal/")
    quarter = page.context["form"].fields["quarter"].initial
    url = f"/{tenant.slug}/insights/goal/?metric=deals_won&goal=4&quarter={quarter}"
    html = client.get(url).content.decode()
    assert 'data-testid="goal-plan"' in html
    assert 'data-testid="needed-deals_won">4<' in html
    # No meeting in the basis: the steps before the deals cannot be worked out.
    assert 'data-testid="goal-incomplete"' in html
    export = client.get(url + "&export=steps").content.decode("utf-8-sig").splitlines()
    assert export[0].startswith('"Partner"')
    assert [line.split(",")[0] for line in export[1:]] == [
        f'"{world["seller"].legal_name}"',
        '"All partners"',
    ]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "insights/",
        "insights/?period=month&priority=A",
        "insights/goal/?metric=meetings_held&goal=10",
    ],
)
def test_the_pages_make_the_same_queries_at_two_sizes(
    tenant, manager_member, fresh_client_for, url
):
    def grow(n):
        for _n in range(n):
            partner = PartnerFactory(tenant=tenant, priority=Priority.A)
            _win(partner, 100_000)
            _win(partner, 200_000, won_on=timezone.localdate() - datetime.timedelta(days=40))
        _recompute(tenant)

    grow(2)
    small = _queries(fresh_client_for(manager_member), f"/{tenant.slug}/{url}")
    grow(8)
    large = _queries(fresh_client_for(manager_member), f"/{tenant.slug}/{url}")
    assert small == large
