"""Kernel tasks and the base every tenant task uses."""

import socket

from celery import Task, shared_task

from accounts.models import Tenant
from accounts.services import heartbeat_record
from accounts.tenancy import tenant_context


class TenantTask(Task):
    """A task that runs inside one tenant: pass `tenant_id=`; the body runs in its scope."""

    abstract = True
    # Callers pass `tenant_id`, the body receives `tenant`: Celery's check of the call against
    # the body's signature would refuse every `.delay(tenant_id=...)`, so it is switched off.
    typing = False

    def __call__(self, *args, tenant_id: int, **kwargs):
        tenant = Tenant.objects.get(pk=tenant_id)
        with tenant_context(tenant):
            return super().__call__(*args, tenant=tenant, **kwargs)


@shared_task(name="accounts.tasks.heartbeat_record", ignore_result=True)
def heartbeat_record_task() -> None:
    """Beat sends this every minute; the status page shows when a worker last ran it."""
    heartbeat_record(name="beat", worker=socket.gethostname())
