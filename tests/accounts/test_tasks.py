"""Tasks run by a real Celery worker (a thread of this process) against Redis and PostgreSQL.

The worker's database connection runs as the application's role (no BYPASSRLS), so a task
that forgot its tenant finds nothing, exactly as in production.
"""

import re
import socket
import threading
import uuid
from datetime import datetime, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.utils import timezone
from django_scopes import get_scope

from accounts.models import Heartbeat, Membership
from accounts.roles import Role
from accounts.services import heartbeat_record
from accounts.tasks import TenantTask, heartbeat_record_task, task_tenant
from prm.celery import app as celery_app
from tests.conftest import TEST_QUEUE
from tests.factories.accounts import MembershipFactory

TASK_TIMEOUT = 20  # seconds; a healthy run takes a fraction of one


@celery_app.task(base=TenantTask, name="tests.accounts.test_tasks.record_what_the_task_sees")
def record_what_the_task_sees(*, tenant_id: int, heartbeat_name: str):
    """Writes down the scope's tenant, the RLS setting, the database role and what a scoped
    query returns."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant_id', true), current_user")
        rls_tenant, role = cursor.fetchone()
    tenant = task_tenant()
    scoped_tenant = get_scope()["tenant"]
    member_tenants = sorted(set(Membership.objects.values_list("tenant__slug", flat=True)))
    heartbeat_record(
        name=heartbeat_name,
        worker=f"{tenant.slug}|{scoped_tenant.slug}|{rls_tenant}|{','.join(member_tenants)}|{role}",
    )


@celery_app.task(base=TenantTask, name="tests.accounts.test_tasks.tenant_clock")
def tenant_clock(*, tenant_id: int, at: str) -> str:
    """The date and time zone a tenant task sees at the instant `at`."""
    moment = datetime.fromisoformat(at)
    return f"{timezone.localdate(moment).isoformat()} {timezone.get_current_timezone_name()}"


class RealWorker:
    """A started worker on this process's queue, and a way to wait for the tasks it ran."""

    def __init__(self, queue: str, hostname: str, app_role: str):
        self.queue = queue
        self.hostname = hostname
        self.app_role = app_role
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._idle = threading.Event()
        self._idle.set()
        self.states: dict[str, str] = {}
        self._worker_threads: set[int] = set()

    def on_publish(self, headers=None, **kwargs):
        # Every task sent in this process, by the test or by a task in the worker (an e-mail
        # queued by the digest), is waited for.
        with self._lock:
            self._pending.add(headers["id"])
            self._idle.clear()

    def on_prerun(self, **kwargs):
        self._worker_threads.add(threading.get_ident())

    def on_connection_created(self, connection=None, **kwargs):
        # Every connection the worker thread opens (Celery closes them between tasks) runs as
        # the application's role, as if the worker had logged in with it.
        if threading.get_ident() in self._worker_threads:
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {self.app_role}")

    def on_postrun(self, task_id=None, state=None, **kwargs):
        # Runs in the worker thread: close its database connection so the transactional test's
        # flush and the final DROP DATABASE are not blocked by it.
        connections.close_all()
        with self._lock:
            self.states[task_id] = state
            self._pending.discard(task_id)
            if not self._pending:
                self._idle.set()

    def wait(self) -> None:
        """Block until every task sent so far (by a request, say) has finished."""
        assert self._idle.wait(TASK_TIMEOUT), f"tasks not done within {TASK_TIMEOUT}s"

    def run(self, task, **kwargs) -> str:
        """Send `task` to this worker, block until it and every task it queued finished;
        returns the task's final state."""
        task_id = uuid.uuid4().hex
        task.apply_async(kwargs=kwargs, task_id=task_id)
        assert self._idle.wait(TASK_TIMEOUT), f"tasks not done within {TASK_TIMEOUT}s"
        return self.states[task_id]


def _purge(queue: str) -> None:
    with celery_app.connection_for_write() as conn:
        try:
            conn.default_channel.queue_purge(queue)
        except Exception:  # noqa: BLE001 - the queue does not exist yet
            pass


@pytest.fixture
def real_worker(transactional_db, app_db_role):
    worker = RealWorker(
        queue=TEST_QUEUE,
        hostname=f"prm-test-{uuid.uuid4().hex[:8]}@localhost",
        app_role=app_db_role,
    )
    _purge(worker.queue)  # a retry left by an earlier test of this process
    celery_app.conf.task_always_eager = False
    before_task_publish.connect(worker.on_publish, weak=False)
    task_prerun.connect(worker.on_prerun, weak=False)
    connection_created.connect(worker.on_connection_created, weak=False)
    task_postrun.connect(worker.on_postrun, weak=False)
    try:
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            queues=[worker.queue],
            hostname=worker.hostname,
            loglevel="WARNING",
        ):
            yield worker
    finally:
        before_task_publish.disconnect(worker.on_publish)
        task_prerun.disconnect(worker.on_prerun)
        connection_created.disconnect(worker.on_connection_created)
        task_postrun.disconnect(worker.on_postrun)
        celery_app.conf.task_always_eager = True
        _purge(worker.queue)


def test_tenant_task_runs_inside_the_tenants_scope_with_rls_bound(
    real_worker, tenant, other_tenant
):
    MembershipFactory(tenant=tenant, role=Role.VIEWER)
    MembershipFactory(tenant=other_tenant, role=Role.VIEWER)

    state = real_worker.run(
        record_what_the_task_sees, tenant_id=tenant.pk, heartbeat_name="probe-a"
    )

    assert state == "SUCCESS"
    recorded = Heartbeat.objects.get(name="probe-a").last_worker
    assert recorded == f"alpha|alpha|{tenant.pk}|alpha|{real_worker.app_role}"


def test_tenant_task_for_another_tenant_sees_that_tenant_only(real_worker, tenant, other_tenant):
    MembershipFactory(tenant=tenant, role=Role.VIEWER)
    MembershipFactory(tenant=other_tenant, role=Role.VIEWER)

    real_worker.run(record_what_the_task_sees, tenant_id=other_tenant.pk, heartbeat_name="probe-b")

    recorded = Heartbeat.objects.get(name="probe-b").last_worker
    assert recorded == f"beta|beta|{other_tenant.pk}|beta|{real_worker.app_role}"


def test_tenant_task_runs_on_the_tenants_clock(tenant, other_tenant, unscoped):
    # 20:00 UTC on 1 December is already 2 December in Tokyo, still 1 December in Honolulu.
    with unscoped():
        tenant.time_zone, other_tenant.time_zone = "Asia/Tokyo", "Pacific/Honolulu"
        tenant.save(update_fields=["time_zone"])
        other_tenant.save(update_fields=["time_zone"])
    at = "2026-12-01T20:00:00+00:00"

    tokyo = tenant_clock.apply(kwargs={"tenant_id": tenant.pk, "at": at}).get()
    honolulu = tenant_clock.apply(kwargs={"tenant_id": other_tenant.pk, "at": at}).get()

    assert tokyo == "2026-12-02 Asia/Tokyo"
    assert honolulu == "2026-12-01 Pacific/Honolulu"


def test_tenant_task_without_tenant_id_is_refused_at_the_caller(real_worker):
    # Celery checks the call against the body's signature: nothing is ever sent.
    with pytest.raises(TypeError, match="tenant_id"):
        record_what_the_task_sees.delay(heartbeat_name="no-tenant")

    assert real_worker.states == {}
    assert not Heartbeat.objects.filter(name="no-tenant").exists()


def test_tenant_task_with_a_misspelt_argument_is_refused_at_the_caller(real_worker, tenant):
    with pytest.raises(TypeError):
        record_what_the_task_sees.delay(tenant_id=tenant.pk, heartbeat="typo")

    assert real_worker.states == {}


def test_heartbeat_task_run_by_the_worker_records_the_beat(real_worker):
    before = timezone.now()

    state = real_worker.run(heartbeat_record_task)

    assert state == "SUCCESS"
    beat = Heartbeat.objects.get(name="beat")
    assert beat.last_seen_at >= before
    assert beat.last_worker == socket.gethostname()


def _status_row(html: str, heading: str) -> str:
    match = re.search(rf"<tr><th>{re.escape(heading)}</th>(.*?)</tr>", html, re.S)
    assert match, f"no status row {heading!r}"
    return match.group(1)


def test_status_page_shows_the_running_worker_and_a_fresh_beat_as_ok(
    real_worker, tenant, member_factory, fresh_client_for
):
    admin = member_factory(tenant, Role.VENDOR_ADMIN)
    real_worker.run(heartbeat_record_task)
    client = fresh_client_for(admin)

    html = client.get(f"/{tenant.slug}/settings/status/").content.decode()

    worker_row = _status_row(html, "Background worker")
    assert "OK" in worker_row
    assert real_worker.hostname in worker_row
    assert "OK" in _status_row(html, "Scheduler (last beat tick)")
    assert "OK" in _status_row(html, "Database")
    assert "OK" in _status_row(html, "Redis")


# --- without a worker -----------------------------------------------------------------------------


def test_heartbeat_task_updates_the_existing_row(db):
    Heartbeat.objects.create(
        name="beat", last_seen_at=timezone.now() - timedelta(hours=1), last_worker="old"
    )

    heartbeat_record_task()

    beat = Heartbeat.objects.get(name="beat")
    assert timezone.now() - beat.last_seen_at < timedelta(minutes=1)
    assert beat.last_worker == socket.gethostname()
    assert Heartbeat.objects.count() == 1


def test_status_page_shows_a_problem_when_no_beat_was_ever_recorded(
    tenant, admin_member, client_for
):
    html = client_for(admin_member).get(f"/{tenant.slug}/settings/status/").content.decode()

    beat_row = _status_row(html, "Scheduler (last beat tick)")
    assert "Problem" in beat_row
    assert "No tick recorded yet." in beat_row
    assert 'data-testid="status-summary"' in html
    assert "Some parts need attention." in html


def test_status_page_shows_a_problem_for_a_stale_beat(tenant, admin_member, client_for):
    Heartbeat.objects.create(
        name="beat", last_seen_at=timezone.now() - timedelta(minutes=10), last_worker="w"
    )

    html = client_for(admin_member).get(f"/{tenant.slug}/settings/status/").content.decode()

    assert "Problem" in _status_row(html, "Scheduler (last beat tick)")
