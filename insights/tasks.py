"""Tasks of insights: the nightly recompute of every tenant, and the refresh of one partner's
periods soon after an event.

A burst of events of one partner and day (an import of 500 target accounts, a board of moved
deals) coalesces into one refresh: the first event claims a key in Redis and queues the task
a little later; the task releases the key before it reads, so an event that commits while it
runs queues the next refresh instead of being lost.
"""

import datetime

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Tenant
from accounts.tasks import TenantTask, fan_out_per_tenant, task_tenant
from deals.services.targets import suggested_priorities_refresh
from insights.selectors.events import partners_with_views_since
from insights.services import kpi_recompute, kpi_refresh_partner

# Seconds an event waits for others of the same partner and day before the refresh runs:
# the snapshot is current within a minute of the event.
REFRESH_DELAY = 20
REFRESH_CLAIM_TTL = 300
# Views are recorded one INSERT at a time and send nothing: every minute, the partners with
# views in the last two minutes (an overlap, so none falls between two runs) are refreshed.
VIEWS_LOOKBACK = datetime.timedelta(minutes=2)
# What each kind of event can change (insights.kpi.FAMILIES): a view makes its rep active.
VIEW_FAMILIES = ("views", "reps")
DEAL_FAMILIES = ("deals", "commission")
FUNNEL_FAMILIES = ("funnel",)


def _claim_key(
    tenant_id: int, partner_id: int | None, day: datetime.date, families: list[str] | None
) -> str:
    which = ",".join(families) if families else "all"
    return f"insights:refresh:{tenant_id}:{partner_id or 'direct'}:{day.isoformat()}:{which}"


def kpi_refresh_soon(
    *,
    tenant: Tenant,
    partner_id: int | None,
    day: datetime.date,
    families: tuple[str, ...] | None = None,
) -> bool:
    """Queue one refresh of the partner's periods of `day` (of `families` only, see
    kpi_refresh_partner) unless the same one is already waiting."""
    names = sorted(families) if families else None
    if not cache.add(_claim_key(tenant.pk, partner_id, day, names), 1, timeout=REFRESH_CLAIM_TTL):
        return False
    kpi_refresh_partner_task.apply_async(
        kwargs={
            "tenant_id": tenant.pk,
            "partner_id": partner_id,
            "day": day.isoformat(),
            "families": names,
        },
        countdown=REFRESH_DELAY,
    )
    return True


@shared_task(base=TenantTask, name="insights.tasks.kpi_refresh_partner", ignore_result=True)
def kpi_refresh_partner_task(
    *, tenant_id: int, partner_id: int | None, day: str, families: list[str] | None = None
) -> int:
    on = datetime.date.fromisoformat(day)
    cache.delete(_claim_key(tenant_id, partner_id, on, families))
    return kpi_refresh_partner(
        tenant=task_tenant(),
        partner_id=partner_id,
        day=on,
        families=tuple(families) if families else None,
    )


@shared_task(
    base=TenantTask,
    name="insights.tasks.kpi_recompute",
    ignore_result=True,
    # A large tenant's full history: minutes, not seconds.
    soft_time_limit=1800,
    time_limit=1900,
)
def kpi_recompute_task(*, tenant_id: int) -> int:
    """Every snapshot of one tenant, then every partner's suggested priority (A-D)."""
    tenant = task_tenant()
    written = kpi_recompute(tenant=tenant)
    suggested_priorities_refresh(tenant=tenant)
    return written


@shared_task(name="insights.tasks.kpi_recompute_fanout", ignore_result=True)
def kpi_recompute_fanout_task() -> int:
    return fan_out_per_tenant(kpi_recompute_task)


@shared_task(base=TenantTask, name="insights.tasks.kpi_refresh_viewers", ignore_result=True)
def kpi_refresh_viewers_task(*, tenant_id: int) -> int:
    """Queue a refresh for each partner whose reps opened material in the last minutes."""
    tenant = task_tenant()
    now = timezone.now()
    partner_ids = partners_with_views_since(tenant=tenant, since=now - VIEWS_LOOKBACK)
    today = timezone.localdate(now)
    return sum(
        kpi_refresh_soon(tenant=tenant, partner_id=partner_id, day=today, families=VIEW_FAMILIES)
        for partner_id in partner_ids
    )


@shared_task(name="insights.tasks.kpi_refresh_viewers_fanout", ignore_result=True)
def kpi_refresh_viewers_fanout_task() -> int:
    return fan_out_per_tenant(kpi_refresh_viewers_task)
