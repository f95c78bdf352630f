"""The content library API: staff read every asset and the view log; a partner user reads
what their tier may see and records views, never of another tenant's or tier's asset."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.roles import Role
from programs.models import AssetProgram, AssetTier, AssetView
from tests.factories.accounts import MembershipFactory, TenantFactory
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
def world(tenant):
    program = ProgramFactory(tenant=tenant, name="Resell")
    gold = TierFactory(tenant=tenant, program=program, name="Gold", position=2)
    silver = TierFactory(tenant=tenant, program=program, name="Silver", position=1)
    partner = PartnerFactory(tenant=tenant, display_name="Kita")
    PartnerContractFactory(tenant=tenant, partner=partner, tier=silver)
    public = AssetFactory(tenant=tenant, title="For everyone")
    AssetVersionFactory(tenant=tenant, asset=public, number=1)
    AssetVersionFactory(tenant=tenant, asset=public, number=2)
    gold_only = AssetFactory(tenant=tenant, title="Gold only")
    AssetVersionFactory(tenant=tenant, asset=gold_only, number=1)
    AssetProgram.objects.create(tenant=tenant, asset=gold_only, program=program)
    AssetTier.objects.create(tenant=tenant, asset=gold_only, tier=gold)
    archived = AssetFactory(tenant=tenant, title="Old", is_archived=True)
    AssetVersionFactory(tenant=tenant, asset=archived, number=1)
    membership, rep = portal_membership_for(partner, role=Role.PARTNER_REP)
    return {
        "public": public,
        "gold_only": gold_only,
        "program": program,
        "rep": rep,
        "rep_login": membership,
    }


def _url(tenant, name, **kwargs):
    return reverse(f"programs:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_staff_read_every_asset_with_its_current_version(tenant, world, client_for):
    client = client_for(MembershipFactory(tenant=tenant, role=Role.PARTNER_MANAGER))
    body = client.get(_url(tenant, "api_asset_list")).json()
    by_title = {row["title"]: row for row in body["results"]}
    assert set(by_title) == {"For everyone", "Gold only", "Old"}
    assert by_title["For everyone"]["current_version"]["number"] == 2
    assert by_title["Gold only"]["program_ids"] == [world["program"].pk]
    assert by_title["Old"]["is_archived"] is True


def test_a_partner_user_reads_only_what_their_tier_sees_without_staff_fields(
    tenant, world, client_for
):
    client = client_for(world["rep_login"])
    body = client.get(_url(tenant, "api_asset_list")).json()
    assert [row["title"] for row in body["results"]] == ["For everyone"]
    assert "program_ids" not in body["results"][0] and "is_archived" not in body["results"][0]
    hidden = client.get(_url(tenant, "api_asset_detail", asset_id=world["gold_only"].pk))
    assert hidden.status_code == 404


def test_a_partner_user_records_a_view_of_the_current_version(tenant, world, client_for):
    client = client_for(world["rep_login"])
    response = client.post(
        _url(tenant, "api_asset_views"),
        {"asset": world["public"].pk, "action": "download"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    view = AssetView.objects.get(tenant=tenant)
    assert (view.rep_id, view.version.number, view.action) == (world["rep"].pk, 2, "download")
    assert response.json()["version_number"] == 2


def test_another_tiers_or_tenants_asset_in_the_body_answers_404_and_logs_nothing(
    tenant, world, client_for
):
    foreign = AssetFactory(tenant=TenantFactory(slug="gamma"), title="Foreign")
    client = client_for(world["rep_login"])
    for asset in (world["gold_only"], foreign):
        response = client.post(
            _url(tenant, "api_asset_views"), {"asset": asset.pk}, content_type="application/json"
        )
        assert response.status_code == 404
    assert not AssetView.objects.exists()


def test_a_bad_body_names_the_field(tenant, world, client_for):
    client = client_for(world["rep_login"])
    response = client.post(
        _url(tenant, "api_asset_views"),
        {"asset": world["public"].pk, "action": "print"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "action" in response.json()


def test_staff_may_not_record_views_and_read_the_log(tenant, world, fresh_client_for):
    staff = fresh_client_for(MembershipFactory(tenant=tenant, role=Role.PARTNER_MANAGER))
    refused = staff.post(
        _url(tenant, "api_asset_views"),
        {"asset": world["public"].pk},
        content_type="application/json",
    )
    assert refused.status_code == 403
    rep = fresh_client_for(world["rep_login"])
    rep.post(
        _url(tenant, "api_asset_views"),
        {"asset": world["public"].pk},
        content_type="application/json",
    )
    log = staff.get(_url(tenant, "api_asset_views"), {"asset": world["public"].pk}).json()
    assert [row["rep"] for row in log["results"]] == [world["rep"].pk]
    assert rep.get(_url(tenant, "api_asset_views")).status_code == 403


def test_the_asset_list_costs_the_same_queries_at_two_sizes(tenant, world, fresh_client_for):
    staff = fresh_client_for(MembershipFactory(tenant=tenant, role=Role.PARTNER_MANAGER))
    rep = fresh_client_for(world["rep_login"])

    def counts():
        result = []
        for client in (staff, rep):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(_url(tenant, "api_asset_list")).status_code == 200
            result.append(len(captured))
        return result

    small = counts()
    for n in range(8):
        asset = AssetFactory(tenant=tenant, title=f"More {n}")
        AssetVersionFactory(tenant=tenant, asset=asset, number=1)
        AssetProgram.objects.create(tenant=tenant, asset=asset, program=world["program"])
    assert counts() == small
