"""Staff pages of the payout periods: the list, closing and reopening one, and the payout
calendar's settings tab."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate
from accounts.urls_helpers import tenant_reverse
from payouts import exports, selectors
from payouts.forms import PayoutSettingsForm, PeriodReopenForm, TransferOriginatorForm
from payouts.permissions import PayoutsPerm
from payouts.services import periods as services


def _list_url(tenant) -> str:
    return tenant_reverse(tenant, "payouts:period_list")


@tenant_view(audience="staff", perm=PayoutsPerm.VIEW)
def period_list(request, tenant_slug):
    tenant = request.tenant
    today = timezone.localdate()
    page = paginate(request, selectors.payout_periods(tenant=tenant), per_page=24)
    counts = selectors.period_statement_counts(
        tenant=tenant, period_ids=[period.pk for period in page]
    )
    for period in page:
        period.statement_counts = counts.get(period.pk)
    return render(
        request,
        "payouts/period_list.html",
        {
            "nav": "periods",
            "page": page,
            "today": today,
            "current": selectors.current_period(tenant=tenant, today=today),
            "calendar": selectors.payout_settings(tenant=tenant),
            "may_manage": request_has_perm(request, PayoutsPerm.MANAGE),
        },
    )


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def period_close(request, tenant_slug, period_id):
    """GET: what closing means, and a button; POST: close."""
    tenant = request.tenant
    period = selectors.payout_period_get(tenant=tenant, period_id=period_id)
    if request.method == "POST":
        try:
            services.period_close(tenant=tenant, actor=request.user, period=period)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The period %(period)s is closed.") % {"period": period})
        return redirect(_list_url(tenant))
    return render(
        request,
        "payouts/period_close.html",
        {"nav": "periods", "period": period, "today": timezone.localdate()},
    )


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def period_reopen(request, tenant_slug, period_id):
    tenant = request.tenant
    period = selectors.payout_period_get(tenant=tenant, period_id=period_id)
    form = PeriodReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_reopen(
                tenant=tenant, actor=request.user, period=period, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("The period %(period)s is open again.") % {"period": period}
            )
            return redirect(_list_url(tenant))
    return render(
        request, "payouts/period_reopen.html", {"nav": "periods", "period": period, "form": form}
    )


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def payout_calendar(request, tenant_slug):
    """Settings › Payout calendar."""
    tenant = request.tenant
    current = selectors.payout_settings(tenant=tenant)
    initial = {name: getattr(current, name) for name in services.SETTINGS_FIELDS}
    form = PayoutSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.payout_settings_save(tenant=tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The payout calendar is saved."))
            return redirect(tenant_reverse(tenant, "payouts:payout_calendar"))
    transfer_form = TransferOriginatorForm(
        initial={name: getattr(current, name) for name in services.TRANSFER_FIELDS}
    )
    return render(
        request,
        "payouts/payout_calendar.html",
        {
            "nav": "settings",
            "tab": "payout_calendar",
            "form": form,
            "transfer_form": transfer_form,
        },
    )


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def transfer_originator(request, tenant_slug):
    """Settings › Payout calendar › the bank-transfer originator (its own form and button)."""
    tenant = request.tenant
    form = TransferOriginatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_originator_save(
                tenant=tenant, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The bank-transfer details are saved."))
            return redirect(tenant_reverse(tenant, "payouts:payout_calendar"))
    elif request.method == "GET":
        return redirect(tenant_reverse(tenant, "payouts:payout_calendar"))
    current = selectors.payout_settings(tenant=tenant)
    initial = {name: getattr(current, name) for name in services.SETTINGS_FIELDS}
    return render(
        request,
        "payouts/payout_calendar.html",
        {
            "nav": "settings",
            "tab": "payout_calendar",
            "form": PayoutSettingsForm(initial=initial),
            "transfer_form": form,
        },
    )


def _download(body, *, filename: str, content_type: str):
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
def period_zengin(request, tenant_slug, period_id):
    """The period's Zengin transfer file; what the bank would refuse is named on the list."""
    tenant = request.tenant
    period = selectors.payout_period_get(tenant=tenant, period_id=period_id)
    try:
        content = services.bank_file_download(tenant=tenant, actor=request.user, period=period)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_list_url(tenant))
    response = HttpResponse(content, content_type="text/plain; charset=shift_jis")
    response["Content-Disposition"] = f'attachment; filename="{exports.zengin_filename(period)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@tenant_view(audience="staff", perm=PayoutsPerm.VIEW)
def period_statements_csv(request, tenant_slug, period_id):
    tenant = request.tenant
    period = selectors.payout_period_get(tenant=tenant, period_id=period_id)
    return _download(
        exports.statements_csv(tenant=tenant, period=period),
        filename=f"statements-{period.starts_on:%Y%m}.csv",
        content_type="text/csv; charset=utf-8",
    )


@tenant_view(audience="staff", perm=PayoutsPerm.VIEW)
def period_lines_csv(request, tenant_slug, period_id):
    tenant = request.tenant
    period = selectors.payout_period_get(tenant=tenant, period_id=period_id)
    return _download(
        exports.statement_lines_csv(tenant=tenant, period=period),
        filename=f"statement-lines-{period.starts_on:%Y%m}.csv",
        content_type="text/csv; charset=utf-8",
    )


@tenant_view(audience="staff", perm=PayoutsPerm.VIEW)
def annual_report(request, tenant_slug):
    """Per individual partner, the year's payments and withholding (支払調書), as a table and
    as CSV."""
    tenant = request.tenant
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year + 1)
    if request.GET.get("format") == "csv":
        return _download(
            exports.annual_payment_csv(tenant=tenant, year=year),
            filename=f"annual-payments-{year}.csv",
            content_type="text/csv; charset=utf-8",
        )
    totals = exports.annual_payment_totals(tenant=tenant, year=year)
    return render(
        request,
        "payouts/annual_report.html",
        {
            "nav": "periods",
            "year": year,
            "years": list(range(this_year + 1, this_year - 6, -1)),
            "totals": totals,
            "sum_gross": sum((total.gross for total in totals), Decimal(0)),
            "sum_withholding": sum((total.withholding for total in totals), Decimal(0)),
        },
    )
