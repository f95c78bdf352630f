"""The CSV files of the insights pages: each table a page shows, as the page shows it (the
same filter), built from the selectors' results so a file never reads more than the page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from accounts.exports import csv_text
from insights.selectors.reps import BANDS, RepAnalytics, RepPoint


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    rows: Iterable[Iterable]


def _share(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _rep_header() -> list[str]:
    return [
        _("Rep"),
        _("Partner"),
        _("Owner"),
        _("Material views"),
        _("Deals registered"),
        _("Deals won"),
        _("Results"),
        _("Partner revenue (first year)"),
        _("Quadrant"),
        _("Band"),
    ]


def _rep_row(rep: RepPoint) -> list:
    return [
        rep.name,
        rep.partner_name,
        rep.owner,
        rep.views,
        rep.deals_registered,
        rep.deals_won,
        rep.results,
        rep.revenue,
        str(rep.quadrant_label),
        str(rep.band_label),
    ]


def _reps(reps: list[RepPoint]) -> CsvTable:
    return CsvTable(_rep_header(), (_rep_row(rep) for rep in reps))


def _quadrants(analytics: RepAnalytics) -> CsvTable:
    return CsvTable(
        [_("Quadrant"), _("Reps"), _("Share of reps (%)")],
        ([str(q.label), q.count, _share(q.share)] for q in analytics.distribution.quadrants),
    )


def _bands(analytics: RepAnalytics) -> CsvTable:
    return CsvTable(
        [_("Partner"), _("Owner"), _("Reps"), *(str(label) for label in BANDS.values())],
        (
            [b.name, b.owner, b.reps, b.top, b.middle, b.bottom]
            for b in analytics.distribution.bands
        ),
    )


def _headroom(analytics: RepAnalytics) -> CsvTable:
    return CsvTable(
        [
            _("Partner"),
            _("Owner"),
            _("Reps known"),
            _("Reps producing"),
            _("Headroom (reps)"),
            _("Producing-rep coverage (%)"),
        ],
        (
            [h.name, h.owner, h.known, h.producing, h.headroom, _share(h.coverage)]
            for h in analytics.headroom
        ),
    )


REP_TABLES: dict[str, Callable[[RepAnalytics], CsvTable]] = {
    "quadrants": _quadrants,
    "reps": lambda analytics: _reps(
        sorted(analytics.distribution.reps, key=lambda r: (r.partner_name, r.name, r.rep_id))
    ),
    "performing": lambda analytics: _reps(analytics.distribution.performing),
    "support": lambda analytics: _reps(analytics.distribution.support),
    "bands": _bands,
    "headroom": _headroom,
}


def csv_download(table: CsvTable, *, filename: str) -> HttpResponse:
    response = HttpResponse(
        csv_text(table.header, table.rows).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def rep_table_download(analytics: RepAnalytics, name: str) -> HttpResponse:
    """`?export=<name>` of the rep analytics page; an unknown table: 404."""
    if name not in REP_TABLES:
        raise Http404
    start = analytics.kpi_filter.period_start
    return csv_download(
        REP_TABLES[name](analytics),
        filename=f"rep-analytics-{name}-{analytics.kpi_filter.period_kind}-{start:%Y%m%d}.csv",
    )
