"""Staff analytics of the view log: one asset's figures and weekly trend, the partner page's
"Material" tab per rep, and their query counts at two sizes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.roles import Role
from programs.models import AssetView
from programs.selectors.asset_views import (
    asset_use,
    asset_use_by_week,
    partner_rep_use,
    window_days,
    window_start,
)
from programs.services.asset_views import asset_view_record
from tests.factories.accounts import MembershipFactory
from tests.factories.partners import PartnerFactory, PartnerRepFactory
from tests.factories.programs import AssetFactory, AssetVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unscoped():
    with scopes_disabled():
        yield


def _view(asset, rep, action="view", days_ago=0):
    view = asset_view_record(
        tenant=asset.tenant, asset=asset, rep=rep, membership=None, action=action
    )
    if days_ago:
        AssetView.objects.filter(pk=view.pk).update(
            viewed_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    return view


@pytest.fixture
def world(tenant):
    kita = PartnerFactory(tenant=tenant, display_name="Kita")
    minami = PartnerFactory(tenant=tenant, display_name="Minami")
    reps = {
        "aoki": PartnerRepFactory(tenant=tenant, partner=kita, full_name="Aoki"),
        "baba": PartnerRepFactory(tenant=tenant, partner=kita, full_name="Baba"),
        "chiba": PartnerRepFactory(tenant=tenant, partner=minami, full_name="Chiba"),
    }
    deck = AssetFactory(tenant=tenant, title="Deck")
    AssetVersionFactory(tenant=tenant, asset=deck, number=1)
    return kita, minami, reps, deck


def test_an_assets_use_counts_views_downloads_viewers_and_partners(tenant, world):
    _kita, _minami, reps, deck = world
    _view(deck, reps["aoki"])
    _view(deck, reps["aoki"])
    _view(deck, reps["aoki"], "download")
    _view(deck, reps["baba"])
    _view(deck, reps["chiba"])
    _view(deck, reps["chiba"], days_ago=200)  # outside a 90-day window
    use = asset_use(tenant=tenant, asset=deck, since=window_start(tenant, 90))
    assert (use.views, use.downloads, use.viewers, use.partners) == (4, 1, 3, 2)
    year = asset_use(tenant=tenant, asset=deck, since=window_start(tenant, 365))
    assert year.views == 5


def test_the_weekly_trend_has_every_week_with_zeros(tenant, world):
    _kita, _minami, reps, deck = world
    _view(deck, reps["aoki"], days_ago=0)
    _view(deck, reps["aoki"], days_ago=21)
    weeks = asset_use_by_week(tenant=tenant, asset=deck, since=window_start(tenant, 30))
    assert len(weeks) in (5, 6)  # 30 days span five or six Monday-weeks
    assert all(week.starts_on.weekday() == 0 for week in weeks)
    assert sum(week.views for week in weeks) == 2
    assert weeks[-1].views == 1
    assert [w.starts_on for w in weeks] == sorted(w.starts_on for w in weeks)


def test_the_window_is_one_of_the_offered_ones():
    assert (window_days("30"), window_days("365"), window_days("7"), window_days("x")) == (
        30,
        365,
        90,
        90,
    )


def test_the_partner_tab_sums_per_rep_of_that_partner_only(tenant, world):
    kita, _minami, reps, deck = world
    other = AssetFactory(tenant=tenant, title="FAQ")
    _view(deck, reps["aoki"])
    _view(other, reps["aoki"])
    _view(deck, reps["baba"], "download")
    _view(deck, reps["chiba"])
    rows = partner_rep_use(tenant=tenant, partner=kita, since=window_start(tenant, 90))
    assert [(r.name, r.views, r.downloads, r.assets) for r in rows] == [
        ("Aoki", 2, 0, 2),
        ("Baba", 0, 1, 1),
    ]


def _staff(tenant, client_for):
    return client_for(MembershipFactory(tenant=tenant, role=Role.PARTNER_MANAGER))


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_the_staff_pages_show_the_figures_at_a_flat_query_count(tenant, world, client_for):
    kita, _minami, reps, deck = world
    client = _staff(tenant, client_for)
    asset_url = reverse(
        "programs:asset_detail", kwargs={"tenant_slug": tenant.slug, "asset_id": deck.pk}
    )
    tab_url = reverse(
        "programs:partner_asset_views", kwargs={"tenant_slug": tenant.slug, "partner_id": kita.pk}
    )
    _view(deck, reps["aoki"])
    small = (_count(client, asset_url)[0], _count(client, tab_url)[0])
    for n in range(10):
        rep = PartnerRepFactory(tenant=tenant, partner=kita, full_name=f"Rep {n}")
        asset = AssetFactory(tenant=tenant, title=f"Asset {n}")
        _view(asset, rep)
        _view(deck, rep, "download")
    large_asset, page = _count(client, asset_url)
    large_tab, tab = _count(client, tab_url)
    assert small == (large_asset, large_tab)
    assert page.context["use"].viewers == 11
    assert b'data-testid="use-downloads">10<' in page.content
    assert len(tab.context["reps"]) == 11


def test_the_tab_filters_by_one_rep_of_the_partner_and_ignores_another_partners(
    tenant, world, client_for
):
    kita, _minami, reps, deck = world
    _view(deck, reps["aoki"])
    _view(deck, reps["baba"])
    client = _staff(tenant, client_for)
    url = reverse(
        "programs:partner_asset_views", kwargs={"tenant_slug": tenant.slug, "partner_id": kita.pk}
    )
    one = client.get(url, {"rep": reps["baba"].pk})
    assert [open.rep.full_name for open in one.context["opens"]] == ["Baba"]
    foreign = client.get(url, {"rep": reps["chiba"].pk})
    assert foreign.context["rep"] is None
    assert len(foreign.context["opens"]) == 2
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b"partner-asset-views" in fragment.content
