"""Tasks of target-account lists: one CSV import job checked or written in the worker."""

from celery import shared_task

from accounts.imports import import_job_run
from accounts.models import ImportJob
from accounts.tasks import TenantTask, task_tenant


@shared_task(
    base=TenantTask,
    name="deals.tasks.target_import_run",
    ignore_result=True,
    soft_time_limit=600,
    time_limit=660,
)
def target_import_run_task(*, tenant_id: int, import_id: int) -> None:
    """Check or write one partner's target-account import; a rerun finds nothing to do.
    The partner's importer is registered from the job's kind first (this worker process may
    not have seen that partner's upload)."""
    from deals.services.target_imports import target_importer_for_job

    tenant = task_tenant()
    job = ImportJob.objects.filter(tenant=tenant, pk=import_id).defer("text").first()
    if job is None:
        return
    target_importer_for_job(job)
    import_job_run(tenant=tenant, import_id=import_id)
