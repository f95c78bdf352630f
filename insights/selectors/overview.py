"""The staff overview: the revenue mix against the target, new customers, the funnel with
conversion and lead time, KPIs per contract type, partners due for contact, and what changed
since last week. Every figure comes from snapshots (a fixed number of queries at any size)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Tenant
from insights.kpi import DIRECT
from insights.metrics import DEFAULT_SEED_KPI, FUNNEL, METRICS, SEED_KPI_BY_CONTRACT, derive
from insights.models import MEASURES, InsightsSettings, KpiSnapshot, PeriodKind, SubjectKind
from insights.selectors.snapshots import (
    KpiFilter,
    kpi_by_program,
    kpi_series,
    partner_snapshot_rows,
    period_label,
    resolved,
)
from partners.selectors.engagement import due_list_ranked

TREND_PERIODS = 8
WEEK = datetime.timedelta(days=7)
# What "since last week" compares: the measures a partner-sales team watches every week.
WEEKLY_MEASURES = (
    "accounts_listed",
    "requests",
    "meetings_held",
    "deals_registered",
    "deals_won",
    "revenue",
    "asset_views",
    "commission_accrued",
)


def share_target(*, tenant: Tenant) -> Decimal:
    """The tenant's target partner share of revenue, as a fraction (0.4 for 40 %)."""
    row = InsightsSettings.objects.filter(tenant=tenant).values_list(
        "partner_share_target", flat=True
    )
    percent = row.first()
    if percent is None:
        percent = InsightsSettings._meta.get_field("partner_share_target").default
    return Decimal(percent) / 100


@dataclass(frozen=True)
class FunnelStep:
    code: str
    label: str
    count: int
    # Of the previous step's count in the same period (a flow, not a cohort).
    conversion: Decimal | None
    lead_days: Decimal | None


def funnel(row: dict) -> list[FunnelStep]:
    derived = derive(row)
    steps, previous = [], None
    for code, lead in FUNNEL:
        count = row[code]
        conversion = Decimal(count) / Decimal(previous) if previous else None
        steps.append(
            FunnelStep(
                code=code,
                label=METRICS[code].label,
                count=count,
                conversion=conversion,
                lead_days=derived[lead] if lead else None,
            )
        )
        previous = count
    return steps


def _mix_row(tenant, kind, start: datetime.date, row: dict, target: Decimal) -> dict:
    kpi = derive(row, ("revenue", "direct_revenue", "partner_share", "new_customers"))
    return {
        "start": start,
        "label": period_label(tenant, kind, start),
        "revenue": kpi["revenue"],
        "direct_revenue": kpi["direct_revenue"],
        "partner_share": kpi["partner_share"],
        "target": target,
        "new_customers": kpi["new_customers"],
        "partner_customers": row["deals_won"],
        "direct_customers": row["direct_deals_won"],
    }


def contract_type_rows(*, tenant: Tenant, kpi_filter: KpiFilter) -> list[dict]:
    """Per program of the period: its contract type, the KPI that type is judged on and its
    value, beside the figures every program shares."""
    rows = []
    for program in kpi_by_program(tenant=tenant, kpi_filter=kpi_filter):
        seed = SEED_KPI_BY_CONTRACT.get(program["contract_code"] or "", DEFAULT_SEED_KPI)
        rows.append(
            {
                "program_id": program["program_id"],
                "name": program["program_name"],
                "contract_type": program["contract_name"],
                "seed_code": seed,
                "seed_label": METRICS[seed].label,
                "seed_unit": METRICS[seed].unit,
                "seed_value": program["kpi"][seed],
                "meetings_held": program["meetings_held"],
                "deals_won": program["deals_won"],
                "win_rate": program["kpi"]["win_rate"],
                "revenue": program["kpi"]["revenue"],
            }
        )
    return rows


def week_changes(*, tenant: Tenant, kpi_filter: KpiFilter, today: datetime.date) -> list[dict]:
    """The last seven days against the seven before, from the day rows (the tenant's, or
    the filtered partners' summed). One query."""
    this_week_from = today - WEEK + datetime.timedelta(days=1)
    last_week_from = this_week_from - WEEK
    if kpi_filter.slices_partners:
        rows = partner_snapshot_rows(tenant, replace(kpi_filter, period_kind=PeriodKind.DAY))
    else:
        rows = KpiSnapshot.objects.filter(
            tenant=tenant, subject_kind=SubjectKind.TENANT, period_kind=PeriodKind.DAY
        )
    measures = [m for m in MEASURES if m not in DIRECT]
    found = rows.filter(period_start__gte=last_week_from, period_start__lte=today).values(
        "period_start", *measures
    )
    weeks = {"this": dict.fromkeys(MEASURES, 0), "last": dict.fromkeys(MEASURES, 0)}
    for row in found:
        week = weeks["this" if row.pop("period_start") >= this_week_from else "last"]
        for code, value in row.items():
            week[code] += value
    this, last = derive(weeks["this"]), derive(weeks["last"])
    return [
        {
            "code": code,
            "label": METRICS[code].label,
            "unit": METRICS[code].unit,
            "this_week": this[code],
            "last_week": last[code],
            "change": this[code] - last[code],
        }
        for code in WEEKLY_MEASURES
    ]


def due_counts(*, tenant: Tenant, kpi_filter: KpiFilter, today: datetime.date) -> dict:
    """Partners due for contact (the partners app's own list), overdue among them."""
    owner = None
    if kpi_filter.owner_id:
        owner = Membership.objects.filter(tenant=tenant, pk=kpi_filter.owner_id).first()
    due = due_list_ranked(tenant=tenant, owner=owner, today=today)
    return {"total": due.total, "overdue": due.overdue}


@dataclass(frozen=True)
class Overview:
    kpi_filter: KpiFilter
    total: dict
    kpi: dict
    previous_kpi: dict
    mix: list[dict]
    funnel: list[FunnelStep]
    contract_types: list[dict]
    week: list[dict]
    due: dict
    target: Decimal

    @property
    def has_figures(self) -> bool:
        return any(self.total[code] for code in MEASURES) or any(r["revenue"] for r in self.mix)


def overview(*, tenant: Tenant, kpi_filter: KpiFilter, today: datetime.date | None = None):
    today = today or timezone.localdate()
    kpi_filter = resolved(tenant, kpi_filter)
    target = share_target(tenant=tenant)
    series = kpi_series(tenant=tenant, kpi_filter=kpi_filter, count=TREND_PERIODS)
    total = series[-1][1]
    previous = series[-2][1]
    return Overview(
        kpi_filter=kpi_filter,
        total=total,
        kpi=derive(total),
        previous_kpi=derive(previous),
        mix=[_mix_row(tenant, kpi_filter.period_kind, start, row, target) for start, row in series],
        funnel=funnel(total),
        contract_types=contract_type_rows(tenant=tenant, kpi_filter=kpi_filter),
        week=week_changes(tenant=tenant, kpi_filter=kpi_filter, today=today),
        due=due_counts(tenant=tenant, kpi_filter=kpi_filter, today=today),
        target=target,
    )


HEADLINES = (
    ("revenue", _("Partner revenue")),
    ("partner_share", _("Partner share")),
    ("new_customers", _("New customers")),
    ("meetings_held", _("Meetings held")),
    ("win_rate", _("Win rate")),
    ("activation_rate", _("Activation rate")),
)
