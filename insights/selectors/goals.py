"""The goal breakdown: from a goal (meetings, won deals or revenue in a fiscal quarter) back
to how many target accounts, requests and actions each funnel step needs, and by when.

The conversion rate of each step is the flow of the basis (the twelve months before the
current one): accounts reaching a step over accounts reaching the one before; its lead time
is the average days from the previous step. Working back from the goal, a step needs the next
step's count divided by the next step's rate (rounded up), and must be reached the next
step's lead time before it. A partner plans with its own rates where it has them and the
channel's where it has none; the goal is shared out by the partners' part of the basis
outcome.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from insights.metrics import FUNNEL, METRICS, add_rows, derive
from insights.models import MEASURES, KpiSnapshot, PeriodKind, SubjectKind
from insights.selectors.snapshots import period_end, shift_period
from partners.models import Partner

BASIS_MONTHS = 12
GOAL_METRICS = {
    "meetings_held": _("Meetings held"),
    "deals_won": _("Deals won"),
    "revenue": _("Partner revenue (first year)"),
}
# The funnel step a goal is counted at.
GOAL_STEP = {"meetings_held": "meetings_held", "deals_won": "deals_won", "revenue": "deals_won"}


@dataclass(frozen=True)
class StepPlan:
    code: str
    label: str
    needed: int | None
    rate: Decimal | None
    lead_days: Decimal | None
    by: datetime.date | None


@dataclass(frozen=True)
class Plan:
    name: str
    partner_id: int | None
    goal: Decimal
    steps: list[StepPlan]

    @property
    def complete(self) -> bool:
        return all(step.needed is not None for step in self.steps)


@dataclass(frozen=True)
class Breakdown:
    metric: str
    goal: Decimal
    period_start: datetime.date
    period_end: datetime.date
    basis_from: datetime.date
    basis_to: datetime.date
    total: Plan
    partners: list[Plan]


def _rates(row: dict) -> dict[str, Decimal | None]:
    rates, previous = {}, None
    for code, _lead in FUNNEL:
        count = row[code]
        rates[code] = Decimal(count) / Decimal(previous) if previous else None
        previous = count
    return rates


def plan(
    *,
    name: str,
    partner_id: int | None,
    row: dict,
    metric: str,
    goal: Decimal,
    deadline: datetime.date,
    fallback: dict | None = None,
) -> Plan:
    """Work one basis row back from the goal (pure arithmetic: tested by hand)."""
    rates = _rates(row)
    derived = derive(row)
    leads = {code: derived[lead] if lead else None for code, lead in FUNNEL}
    if fallback is not None:
        fallback_rates, fallback_leads = fallback["rates"], fallback["leads"]
        rates = {c: r if r else fallback_rates.get(c) for c, r in rates.items()}
        leads = {c: v if v is not None else fallback_leads.get(c) for c, v in leads.items()}
    codes = [code for code, _lead in FUNNEL]
    last = codes.index(GOAL_STEP[metric])
    needed: dict[str, int | None] = {}
    if metric == "revenue":
        size = derived["average_deal_size"] or (fallback or {}).get("deal_size")
        needed[codes[last]] = math.ceil(goal / size) if size else None
    else:
        needed[codes[last]] = math.ceil(goal)
    by: dict[str, datetime.date | None] = {codes[last]: deadline}
    for index in range(last, 0, -1):
        code, before = codes[index], codes[index - 1]
        rate = rates[code]
        needed[before] = (
            math.ceil(Decimal(needed[code]) / rate) if needed[code] is not None and rate else None
        )
        lead = leads[code]
        by[before] = (
            by[code] - datetime.timedelta(days=math.ceil(lead))
            if by[code] is not None and lead is not None
            else None
        )
    steps = [
        StepPlan(
            code=code,
            label=METRICS[code].label,
            needed=needed.get(code),
            rate=rates[code],
            lead_days=leads[code],
            by=by.get(code),
        )
        for code in codes[: last + 1]
    ]
    return Plan(name=name, partner_id=partner_id, goal=goal, steps=steps)


def _outcome(row: dict, metric: str) -> Decimal:
    return Decimal(derive(row, (metric,))[metric] or 0)


def goal_breakdown(
    *,
    tenant: Tenant,
    metric: str,
    goal: Decimal,
    period_start: datetime.date,
    today: datetime.date | None = None,
) -> Breakdown:
    """The plan in total and per partner for a goal in the fiscal quarter at `period_start`.
    Two queries: the partners' basis rows (summed in the database) and their names."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    basis_from = shift_period(this_month, PeriodKind.MONTH, -BASIS_MONTHS)
    basis_to = this_month - datetime.timedelta(days=1)
    rows = (
        KpiSnapshot.objects.filter(
            tenant=tenant,
            subject_kind=SubjectKind.PARTNER,
            period_kind=PeriodKind.MONTH,
            period_start__gte=basis_from,
            period_start__lte=basis_to,
        )
        .values("partner_id")
        .annotate(**{code: Sum(code) for code in MEASURES})
        .order_by()
    )
    by_partner = {row.pop("partner_id"): row for row in rows}
    names = dict(
        Partner.objects.filter(tenant=tenant, pk__in=list(by_partner)).values_list(
            "pk", "legal_name"
        )
    )
    deadline = period_end(period_start, PeriodKind.QUARTER)
    total_row = add_rows(by_partner.values())
    total = plan(
        name=str(_("All partners")),
        partner_id=None,
        row=total_row,
        metric=metric,
        goal=goal,
        deadline=deadline,
    )
    total_derived = derive(total_row)
    fallback = {
        "rates": _rates(total_row),
        "leads": {code: total_derived[lead] if lead else None for code, lead in FUNNEL},
        "deal_size": total_derived["average_deal_size"],
    }
    outcome_total = _outcome(total_row, metric)
    partners = []
    for partner_id, row in sorted(by_partner.items(), key=lambda item: names.get(item[0], "")):
        share = _outcome(row, metric) / outcome_total if outcome_total else Decimal(0)
        if not share:
            continue
        partners.append(
            plan(
                name=names.get(partner_id, ""),
                partner_id=partner_id,
                row=row,
                metric=metric,
                goal=goal * share,
                deadline=deadline,
                fallback=fallback,
            )
        )
    return Breakdown(
        metric=metric,
        goal=goal,
        period_start=period_start,
        period_end=deadline,
        basis_from=basis_from,
        basis_to=basis_to,
        total=total,
        partners=partners,
    )
