"""Receivers of the deals signals (sent after the deal's transaction commits): each queues a
refresh of the snapshots of the partner and periods the event touches. The partner is looked
up inside the tenant named by the signal: a signal may be sent where no scope is active (an
on-commit callback run after the block that opened the scope)."""

from accounts.tenancy import tenant_context
from deals import signals
from insights.selectors.events import partner_of_deal, partner_of_target_account
from insights.tasks import DEAL_FAMILIES, FUNNEL_FAMILIES, kpi_refresh_soon


def _deal_event(tenant, deal_id, day) -> None:
    with tenant_context(tenant):
        found, partner_id = partner_of_deal(tenant=tenant, deal_id=deal_id)
    if found:
        # A direct deal (no partner) refreshes the tenant's direct figures.
        families = DEAL_FAMILIES if partner_id is not None else None
        kpi_refresh_soon(tenant=tenant, partner_id=partner_id, day=day, families=families)


def on_deal_won(sender, *, tenant, deal_id, won_on, **kwargs) -> None:
    _deal_event(tenant, deal_id, won_on)


def on_deal_lost(sender, *, tenant, deal_id, lost_on, **kwargs) -> None:
    _deal_event(tenant, deal_id, lost_on)


def on_milestone_reached(sender, *, tenant, target_account_id, reached_on, **kwargs) -> None:
    with tenant_context(tenant):
        partner_id = partner_of_target_account(tenant=tenant, target_account_id=target_account_id)
    if partner_id is not None:
        kpi_refresh_soon(
            tenant=tenant, partner_id=partner_id, day=reached_on, families=FUNNEL_FAMILIES
        )


def connect() -> None:
    for signal, receiver in (
        (signals.deal_won, on_deal_won),
        (signals.deal_lost, on_deal_lost),
        (signals.milestone_reached, on_milestone_reached),
    ):
        signal.connect(receiver, dispatch_uid=f"insights.{receiver.__name__}")
