"""The announcements API: staff read every announcement with its read figures; a partner user
reads the published ones their tier sees with their own `read_at` and nothing of the
vendor's, and records a read once however often they POST it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.roles import Role
from programs.models import (
    AnnouncementDelivery,
    AnnouncementProgram,
    AnnouncementRead,
    AnnouncementTier,
)
from tests.factories.accounts import MembershipFactory, TenantFactory
from tests.factories.partners import PartnerFactory, PartnerRepFactory, portal_membership_for
from tests.factories.programs import (
    AnnouncementFactory,
    PartnerContractFactory,
    ProgramFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db

STAFF_FIELDS = ("status", "program_ids", "tier_ids", "reached_count", "read_count", "read_rate")


@pytest.fixture(autouse=True)
def _unscoped():
    with scopes_disabled():
        yield


def _published(tenant, title, day, **fields):
    return AnnouncementFactory(
        tenant=tenant,
        title=title,
        status="published",
        published_at=datetime.datetime(2026, 5, day, tzinfo=datetime.UTC),
        **fields,
    )


def _aim(announcement, program, tier=None):
    tenant = announcement.tenant
    AnnouncementProgram.objects.create(tenant=tenant, announcement=announcement, program=program)
    if tier is not None:
        AnnouncementTier.objects.create(tenant=tenant, announcement=announcement, tier=tier)


@pytest.fixture
def world(tenant):
    """A partner at Silver with a rep login and a colleague; a published announcement for
    everyone reached to both reps (the colleague read it), one for Silver, one for Gold
    only, a draft and an archived one."""
    program = ProgramFactory(tenant=tenant, name="Resell")
    gold = TierFactory(tenant=tenant, program=program, name="Gold", position=2)
    silver = TierFactory(tenant=tenant, program=program, name="Silver", position=1)
    partner = PartnerFactory(tenant=tenant, display_name="Kita")
    PartnerContractFactory(tenant=tenant, partner=partner, tier=silver)
    rep_login, rep = portal_membership_for(partner, role=Role.PARTNER_REP)
    colleague = PartnerRepFactory(partner=partner)
    everyone = _published(tenant, "For everyone", 1)
    for reached in (rep, colleague):
        AnnouncementDelivery.objects.create(
            tenant=tenant, announcement=everyone, rep=reached, partner=partner
        )
    AnnouncementRead.objects.create(
        tenant=tenant, announcement=everyone, rep=colleague, partner=partner
    )
    for_silver = _published(tenant, "For Silver", 2)
    _aim(for_silver, program, silver)
    gold_only = _published(tenant, "Gold only", 3)
    _aim(gold_only, program, gold)
    draft = AnnouncementFactory(tenant=tenant, title="Draft")
    archived = AnnouncementFactory(
        tenant=tenant,
        title="Archived",
        status="archived",
        published_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
    )
    return {
        "program": program,
        "silver": silver,
        "partner": partner,
        "rep": rep,
        "rep_login": rep_login,
        "everyone": everyone,
        "for_silver": for_silver,
        "gold_only": gold_only,
        "draft": draft,
        "archived": archived,
    }


def _url(tenant, name, **kwargs):
    return reverse(f"programs:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def staff(tenant, fresh_client_for):
    return fresh_client_for(MembershipFactory(tenant=tenant, role=Role.PARTNER_MANAGER))


def test_staff_read_every_announcement_with_its_read_rate(tenant, world, staff):
    body = staff.get(_url(tenant, "api_announcement_list")).json()
    by_title = {row["title"]: row for row in body["results"]}
    assert set(by_title) == {"For everyone", "For Silver", "Gold only", "Draft", "Archived"}
    everyone = by_title["For everyone"]
    assert (everyone["reached_count"], everyone["read_count"], everyone["read_rate"]) == (2, 1, 50)
    assert by_title["Draft"]["read_rate"] is None and by_title["Draft"]["status"] == "draft"
    assert by_title["For Silver"]["program_ids"] == [world["program"].pk]
    assert by_title["For Silver"]["tier_ids"] == [world["silver"].pk]
    assert "read_at" not in everyone


def test_staff_filter_announcements_by_status_and_program(tenant, world, staff):
    def titles(**params):
        body = staff.get(_url(tenant, "api_announcement_list"), params).json()
        return sorted(row["title"] for row in body["results"])

    assert titles(status="draft") == ["Draft"]
    assert titles(program=world["program"].pk) == ["For Silver", "Gold only"]
    assert titles(q="silver") == ["For Silver"]


def test_staff_read_one_with_its_figures(tenant, world, staff):
    url = _url(tenant, "api_announcement_detail", announcement_id=world["everyone"].pk)
    body = staff.get(url).json()
    assert (body["title"], body["read_rate"]) == ("For everyone", 50)


def test_a_partner_user_reads_the_published_ones_their_tier_sees_with_their_read_at(
    tenant, world, client_for
):
    client = client_for(world["rep_login"])
    response = client.get(_url(tenant, "api_announcement_list"))
    rows = response.json()["results"]
    assert [row["title"] for row in rows] == ["For Silver", "For everyone"]
    assert all(row["read_at"] is None for row in rows)
    for field in STAFF_FIELDS:
        assert all(field not in row for row in rows), field
    assert b"read_rate" not in response.content and b"reached_count" not in response.content


def test_a_partner_user_filtering_by_program_learns_nothing(tenant, world, client_for):
    client = client_for(world["rep_login"])
    body = client.get(_url(tenant, "api_announcement_list"), {"program": world["program"].pk})
    assert [row["title"] for row in body.json()["results"]] == ["For Silver", "For everyone"]


def test_another_tiers_a_draft_an_archived_or_another_tenants_announcement_answers_404(
    tenant, world, client_for
):
    foreign = _published(TenantFactory(slug="gamma"), "Foreign", 4)
    client = client_for(world["rep_login"])
    for key in ("gold_only", "draft", "archived"):
        url = _url(tenant, "api_announcement_detail", announcement_id=world[key].pk)
        assert client.get(url).status_code == 404, key
    url = _url(tenant, "api_announcement_detail", announcement_id=foreign.pk)
    assert client.get(url).status_code == 404


def test_reading_through_the_api_records_the_read_once(tenant, world, client_for):
    client = client_for(world["rep_login"])
    url = _url(tenant, "api_announcement_read", announcement_id=world["for_silver"].pk)
    first = client.post(url, content_type="application/json")
    assert first.status_code == 200, first.content
    second = client.post(url, content_type="application/json")
    assert second.status_code == 200
    reads = AnnouncementRead.objects.filter(tenant=tenant, announcement=world["for_silver"])
    assert list(reads.values_list("rep_id", flat=True)) == [world["rep"].pk]
    assert first.json()["read_at"] is not None
    assert second.json()["read_at"] == first.json()["read_at"]
    assert "read_rate" not in first.json()
    detail = client.get(
        _url(tenant, "api_announcement_detail", announcement_id=world["for_silver"].pk)
    )
    assert detail.json()["read_at"] == first.json()["read_at"]


def test_reading_another_tiers_or_tenants_announcement_answers_404_and_records_nothing(
    tenant, world, client_for
):
    foreign = _published(TenantFactory(slug="gamma"), "Foreign", 4)
    client = client_for(world["rep_login"])
    for announcement in (world["gold_only"], world["draft"], foreign):
        url = _url(tenant, "api_announcement_read", announcement_id=announcement.pk)
        assert client.post(url, content_type="application/json").status_code == 404
    assert not AnnouncementRead.objects.filter(rep=world["rep"]).exists()


def test_staff_may_not_record_a_read(tenant, world, staff):
    url = _url(tenant, "api_announcement_read", announcement_id=world["everyone"].pk)
    assert staff.post(url, content_type="application/json").status_code == 403
    assert AnnouncementRead.objects.filter(announcement=world["everyone"]).count() == 1


def test_the_announcement_list_costs_the_same_queries_at_two_sizes(
    tenant, world, staff, fresh_client_for
):
    rep = fresh_client_for(world["rep_login"])

    def counts():
        result = []
        for client in (staff, rep):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(_url(tenant, "api_announcement_list")).status_code == 200
            result.append(len(captured))
        return result

    small = counts()
    for n in range(6):
        announcement = _published(tenant, f"More {n}", 10 + n)
        _aim(announcement, world["program"], world["silver"])
        AnnouncementRead.objects.create(
            tenant=tenant, announcement=announcement, rep=world["rep"], partner=world["partner"]
        )
    assert counts() == small
