"""A partner's scorecard: its KPIs in a period beside the period before, their trend, the
seed KPI of its programs' contract types, its reps' distribution and headroom, its progress
towards the next tier and its cadence. The quarterly business review (QBR) prints the same.

The figures come from the partner's own snapshot rows (one query for the eight periods of
the trend) and its rep rows (one query); the tier progress asks programs' tier figures, which
count deals, so the page makes the same queries whatever the size of the history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Tenant
from insights.metrics import (
    DEFAULT_SEED_KPI,
    METRICS,
    PERCENT,
    SEED_KPI_BY_CONTRACT,
    derive,
    empty_row,
)
from insights.models import MEASURES, KpiSnapshot, PeriodKind, SubjectKind
from insights.selectors.reps import PartnerHeadroom, RepDistribution, partner_rep_distribution
from insights.selectors.snapshots import KpiFilter, resolved, shift_period
from partners.models import Partner
from programs.models import PartnerContract
from programs.selectors.portal import TierProgress, portal_tier_progress

# The headline figures, in the order the page shows them.
HEADLINE_KPIS = (
    "revenue",
    "deals_registered",
    "deals_won",
    "win_rate",
    "meetings_held",
    "average_deal_size",
    "asset_views",
    "activation_rate",
    "producing_coverage",
    "cadence_compliance",
    "commission_accrued",
)
# The trend table's columns (the chart draws the first three and revenue).
TREND_KPIS = (
    "meetings_held",
    "deals_registered",
    "deals_won",
    "revenue",
    "win_rate",
    "asset_views",
    "reps_producing",
    "cadence_compliance",
)
TREND_PERIODS = 8


@dataclass(frozen=True)
class Figure:
    code: str
    value: Decimal | int | None
    previous: Decimal | int | None
    is_seed: bool = False

    @property
    def metric(self):
        return METRICS[self.code]

    @property
    def label(self):
        return self.metric.label

    @property
    def unit(self) -> str:
        return self.metric.unit

    @property
    def change(self) -> Decimal | int | None:
        """The difference from the previous period (percentage points for a share)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_percent(self) -> Decimal | None:
        """The change relative to the previous period, for counts and money."""
        if self.unit == PERCENT or not self.previous or self.change is None:
            return None
        return Decimal(self.change) / Decimal(self.previous)

    @property
    def direction(self) -> str:
        change = self.change
        if not change:
            return "flat"
        return "up" if change > 0 else "down"


@dataclass(frozen=True)
class SeedKpi:
    program: str
    contract_type: str
    figure: Figure


@dataclass(frozen=True)
class TrendPoint:
    start: datetime.date
    kpi: dict


@dataclass
class Scorecard:
    partner: Partner
    kpi_filter: KpiFilter
    previous_start: datetime.date
    figures: list[Figure]
    seeds: list[SeedKpi]
    trend: list[TrendPoint]
    distribution: RepDistribution
    headroom: PartnerHeadroom
    tier_progress: list[TierProgress] = field(default_factory=list)
    contracts: list[PartnerContract] = field(default_factory=list)

    @property
    def owner(self) -> str:
        owner = self.partner.owner
        if owner is None:
            return ""
        return owner.user.full_name or owner.user.email

    @property
    def current(self) -> dict:
        return self.trend[-1].kpi

    @property
    def cadence(self) -> dict:
        return {
            "due": self.current["contacts_due"],
            "on_time": self.current["contacts_on_time"],
            "rate": self.current["cadence_compliance"],
        }

    def figure(self, code: str) -> Figure:
        return next(f for f in self.figures if f.code == code)


def scorecard_partner_get(*, tenant: Tenant, partner_id: int) -> Partner:
    """The tenant's partner `partner_id` with its owner and type; another tenant's: 404."""
    queryset = Partner.objects.filter(tenant=tenant).select_related("owner__user", "partner_type")
    return get_object_or_404(queryset, pk=partner_id)


def scorecard_partner_find(*, tenant: Tenant, partner_id) -> Partner | None:
    """The tenant's partner `partner_id` (any text: a job's query), or None."""
    try:
        return Partner.objects.filter(tenant=tenant, pk=int(partner_id)).first()
    except (TypeError, ValueError):
        return None


def partner_series(
    *, tenant: Tenant, partner: Partner, kpi_filter: KpiFilter, count: int = TREND_PERIODS
) -> list[tuple[datetime.date, dict]]:
    """The partner's rows of the `count` periods up to the filter's, oldest first (zeros for
    a period without a row). One query."""
    kind, last = kpi_filter.period_kind, kpi_filter.period_start
    starts = [shift_period(last, kind, offset) for offset in range(1 - count, 1)]
    found = KpiSnapshot.objects.filter(
        tenant=tenant,
        subject_kind=SubjectKind.PARTNER,
        subject_id=partner.pk,
        period_kind=kind,
        period_start__in=starts,
    ).values("period_start", *MEASURES)
    by_start = {row.pop("period_start"): row for row in found}
    return [(start, {**empty_row(), **by_start.get(start, {})}) for start in starts]


def current_contracts(*, tenant: Tenant, partner: Partner) -> list[PartnerContract]:
    """The partner's current contracts with program, contract type and tier. One query."""
    contracts = (
        PartnerContract.objects.filter(tenant=tenant, partner=partner)
        .select_related("program__contract_type", "tier")
        .order_by("program__name", "-starts_on", "-id")
    )
    return [contract for contract in contracts if contract.is_current]


def seed_kpi_code(contract: PartnerContract) -> str:
    return SEED_KPI_BY_CONTRACT.get(contract.program.contract_type.code, DEFAULT_SEED_KPI)


def partner_scorecard(
    *,
    tenant: Tenant,
    partner: Partner,
    kpi_filter: KpiFilter,
    today: datetime.date | None = None,
    with_tiers: bool = True,
) -> Scorecard:
    """Everything the scorecard, its tab and the QBR show about one partner in a period.
    `with_tiers`: False leaves out the tier progress (the partner-page tab)."""
    kpi_filter = resolved(tenant, KpiFilter(kpi_filter.period_kind, kpi_filter.period_start))
    series = partner_series(tenant=tenant, partner=partner, kpi_filter=kpi_filter)
    trend = [TrendPoint(start, {**row, **derive(row)}) for start, row in series]
    current, previous = trend[-1].kpi, trend[-2].kpi
    contracts = current_contracts(tenant=tenant, partner=partner)
    seed_codes = {seed_kpi_code(contract) for contract in contracts}
    figures = [
        Figure(code, current[code], previous[code], is_seed=code in seed_codes)
        for code in HEADLINE_KPIS
    ]
    seeds = [
        SeedKpi(
            contract.program.name,
            contract.program.contract_type.name,
            Figure(code, current[code], previous[code], is_seed=True),
        )
        for contract in contracts
        for code in [seed_kpi_code(contract)]
    ]
    owner = ""
    if partner.owner is not None:
        owner = partner.owner.user.full_name or partner.owner.user.email
    distribution = partner_rep_distribution(
        tenant=tenant, kpi_filter=kpi_filter, partner=partner, owner=owner
    )
    name = partner.display_name or partner.legal_name
    headroom = PartnerHeadroom(
        partner.pk, name, owner, current["reps_known"], current["reps_producing"]
    )
    progress = []
    if with_tiers:
        progress = portal_tier_progress(
            tenant=tenant,
            partner=partner,
            contracts=contracts,
            today=today or timezone.localdate(),
        )
    return Scorecard(
        partner=partner,
        kpi_filter=kpi_filter,
        previous_start=trend[-2].start,
        figures=figures,
        seeds=seeds,
        trend=trend,
        distribution=distribution,
        headroom=headroom,
        tier_progress=progress,
        contracts=contracts,
    )


def qbr_filter(tenant: Tenant, kpi_filter: KpiFilter) -> KpiFilter:
    """The QBR is about a fiscal quarter: the quarter that holds the filter's period start."""
    return resolved(tenant, KpiFilter(PeriodKind.QUARTER, kpi_filter.period_start))
