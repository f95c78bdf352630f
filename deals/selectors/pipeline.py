"""Reads of the pipeline: the deal list with its filters, the board, a partner's deals, stages."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from accounts.models import Membership, Tenant
from accounts.money import Money
from accounts.roles import STAFF_ROLES
from deals.models import Deal, DealStage, RegistrationStatus, StageKind

# Rejected and duplicate registrations never entered the pipeline: hidden unless asked for.
OUT_OF_PIPELINE = (RegistrationStatus.REJECTED, RegistrationStatus.DUPLICATE)
BOARD_CARDS_PER_STAGE = 20

SORTS = {
    "customer": ("customer_name_key", "id"),
    "partner": ("partner__legal_name", "id"),
    "stage": ("stage__position", "id"),
    "amount": ("amount_one_time", "id"),
    "expected_close_on": ("expected_close_on", "id"),
    "registered_at": ("registered_at", "id"),
    "stage_changed_at": ("stage_changed_at", "id"),
}


def stage_list(*, tenant: Tenant) -> QuerySet[DealStage]:
    return DealStage.objects.filter(tenant=tenant).order_by("position", "id")


def stage_get(*, tenant: Tenant, stage_id: int) -> DealStage:
    stage = DealStage.objects.filter(tenant=tenant, pk=stage_id).first()
    if stage is None:
        raise Http404
    return stage


def _with_rows(queryset: QuerySet[Deal]) -> QuerySet[Deal]:
    """What a row or a card shows, in one query."""
    return queryset.select_related(
        "partner", "rep", "program__contract_type", "stage", "owner__user", "second_partner"
    )


def pipeline_deals(
    *,
    tenant: Tenant,
    partner_id: int | None = None,
    rep_id: int | None = None,
    program_id: int | None = None,
    stage_id: int | None = None,
    owner_id: int | None = None,
    source: str = "",
    registered_from: datetime.date | None = None,
    registered_until: datetime.date | None = None,
    close_from: datetime.date | None = None,
    close_until: datetime.date | None = None,
    include_out_of_pipeline: bool = False,
    sort: str = "-stage_changed_at",
) -> QuerySet[Deal]:
    """The tenant's deals filtered as the pipeline list and board filter them. Dates of
    registration are compared in the tenant's calendar (the request's time zone)."""
    deals = Deal.objects.filter(tenant=tenant)
    if not include_out_of_pipeline:
        deals = deals.exclude(registration_status__in=OUT_OF_PIPELINE)
    filters = Q()
    if partner_id:
        filters &= Q(partner_id=partner_id) | Q(second_partner_id=partner_id)
    if rep_id:
        filters &= Q(rep_id=rep_id)
    if program_id:
        filters &= Q(program_id=program_id)
    if stage_id:
        filters &= Q(stage_id=stage_id)
    if owner_id:
        filters &= Q(owner_id=owner_id)
    if source == "direct":
        filters &= Q(partner__isnull=True)
    elif source == "partner":
        filters &= Q(partner__isnull=False)
    if registered_from:
        filters &= Q(registered_at__date__gte=registered_from)
    if registered_until:
        filters &= Q(registered_at__date__lte=registered_until)
    if close_from:
        filters &= Q(expected_close_on__gte=close_from)
    if close_until:
        filters &= Q(expected_close_on__lte=close_until)
    deals = deals.filter(filters)
    descending = sort.startswith("-")
    columns = SORTS.get(sort.lstrip("-"), SORTS["stage_changed_at"])
    order = [f"-{c}" if descending else c for c in columns]
    return _with_rows(deals).order_by(*order)


@dataclass
class BoardColumn:
    stage: DealStage
    count: int = 0
    # One total per currency (a board may hold deals in several).
    totals: list[Money] = field(default_factory=list)
    cards: list[Deal] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def pipeline_board(*, tenant: Tenant, deals: QuerySet[Deal]) -> list[BoardColumn]:
    """One column per stage: how many deals, their one-time totals per currency, and the
    most recently moved cards. Four queries whatever the number of deals or stages."""
    columns = {stage.pk: BoardColumn(stage=stage) for stage in stage_list(tenant=tenant)}
    filtered = deals.order_by()
    totals = (
        filtered.values("stage_id", "currency")
        .annotate(n=Count("id"), one_time=Sum("amount_one_time"))
        .order_by("stage_id", "currency")
    )
    for row in totals:
        column = columns.get(row["stage_id"])
        if column is None:
            continue
        column.count += row["n"]
        column.totals.append(Money(row["one_time"] or Decimal(0), row["currency"]))
    ids = ranked_ids(filtered, [pk for pk, column in columns.items() if column.count])
    if not ids:
        return list(columns.values())
    cards = _with_rows(Deal.objects.filter(tenant=tenant, pk__in=ids)).order_by(
        "-stage_changed_at", "-id"
    )
    for deal in cards:
        column = columns.get(deal.stage_id)
        if column is not None:
            column.cards.append(deal)
    return list(columns.values())


def ranked_ids(deals: QuerySet[Deal], stage_ids: list[int]) -> list[int]:
    """The ids of the BOARD_CARDS_PER_STAGE most recently moved deals of each stage: one
    LIMIT per stage joined by UNION ALL, each read from the stage's index, not a ranking of
    every deal of the tenant. Read as a list: as a subquery the planner joins every deal."""
    per_stage = [
        deals.filter(stage_id=stage_id)
        .order_by("-stage_changed_at", "-id")
        .values_list("id", flat=True)[:BOARD_CARDS_PER_STAGE]
        for stage_id in stage_ids
    ]
    if not per_stage:
        return []
    first, *rest = per_stage
    return list(first.union(*rest, all=True) if rest else first)


def partner_deals(*, tenant: Tenant, partner_id: int) -> QuerySet[Deal]:
    """The deals a partner sourced or shares, newest first (the partner page's tab)."""
    return pipeline_deals(
        tenant=tenant, partner_id=partner_id, include_out_of_pipeline=True, sort="-registered_at"
    )


def pipeline_deal_get(*, tenant: Tenant, deal_id: int, partner_id: int | None = None) -> Deal:
    """A deal of the tenant (of `partner_id` when given); another's answers 404."""
    deals = Deal.objects.filter(tenant=tenant, pk=deal_id)
    if partner_id is not None:
        # SECURITY(tenant): a partner user reaches only its own partner's deals.
        deals = deals.filter(partner_id=partner_id)
    deal = _with_rows(deals).first()
    if deal is None:
        raise Http404
    return deal


def stage_of_tenant(*, tenant: Tenant, stage_id: int, allow_lost: bool = True) -> DealStage | None:
    """The tenant's stage `stage_id` (None for another tenant's or a missing one; a lost stage
    is None too when `allow_lost` is false: a direct deal is not entered as lost)."""
    stages = DealStage.objects.filter(tenant=tenant, pk=stage_id)
    if not allow_lost:
        stages = stages.exclude(kind=StageKind.LOST)
    return stages.first()


def staff_owner_get(*, tenant: Tenant, membership_id: int) -> Membership | None:
    """An active staff member of the tenant, as a deal's owner (None otherwise)."""
    return Membership.objects.filter(
        tenant=tenant, pk=membership_id, role__in=STAFF_ROLES, is_active=True
    ).first()
