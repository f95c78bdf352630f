"""Tasks: tier evaluation (beat fans out monthly, one task per tenant)."""

import datetime

from celery import shared_task

from accounts.tasks import TenantTask, fan_out_per_tenant, task_tenant
from programs.services.tiers import tier_evaluation_run


@shared_task(name="programs.tasks.tier_evaluation_fanout", ignore_result=True)
def tier_evaluation_fanout_task(*, on: str | None = None) -> int:
    """Beat's entry point: one tier_evaluation task per tenant. Returns how many."""
    day = on or datetime.date.today().isoformat()
    return fan_out_per_tenant(tier_evaluation_task, on=day)


@shared_task(base=TenantTask, name="programs.tasks.tier_evaluation", ignore_result=True)
def tier_evaluation_task(*, tenant_id: int, on: str) -> int:
    """Evaluate one tenant's contracts as of `on` (ISO date); a re-run updates the same day's
    evaluation. Returns the evaluation's id."""
    tenant = task_tenant()
    return tier_evaluation_run(tenant=tenant, on=datetime.date.fromisoformat(on)).pk
