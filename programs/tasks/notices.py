"""Tasks: the written-terms notice, issued when a contract starts (rendering its PDF takes
about half a second, so never in the request that activates the contract)."""

from celery import shared_task

from accounts.tasks import TenantTask, task_tenant
from programs.models import PartnerContract
from programs.services.notices import written_notice_issue


@shared_task(base=TenantTask, name="programs.tasks.written_notice_issue", ignore_result=True)
def written_notice_issue_task(*, tenant_id: int, contract_id: int) -> int | None:
    """Issue the contract's notice (none for a company). Retried or redelivered, it finds the
    notice already issued and changes nothing. Returns the notice's id."""
    tenant = task_tenant()
    contract = PartnerContract.objects.filter(tenant=tenant, pk=contract_id).first()
    if contract is None:
        return None
    notice = written_notice_issue(tenant=tenant, contract=contract)
    return notice.pk if notice is not None else None


def issue_notice_on_contract_start(sender, tenant, contract, **kwargs) -> None:
    """Receiver of programs.signals.contract_started (sent on commit): queue the notice."""
    written_notice_issue_task.delay(tenant_id=tenant.pk, contract_id=contract.pk)
