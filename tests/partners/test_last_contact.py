"""`Partner.last_contact_on`: the stored date of the latest activity stays right on every path
that writes activities: the services (and the API through them), the benchmark loader, the
factory and the migration's backfill. The demo loader is checked in test_demo.py.
"""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django_scopes import scopes_disabled

from bench.data import build_bench_tenant
from partners.choices import PartnerStatus, Priority
from partners.models import Activity, Partner
from partners.services import engagement as services
from tests.factories.partners import ActivityFactory, PartnerFactory

TODAY = timezone.localdate()


def stored(partner: Partner):
    with scopes_disabled():
        return Partner.objects.get(pk=partner.pk).last_contact_on


def computed_by_partner(tenant) -> dict[int, object]:
    """Every partner of `tenant` -> the date of its latest activity (None without one)."""
    with scopes_disabled():
        latest = dict(
            Activity.objects.filter(tenant=tenant)
            .values("partner")
            .annotate(latest=Max("occurred_on"))
            .values_list("partner", "latest")
        )
        return {
            pk: latest.get(pk)
            for pk in Partner.objects.filter(tenant=tenant).values_list("pk", flat=True)
        }


def stored_by_partner(tenant) -> dict[int, object]:
    with scopes_disabled():
        return dict(Partner.objects.filter(tenant=tenant).values_list("pk", "last_contact_on"))


@pytest.fixture
def partner(tenant, manager_member):
    return PartnerFactory(
        tenant=tenant, status=PartnerStatus.ACTIVE, priority=Priority.A, owner=manager_member
    )


def log(tenant, member, partner, occurred_on):
    return services.activity_log(
        tenant=tenant, actor=member.user, partner=partner, kind="call", occurred_on=occurred_on
    )


def test_a_partner_without_activities_has_no_last_contact(partner):
    assert stored(partner) is None


def test_logging_an_activity_sets_the_last_contact_and_an_older_one_keeps_it(
    tenant, manager_member, partner, in_tenant
):
    with in_tenant(tenant):
        log(tenant, manager_member, partner, TODAY - timedelta(days=3))
        assert stored(partner) == TODAY - timedelta(days=3)

        log(tenant, manager_member, partner, TODAY - timedelta(days=10))
        assert stored(partner) == TODAY - timedelta(days=3)

        log(tenant, manager_member, partner, TODAY)
    assert stored(partner) == TODAY


def test_moving_the_latest_activity_back_falls_to_the_next_latest(
    tenant, manager_member, partner, in_tenant
):
    with in_tenant(tenant):
        log(tenant, manager_member, partner, TODAY - timedelta(days=5))
        latest = log(tenant, manager_member, partner, TODAY - timedelta(days=1))

        services.activity_update(
            tenant=tenant,
            actor=manager_member.user,
            membership=manager_member,
            activity=latest,
            fields={"occurred_on": TODAY - timedelta(days=20)},
        )

    assert stored(partner) == TODAY - timedelta(days=5)


def test_moving_an_older_activity_forward_makes_it_the_last_contact(
    tenant, manager_member, partner, in_tenant
):
    with in_tenant(tenant):
        older = log(tenant, manager_member, partner, TODAY - timedelta(days=30))
        log(tenant, manager_member, partner, TODAY - timedelta(days=7))

        services.activity_update(
            tenant=tenant,
            actor=manager_member.user,
            membership=manager_member,
            activity=older,
            fields={"occurred_on": TODAY - timedelta(days=2)},
        )

    assert stored(partner) == TODAY - timedelta(days=2)


def test_deleting_the_latest_activity_falls_back_and_deleting_the_last_one_empties_it(
    tenant, manager_member, partner, in_tenant
):
    with in_tenant(tenant):
        first = log(tenant, manager_member, partner, TODAY - timedelta(days=9))
        latest = log(tenant, manager_member, partner, TODAY - timedelta(days=2))

        services.activity_delete(
            tenant=tenant, actor=manager_member.user, membership=manager_member, activity=latest
        )
        assert stored(partner) == TODAY - timedelta(days=9)

        services.activity_delete(
            tenant=tenant, actor=manager_member.user, membership=manager_member, activity=first
        )
    assert stored(partner) is None


def test_an_activity_of_one_partner_leaves_the_others_alone(
    tenant, manager_member, partner, in_tenant
):
    other = PartnerFactory(tenant=tenant)
    ActivityFactory(partner=other, occurred_on=TODAY - timedelta(days=40))

    with in_tenant(tenant):
        log(tenant, manager_member, partner, TODAY)

    assert stored(other) == TODAY - timedelta(days=40)


def test_the_api_keeps_the_last_contact_on_create_and_on_moving_the_date(
    tenant, manager_member, partner, client_for
):
    client = client_for(manager_member)
    url = f"/{tenant.slug}/api/v1/activities/"
    created = client.post(
        url,
        {"partner": partner.pk, "kind": "call", "occurred_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert stored(partner) == TODAY

    moved = client.patch(
        f"{url}{created.json()['id']}/",
        {"occurred_on": (TODAY - timedelta(days=4)).isoformat()},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    assert stored(partner) == TODAY - timedelta(days=4)


def test_the_benchmark_loader_fills_the_last_contact_of_every_partner(db):
    bench = build_bench_tenant(scale="tiny", seed=3)

    expected = computed_by_partner(bench.tenant)
    assert stored_by_partner(bench.tenant) == expected
    assert any(value is not None for value in expected.values())


def test_the_migration_backfills_each_tenant_from_its_own_activities(
    tenant, other_tenant, member_factory
):
    ours = PartnerFactory(tenant=tenant)
    theirs = PartnerFactory(tenant=other_tenant)
    never = PartnerFactory(tenant=tenant)
    ActivityFactory(partner=ours, occurred_on=TODAY - timedelta(days=8))
    ActivityFactory(partner=ours, occurred_on=TODAY - timedelta(days=3))
    ActivityFactory(partner=theirs, occurred_on=TODAY - timedelta(days=60))
    with scopes_disabled():
        Partner.objects.update(last_contact_on=None)
    migration = importlib.import_module("partners.migrations.0009_page_speed_last_contact")

    migration.backfill_last_contact(None, SimpleNamespace(connection=connection))

    assert stored(ours) == TODAY - timedelta(days=3)
    assert stored(theirs) == TODAY - timedelta(days=60)
    assert stored(never) is None


def test_the_factory_keeps_it_like_the_services(tenant):
    partner = PartnerFactory(tenant=tenant, owner=None)
    ActivityFactory(partner=partner, occurred_on=TODAY - timedelta(days=1))

    assert stored(partner) == TODAY - timedelta(days=1)
