"""A partner's scorecard (staff): the page, its compact partner-page tab, and the quarterly
business review as a printable page and a PDF."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import tenant_view
from accounts.pdf import render_pdf
from insights.exports import CsvTable, csv_download
from insights.forms import KpiFilterForm, period_label
from insights.metrics import METRICS
from insights.models import PeriodKind
from insights.permissions import InsightsPerm
from insights.selectors.reps import QUADRANTS, RepDistribution
from insights.selectors.scorecard import (
    TREND_KPIS,
    Scorecard,
    partner_scorecard,
    qbr_filter,
    scorecard_partner_get,
)
from insights.selectors.snapshots import KpiFilter, resolved

KEY_PEOPLE_SHOWN = 10
# The partner-page tab's few figures (and the seed KPI, whichever it is).
TAB_KPIS = ("revenue", "deals_registered", "deals_won", "win_rate", "meetings_held")


def _scatter(distribution: RepDistribution) -> dict:
    return {
        "threshold": distribution.views_threshold,
        "x_label": _("Material views"),
        "y_label": _("Results (deals registered + won)"),
        "series": [
            {
                "key": key,
                "label": str(label),
                "points": [
                    {"x": rep.views, "y": rep.results, "name": rep.name}
                    for rep in distribution.reps
                    if rep.quadrant == key
                ],
            }
            for key, (label, _help) in QUADRANTS.items()
        ],
    }


def _chart_data(request, scorecard: Scorecard) -> dict:
    kind = scorecard.kpi_filter.period_kind
    labels = [period_label(request.tenant, kind, point.start) for point in scorecard.trend]
    return {
        "trend": {
            "labels": labels,
            "series": [
                {
                    "key": code,
                    "label": capfirst(METRICS[code].label),
                    "data": [point.kpi[code] for point in scorecard.trend],
                }
                for code in ("meetings_held", "deals_registered", "deals_won")
            ],
            "revenue": {
                "label": str(METRICS["revenue"].label),
                "data": [float(point.kpi["revenue"]) for point in scorecard.trend],
            },
        },
        "scatter": _scatter(scorecard.distribution),
    }


def _trend_table(request, scorecard: Scorecard) -> CsvTable:
    kind = scorecard.kpi_filter.period_kind
    return CsvTable(
        [_("Period"), *(capfirst(METRICS[code].label) for code in TREND_KPIS)],
        (
            [
                period_label(request.tenant, kind, point.start),
                *("" if point.kpi[code] is None else point.kpi[code] for code in TREND_KPIS),
            ]
            for point in scorecard.trend
        ),
    )


def _reps_table(scorecard: Scorecard) -> CsvTable:
    return CsvTable(
        [
            _("Rep"),
            _("Material views"),
            _("Deals registered"),
            _("Deals won"),
            _("Results"),
            _("Quadrant"),
            _("Band"),
        ],
        (
            [
                rep.name,
                rep.views,
                rep.deals_registered,
                rep.deals_won,
                rep.results,
                str(rep.quadrant_label),
                str(rep.band_label),
            ]
            for rep in sorted(scorecard.distribution.reps, key=lambda r: r.rank_key())
        ),
    )


def _context(request, scorecard: Scorecard, form=None) -> dict:
    kpi_filter = scorecard.kpi_filter
    distribution = scorecard.distribution
    return {
        "nav": "partners",
        "form": form,
        "partner": scorecard.partner,
        "scorecard": scorecard,
        "distribution": distribution,
        "kpi_filter": kpi_filter,
        "query": kpi_filter.query_string(),
        "period_label": period_label(
            request.tenant, kpi_filter.period_kind, kpi_filter.period_start
        ),
        "previous_label": period_label(
            request.tenant, kpi_filter.period_kind, scorecard.previous_start
        ),
        "trend_kpis": [METRICS[code] for code in TREND_KPIS],
        "trend_rows": [
            {
                "start": point.start,
                "label": period_label(request.tenant, kpi_filter.period_kind, point.start),
                "values": [(METRICS[code], point.kpi[code]) for code in TREND_KPIS],
            }
            for point in scorecard.trend
        ],
        "performing": distribution.performing[:KEY_PEOPLE_SHOWN],
        "support": distribution.support[:KEY_PEOPLE_SHOWN],
        "band_totals": distribution.band_totals(),
        "requirement_labels": {
            "meetings_held": _("Meetings held"),
            "won_deals": _("Won deals"),
            "revenue": _("Revenue"),
            "certified_reps": _("Certified reps"),
        },
    }


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
@require_GET
def partner_scorecard_page(request, tenant_slug, partner_id):
    tenant = request.tenant
    partner = scorecard_partner_get(tenant=tenant, partner_id=partner_id)
    form = KpiFilterForm(request.GET or None, tenant=tenant, slices=False)
    scorecard = partner_scorecard(
        tenant=tenant, partner=partner, kpi_filter=form.kpi_filter(), today=timezone.localdate()
    )
    export = request.GET.get("export")
    if export is not None:
        tables = {
            "trend": lambda: _trend_table(request, scorecard),
            "reps": lambda: _reps_table(scorecard),
        }
        if export not in tables:
            raise Http404
        start = scorecard.kpi_filter.period_start
        return csv_download(
            tables[export](), filename=f"scorecard-{partner.pk}-{export}-{start:%Y%m%d}.csv"
        )
    context = _context(request, scorecard, form)
    context["chart_data"] = _chart_data(request, scorecard)
    return render(request, "insights/scorecards/scorecard.html", context)


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
@require_GET
def partner_scorecard_tab(request, tenant_slug, partner_id):
    """The partner page's "Scorecard" tab (registered in apps.py): this quarter's headline
    figures beside the last one, and a link to the whole scorecard. Visited directly, a page
    around it."""
    tenant = request.tenant
    partner = scorecard_partner_get(tenant=tenant, partner_id=partner_id)
    scorecard = partner_scorecard(
        tenant=tenant,
        partner=partner,
        kpi_filter=resolved(tenant, KpiFilter(PeriodKind.QUARTER)),
        with_tiers=False,
    )
    context = _context(request, scorecard)
    context["figures"] = [f for f in scorecard.figures if f.code in TAB_KPIS or f.is_seed]
    if request.htmx:
        return render(request, "insights/scorecards/_tab.html", context)
    return render(request, "insights/scorecards/tab_page.html", context)


def _qbr(request, partner_id) -> dict:
    tenant = request.tenant
    partner = scorecard_partner_get(tenant=tenant, partner_id=partner_id)
    form = KpiFilterForm(
        request.GET or None,
        tenant=tenant,
        default_kind=PeriodKind.QUARTER,
        kinds=(PeriodKind.QUARTER,),
        slices=False,
    )
    scorecard = partner_scorecard(
        tenant=tenant,
        partner=partner,
        kpi_filter=qbr_filter(tenant, form.kpi_filter()),
        today=timezone.localdate(),
    )
    context = _context(request, scorecard, form)
    context["generated_on"] = timezone.localdate()
    context["tenant"] = tenant
    return context


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
@require_GET
def partner_qbr(request, tenant_slug, partner_id):
    """The quarterly business review as a page to print (print CSS drops the controls)."""
    return render(request, "insights/qbr/qbr_page.html", _qbr(request, partner_id))


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
@require_GET
def partner_qbr_pdf(request, tenant_slug, partner_id):
    """The same review as a PDF, rendered in the request rather than by a task: its one or
    two pages render in about half a second (measured on the demo data), under the second
    after which architecture.md asks for a task with progress."""
    context = _qbr(request, partner_id)
    pdf = render_pdf("insights/qbr/qbr_pdf.html", context, language=get_language())
    start = context["kpi_filter"].period_start
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="qbr-{context["partner"].pk}-{start:%Y%m}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
