"""Target 6: the peak resident memory of a Celery worker while it recomputes the `large`
tenant's KPIs (≤ MEMORY_TARGET_MB: the engine aggregates in the database and never loads the
rows into Python).

A real worker process (prefork pool of one child, as production runs it, on a queue of its
own) gets the tenant's nightly task; its child's peak resident set (VmHWM in /proc) is read
once the task's snapshots have committed."""

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.tenancy import tenant_context
from insights.models import KpiSnapshot
from insights.tasks import kpi_recompute_task
from prm.celery import app as celery_app

MEMORY_TARGET_MB = 300
ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    """The configured DATABASE_URL, naming the database this process uses now (the bench's
    throwaway database, or the test database of the smoke run)."""
    configured = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(configured._replace(path="/" + connection.settings_dict["NAME"]))


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _recomputed(bench, *, since) -> bool:
    with tenant_context(bench.tenant):
        return KpiSnapshot.objects.filter(tenant=bench.tenant, computed_at__gte=since).exists()


def measure_worker_memory(bench, *, timeout_s: float = 1800) -> dict:
    queue = f"prm-bench-memory-{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": _database_url()}
    worker = subprocess.Popen(  # noqa: S603 - our own worker
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "prm",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
            "-n",
            f"{queue}@localhost",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        sent = timezone.now()
        # send_task always publishes (never runs the task here, even when the suite runs
        # tasks eagerly): the worker must do the work.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AlwaysEagerIgnored)
            celery_app.send_task(
                kpi_recompute_task.name, kwargs={"tenant_id": bench.tenant.pk}, queue=queue
            )
        deadline = time.monotonic() + timeout_s
        start = time.monotonic()
        while not _recomputed(bench, since=sent):
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not finish the recompute in time")
            time.sleep(0.5)  # a poll of another process, not a test waiting for time to pass
        elapsed = time.monotonic() - start
        # VmHWM is the high-water mark of each process: read once the work is done.
        child_kb = max((_peak_kb(pid) for pid in _children(worker.pid)), default=0)
        parent_kb = _peak_kb(worker.pid)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
    peak_mb = child_kb / 1024
    return {
        "child_peak_mb": round(peak_mb, 1),
        "parent_peak_mb": round(parent_kb / 1024, 1),
        "seconds": round(elapsed, 1),
        "met": 0 < peak_mb <= MEMORY_TARGET_MB,
    }
