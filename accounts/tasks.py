"""Kernel tasks and the base every tenant task uses.

A tenant task's body takes `tenant_id` (and other ids) as keyword arguments, so Celery checks
every `.delay(...)` against its signature at the caller. The base loads the tenant, binds the
connection's row-level security to it and enters the django-scopes scope; the body reads the
tenant with `task_tenant()` and calls one service.
"""

import smtplib
import socket
import zoneinfo
from datetime import timedelta

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone
from django_scopes import get_scope, scope

from accounts.exports import export_job_run, export_jobs_expire
from accounts.models import OutgoingEmail, Tenant
from accounts.rls import rls_bound
from accounts.services import email_send, heartbeat_record

# Worth another try later: the network, the mail server or the database was away.
TRANSIENT_ERRORS = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPException,
    OperationalError,
    InterfaceError,
)
# The sweep resends what is still pending this long after it was written.
OUTBOX_RETRY_AFTER = timedelta(minutes=10)
OUTBOX_SWEEP_BATCH = 200


def _in_user_transaction() -> bool:
    # A test case's own transaction does not count: outside it, the test runs as the app
    # does in autocommit, and a task sent there leaves at once.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


class TenantTask(Task):
    """A task that runs inside one tenant: its body takes `tenant_id=` and ids, never objects."""

    abstract = True
    # Idempotent by design (see style.md): redelivery after a killed worker is harmless.
    acks_late = True
    reject_on_worker_lost = True
    soft_time_limit = 60
    time_limit = 90
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5

    def apply_async(self, args=None, kwargs=None, **options):
        """Commit-aware: sent from inside a transaction, the task leaves when it commits.

        The worker must find the rows the transaction wrote, and nothing may leave for a
        change that was rolled back. The call is checked against the body's signature now,
        so a wrong call fails at the caller, not in the worker.
        """
        if not _in_user_transaction():
            return super().apply_async(args, kwargs, **options)
        check_arguments = getattr(self, "__header__", None)
        if self.typing and check_arguments is not None:
            check_arguments(*(args or ()), **(kwargs or {}))
        from celery.utils import uuid
        from django.db import transaction

        options.setdefault("task_id", uuid())
        transaction.on_commit(lambda: super(TenantTask, self).apply_async(args, kwargs, **options))
        return self.AsyncResult(options["task_id"])

    def __call__(self, *args, **kwargs):
        tenant_id = kwargs.get("tenant_id")
        if tenant_id is None:
            raise TypeError(f"{self.name} takes tenant_id=")
        tenant = Tenant.objects.get(pk=tenant_id)
        # SECURITY(tenant): the task's own scope and binding, cleared when it ends, exactly
        # as a request of this tenant would have (no person: the task acts for the system).
        # On the tenant's clock too, as its requests are (the middleware activates its time
        # zone): "today" in a daily job is the tenant's date, not the server's.
        with (
            rls_bound(tenant_id=tenant.pk, user_id=None),
            scope(tenant=tenant),
            timezone.override(zoneinfo.ZoneInfo(tenant.time_zone)),
        ):
            return super().__call__(*args, **kwargs)


def task_tenant() -> Tenant:
    """The tenant of the running tenant task (or of any active scope)."""
    tenant = get_scope().get("tenant")
    if not isinstance(tenant, Tenant):
        raise RuntimeError("not inside a tenant task or scope")
    return tenant


def fan_out_per_tenant(task: TenantTask, **kwargs) -> int:
    """Queue `task` once per tenant (beat's entry point for per-tenant work)."""
    queued = 0
    for tenant_id in Tenant.objects.order_by("pk").values_list("pk", flat=True):
        task.delay(tenant_id=tenant_id, **kwargs)
        queued += 1
    return queued


@shared_task(name="accounts.tasks.heartbeat_record", ignore_result=True)
def heartbeat_record_task() -> None:
    """Beat sends this every minute; the status page shows when a worker last ran it."""
    heartbeat_record(name="beat", worker=socket.gethostname())


# --- E-mail: one task per message ---------------------------------------------------------------


@shared_task(
    base=TenantTask,
    name="accounts.tasks.email_send",
    ignore_result=True,
    # The mail server may be away for a while: 30 s, 1 min, 2 min ... up to an hour apart;
    # after that the outbox sweep keeps trying.
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def email_send_task(*, tenant_id: int, email_id: int) -> bool:
    """Send one outbox e-mail; marked sent only once the mail server took it."""
    return email_send(tenant=task_tenant(), email_id=email_id)


@shared_task(base=TenantTask, name="accounts.tasks.email_outbox_retry", ignore_result=True)
def email_outbox_retry_task(*, tenant_id: int) -> int:
    """Queue again the tenant's e-mails still pending after OUTBOX_RETRY_AFTER."""
    tenant = task_tenant()
    pending = OutgoingEmail.objects.filter(
        tenant=tenant,
        sent_at__isnull=True,
        created_at__lt=timezone.now() - OUTBOX_RETRY_AFTER,
    ).order_by("created_at")
    email_ids = list(pending.values_list("pk", flat=True)[:OUTBOX_SWEEP_BATCH])
    for email_id in email_ids:
        email_send_task.delay(tenant_id=tenant.pk, email_id=email_id)
    return len(email_ids)


@shared_task(name="accounts.tasks.email_outbox_fanout", ignore_result=True)
def email_outbox_fanout_task() -> int:
    return fan_out_per_tenant(email_outbox_retry_task)


# --- CSV exports: one task per job, and the hourly sweep of expired files -------------------


# 20,000 reps take a few seconds; the limits leave room for 100,000 rows on a slow machine.
@shared_task(
    base=TenantTask,
    name="accounts.tasks.export_run",
    ignore_result=True,
    soft_time_limit=600,
    time_limit=660,
)
def export_run_task(*, tenant_id: int, export_id: int) -> None:
    """Write one export job's file; a rerun finds nothing left to do."""
    export_job_run(tenant=task_tenant(), export_id=export_id)


@shared_task(base=TenantTask, name="accounts.tasks.export_expire", ignore_result=True)
def export_expire_task(*, tenant_id: int) -> int:
    return export_jobs_expire(tenant=task_tenant())


@shared_task(name="accounts.tasks.export_expire_fanout", ignore_result=True)
def export_expire_fanout_task() -> int:
    return fan_out_per_tenant(export_expire_task)
