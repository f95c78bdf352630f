"""Receivers of the deals signals: each queues one ledger task (the signals are sent after the
deal's transaction commits). The task books the lines; the daily reconciliation books anything
a lost task left out."""

from deals import signals
from payouts.tasks import ledger_deal_event_task


def on_deal_won(sender, *, tenant, deal_id, won_on, **kwargs) -> None:
    ledger_deal_event_task.delay(tenant_id=tenant.pk, deal_id=deal_id, event="won")


def on_deal_amount_changed(sender, *, tenant, deal_id, change_id, **kwargs) -> None:
    ledger_deal_event_task.delay(
        tenant_id=tenant.pk, deal_id=deal_id, event="amount_changed", change_id=change_id
    )


def on_deal_lost(sender, *, tenant, deal_id, lost_on, was_won, **kwargs) -> None:
    if was_won:
        ledger_deal_event_task.delay(
            tenant_id=tenant.pk, deal_id=deal_id, event="lost", on=lost_on.isoformat()
        )


def on_deal_churned(sender, *, tenant, deal_id, churned_on, **kwargs) -> None:
    ledger_deal_event_task.delay(
        tenant_id=tenant.pk, deal_id=deal_id, event="churned", on=churned_on.isoformat()
    )


def on_deal_meeting_held(sender, *, tenant, deal_id, held_on, **kwargs) -> None:
    ledger_deal_event_task.delay(
        tenant_id=tenant.pk, deal_id=deal_id, event="meeting_held", on=held_on.isoformat()
    )


def connect() -> None:
    for signal, receiver in (
        (signals.deal_won, on_deal_won),
        (signals.deal_amount_changed, on_deal_amount_changed),
        (signals.deal_lost, on_deal_lost),
        (signals.deal_churned, on_deal_churned),
        (signals.deal_meeting_held, on_deal_meeting_held),
    ):
        signal.connect(receiver, dispatch_uid=f"payouts.{receiver.__name__}")
