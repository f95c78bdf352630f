"""Real Celery worker processes for the bench's figures that a worker produces (its memory,
statements per second): a prefork pool on a queue of its own, against the database this
process uses now, with files under the bench's media folder."""

import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.db import connection

from prm.celery import app as celery_app

ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    """The configured DATABASE_URL, naming the database this process uses now (the bench's
    throwaway database, or the test database of the smoke run)."""
    configured = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(configured._replace(path="/" + connection.settings_dict["NAME"]))


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def peak_kb(pid: int) -> int:
    """The process's peak resident set so far (VmHWM), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@contextmanager
def worker(queue: str, *, concurrency: int = 1):
    """A worker process with `concurrency` pool processes reading `queue`; stopped after."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PRM_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    process = subprocess.Popen(  # noqa: S603 - our own worker
        [
            *(sys.executable, "-m", "celery", "-A", "prm", "worker"),
            *("--pool", "prefork", "--concurrency", str(concurrency), "-Q", queue),
            *("--without-heartbeat", "--without-gossip", "--without-mingle"),
            *("--loglevel", "WARNING", "-n", f"{queue}@localhost"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def send(task_name: str, *, queue: str, **kwargs) -> None:
    # send_task always publishes (never runs the task here, even when the suite runs tasks
    # eagerly): the worker must do the work.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AlwaysEagerIgnored)
        celery_app.send_task(task_name, kwargs=kwargs, queue=queue)


def wait_until(done: Callable[[], bool], *, timeout_s: float, what: str) -> float:
    """Poll another process's progress until `done()`; returns the seconds it took."""
    start = time.monotonic()
    while not done():
        if time.monotonic() - start > timeout_s:
            raise RuntimeError(f"the worker did not finish {what} in {timeout_s:.0f} s")
        time.sleep(0.2)  # a poll of another process, not a test waiting for time to pass
    return time.monotonic() - start
