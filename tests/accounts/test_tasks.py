"""Tasks run by a real Celery worker (a thread of this process) against Redis and PostgreSQL."""

import re
import socket
import threading
import uuid
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection, connections
from django.utils import timezone
from django_scopes import get_scope

from accounts.models import Heartbeat, Membership
from accounts.roles import Role
from accounts.services import heartbeat_record
from accounts.tasks import TenantTask, heartbeat_record_task
from prm.celery import app as celery_app
from tests.factories.accounts import MembershipFactory

TASK_TIMEOUT = 20  # seconds; a healthy run takes a fraction of one


@celery_app.task(base=TenantTask, name="tests.accounts.test_tasks.record_what_the_task_sees")
def record_what_the_task_sees(*, tenant, heartbeat_name):
    """Writes down the scope's tenant, the RLS setting and what a scoped query returns."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant_id', true)")
        rls_tenant = cursor.fetchone()[0]
    scoped_tenant = get_scope()["tenant"]
    member_tenants = sorted(set(Membership.objects.values_list("tenant__slug", flat=True)))
    heartbeat_record(
        name=heartbeat_name,
        worker=f"{tenant.slug}|{scoped_tenant.slug}|{rls_tenant}|{','.join(member_tenants)}",
    )


class RealWorker:
    """A started worker on a queue of its own, and a way to wait for a task it ran."""

    def __init__(self, queue: str, hostname: str):
        self.queue = queue
        self.hostname = hostname
        self._finished: dict[str, threading.Event] = {}
        self.states: dict[str, str] = {}

    def on_postrun(self, task_id=None, state=None, **kwargs):
        # Runs in the worker thread: close its database connection so the transactional test's
        # flush and the final DROP DATABASE are not blocked by it.
        connections.close_all()
        self.states[task_id] = state
        event = self._finished.get(task_id)
        if event is not None:
            event.set()

    def run(self, task, **kwargs) -> str:
        """Send `task` to this worker and block until it finished; returns the final state."""
        task_id = uuid.uuid4().hex
        self._finished[task_id] = threading.Event()
        task.apply_async(kwargs=kwargs, queue=self.queue, task_id=task_id)
        assert self._finished[task_id].wait(TASK_TIMEOUT), f"task not done within {TASK_TIMEOUT}s"
        return self.states[task_id]


@pytest.fixture
def real_worker(transactional_db):
    worker = RealWorker(
        queue=f"prm-test-{uuid.uuid4().hex}", hostname=f"prm-test-{uuid.uuid4().hex[:8]}@localhost"
    )
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
        task_postrun.disconnect(worker.on_postrun)


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
    assert recorded == f"alpha|alpha|{tenant.pk}|alpha"


def test_tenant_task_for_another_tenant_sees_that_tenant_only(real_worker, tenant, other_tenant):
    MembershipFactory(tenant=tenant, role=Role.VIEWER)
    MembershipFactory(tenant=other_tenant, role=Role.VIEWER)

    real_worker.run(record_what_the_task_sees, tenant_id=other_tenant.pk, heartbeat_name="probe-b")

    assert Heartbeat.objects.get(name="probe-b").last_worker == f"beta|beta|{other_tenant.pk}|beta"


def test_tenant_task_without_tenant_id_fails_and_writes_nothing(real_worker):
    state = real_worker.run(record_what_the_task_sees, heartbeat_name="no-tenant")

    assert state == "FAILURE"
    assert not Heartbeat.objects.filter(name="no-tenant").exists()


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
