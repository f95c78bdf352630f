"""A partner's scorecard (staff): the page, its compact partner-page tab, and the quarterly
business review as a printable page and, through a job for the worker, a PDF."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import exports
from accounts.access import tenant_view
from accounts.models import ExportJob
from accounts.urls_helpers import tenant_reverse
from insights.exports import CsvTable, csv_download
from insights.forms import KpiFilterForm, period_label
from insights.metrics import METRICS
from insights.models import PeriodKind
from insights.permissions import InsightsPerm
from insights.qbr import QBR_KIND, qbr_context, qbr_form, scorecard_context
from insights.selectors.reps import QUADRANTS, RepDistribution
from insights.selectors.scorecard import (
    TREND_KPIS,
    Scorecard,
    partner_scorecard,
    scorecard_partner_find,
    scorecard_partner_get,
)
from insights.selectors.snapshots import KpiFilter, resolved

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
    context = scorecard_context(request.tenant, scorecard, form)
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
    context = scorecard_context(request.tenant, scorecard)
    context["figures"] = [f for f in scorecard.figures if f.code in TAB_KPIS or f.is_seed]
    if request.htmx:
        return render(request, "insights/scorecards/_tab.html", context)
    return render(request, "insights/scorecards/tab_page.html", context)


def _qbr(request, partner_id) -> dict:
    tenant = request.tenant
    partner = scorecard_partner_get(tenant=tenant, partner_id=partner_id)
    return qbr_context(tenant, partner, qbr_form(tenant, request.GET))


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
@require_GET
def partner_qbr(request, tenant_slug, partner_id):
    """The quarterly business review as a page to print (print CSS drops the controls)."""
    return render(request, "insights/qbr/qbr_page.html", _qbr(request, partner_id))


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
@require_POST
def partner_qbr_pdf(request, tenant_slug, partner_id):
    """Ask for the review (the quarter in the query string) as a PDF: a job for the worker,
    then its page. A double click returns the same job."""
    tenant = request.tenant
    partner = scorecard_partner_get(tenant=tenant, partner_id=partner_id)
    params = request.GET.copy()
    params["partner"] = str(partner.pk)
    try:
        job = exports.export_job_request(
            tenant=tenant,
            actor=request.user,
            kind=QBR_KIND,
            params=params,
            language=get_language() or "ja",
        )
    except exports.ExportRefused as refused:
        messages.error(request, refused.message)
        # The scorecard shows the message (the printable review has no room for one).
        return redirect(tenant_reverse(tenant, "insights:partner_scorecard", partner_id=partner.pk))
    return redirect(tenant_reverse(tenant, "insights:qbr_job", export_id=job.pk))


def _job_context(request, export_id: int) -> dict:
    tenant = request.tenant
    try:
        job = exports.export_job_get(
            tenant=tenant, actor=request.user, export_id=export_id, kind_in=[QBR_KIND]
        )
    except ExportJob.DoesNotExist as error:
        raise Http404 from error
    query = QueryDict(job.query)
    partner = scorecard_partner_find(tenant=tenant, partner_id=query.get("partner"))
    back = ""
    if partner is not None:
        start = query.get("start", "")
        back = tenant_reverse(tenant, "insights:partner_qbr", partner_id=partner.pk)
        back += f"?{urlencode({'period': PeriodKind.QUARTER, 'start': start})}"
    return {
        "nav": "partners",
        "job": job,
        "partner": partner,
        "progress": exports.progress_get(job),
        "expired": exports.export_is_expired(job),
        "back_url": back,
        "progress_url": tenant_reverse(tenant, "insights:qbr_job_progress", export_id=job.pk),
        "download_url": tenant_reverse(tenant, "insights:qbr_download", export_id=job.pk),
    }


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
@require_GET
def qbr_job(request, tenant_slug, export_id):
    """One QBR PDF on its way: the worker's progress, then its download (or why it failed)."""
    context = _job_context(request, export_id)
    context["recent"] = exports.export_job_recent(
        tenant=request.tenant, actor=request.user, kind_in=[QBR_KIND], exclude=context["job"]
    )
    return render(request, "insights/qbr/job.html", context)


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
@require_GET
def qbr_job_progress(request, tenant_slug, export_id):
    """The htmx fragment the job page polls; the poll that finds the PDF ready starts the
    download."""
    context = _job_context(request, export_id)
    context["autostart"] = bool(request.htmx)
    return render(request, "insights/qbr/_job_status.html", context)


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
@require_GET
def qbr_download(request, tenant_slug, export_id):
    job = _job_context(request, export_id)["job"]
    file = exports.export_file_open(tenant=request.tenant, actor=request.user, job=job)
    if file is None:
        raise Http404
    response = FileResponse(
        file,
        as_attachment=True,
        filename=job.filename,
        content_type=exports.export_content_type(job),
    )
    response["Cache-Control"] = "private, no-store"
    return response
