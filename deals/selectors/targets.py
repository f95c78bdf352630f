"""Reads of target-account lists and the funnel: the board across partners, one partner's
list, the counts per milestone."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Tenant
from deals.models import (
    MILESTONE_ORDER,
    ListWillingness,
    Milestone,
    PartnerTargetList,
    TargetAccount,
)
from partners.models import Partner, PartnerRep

# Days in one milestone from which an account counts as stuck (highlighted on the board).
STUCK_DAYS = 30


def target_account_get(
    *, tenant: Tenant, target_account_id: int, partner: Partner | None = None
) -> TargetAccount:
    """The tenant's account (404 otherwise); with `partner`, only that partner's (portal)."""
    queryset = TargetAccount.objects.filter(tenant=tenant).select_related("partner", "rep")
    if partner is not None:
        # SECURITY(tenant): partner users see their own company's accounts only.
        queryset = queryset.filter(partner=partner)
    return get_object_or_404(queryset, pk=target_account_id)


def target_accounts(
    *,
    tenant: Tenant,
    partner: Partner | None = None,
    partner_ids: list[int] | None = None,
    owner_id: int | None = None,
    milestones: list[str] | None = None,
    stuck_days: int | None = None,
    ids: list[int] | None = None,
    newest_first: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[TargetAccount]:
    """Accounts with their partner and rep, filtered; oldest in their milestone first (the
    board), or newest listed first (a partner's own list)."""
    queryset = TargetAccount.objects.filter(tenant=tenant).select_related("partner", "rep")
    if partner is not None:
        queryset = queryset.filter(partner=partner)
    if partner_ids:
        queryset = queryset.filter(partner_id__in=partner_ids)
    if owner_id:
        queryset = queryset.filter(partner__owner_id=owner_id)
    if milestones:
        queryset = queryset.filter(milestone__in=milestones)
    if stuck_days:
        since = (now or timezone.now()) - datetime.timedelta(days=stuck_days)
        queryset = queryset.filter(milestone_at__lte=since)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    if newest_first:
        return queryset.order_by("-created_at", "-pk")
    return queryset.order_by("milestone_at", "pk")


def milestone_counts(
    queryset: QuerySet[TargetAccount], milestones: tuple | list | None = None
) -> dict[str, int]:
    """{milestone: number of accounts} of every milestone (0 where none, and for those not in
    `milestones` when given), one query."""
    counts = dict.fromkeys(Milestone.values, 0)
    if milestones is not None:
        queryset = queryset.filter(milestone__in=milestones)
    for row in queryset.order_by().values("milestone").annotate(n=Count("pk")):
        counts[row["milestone"]] = row["n"]
    return counts


@dataclass
class BoardColumn:
    milestone: str
    label: str
    count: int
    cards: list


def board_columns(
    *, counts: dict[str, int], cards: list[TargetAccount], now: datetime.datetime | None = None
) -> list[BoardColumn]:
    """The board's open milestones in funnel order, each with its count and the page's cards
    (days in the milestone set on every card as `days_in_milestone`)."""
    now = now or timezone.now()
    by_milestone: dict[str, list] = {m: [] for m in MILESTONE_ORDER}
    for card in cards:
        card.days_in_milestone = (now - card.milestone_at).days
        card.is_stuck = card.days_in_milestone >= STUCK_DAYS
        index = MILESTONE_ORDER.index(card.milestone) if card.milestone in MILESTONE_ORDER else -1
        # The step a card's button records (a listed account moves by the bulk request).
        card.next_milestone = (
            MILESTONE_ORDER[index + 1] if 0 < index < len(MILESTONE_ORDER) - 1 else ""
        )
        card.next_label = Milestone(card.next_milestone).label if card.next_milestone else ""
        by_milestone.setdefault(card.milestone, []).append(card)
    return [
        BoardColumn(milestone=m, label=Milestone(m).label, count=counts[m], cards=by_milestone[m])
        for m in MILESTONE_ORDER
    ]


def willingness_of(*, tenant: Tenant, partner: Partner) -> str:
    row = PartnerTargetList.objects.filter(tenant=tenant, partner=partner).first()
    return row.willingness if row is not None else ListWillingness.UNKNOWN


def own_rep(*, tenant: Tenant, partner: Partner, membership) -> PartnerRep | None:
    """The portal login's active rep row at its partner (the rep who lists an account)."""
    if membership is None:
        return None
    return PartnerRep.objects.filter(
        tenant=tenant, partner=partner, membership=membership, is_active=True
    ).first()


def partner_choices(*, tenant: Tenant) -> QuerySet[Partner]:
    return Partner.objects.filter(tenant=tenant).order_by("legal_name")
