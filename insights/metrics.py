"""The KPIs a person reads: the stored measures and the ratios derived from them.

A snapshot row stores additive measures only; every ratio (win rate, lead time, activation
rate...) is derived here from the row's own numerator and denominator, so a program's or the
tenant's ratio is the ratio of its sums, never an average of its partners' ratios.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from insights.models import MEASURES, KpiSnapshot

# How a value is shown: a count, money in the tenant's base currency, a share, days.
COUNT, MONEY, PERCENT, DAYS = "count", "money", "percent", "days"
# Recurring revenue is monthly; a deal's size and the revenue mix count its first year.
RECURRING_MONTHS = 12


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    unit: str
    compute: Callable[[Mapping], Decimal | int | None]
    help: str = ""


def _ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _first_year(row: Mapping, prefix: str = "") -> Decimal:
    return Decimal(row[f"{prefix}revenue_one_time"]) + RECURRING_MONTHS * Decimal(
        row[f"{prefix}revenue_recurring"]
    )


def _stored(code: str, unit: str) -> Metric:
    field = KpiSnapshot._meta.get_field(code)
    return Metric(code, capfirst(field.verbose_name), unit, lambda row: row[code])


def _lead(step: str, label) -> Metric:
    return Metric(
        f"{step}_lead",
        label,
        DAYS,
        lambda row: _ratio(row[f"{step}_lead_days"], row[f"{step}_lead_n"]),
        _("Average days from the account's previous step."),
    )


_MONEY_MEASURES = {
    "revenue_one_time",
    "revenue_recurring",
    "direct_revenue_one_time",
    "direct_revenue_recurring",
    "commission_accrued",
    "commission_paid",
}
STORED: dict[str, Metric] = {
    code: _stored(code, MONEY if code in _MONEY_MEASURES else COUNT)
    for code in MEASURES
    if not code.endswith(("_lead_days", "_lead_n"))
}

DERIVED: dict[str, Metric] = {
    metric.code: metric
    for metric in (
        Metric(
            "revenue",
            _("Partner revenue (first year)"),
            MONEY,
            _first_year,
            _("One-time revenue plus twelve months of recurring revenue of won partner deals."),
        ),
        Metric(
            "direct_revenue",
            _("Direct revenue (first year)"),
            MONEY,
            lambda row: _first_year(row, "direct_"),
        ),
        Metric(
            "partner_share",
            _("Partner share of revenue"),
            PERCENT,
            lambda row: _ratio(_first_year(row), _first_year(row) + _first_year(row, "direct_")),
            _("Partner revenue over partner and direct revenue."),
        ),
        Metric(
            "new_customers",
            _("New customers"),
            COUNT,
            lambda row: row["deals_won"] + row["direct_deals_won"],
            _("Won deals, partner and direct."),
        ),
        Metric(
            "win_rate",
            _("Win rate"),
            PERCENT,
            lambda row: _ratio(row["deals_won"], row["deals_won"] + row["deals_lost"]),
            _("Deals won over deals won or lost in the period."),
        ),
        Metric(
            "average_deal_size",
            _("Average deal size (first year)"),
            MONEY,
            lambda row: _ratio(_first_year(row), row["deals_won"]),
        ),
        Metric(
            "won_lead",
            _("Registration to won (days)"),
            DAYS,
            lambda row: _ratio(row["won_lead_days"], row["won_lead_n"]),
        ),
        _lead("requests", _("Listed to request (days)")),
        _lead("actions_agreed", _("Request to agreed action (days)")),
        _lead("actions_done", _("Agreed to done (days)")),
        _lead("meetings_held", _("Action to meeting (days)")),
        _lead("accounts_converted", _("Meeting to deal (days)")),
        Metric(
            "activation_rate",
            _("Activation rate"),
            PERCENT,
            lambda row: _ratio(row["reps_active"], row["reps_known"]),
            _("Reps who signed in or opened material, over reps known."),
        ),
        Metric(
            "producing_coverage",
            _("Producing-rep coverage"),
            PERCENT,
            lambda row: _ratio(row["reps_producing"], row["reps_known"]),
            _("Reps who registered a deal, over reps known: the rest is headroom."),
        ),
        Metric(
            "cadence_compliance",
            _("Cadence compliance"),
            PERCENT,
            lambda row: _ratio(row["contacts_on_time"], row["contacts_due"]),
            _("Contacts on time over contacts due."),
        ),
    )
}

METRICS: dict[str, Metric] = {**STORED, **DERIVED}

# The KPI each contract type is judged on first (domain.md §3); other types: revenue.
SEED_KPI_BY_CONTRACT = {
    "referral": "meetings_held",
    "agency": "win_rate",
    "reseller": "revenue",
}
DEFAULT_SEED_KPI = "revenue"

# The funnel in order, and the lead-time metric of reaching each step.
FUNNEL = (
    ("accounts_listed", None),
    ("requests", "requests_lead"),
    ("actions_agreed", "actions_agreed_lead"),
    ("actions_done", "actions_done_lead"),
    ("meetings_held", "meetings_held_lead"),
    ("deals_won", "won_lead"),
)


def empty_row() -> dict:
    return dict.fromkeys(MEASURES, 0)


def derive(row: Mapping | None, codes=None) -> dict:
    """Every metric (or those in `codes`) of one snapshot row as {code: value}; a missing
    row reads as zeros, a ratio without a denominator as None."""
    source = {**empty_row(), **(row or {})}
    chosen = METRICS if codes is None else {code: METRICS[code] for code in codes}
    return {code: metric.compute(source) for code, metric in chosen.items()}


def add_rows(rows) -> dict:
    """The sum of several rows' measures (a custom group of partners, a filtered list)."""
    total = empty_row()
    for row in rows:
        for code in MEASURES:
            total[code] += row.get(code) or 0
    return total
