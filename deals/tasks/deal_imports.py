"""Tasks of direct deals: one CSV import job checked or written in the worker."""

from celery import shared_task

from accounts.imports import import_job_run
from accounts.tasks import TenantTask, task_tenant


@shared_task(
    base=TenantTask,
    name="deals.tasks.direct_deal_import_run",
    ignore_result=True,
    soft_time_limit=600,
    time_limit=660,
)
def direct_deal_import_run_task(*, tenant_id: int, import_id: int) -> None:
    """Check or write one direct-deal import; a rerun finds nothing to do."""
    import_job_run(tenant=task_tenant(), import_id=import_id)
