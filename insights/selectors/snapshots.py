"""Reads of the KPI snapshots every dashboard shares: a filter, series over periods, and
figures per partner, rep and program. Each is one query on the snapshot table, whatever the
size of the history, so a dashboard issues the same queries at any data size.

With no filter the tenant's own rows answer (they hold the direct deals too); with a filter
the matching partners' rows are summed in the database (a program filter: partners with a
signed contract in it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import Tenant
from insights.kpi import DIRECT, periods_of
from insights.metrics import derive, empty_row
from insights.models import MEASURES, KpiSnapshot, PeriodKind, SubjectKind
from partners.models import PartnerRep
from programs.models import ContractStatus, PartnerContract, Program

MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


@dataclass(frozen=True)
class KpiFilter:
    """What a dashboard shows: one period, and optionally a slice of the partners."""

    period_kind: str = PeriodKind.QUARTER
    period_start: datetime.date | None = None
    program_id: int | None = None
    partner_type_id: int | None = None
    owner_id: int | None = None
    priority: str = ""

    @property
    def slices_partners(self) -> bool:
        return bool(self.program_id or self.partner_type_id or self.owner_id or self.priority)

    def query_string(self) -> str:
        """The filter as a query string (exports and links keep what the page shows)."""
        pairs = {
            "period": self.period_kind,
            "start": self.period_start.isoformat() if self.period_start else "",
            "program": self.program_id or "",
            "partner_type": self.partner_type_id or "",
            "owner": self.owner_id or "",
            "priority": self.priority,
        }
        return urlencode({k: v for k, v in pairs.items() if v})


def current_period_start(tenant: Tenant, kind: str, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return dict(periods_of(tenant, today))[kind]


def resolved(tenant: Tenant, kpi_filter: KpiFilter) -> KpiFilter:
    """The filter with its period start filled in (the current period by default) and
    snapped to the start of the period that holds it."""
    start = kpi_filter.period_start or timezone.localdate()
    return replace(kpi_filter, period_start=dict(periods_of(tenant, start))[kpi_filter.period_kind])


def shift_period(start: datetime.date, kind: str, count: int) -> datetime.date:
    """The start of the period `count` periods after (negative: before) the one at `start`."""
    if kind == PeriodKind.DAY:
        return start + datetime.timedelta(days=count)
    index = start.year * 12 + start.month - 1 + count * MONTHS_IN[kind]
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_end(start: datetime.date, kind: str) -> datetime.date:
    return shift_period(start, kind, 1) - datetime.timedelta(days=1)


def fiscal_year_of(tenant: Tenant, day: datetime.date) -> int:
    """The fiscal year holding `day`, named by the calendar year it starts in (2026年度)."""
    return dict(periods_of(tenant, day))[PeriodKind.YEAR].year


def period_label(tenant: Tenant, kind: str, start: datetime.date) -> str:
    """How a person names a period: 2026-10, FY2026 Q3, FY2026, or the date of a day."""
    if kind == PeriodKind.MONTH:
        return date_format(start, "YEAR_MONTH_FORMAT")
    if kind == PeriodKind.DAY:
        return date_format(start, "SHORT_DATE_FORMAT")
    year = fiscal_year_of(tenant, start)
    if kind == PeriodKind.YEAR:
        return gettext("FY%(year)s") % {"year": year}
    first = dict(periods_of(tenant, start))[PeriodKind.YEAR]
    quarter = ((start.year - first.year) * 12 + start.month - first.month) // 3 + 1
    return gettext("FY%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}


def partner_snapshot_rows(tenant: Tenant, kpi_filter: KpiFilter) -> QuerySet[KpiSnapshot]:
    rows = KpiSnapshot.objects.filter(
        tenant=tenant, subject_kind=SubjectKind.PARTNER, period_kind=kpi_filter.period_kind
    )
    if kpi_filter.partner_type_id:
        rows = rows.filter(partner__partner_type_id=kpi_filter.partner_type_id)
    if kpi_filter.owner_id:
        rows = rows.filter(partner__owner_id=kpi_filter.owner_id)
    if kpi_filter.priority:
        rows = rows.filter(partner__priority=kpi_filter.priority)
    if kpi_filter.program_id:
        rows = rows.filter(
            Exists(
                PartnerContract.objects.filter(
                    tenant=tenant,
                    program_id=kpi_filter.program_id,
                    partner_id=OuterRef("partner_id"),
                ).exclude(status=ContractStatus.DRAFT)
            )
        )
    return rows


def kpi_series(
    *, tenant: Tenant, kpi_filter: KpiFilter, count: int = 8
) -> list[tuple[datetime.date, dict]]:
    """The `count` periods up to the filter's, oldest first, each with its summed measures
    (zeros for a period without rows). One query."""
    kpi_filter = resolved(tenant, kpi_filter)
    kind, last = kpi_filter.period_kind, kpi_filter.period_start
    starts = [shift_period(last, kind, offset) for offset in range(1 - count, 1)]
    if kpi_filter.slices_partners:
        measures = [code for code in MEASURES if code not in DIRECT]
        found = (
            partner_snapshot_rows(tenant, kpi_filter)
            .filter(period_start__in=starts)
            .values("period_start")
            .annotate(**{code: Sum(code) for code in measures})
            .order_by()
        )
    else:
        found = KpiSnapshot.objects.filter(
            tenant=tenant,
            subject_kind=SubjectKind.TENANT,
            period_kind=kind,
            period_start__in=starts,
        ).values("period_start", *MEASURES)
    by_start = {row.pop("period_start"): row for row in found}
    return [(start, {**empty_row(), **by_start.get(start, {})}) for start in starts]


def kpi_total(*, tenant: Tenant, kpi_filter: KpiFilter) -> dict:
    """The filter's period, summed: the row a dashboard's headline figures come from."""
    return kpi_series(tenant=tenant, kpi_filter=kpi_filter, count=1)[0][1]


PARTNER_FIELDS = ("partner_id", "partner__legal_name", "partner__display_name", "partner__priority")


def kpi_by_partner(*, tenant: Tenant, kpi_filter: KpiFilter) -> list[dict]:
    """One row per partner with figures in the filter's period: its measures, its derived
    metrics under "kpi", and its name. One query."""
    kpi_filter = resolved(tenant, kpi_filter)
    rows = (
        partner_snapshot_rows(tenant, kpi_filter)
        .filter(period_start=kpi_filter.period_start)
        .values(*PARTNER_FIELDS, *MEASURES)
        .order_by("partner__legal_name", "partner_id")
    )
    return [_named(row) for row in rows]


def _named(row: dict) -> dict:
    display, legal = row.pop("partner__display_name"), row.pop("partner__legal_name")
    row["name"] = display or legal
    row["priority"] = row.pop("partner__priority")
    row["kpi"] = derive(row)
    return row


def kpi_by_rep(
    *,
    tenant: Tenant,
    kpi_filter: KpiFilter,
    partner_id: int | None = None,
    codes: tuple[str, ...] | None = None,
) -> list[dict]:
    """One row per rep known or with figures in the filter's period (of one partner, or of
    the partners the filter slices), with the rep's and the partner's names. One query.
    `codes`: the derived metrics a row's "kpi" holds (all of them when None); a tenant has
    thousands of reps, and a page that reads one metric need not derive the fifty."""
    kpi_filter = resolved(tenant, kpi_filter)
    partners = partner_snapshot_rows(tenant, kpi_filter).filter(
        period_start=kpi_filter.period_start
    )
    rows = KpiSnapshot.objects.filter(
        tenant=tenant,
        subject_kind=SubjectKind.REP,
        period_kind=kpi_filter.period_kind,
        period_start=kpi_filter.period_start,
    )
    if partner_id is not None:
        rows = rows.filter(partner_id=partner_id)
    elif kpi_filter.slices_partners:
        rows = rows.filter(partner_id__in=partners.values("partner_id"))
    names = PartnerRep.objects.filter(tenant=tenant, pk=OuterRef("subject_id"))
    found = (
        rows.annotate(
            rep_name=Subquery(names.values("full_name")[:1]),
            partner_name=Subquery(names.values("partner__legal_name")[:1]),
        )
        .values("subject_id", "partner_id", "rep_name", "partner_name", *MEASURES)
        .order_by("partner_name", "rep_name", "subject_id")
    )
    result = []
    for row in found:
        row["rep_id"] = row.pop("subject_id")
        row["kpi"] = derive(row, codes)
        result.append(row)
    return result


def kpi_by_program(*, tenant: Tenant, kpi_filter: KpiFilter) -> list[dict]:
    """One row per program with figures in the period, with its name and contract type's
    code (the seed KPI of its type). One query."""
    kpi_filter = resolved(tenant, kpi_filter)
    programs = Program.objects.filter(tenant=tenant, pk=OuterRef("subject_id"))
    found = (
        KpiSnapshot.objects.filter(
            tenant=tenant,
            subject_kind=SubjectKind.PROGRAM,
            period_kind=kpi_filter.period_kind,
            period_start=kpi_filter.period_start,
        )
        .annotate(
            program_name=Subquery(programs.values("name")[:1]),
            contract_code=Subquery(programs.values("contract_type__code")[:1]),
            contract_name=Subquery(programs.values("contract_type__name")[:1]),
        )
        .values("subject_id", "program_name", "contract_code", "contract_name", *MEASURES)
        .order_by("program_name", "subject_id")
    )
    result = []
    for row in found:
        row["program_id"] = row.pop("subject_id")
        row["kpi"] = derive(row)
        result.append(row)
    return result


def snapshot_queryset(*, tenant: Tenant, filters: Q | None = None) -> QuerySet[KpiSnapshot]:
    """Raw snapshot rows (the API), newest period first."""
    rows = KpiSnapshot.objects.filter(tenant=tenant)
    if filters is not None:
        rows = rows.filter(filters)
    return rows.order_by("-period_start", "subject_kind", "subject_id", "period_kind")
