"""Tasks of the payouts app: one per deal event (sent by the receivers of the deals signals),
a daily reconciliation per tenant that books what any lost event left out, the closing of
periods, the statements' generation and issue, and their daily deemed confirmation. Each calls
one service; every service is harmless to repeat, so a retried or redelivered task books
nothing twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from accounts.tasks import TenantTask, fan_out_per_tenant, task_tenant
from payouts.services import ledger as services
from payouts.services import periods, statements


@shared_task(base=TenantTask, name="payouts.tasks.ledger_deal_event", ignore_result=True)
def ledger_deal_event_task(
    *, tenant_id: int, deal_id: int, event: str, on: str = "", change_id: int | None = None
) -> None:
    """Book one deal event (`on`: its date in ISO form, for clawbacks and meetings)."""
    tenant = task_tenant()
    day = datetime.date.fromisoformat(on) if on else None
    if event == "won":
        services.ledger_deal_won(tenant=tenant, deal_id=deal_id)
    elif event == "amount_changed":
        services.ledger_deal_amount_changed(tenant=tenant, deal_id=deal_id, change_id=change_id)
    elif event in ("lost", "churned"):
        services.ledger_deal_clawback(tenant=tenant, deal_id=deal_id, reason=event, on=day)
    elif event == "meeting_held":
        services.ledger_deal_meeting_held(tenant=tenant, deal_id=deal_id, held_on=day)
    else:
        raise ValueError(f"unknown deal event {event!r}")


@shared_task(name="payouts.tasks.ledger_reconcile_fanout", ignore_result=True)
def ledger_reconcile_fanout_task() -> int:
    """Beat's daily entry point: one ledger_reconcile_task per tenant."""
    return fan_out_per_tenant(ledger_reconcile_task)


@shared_task(
    base=TenantTask,
    name="payouts.tasks.ledger_reconcile",
    ignore_result=True,
    soft_time_limit=600,
    time_limit=660,
)
def ledger_reconcile_task(*, tenant_id: int) -> dict:
    """The tenant's missing lines and the recurring months begun since the last run."""
    return services.ledger_reconcile(tenant=task_tenant(), today=timezone.localdate())


@shared_task(name="payouts.tasks.periods_close_fanout", ignore_result=True)
def periods_close_fanout_task() -> int:
    """Beat's daily entry point: one periods_close_task per tenant."""
    return fan_out_per_tenant(periods_close_task)


@shared_task(base=TenantTask, name="payouts.tasks.periods_close", ignore_result=True)
def periods_close_task(*, tenant_id: int) -> int:
    """The tenant's periods exist up to today; those past their closing date are closed."""
    return periods.periods_close_due(tenant=task_tenant(), today=timezone.localdate())


@shared_task(base=TenantTask, name="payouts.tasks.statements_generate", ignore_result=True)
def statements_generate_task(*, tenant_id: int, period_id: int) -> int:
    """One statement_generate_task per partner with something to state in the period."""
    partner_ids = statements.partners_to_pay(tenant=task_tenant(), period_id=period_id)
    for partner_id in partner_ids:
        statement_generate_task.delay(
            tenant_id=tenant_id, period_id=period_id, partner_id=partner_id
        )
    return len(partner_ids)


@shared_task(base=TenantTask, name="payouts.tasks.statement_generate", ignore_result=True)
def statement_generate_task(*, tenant_id: int, period_id: int, partner_id: int) -> int | None:
    """The partner's statement of the period (made once; a draft is made again)."""
    statement = statements.statement_generate(
        tenant=task_tenant(), period_id=period_id, partner_id=partner_id
    )
    return statement.pk if statement is not None else None


@shared_task(base=TenantTask, name="payouts.tasks.statement_issue", ignore_result=True)
def statement_issue_task(*, tenant_id: int, statement_id: int, actor_id: int | None = None):
    """Issue one approved statement: its number and its PDF (rendering takes about a second)."""
    statement = statements.statement_issue(
        tenant=task_tenant(), statement_id=statement_id, actor_id=actor_id
    )
    return statement.number if statement is not None else None


@shared_task(name="payouts.tasks.statements_deem_confirmed_fanout", ignore_result=True)
def statements_deem_confirmed_fanout_task() -> int:
    """Beat's daily entry point: one statements_deem_confirmed_task per tenant."""
    return fan_out_per_tenant(statements_deem_confirmed_task)


@shared_task(base=TenantTask, name="payouts.tasks.statements_deem_confirmed", ignore_result=True)
def statements_deem_confirmed_task(*, tenant_id: int) -> int:
    """Issued statements left without an answer for the tenant's days are deemed confirmed
    (the clause each statement prints); on the tenant's date, harmless to repeat."""
    return statements.statements_deem_confirmed(tenant=task_tenant(), today=timezone.localdate())
