"""Tasks: a published announcement's e-mails to the reps it reaches."""

from celery import shared_task

from accounts.tasks import TenantTask, task_tenant
from programs.services.announcements import announcement_deliver


@shared_task(base=TenantTask, name="programs.tasks.announcement_deliver", ignore_result=True)
def announcement_deliver_task(*, tenant_id: int, announcement_id: int) -> int:
    """Record whom the announcement reaches and write one outbox e-mail per rep (each sent by
    its own task). Retried or redelivered, it finds them sent and writes nothing."""
    return announcement_deliver(tenant=task_tenant(), announcement_id=announcement_id)
