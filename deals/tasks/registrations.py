"""Tasks: deal protection. Beat runs the fan-out daily; each tenant's run is harmless to repeat."""

from celery import shared_task
from django.utils import timezone

from accounts.tasks import TenantTask, fan_out_per_tenant, task_tenant
from deals.services.registrations import protections_expire


@shared_task(name="deals.tasks.protections_expire_fanout", ignore_result=True)
def protections_expire_fanout_task() -> int:
    """Beat's entry point: one protections_expire_task per tenant. Returns how many."""
    return fan_out_per_tenant(protections_expire_task)


@shared_task(base=TenantTask, name="deals.tasks.protections_expire", ignore_result=True)
def protections_expire_task(*, tenant_id: int) -> int:
    """Protections of one tenant that ended before its today expire (and the reps are told)."""
    return protections_expire(tenant=task_tenant(), today=timezone.localdate())
