"""Tasks: training. Beat runs the fan-out daily; each tenant's run is harmless to repeat."""

from celery import shared_task
from django.utils import timezone

from accounts.tasks import TenantTask, fan_out_per_tenant, task_tenant
from programs.services.training import certification_expiry_warn


@shared_task(name="programs.tasks.certification_expiry_fanout", ignore_result=True)
def certification_expiry_fanout_task() -> int:
    """Beat's entry point: one certification_expiry_task per tenant. Returns how many."""
    return fan_out_per_tenant(certification_expiry_task)


@shared_task(base=TenantTask, name="programs.tasks.certification_expiry", ignore_result=True)
def certification_expiry_task(*, tenant_id: int) -> int:
    """Warn of one tenant's certifications ending within 30 days of its today (once each)."""
    return certification_expiry_warn(tenant=task_tenant(), today=timezone.localdate())
