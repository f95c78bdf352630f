"""The portal library: what a partner sees by program and tier, the view log written by opening
and downloading (one INSERT), the preview, the daily roll-up and the "most viewed" order."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.roles import Role
from programs.models import (
    AssetAction,
    AssetProgram,
    AssetTier,
    AssetView,
    AssetViewDay,
    ContractStatus,
)
from programs.selectors.library_portal import portal_assets
from programs.selectors.visibility import partner_placement
from programs.services.asset_views import asset_view_days_refresh, asset_view_record
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import (
    AssetFactory,
    AssetVersionFactory,
    PartnerContractFactory,
    ProgramFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unscoped():
    with scopes_disabled():
        yield


@pytest.fixture
def program(tenant):
    return ProgramFactory(tenant=tenant, name="Resell")


@pytest.fixture
def gold(program):
    return TierFactory(tenant=program.tenant, program=program, name="Gold", position=2)


@pytest.fixture
def silver(program):
    return TierFactory(tenant=program.tenant, program=program, name="Silver", position=1)


def _partner_at(tier, name="Kita Trading", status=ContractStatus.ACTIVE):
    partner = PartnerFactory(tenant=tier.tenant, display_name=name)
    PartnerContractFactory(tenant=tier.tenant, partner=partner, tier=tier, status=status)
    return partner


def _file_asset(tenant, *, programs=(), tiers=(), **fields):
    asset = AssetFactory(tenant=tenant, **fields)
    AssetVersionFactory(tenant=tenant, asset=asset, number=1)
    for program in programs:
        AssetProgram.objects.create(tenant=tenant, asset=asset, program=program)
    for tier in tiers:
        AssetTier.objects.create(tenant=tenant, asset=asset, tier=tier)
    return asset


def _visible_titles(tenant, partner):
    placement = partner_placement(tenant=tenant, partner=partner)
    assets = portal_assets(tenant=tenant, placement=placement, today=timezone.localdate())
    return sorted(asset.title for asset in assets)


# --- Visibility ------------------------------------------------------------------------------


def test_visibility_follows_program_and_tier(tenant, program, gold, silver):
    other_program = ProgramFactory(tenant=tenant, name="Refer")
    other_tier = TierFactory(tenant=tenant, program=other_program, name="Member", position=1)
    _file_asset(tenant, title="everyone")
    _file_asset(tenant, title="resell, any tier", programs=[program])
    _file_asset(tenant, title="resell gold", programs=[program], tiers=[gold])
    _file_asset(tenant, title="refer only", programs=[other_program])
    # Resell chosen without tiers, Refer chosen at one tier: all of Resell sees it.
    _file_asset(
        tenant,
        title="resell any, refer member",
        programs=[program, other_program],
        tiers=[other_tier],
    )
    _file_asset(tenant, title="archived", is_archived=True)
    AssetFactory(tenant=tenant, title="no upload yet")
    AssetFactory(tenant=tenant, title="a video", kind="link", url="https://video.example.com/1")

    at_gold = _partner_at(gold, "Gold partner")
    at_silver = _partner_at(silver, "Silver partner")
    nowhere = PartnerFactory(tenant=tenant, display_name="No contract")

    assert _visible_titles(tenant, at_gold) == [
        "a video",
        "everyone",
        "resell any, refer member",
        "resell gold",
        "resell, any tier",
    ]
    assert _visible_titles(tenant, at_silver) == [
        "a video",
        "everyone",
        "resell any, refer member",
        "resell, any tier",
    ]
    assert _visible_titles(tenant, nowhere) == ["a video", "everyone"]


def test_an_ended_contract_no_longer_shows_its_programs_assets(tenant, program, gold):
    _file_asset(tenant, title="resell", programs=[program])
    ended = _partner_at(gold, "Ended partner", status=ContractStatus.ENDED)
    assert _visible_titles(tenant, ended) == []


# --- Pages and the view log ------------------------------------------------------------------


@pytest.fixture
def rep_login(gold):
    partner = _partner_at(gold)
    return portal_membership_for(partner, role=Role.PARTNER_REP)


def _url(name, tenant, **kwargs):
    return reverse(f"programs:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_opening_an_asset_logs_one_view_with_who_and_which_version(
    tenant, program, gold, rep_login, client_for
):
    membership, rep = rep_login
    asset = _file_asset(tenant, title="Price sheet", programs=[program], tiers=[gold])
    AssetVersionFactory(tenant=tenant, asset=asset, number=2)
    response = client_for(membership).get(_url("portal_asset", tenant, asset_id=asset.pk))
    assert response.status_code == 200
    assert b"Price sheet" in response.content
    view = AssetView.objects.get(tenant=tenant)
    assert (view.asset_id, view.version.number, view.rep_id, view.partner_id) == (
        asset.pk,
        2,
        rep.pk,
        rep.partner_id,
    )
    assert (view.membership_id, view.action) == (membership.pk, AssetAction.VIEW)


def test_the_download_is_an_attachment_and_is_logged_the_preview_is_not(
    tenant, program, rep_login, client_for
):
    membership, _rep = rep_login
    asset = _file_asset(tenant, title="Deck", programs=[program])
    client = client_for(membership)
    preview = client.get(_url("portal_asset_preview", tenant, asset_id=asset.pk))
    assert preview.status_code == 200
    assert preview["Content-Disposition"].startswith("inline")
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert preview["Cache-Control"] == "private, no-store"
    assert AssetView.objects.filter(tenant=tenant).count() == 0
    download = client.get(_url("portal_asset_download", tenant, asset_id=asset.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert list(AssetView.objects.filter(tenant=tenant).values_list("action", flat=True)) == [
        AssetAction.DOWNLOAD
    ]


@pytest.mark.parametrize("route", ["portal_asset", "portal_asset_preview", "portal_asset_download"])
def test_another_tiers_asset_answers_404_and_logs_nothing(
    tenant, program, silver, rep_login, client_for, route
):
    membership, _rep = rep_login
    hidden = _file_asset(tenant, title="Silver only", programs=[program], tiers=[silver])
    response = client_for(membership).get(_url(route, tenant, asset_id=hidden.pk))
    assert response.status_code == 404
    assert not AssetView.objects.filter(tenant=tenant).exists()


def test_a_link_asset_is_logged_without_a_version_and_has_no_file(tenant, rep_login, client_for):
    membership, _rep = rep_login
    video = AssetFactory(tenant=tenant, kind="link", url="https://video.example.com/demo")
    client = client_for(membership)
    page = client.get(_url("portal_asset", tenant, asset_id=video.pk))
    assert page.status_code == 200 and b"https://video.example.com/demo" in page.content
    assert AssetView.objects.get(tenant=tenant).version is None
    assert client.get(_url("portal_asset_download", tenant, asset_id=video.pk)).status_code == 404


def test_recording_a_view_is_one_insert(tenant, rep_login, django_assert_num_queries):
    membership, rep = rep_login
    asset = _file_asset(tenant, title="Deck")
    version = asset.versions.get()
    with django_assert_num_queries(1) as captured:
        asset_view_record(
            tenant=tenant, asset=asset, rep=rep, membership=membership, version=version
        )
    assert captured.captured_queries[0]["sql"].startswith("INSERT")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_library_and_an_asset_page_cost_the_same_queries_at_two_sizes(
    tenant, program, gold, rep_login, client_for
):
    membership, rep = rep_login
    client = client_for(membership)
    asset = _file_asset(tenant, title="First", programs=[program], tiers=[gold])
    small = (
        _queries(client, _url("portal_library", tenant)),
        _queries(client, _url("portal_library", tenant) + "?sort=most_viewed"),
        _queries(client, _url("portal_asset", tenant, asset_id=asset.pk)),
    )
    for n in range(12):
        more = _file_asset(tenant, title=f"More {n}", programs=[program])
        AssetVersionFactory(tenant=tenant, asset=more, number=2)
        asset_view_record(tenant=tenant, asset=more, rep=rep, membership=membership)
    asset_view_days_refresh(tenant=tenant)
    large = (
        _queries(client, _url("portal_library", tenant)),
        _queries(client, _url("portal_library", tenant) + "?sort=most_viewed"),
        _queries(client, _url("portal_asset", tenant, asset_id=asset.pk)),
    )
    assert small == large


def test_the_library_searches_and_filters(tenant, rep_login, client_for):
    membership, _rep = rep_login
    _file_asset(tenant, title="導入事例 北物流", category="case_study", language="ja")
    _file_asset(tenant, title="Price sheet 2026", category="price_sheet", language="en")
    client = client_for(membership)
    found = client.get(_url("portal_library", tenant) + "?q=北物流").content.decode()
    assert "導入事例 北物流" in found and "Price sheet 2026" not in found
    found = client.get(_url("portal_library", tenant) + "?category=price_sheet").content.decode()
    assert "Price sheet 2026" in found and "導入事例" not in found
    found = client.get(_url("portal_library", tenant) + "?language=ja").content.decode()
    assert "導入事例 北物流" in found and "Price sheet 2026" not in found


def test_an_empty_library_says_so(tenant, rep_login, client_for):
    membership, _rep = rep_login
    response = client_for(membership).get(_url("portal_library", tenant))
    assert b'data-testid="library-empty"' in response.content


# --- The daily roll-up and "most viewed" -----------------------------------------------------


def test_the_roll_up_counts_per_day_and_a_second_run_changes_nothing(tenant, rep_login):
    membership, rep = rep_login
    asset = _file_asset(tenant, title="Deck")
    for action in ("view", "view", "download"):
        asset_view_record(tenant=tenant, asset=asset, rep=rep, membership=membership, action=action)
    asset_view_days_refresh(tenant=tenant)
    asset_view_days_refresh(tenant=tenant)
    day = AssetViewDay.objects.get(tenant=tenant)
    assert (day.views, day.downloads) == (2, 1)
    # A view after the roll-up is counted by the next run, on the same row.
    asset_view_record(tenant=tenant, asset=asset, rep=rep, membership=membership)
    asset_view_days_refresh(tenant=tenant)
    assert AssetViewDay.objects.get(tenant=tenant).views == 3


def test_the_roll_up_counts_on_the_tenants_clock(tenant, rep_login):
    """23:30 in Tokyo on 1 Dec is 14:30 UTC: the view counts for 1 Dec, not another day."""
    membership, rep = rep_login
    tenant.time_zone = "Asia/Tokyo"
    tenant.save(update_fields=["time_zone"])
    asset = _file_asset(tenant, title="Deck")
    view = asset_view_record(tenant=tenant, asset=asset, rep=rep, membership=membership)
    AssetView.objects.filter(pk=view.pk).update(
        viewed_at=datetime.datetime(2026, 12, 1, 14, 30, tzinfo=datetime.UTC)
    )
    asset_view_days_refresh(tenant=tenant, since=datetime.date(2026, 11, 30))
    assert AssetViewDay.objects.get(tenant=tenant).day == datetime.date(2026, 12, 1)


def test_most_viewed_orders_by_recent_views(tenant, rep_login, client_for):
    membership, rep = rep_login
    quiet = _file_asset(tenant, title="Quiet")
    popular = _file_asset(tenant, title="Popular")
    _file_asset(tenant, title="Newest, never opened")
    for _ in range(3):
        asset_view_record(tenant=tenant, asset=popular, rep=rep, membership=membership)
    asset_view_record(tenant=tenant, asset=quiet, rep=rep, membership=membership)
    asset_view_days_refresh(tenant=tenant)
    placement = partner_placement(tenant=tenant, partner=rep.partner)
    ordered = portal_assets(
        tenant=tenant, placement=placement, today=timezone.localdate(), sort="most_viewed"
    )
    assert [a.title for a in ordered] == ["Popular", "Quiet", "Newest, never opened"]
    assert [a.recent_views for a in ordered] == [3, 1, 0]
