"""Staff pages of insights: the overview, the goal breakdown and the KPI targets."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import tenant_view
from insights.exports import CsvTable, csv_download
from insights.forms import GoalForm, InsightsSettingsForm, KpiFilterForm
from insights.metrics import METRICS
from insights.permissions import InsightsPerm
from insights.selectors.goals import goal_breakdown
from insights.selectors.overview import HEADLINES, overview, share_target
from insights.selectors.snapshots import period_end, period_label, shift_period
from insights.services import insights_settings_update


def csv_response(filename: str, header: list, rows: list) -> HttpResponse:
    return csv_download(CsvTable(header, rows), filename=filename)


def _number(value, places: int = 4) -> str:
    """A figure for a spreadsheet: ratios to four places, days to one, money as it is."""
    if value is None:
        return ""
    return str(round(value, places)) if isinstance(value, Decimal) else str(value)


def _overview_csv(name: str, data) -> HttpResponse | None:
    if name == "mix":
        return csv_response(
            "partner-share.csv",
            [
                _("Period start"),
                _("Partner revenue"),
                _("Direct revenue"),
                _("Partner share"),
                _("Target"),
                _("New customers"),
                _("Through partners"),
                _("Direct"),
            ],
            [
                [
                    row["start"].isoformat(),
                    row["revenue"],
                    row["direct_revenue"],
                    _number(row["partner_share"]),
                    row["target"],
                    row["new_customers"],
                    row["partner_customers"],
                    row["direct_customers"],
                ]
                for row in data.mix
            ],
        )
    if name == "funnel":
        return csv_response(
            "funnel.csv",
            [_("Step"), _("Count"), _("Conversion from the previous step"), _("Lead time (days)")],
            [
                [str(step.label), step.count, _number(step.conversion), _number(step.lead_days, 1)]
                for step in data.funnel
            ],
        )
    if name == "contract_types":
        return csv_response(
            "kpis-per-contract-type.csv",
            [
                _("Program"),
                _("Contract type"),
                _("Judged on"),
                _("Value"),
                _("Meetings held"),
                _("Deals won"),
                _("Win rate"),
                _("Partner revenue"),
            ],
            [
                [
                    row["name"],
                    row["contract_type"],
                    str(row["seed_label"]),
                    _number(row["seed_value"]),
                    row["meetings_held"],
                    row["deals_won"],
                    _number(row["win_rate"]),
                    row["revenue"],
                ]
                for row in data.contract_types
            ],
        )
    if name == "week":
        return csv_response(
            "since-last-week.csv",
            [_("Figure"), _("Last 7 days"), _("The 7 days before"), _("Change")],
            [
                [str(row["label"]), row["this_week"], row["last_week"], row["change"]]
                for row in data.week
            ],
        )
    return None


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
def overview_page(request, tenant_slug):
    tenant = request.tenant
    form = KpiFilterForm(request.GET or None, tenant=tenant)
    data = overview(tenant=tenant, kpi_filter=form.kpi_filter())
    export = request.GET.get("export")
    if export:
        response = _overview_csv(export, data)
        if response is not None:
            return response
    kpi_filter = data.kpi_filter
    chart = {
        "mix": {
            "labels": [row["label"] for row in data.mix],
            "partner": [float(row["revenue"]) for row in data.mix],
            "direct": [float(row["direct_revenue"]) for row in data.mix],
            "share": [
                None
                if row["partner_share"] is None
                else round(float(row["partner_share"]) * 100, 1)
                for row in data.mix
            ],
            "target": float(data.target) * 100,
            "labels_text": {
                "partner": _("Partner revenue"),
                "direct": _("Direct revenue"),
                "share": _("Partner share (%)"),
                "target": _("Target (%)"),
                "customers_partner": _("Through partners"),
                "customers_direct": _("Direct"),
            },
            "customers_partner": [row["partner_customers"] for row in data.mix],
            "customers_direct": [row["direct_customers"] for row in data.mix],
        },
        "funnel": {
            "labels": [str(step.label) for step in data.funnel],
            "counts": [step.count for step in data.funnel],
            "label": _("Accounts or deals"),
        },
    }
    return render(
        request,
        "insights/overview.html",
        {
            "nav": "insights",
            "form": form,
            "data": data,
            "kpi_filter": kpi_filter,
            "period_end": period_end(kpi_filter.period_start, kpi_filter.period_kind),
            "period_name": period_label(tenant, kpi_filter.period_kind, kpi_filter.period_start),
            "previous_start": shift_period(kpi_filter.period_start, kpi_filter.period_kind, -1),
            "next_start": shift_period(kpi_filter.period_start, kpi_filter.period_kind, 1),
            "headlines": [
                {
                    "code": code,
                    "label": label,
                    "unit": METRICS[code].unit,
                    "value": data.kpi[code],
                    "before": data.previous_kpi[code],
                }
                for code, label in HEADLINES
            ],
            "chart": chart,
            "query": kpi_filter.query_string(),
        },
    )


@tenant_view(audience="staff", perm=InsightsPerm.VIEW)
def goal_page(request, tenant_slug):
    tenant = request.tenant
    form = GoalForm(request.GET or None, tenant=tenant)
    breakdown = None
    if form.is_bound and form.is_valid():
        breakdown = goal_breakdown(tenant=tenant, **form.goal_arguments())
        if request.GET.get("export") == "steps":
            return csv_response(
                "goal-breakdown.csv",
                [
                    _("Partner"),
                    *[str(step.label) for step in breakdown.total.steps],
                    *[_("%(step)s by") % {"step": step.label} for step in breakdown.total.steps],
                ],
                [
                    [
                        str(plan.name),
                        *[step.needed for step in plan.steps],
                        *[step.by.isoformat() if step.by else "" for step in plan.steps],
                    ]
                    for plan in (*breakdown.partners, breakdown.total)
                ],
            )
    return render(
        request,
        "insights/goal.html",
        {"nav": "goal_breakdown", "form": form, "breakdown": breakdown},
    )


@tenant_view(audience="staff", perm=InsightsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def settings_page(request, tenant_slug):
    tenant = request.tenant
    form = InsightsSettingsForm(
        request.POST or None, initial={"partner_share_target": share_target(tenant=tenant) * 100}
    )
    if request.method == "POST" and form.is_valid():
        try:
            insights_settings_update(
                tenant=tenant,
                actor=request.user,
                partner_share_target=form.cleaned_data["partner_share_target"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The KPI targets were saved."))
            return redirect("insights:settings", tenant_slug=tenant.slug)
    return render(
        request,
        "insights/settings.html",
        {"nav": "settings", "tab": "insights", "form": form},
    )
