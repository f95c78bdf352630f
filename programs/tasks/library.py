"""Tasks of the content library: the daily roll-up of the view log."""

from celery import shared_task

from accounts.tasks import TenantTask, fan_out_per_tenant, task_tenant
from programs.services.asset_views import asset_view_days_refresh


@shared_task(base=TenantTask, name="programs.tasks.asset_view_days_refresh", ignore_result=True)
def asset_view_days_refresh_task(*, tenant_id: int) -> int:
    """Recount yesterday's and today's views per asset for one tenant (an upsert of counts
    recomputed from the log: a retried or doubled run changes nothing)."""
    return asset_view_days_refresh(tenant=task_tenant())


@shared_task(name="programs.tasks.asset_view_days_fanout", ignore_result=True)
def asset_view_days_fanout_task() -> int:
    return fan_out_per_tenant(asset_view_days_refresh_task)
