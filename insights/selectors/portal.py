"""Reads of the portal's "My results" page: a partner's own figures, or one rep's own.

SECURITY(tenant): every function takes the tenant and the partner (and the rep) explicitly; the
view takes them from the login (partners.access.portal_rep), never from the URL or the body,
and every query filters by that partner, so no id a request carries can reach another
partner's rows. Only the partner's and the rep's own snapshot rows are read, never the
tenant's or a program's, and nothing the vendor keeps for itself (priority, owner, notes,
suggested priority, cadence) is returned.

Each function is one query whatever the size of the history (the page's queries stay flat).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_decimal as babel_format_decimal
from django.db.models import OuterRef, Q, Subquery
from django.utils import formats, timezone
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from accounts.money import money_format, quantize
from insights.kpi import periods_of
from insights.metrics import DAYS, METRICS, MONEY, PERCENT, derive, empty_row
from insights.models import MEASURES, KpiSnapshot, PeriodKind, SubjectKind
from insights.selectors.snapshots import (
    current_period_start,
    fiscal_year_of,
    period_end,
    period_label,
    shift_period,
    snapshot_queryset,
)
from partners.models import Partner, PartnerRep

# The periods the portal offers (reps have no day rows; a day is too short to read anyway).
PERIOD_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
# No figures go back further; an earlier start (0001-01-01) would run the trend off the calendar.
EARLIEST = datetime.date(2000, 1, 1)
PERIOD_CHOICES = [(kind.value, kind.label) for kind in PERIOD_KINDS]
TREND_PERIODS = 8

# The headline cards: the company's (partner admin) and a rep's own.
COMPANY_CARDS = (
    "deals_registered",
    "deals_won",
    "win_rate",
    "revenue",
    "meetings_held",
    "commission_accrued",
    "commission_paid",
    "asset_views",
    "activation_rate",
    "producing_coverage",
)
REP_CARDS = (
    "deals_registered",
    "deals_won",
    "win_rate",
    "revenue",
    "meetings_held",
    "commission_accrued",
    "commission_paid",
    "asset_views",
    "sign_in_days",
)
# The trend table's columns (the chart draws the first three), with the short headings a
# table beside a chart has room for.
TREND_COLUMNS = (
    "deals_registered",
    "deals_won",
    "revenue",
    "win_rate",
    "meetings_held",
    "commission_accrued",
    "asset_views",
)
TREND_HEADINGS = {
    "deals_registered": _("Registered"),
    "deals_won": _("Won"),
    "revenue": _("Revenue"),
    "win_rate": _("Win rate"),
    "meetings_held": _("Meetings"),
    "commission_accrued": _("Commission"),
    "asset_views": _("Views"),
}
# The reps table: (sort key, label, metric code or None for a flag).
REP_COLUMNS = (
    ("asset_views", _("Asset views")),
    ("sign_in_days", _("Sign-in days")),
    ("deals_registered", _("Deals registered")),
    ("deals_won", _("Deals won")),
    ("revenue", _("Revenue (first year)")),
)
REP_FLAGS = (("is_active", _("Active")), ("is_producing", _("Producing")))
REP_SORTS = ("name", *(key for key, _label in REP_COLUMNS), "is_active", "is_producing")


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date

    @property
    def end(self) -> datetime.date:
        return period_end(self.start, self.kind)

    def shifted(self, count: int) -> Period:
        return Period(self.kind, shift_period(self.start, self.kind, count))

    def query_string(self) -> str:
        return f"period={self.kind}&start={self.start.isoformat()}"


def portal_period(
    *, tenant: Tenant, kind: str | None, start: datetime.date | None, today=None
) -> Period:
    """The period asked for (the current month by default), snapped to the start of the
    period that holds it, and never after the current one (nothing is measured there)."""
    today = today or timezone.localdate()
    kind = kind if kind in PERIOD_KINDS else PeriodKind.MONTH
    current = current_period_start(tenant, kind, today)
    wanted = dict(periods_of(tenant, max(start, EARLIEST)))[kind] if start else current
    return Period(kind, min(wanted, current))


def is_current(*, tenant: Tenant, period: Period, today=None) -> bool:
    return period.start >= current_period_start(tenant, period.kind, today)


def fiscal_label(tenant: Tenant, period: Period, *, short: bool = False) -> str:
    """The period's name on the tenant's calendar (period_label: May 2026, FY2026 Q1, FY2026);
    `short` for a table heading: Dec 2026, Q1 '26."""
    if not short or period.kind == PeriodKind.YEAR:
        return period_label(tenant, period.kind, period.start)
    if period.kind == PeriodKind.MONTH:
        # Japanese's year-month ("2026年12月") is short already.
        japanese = (get_language() or "").startswith("ja")
        pattern = "YEAR_MONTH_FORMAT" if japanese else "M Y"
        return formats.date_format(period.start, pattern)
    into_year = (period.start.month - tenant.fiscal_year_start_month) % 12
    year = fiscal_year_of(tenant, period.start)
    number = into_year // 3 + 1
    return str(_("Q%(number)s '%(year)s") % {"number": number, "year": str(year)[-2:]})


def table_label(tenant: Tenant, period: Period) -> str:
    """The trend table's (and its CSV's) name of a period: a short month, a full quarter."""
    return fiscal_label(tenant, period, short=period.kind == PeriodKind.MONTH)


def _own_rows(*, tenant: Tenant, partner: Partner, rep: PartnerRep | None):
    """The partner's own row or, for a rep, that rep's own row: never another subject's."""
    rows = KpiSnapshot.objects.filter(tenant=tenant, partner=partner)
    if rep is None:
        return rows.filter(subject_kind=SubjectKind.PARTNER, subject_id=partner.pk)
    # SECURITY(tenant): a rep of another partner has rows under that partner only, so the
    # partner filter above already keeps them out; the subject id keeps the rep to their own.
    return rows.filter(subject_kind=SubjectKind.REP, subject_id=rep.pk)


def portal_series(
    *,
    tenant: Tenant,
    partner: Partner,
    rep: PartnerRep | None,
    period: Period,
    count: int = TREND_PERIODS,
) -> tuple[list[tuple[Period, dict]], bool]:
    """The `count` periods up to `period`, oldest first, each with its measures (zeros where
    nothing was computed), and whether any of them has a row. One query."""
    periods = [period.shifted(offset) for offset in range(1 - count, 1)]
    found = (
        _own_rows(tenant=tenant, partner=partner, rep=rep)
        .filter(period_kind=period.kind, period_start__in=[p.start for p in periods])
        .values("period_start", *MEASURES)
    )
    by_start = {row.pop("period_start"): row for row in found}
    series = [(p, {**empty_row(), **by_start.get(p.start, {})}) for p in periods]
    return series, bool(by_start)


def portal_has_figures(*, tenant: Tenant, partner: Partner, rep: PartnerRep | None) -> bool:
    """Whether the engine has computed anything for the partner (or the rep) yet."""
    return _own_rows(tenant=tenant, partner=partner, rep=rep).exists()


def portal_reps(*, tenant: Tenant, partner: Partner, period: Period, sort: str = "name"):
    """The partner's reps known or with figures in the period: name, figures and the active
    and producing flags, sorted by `sort` (a REP_SORTS key, "-" first for descending). One
    query; the names come from the partner's own reps only."""
    names = PartnerRep.objects.filter(tenant=tenant, partner=partner, pk=OuterRef("subject_id"))
    found = (
        KpiSnapshot.objects.filter(
            tenant=tenant,
            partner=partner,
            subject_kind=SubjectKind.REP,
            period_kind=period.kind,
            period_start=period.start,
        )
        .annotate(rep_name=Subquery(names.values("full_name")[:1]))
        .values("subject_id", "rep_name", *MEASURES)
    )
    rows = []
    for row in found:
        kpi = derive(row, [key for key, _label in REP_COLUMNS])
        rows.append(
            {
                "rep_id": row["subject_id"],
                "name": row["rep_name"] or "",
                "kpi": kpi,
                "is_active": bool(row["reps_active"]),
                "is_producing": bool(row["reps_producing"]),
            }
        )
    return sort_reps(rows, sort)


def sort_reps(rows: list[dict], sort: str) -> list[dict]:
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in REP_SORTS:
        key, descending = "name", False

    def value(row):
        if key == "name":
            return (row["name"].casefold(), row["rep_id"])
        if key in ("is_active", "is_producing"):
            return (row[key], row["name"].casefold())
        return (row["kpi"][key], row["name"].casefold())

    return sorted(rows, key=value, reverse=descending)


@dataclass(frozen=True)
class Card:
    code: str
    label: str
    unit: str
    value: object
    previous: object
    help: str


def cards(codes, row: dict, previous_row: dict | None) -> list[Card]:
    """The headline figures of one row, with the previous period's beside them."""
    values = derive(row, codes)
    before = derive(previous_row, codes) if previous_row is not None else {}
    return [
        Card(
            code,
            METRICS[code].label,
            METRICS[code].unit,
            values[code],
            before.get(code),
            METRICS[code].help,
        )
        for code in codes
    ]


def trend_rows(series) -> list[dict]:
    """The trend table: one row per period with the TREND_COLUMNS metrics."""
    return [
        {"period": period, "kpi": derive(row, TREND_COLUMNS)} for period, row in reversed(series)
    ]


def format_decimal(value) -> str:
    return babel_format_decimal(value, locale=to_locale(get_language() or "en"))


def format_metric(value, unit: str, currency: str) -> str:
    """A figure as the page shows it: 1,234 / ¥1,234 / 33.3 % / 12.5; "–" without a value."""
    if value is None:
        return "–"
    if unit == MONEY:
        return money_format(value, currency)
    if unit == PERCENT:
        return _("%(value)s %%") % {"value": format_decimal(round(Decimal(value) * 100, 1))}
    if unit == DAYS:
        return format_decimal(round(Decimal(value), 1))
    return format_decimal(value)


def csv_value(value, unit: str, currency: str):
    """A figure for a spreadsheet: the number alone (money rounded to the currency, shares
    in percent with one decimal), empty without a value."""
    if value is None:
        return ""
    if unit == MONEY:
        return quantize(value, currency)
    if unit == PERCENT:
        return round(Decimal(value) * 100, 1)
    if unit == DAYS:
        return round(Decimal(value), 1)
    return value


def _header(code: str) -> str:
    label = str(TREND_HEADINGS[code])
    return f"{label} (%)" if METRICS[code].unit == PERCENT else label


def trend_csv(*, tenant: Tenant, rows: list[dict]) -> tuple[list[str], list[list]]:
    """The trend table as CSV: what the page's table shows, period by period."""
    currency = tenant.base_currency
    header = [str(_("Period")), str(_("Starts on")), *(_header(code) for code in TREND_COLUMNS)]
    body = [
        [
            table_label(tenant, row["period"]),
            row["period"].start.isoformat(),
            *(csv_value(row["kpi"][code], METRICS[code].unit, currency) for code in TREND_COLUMNS),
        ]
        for row in rows
    ]
    return header, body


def reps_csv(*, tenant: Tenant, reps: list[dict]) -> tuple[list[str], list[list]]:
    """The reps table as CSV, in the order the page shows it."""
    currency = tenant.base_currency
    yes, no = str(_("yes")), str(_("no"))
    header = [
        str(_("Rep")),
        *(str(label) for _key, label in REP_COLUMNS),
        *(str(label) for _key, label in REP_FLAGS),
    ]
    body = [
        [
            rep["name"],
            *(csv_value(rep["kpi"][key], METRICS[key].unit, currency) for key, _l in REP_COLUMNS),
            *(yes if rep[key] else no for key, _l in REP_FLAGS),
        ]
        for rep in reps
    ]
    return header, body


# What the vendor keeps for itself: the cadence of its contacts with the partner follows the
# partner's priority, so a partner user's API answer leaves these metrics out.
STAFF_ONLY_METRICS = frozenset({"contacts_due", "contacts_on_time", "cadence_compliance"})


def portal_snapshots(*, tenant: Tenant, partner: Partner | None, rep: PartnerRep | None):
    """The snapshot rows a partner user may read through the API, newest period first: the
    partner admin (rep None) the partner's own rows and its reps' rows; a rep their own rep
    rows only; a login linked to no partner nothing. Never a tenant or program row."""
    if partner is None:
        return KpiSnapshot.objects.none()
    if rep is None:
        # SECURITY(tenant): the partner filter keeps other partners' rows and the tenant's
        # and programs' rows (which have no partner) out.
        own = Q(subject_kind=SubjectKind.PARTNER, subject_id=partner.pk) | Q(
            subject_kind=SubjectKind.REP
        )
    else:
        own = Q(subject_kind=SubjectKind.REP, subject_id=rep.pk)
    return snapshot_queryset(tenant=tenant, filters=Q(partner=partner) & own)
