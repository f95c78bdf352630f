"""The partners panel of the staff dashboard: an htmx fragment at its own URL.

The staff dashboard loads registered panels by htmx; visited directly (no JavaScript, a
bookmark), the panel comes inside a whole page.
"""

from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.access import tenant_view
from partners.permissions import PartnersPerm
from partners.selectors.dashboard import dashboard_figures


def _chart_data(figures) -> dict:
    """What the charts draw (the tables beside them show the same figures)."""
    return {
        "status": {
            "labels": [str(row["label"]) for row in figures.by_status],
            "series": [
                {
                    "label": _("Priority %(priority)s") % {"priority": priority},
                    "data": [row["counts"][index] for row in figures.by_status],
                }
                for index, priority in enumerate(figures.priorities)
            ],
        },
        "overdue": {
            "labels": [row["owner"] or _("No owner") for row in figures.overdue_by_owner],
            "data": [row["count"] for row in figures.overdue_by_owner],
            "label": _("Overdue partners"),
        },
        "trend": {
            "labels": [
                formats.date_format(row["week"], "SHORT_DATE_FORMAT")
                for row in figures.activity_trend
            ],
            "data": [row["count"] for row in figures.activity_trend],
            "label": _("Activities"),
        },
        "funnel": {
            "labels": [str(row["label"]) for row in figures.funnel],
            "data": [row["count"] for row in figures.funnel],
            "label": _("Prospects"),
        },
    }


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def dashboard_panel(request, tenant_slug):
    figures = dashboard_figures(tenant=request.tenant, today=timezone.localdate())
    context = {"figures": figures, "chart_data": _chart_data(figures)}
    if request.htmx:
        template = "partners/dashboard/_panel.html"
    else:
        template = "partners/dashboard/panel_page.html"
        context["nav"] = "dashboard"
    return render(request, template, context)
