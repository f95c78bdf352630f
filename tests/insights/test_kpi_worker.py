"""The KPI tasks on a real Celery worker, connected as the application's database role (row-
level security in force): the nightly fan-out reaches every tenant, each tenant's statements
see its own rows only, and running a tenant twice (a retried task) changes nothing."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from insights import tasks
from insights.models import MEASURES, KpiSnapshot
from tests.accounts.test_tasks import real_worker  # noqa: F401 - the kernel's real-worker fixture
from tests.factories.deals import DealFactory
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _values(tenant):
    with scopes_disabled():
        return sorted(
            KpiSnapshot.objects.filter(tenant=tenant).values_list(
                "subject_kind", "subject_id", "period_kind", "period_start", *MEASURES
            )
        )


def test_the_nightly_run_on_a_real_worker(real_worker, tenant, other_tenant):  # noqa: F811
    today = timezone.localdate()
    ours = PartnerFactory(tenant=tenant)
    theirs = PartnerFactory(tenant=other_tenant)
    DealFactory(partner=ours, won_on=today, amount_one_time=500_000)
    DealFactory(partner=theirs, won_on=today, amount_one_time=900_000)

    assert real_worker.run(tasks.kpi_recompute_fanout_task) == "SUCCESS"
    assert set(real_worker.states.values()) == {"SUCCESS"}

    with scopes_disabled():
        mine = KpiSnapshot.objects.get(
            tenant=tenant, subject_kind="tenant", period_kind="day", period_start=today
        )
        partners_of_ours = set(
            KpiSnapshot.objects.filter(tenant=tenant, subject_kind="partner").values_list(
                "subject_id", flat=True
            )
        )
    assert (mine.deals_won, mine.revenue_one_time) == (1, 500_000)
    assert partners_of_ours == {ours.pk}

    first = _values(tenant)
    assert real_worker.run(tasks.kpi_recompute_task, tenant_id=tenant.pk) == "SUCCESS"
    assert _values(tenant) == first
