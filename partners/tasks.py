"""Engagement tasks: the daily due-for-contact digest, fanned out per tenant and per manager.

Beat runs the fan-out every hour; each tenant's digest goes out once its local clock passes
DIGEST_LOCAL_HOUR. DigestDelivery makes every later run that day (and any retry) a no-op.
"""

from datetime import date

from celery import shared_task
from django.utils import timezone

from accounts.imports import import_job_run
from accounts.models import Membership, Tenant
from accounts.tasks import TenantTask
from accounts.tenancy import tenant_context
from partners.selectors.engagement import digest_recipients, tenant_now
from partners.services.engagement import due_digest_send

DIGEST_LOCAL_HOUR = 8


@shared_task(name="partners.tasks.due_digest_fanout", ignore_result=True)
def due_digest_fanout_task() -> int:
    """One due_digest_task per manager with due partners, in every tenant whose local time is
    past the digest hour. Returns how many were queued."""
    queued = 0
    for tenant in Tenant.objects.order_by("pk"):
        now = timezone.now()
        if tenant_now(tenant, now).hour < DIGEST_LOCAL_HOUR:
            continue
        today = tenant_now(tenant, now).date()
        # The tenant's own scope and RLS setting, exactly as a request would have.
        with tenant_context(tenant):
            recipient_ids = [m.pk for m in digest_recipients(tenant=tenant, today=today)]
        for membership_id in recipient_ids:
            due_digest_task.delay(
                tenant_id=tenant.pk, membership_id=membership_id, date=today.isoformat()
            )
            queued += 1
    return queued


@shared_task(
    base=TenantTask,
    name="partners.tasks.due_digest",
    ignore_result=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def due_digest_task(*, tenant: Tenant, membership_id: int, date: str) -> bool:
    """Send one manager's digest for one day; harmless to run again."""
    membership = (
        Membership.objects.filter(tenant=tenant, pk=membership_id).select_related("user").first()
    )
    if membership is None:
        return False
    return due_digest_send(tenant=tenant, membership=membership, today=_parse_date(date))


def _parse_date(value: str) -> date:
    return date.fromisoformat(value)


@shared_task(
    base=TenantTask,
    name="partners.tasks.import_run",
    ignore_result=True,
    acks_late=True,
)
def import_run_task(*, tenant: Tenant, import_id: int) -> None:
    """Check or write one partners/reps import job; a rerun finds nothing left to do."""
    import_job_run(tenant=tenant, import_id=import_id)
