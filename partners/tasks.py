"""Partners tasks: the daily due-for-contact digest (fanned out per tenant and per manager) and
CSV import jobs.

Beat runs the fan-out every hour; each tenant's digest goes out once its local clock passes
DIGEST_LOCAL_HOUR. DigestDelivery makes every later run that day (and any retry) a no-op.
"""

from datetime import date

from celery import shared_task
from django.utils import timezone

from accounts.imports import import_job_run
from accounts.models import Membership
from accounts.tasks import TenantTask, fan_out_per_tenant, task_tenant
from partners.selectors.engagement import digest_recipients, tenant_now
from partners.services.engagement import due_digest_send

DIGEST_LOCAL_HOUR = 8


@shared_task(name="partners.tasks.due_digest_fanout", ignore_result=True)
def due_digest_fanout_task() -> int:
    """Beat's entry point: one due_digest_tenant_task per tenant. Returns how many."""
    return fan_out_per_tenant(due_digest_tenant_task)


@shared_task(base=TenantTask, name="partners.tasks.due_digest_tenant", ignore_result=True)
def due_digest_tenant_task(*, tenant_id: int) -> int:
    """One due_digest_task per manager with due partners, once the tenant's local time is past
    the digest hour. Returns how many were queued."""
    tenant = task_tenant()
    now = tenant_now(tenant, timezone.now())
    if now.hour < DIGEST_LOCAL_HOUR:
        return 0
    recipients = digest_recipients(tenant=tenant, today=now.date())
    for membership in recipients:
        due_digest_task.delay(
            tenant_id=tenant.pk, membership_id=membership.pk, date=now.date().isoformat()
        )
    return len(recipients)


@shared_task(base=TenantTask, name="partners.tasks.due_digest", ignore_result=True)
def due_digest_task(*, tenant_id: int, membership_id: int, date: str) -> bool:
    """Queue one manager's digest for one day; harmless to run again."""
    tenant = task_tenant()
    membership = (
        Membership.objects.filter(tenant=tenant, pk=membership_id).select_related("user").first()
    )
    if membership is None:
        return False
    return due_digest_send(tenant=tenant, membership=membership, today=_parse_date(date))


def _parse_date(value: str) -> date:
    return date.fromisoformat(value)


# A 100,000-row file takes about a minute to check and another to write (scripts/
# import_speed.py): the limits leave room for a slow machine instead of the base's 60 s.
@shared_task(
    base=TenantTask,
    name="partners.tasks.import_run",
    ignore_result=True,
    soft_time_limit=600,
    time_limit=660,
)
def import_run_task(*, tenant_id: int, import_id: int) -> None:
    """Check or write one partners/reps import job; a rerun finds nothing left to do."""
    import_job_run(tenant=task_tenant(), import_id=import_id)
