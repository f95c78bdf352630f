"""The portal's "My results" page: the partner admin reads the company's figures, its reps'
activity and results, its tier progress and a link to its commission; a rep reads their own.

SECURITY(tenant): the partner and the rep come from the login (portal_rep), never from the URL
or the body; the selectors filter every read by them. A rep sees no other rep's name or
figures; nobody sees what the vendor keeps for itself (priority, owner, notes, cadence).
"""

import datetime
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_GET

from accounts.access import request_has_perm, tenant_view
from accounts.urls_helpers import tenant_reverse
from insights.exports import CsvTable, csv_download
from insights.metrics import METRICS
from insights.permissions import InsightsPerm
from insights.selectors import portal as selectors
from partners.access import portal_rep
from programs.selectors.portal import portal_contracts, portal_tier_progress


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


@tenant_view(audience="portal", perm=InsightsPerm.PORTAL_VIEW)
@require_GET
def portal_results(request, tenant_slug):
    tenant = request.tenant
    today = timezone.localdate()
    rep = portal_rep(request)
    partner = rep.partner
    # SECURITY(tenant): the partner admin reads the company's rows; a rep only their own.
    is_company = request_has_perm(request, InsightsPerm.PORTAL_COMPANY)
    subject_rep = None if is_company else rep
    period = selectors.portal_period(
        tenant=tenant,
        kind=request.GET.get("period"),
        start=_date(request.GET.get("start", "")),
        today=today,
    )
    series, found = selectors.portal_series(
        tenant=tenant, partner=partner, rep=subject_rep, period=period
    )
    has_figures = found or selectors.portal_has_figures(
        tenant=tenant, partner=partner, rep=subject_rep
    )
    trend = selectors.trend_rows(series)
    sort = request.GET.get("sort", "name")
    reps = (
        selectors.portal_reps(tenant=tenant, partner=partner, period=period, sort=sort)
        if is_company
        else []
    )
    currency = tenant.base_currency
    stem = f"results-{period.kind}-{period.start:%Y%m}"

    if request.GET.get("format") == "csv":
        if request.GET.get("table") == "reps" and is_company:
            header, rows = selectors.reps_csv(tenant=tenant, reps=reps)
            return csv_download(CsvTable(header, rows), filename=f"{stem}-reps.csv")
        header, rows = selectors.trend_csv(tenant=tenant, rows=trend)
        return csv_download(CsvTable(header, rows), filename=f"{stem}-trend.csv")

    codes = selectors.COMPANY_CARDS if is_company else selectors.REP_CARDS
    current_row = series[-1][1]
    previous_row = series[-2][1] if len(series) > 1 else None
    cards = [
        {
            "card": card,
            "display": selectors.format_metric(card.value, card.unit, currency),
            "previous": selectors.format_metric(card.previous, card.unit, currency),
        }
        for card in selectors.cards(codes, current_row, previous_row)
    ]
    progress = []
    if is_company:
        contracts = list(portal_contracts(tenant=tenant, partner=partner))
        progress = portal_tier_progress(
            tenant=tenant, partner=partner, contracts=contracts, today=today
        )
    return render(
        request,
        "insights/portal/results.html",
        {
            "nav": "results",
            "partner": partner,
            "is_company": is_company,
            "has_figures": has_figures,
            "period": period,
            "period_label": selectors.fiscal_label(tenant, period),
            "period_kinds": selectors.PERIOD_CHOICES,
            "previous_period": period.shifted(-1),
            "next_period": None
            if selectors.is_current(tenant=tenant, period=period, today=today)
            else period.shifted(1),
            "cards": cards,
            "trend": [
                {
                    "label": selectors.table_label(tenant, row["period"]),
                    "period": row["period"],
                    "cells": [
                        selectors.format_metric(row["kpi"][code], METRICS[code].unit, currency)
                        for code in selectors.TREND_COLUMNS
                    ],
                }
                for row in trend
            ],
            "trend_headers": [selectors.TREND_HEADINGS[code] for code in selectors.TREND_COLUMNS],
            "chart": {
                "labels": [selectors.fiscal_label(tenant, p, short=True) for p, _row in series],
                "registered_label": capfirst(METRICS["deals_registered"].label),
                "won_label": capfirst(METRICS["deals_won"].label),
                "revenue_label": capfirst(METRICS["revenue"].label),
                "registered": [row["deals_registered"] for _p, row in series],
                "won": [row["deals_won"] for _p, row in series],
                "revenue": [
                    float(selectors.csv_value(METRICS["revenue"].compute(row), "money", currency))
                    for _p, row in series
                ],
            },
            "reps": [
                {
                    "rep": rep_row,
                    "cells": [
                        selectors.format_metric(rep_row["kpi"][key], METRICS[key].unit, currency)
                        for key, _label in selectors.REP_COLUMNS
                    ],
                }
                for rep_row in reps
            ],
            "rep_columns": selectors.REP_COLUMNS,
            "rep_flags": selectors.REP_FLAGS,
            "progress": progress,
            "commissions_url": tenant_reverse(tenant, "payouts:portal_commissions"),
            "programs_url": tenant_reverse(tenant, "programs:portal_programs"),
            "export_trend": f"?{period.query_string()}&format=csv&table=trend",
            "export_reps": "?"
            + urlencode(
                {"period": period.kind, "start": period.start, "sort": sort, "format": "csv"}
            )
            + "&table=reps",
        },
    )
