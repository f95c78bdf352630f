"""Rep analytics (staff): reps by material views against results, their quadrants, the
2:6:2 bands per partner and each partner's headroom; every table as CSV (`?export=`)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import tenant_view
from insights.exports import REP_TABLES, rep_table_download
from insights.forms import KpiFilterForm
from insights.permissions import InsightsPerm
from insights.selectors.reps import BANDS, QUADRANTS, RepAnalytics, rep_analytics

# The charts draw the partners with the most reps (bands) and the most headroom; the tables
# beside them list every partner.
CHART_PARTNERS = 15


def _chart_data(analytics: RepAnalytics) -> dict:
    distribution = analytics.distribution
    bands = distribution.bands[:CHART_PARTNERS]
    headroom = analytics.headroom[:CHART_PARTNERS]
    return {
        "scatter": {
            "threshold": distribution.views_threshold,
            "x_label": _("Material views"),
            "y_label": _("Results (deals registered + won)"),
            "series": [
                {
                    "key": key,
                    "label": str(label),
                    "points": [
                        {
                            "x": rep.views,
                            "y": rep.results,
                            "name": f"{rep.name} ({rep.partner_name})",
                        }
                        for rep in distribution.reps
                        if rep.quadrant == key
                    ],
                }
                for key, (label, _help) in QUADRANTS.items()
            ],
        },
        "bands": {
            "labels": [band.name for band in bands],
            "series": [
                {"key": key, "label": str(label), "data": [getattr(b, key) for b in bands]}
                for key, label in BANDS.items()
            ],
        },
        "headroom": {
            "labels": [row.name for row in headroom],
            "series": [
                {
                    "key": "producing",
                    "label": _("Reps producing"),
                    "data": [row.producing for row in headroom],
                },
                {
                    "key": "headroom",
                    "label": _("Headroom (reps)"),
                    "data": [row.headroom for row in headroom],
                },
            ],
        },
    }


# How many people each key-people list shows on the page; the CSV holds them all.
KEY_PEOPLE_SHOWN = 25


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
@require_GET
def rep_analytics_page(request, tenant_slug):
    tenant = request.tenant
    form = KpiFilterForm(request.GET or None, tenant=tenant)
    kpi_filter = form.kpi_filter()
    analytics = rep_analytics(tenant=tenant, kpi_filter=kpi_filter)
    export = request.GET.get("export")
    if export is not None:
        return rep_table_download(analytics, export)
    distribution = analytics.distribution
    context = {
        "nav": "rep_analytics",
        "form": form,
        "analytics": analytics,
        "distribution": distribution,
        "kpi_filter": analytics.kpi_filter,
        "query": analytics.kpi_filter.query_string(),
        "period_label": form.period_label(analytics.kpi_filter),
        "performing": distribution.performing[:KEY_PEOPLE_SHOWN],
        "support": distribution.support[:KEY_PEOPLE_SHOWN],
        "performing_total": len(distribution.of("performing")),
        "support_total": len(distribution.of("support")),
        "band_totals": distribution.band_totals(),
        "bands_legend": BANDS,
        "tables": list(REP_TABLES),
        "chart_data": _chart_data(analytics),
    }
    return render(request, "insights/reps/rep_analytics.html", context)
