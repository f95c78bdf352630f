"""Target 6: the peak resident memory of a Celery worker while it recomputes the `large`
tenant's KPIs (≤ MEMORY_TARGET_MB: the engine aggregates in the database and never loads the
rows into Python).

A real worker process (prefork pool of one child, as production runs it, on a queue of its
own) gets the tenant's nightly task; its child's peak resident set (VmHWM in /proc) is read
once the task's snapshots have committed."""

import os

from django.utils import timezone

from accounts.tenancy import tenant_context
from bench.workers import children, peak_kb, send, wait_until, worker
from insights.models import KpiSnapshot
from insights.tasks import kpi_recompute_task

MEMORY_TARGET_MB = 300


def _recomputed(bench, *, since) -> bool:
    with tenant_context(bench.tenant):
        return KpiSnapshot.objects.filter(tenant=bench.tenant, computed_at__gte=since).exists()


def measure_worker_memory(bench, *, timeout_s: float = 1800) -> dict:
    queue = f"prm-bench-memory-{os.getpid()}"
    with worker(queue) as process:
        sent = timezone.now()
        send(kpi_recompute_task.name, queue=queue, tenant_id=bench.tenant.pk)
        elapsed = wait_until(
            lambda: _recomputed(bench, since=sent), timeout_s=timeout_s, what="the recompute"
        )
        # VmHWM is the high-water mark of each process: read once the work is done.
        child_kb = max((peak_kb(pid) for pid in children(process.pid)), default=0)
        parent_kb = peak_kb(process.pid)
    peak_mb = child_kb / 1024
    return {
        "child_peak_mb": round(peak_mb, 1),
        "parent_peak_mb": round(parent_kb / 1024, 1),
        "seconds": round(elapsed, 1),
        "met": 0 < peak_mb <= MEMORY_TARGET_MB,
    }
