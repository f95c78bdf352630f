"""Tasks: contracts. Beat runs the fan-out daily; each tenant's run is harmless to repeat."""

from celery import shared_task
from django.utils import timezone

from accounts.tasks import TenantTask, fan_out_per_tenant, task_tenant
from programs.services.contracts import contracts_daily_run


@shared_task(name="programs.tasks.contracts_daily_fanout", ignore_result=True)
def contracts_daily_fanout_task() -> int:
    """Beat's entry point: one contracts_daily_task per tenant. Returns how many."""
    return fan_out_per_tenant(contracts_daily_task)


@shared_task(base=TenantTask, name="programs.tasks.contracts_daily", ignore_result=True)
def contracts_daily_task(*, tenant_id: int) -> dict[str, int]:
    """Expiry, reminders, renewals and ends of one tenant's contracts for today."""
    return contracts_daily_run(tenant=task_tenant(), today=timezone.localdate())
