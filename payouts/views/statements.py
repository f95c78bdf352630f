"""Staff pages of the payout statements: the review list with filters and bulk approval, a
statement with every line and its explanation, approval, making a draft again, making a
period's statements, and a partner's payout profile."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate, sort_headers
from accounts.pdf import pdf_download
from accounts.urls_helpers import tenant_reverse
from partners.selectors.directory import partner_get
from payouts import selectors
from payouts.forms import (
    PayoutProfileForm,
    StatementCorrectForm,
    StatementFilterForm,
    StatementPaidForm,
)
from payouts.models import StatementStatus
from payouts.permissions import PayoutsPerm
from payouts.services import statements as services
from payouts.services.periods import period_statements_request

SORTABLE = ("period", "partner", "net_payable")


@tenant_view(audience="staff", perm=PayoutsPerm.VIEW)
def statement_list(request, tenant_slug):
    tenant = request.tenant
    form = StatementFilterForm(request.GET or None, tenant=tenant)
    filters = form.filters() if request.GET else {}
    sort = request.GET.get("sort") or "-period"
    page = paginate(
        request, selectors.statement_list(tenant=tenant, sort=sort, **filters), per_page=50
    )
    return render(
        request,
        "payouts/statement_list.html",
        {
            "nav": "statements",
            "filter_form": form,
            "page": page,
            "headers": sort_headers(request, SORTABLE, default="-period"),
            "may_manage": request_has_perm(request, PayoutsPerm.MANAGE),
            "query": request.GET.urlencode(),
            "paid_form": StatementPaidForm(use_required_attribute=False),
        },
    )


def _approve(request, ids: list[int]) -> None:
    try:
        done = services.statements_approve(
            tenant=request.tenant, actor=request.user, statement_ids=ids
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return
    if done["approved"]:
        messages.success(
            request,
            ngettext(
                "%(count)s statement approved.", "%(count)s statements approved.", done["approved"]
            )
            % {"count": done["approved"]},
        )
    if done["first"]:
        messages.info(
            request,
            ngettext(
                "%(count)s statement now waits for a second approver.",
                "%(count)s statements now wait for a second approver.",
                done["first"],
            )
            % {"count": done["first"]},
        )


def _chosen(request) -> list[int]:
    ids = [int(value) for value in request.POST.getlist("statement") if value.isdigit()]
    if not ids:
        messages.error(request, _("Choose at least one statement."))
    return ids


def _back_to_list(request):
    query = request.POST.get("query", "")
    return redirect(
        tenant_reverse(request.tenant, "payouts:statement_list") + (f"?{query}" if query else "")
    )


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_POST
def statements_bulk_approve(request, tenant_slug):
    ids = _chosen(request)
    if ids:
        _approve(request, ids)
    return _back_to_list(request)


def _issue(request, ids: list[int]) -> None:
    try:
        count = services.statements_issue_request(
            tenant=request.tenant, actor=request.user, statement_ids=ids
        )
    except ValidationError as error:
        _errors(request, error)
        return
    messages.success(
        request,
        ngettext(
            "%(count)s statement is being issued: its number and PDF follow.",
            "%(count)s statements are being issued: their numbers and PDFs follow.",
            count,
        )
        % {"count": count},
    )


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_POST
def statements_bulk_issue(request, tenant_slug):
    """Issue the chosen approved statements in the worker, one task each."""
    ids = _chosen(request)
    if ids:
        _issue(request, ids)
    return _back_to_list(request)


def _mark_paid(request, ids: list[int]) -> bool:
    form = StatementPaidForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return False
    try:
        count = services.statements_mark_paid(
            tenant=request.tenant,
            actor=request.user,
            statement_ids=ids,
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data["reference"],
        )
    except ValidationError as error:
        _errors(request, error)
        return False
    messages.success(
        request,
        ngettext(
            "%(count)s statement recorded as paid.", "%(count)s statements recorded as paid.", count
        )
        % {"count": count},
    )
    return True


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_POST
def statements_bulk_paid(request, tenant_slug):
    """Record the bank's payment of the chosen issued statements (one date and reference)."""
    ids = _chosen(request)
    if ids:
        _mark_paid(request, ids)
    return _back_to_list(request)


@tenant_view(audience="staff", perm=PayoutsPerm.VIEW)
def statement_detail(request, tenant_slug, statement_id):
    tenant = request.tenant
    statement = selectors.statement_get(tenant=tenant, statement_id=statement_id)
    return render(
        request,
        "payouts/statement_detail.html",
        {
            "nav": "statements",
            "statement": statement,
            "lines": selectors.statement_lines(tenant=tenant, statement=statement),
            "needs_second": services.needs_second_approval(tenant, statement),
            "may_manage": request_has_perm(request, PayoutsPerm.MANAGE),
            "correction": selectors.statement_correction(tenant=tenant, statement=statement),
            "paid_form": StatementPaidForm(initial={"paid_on": statement.period.pays_on}),
        },
    )


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_POST
def statement_approve(request, tenant_slug, statement_id):
    statement = selectors.statement_get(tenant=request.tenant, statement_id=statement_id)
    _approve(request, [statement.pk])
    return redirect(tenant_reverse(request.tenant, "payouts:statement", statement_id=statement.pk))


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_POST
def statement_regenerate(request, tenant_slug, statement_id):
    tenant = request.tenant
    statement = selectors.statement_get(tenant=tenant, statement_id=statement_id)
    try:
        services.statement_generate(
            tenant=tenant, period_id=statement.period_id, partner_id=statement.partner_id
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The draft is made again from the ledger."))
    return redirect(tenant_reverse(tenant, "payouts:statement", statement_id=statement.pk))


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_POST
def period_statements_generate(request, tenant_slug, period_id):
    """Make the period's statements again in the worker (those closing queued already; this
    is for lines that arrived since, or a run that was lost). Harmless to repeat."""
    tenant = request.tenant
    period = selectors.payout_period_get(tenant=tenant, period_id=period_id)
    try:
        period_statements_request(tenant=tenant, period=period)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The statements of %(period)s are being made.") % {"period": period}
        )
    return redirect(tenant_reverse(tenant, "payouts:statement_list") + f"?period={period.pk}")


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def partner_payout_profile(request, tenant_slug, partner_id):
    tenant = request.tenant
    partner = partner_get(tenant=tenant, partner_id=partner_id)
    profile = selectors.payout_profile(tenant=tenant, partner=partner)
    form = PayoutProfileForm(
        request.POST or None,
        initial={
            "withholding": profile.withholding,
            "adds_consumption_tax": profile.adds_consumption_tax,
            "monthly_salary": profile.monthly_salary,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.payout_profile_save(
                tenant=tenant, actor=request.user, partner=partner, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The payout profile is saved."))
            return redirect(tenant_reverse(tenant, "partner_detail", partner_id=partner.pk))
    return render(
        request,
        "payouts/payout_profile.html",
        {"nav": "partners", "partner": partner, "form": form},
    )


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_POST
def statement_issue(request, tenant_slug, statement_id):
    """Issue in the worker (the PDF takes about a second); the page shows it when done."""
    tenant = request.tenant
    statement = selectors.statement_get(tenant=tenant, statement_id=statement_id)
    if statement.status != StatementStatus.APPROVED:
        messages.error(request, _("Only an approved statement is issued."))
    else:
        _issue(request, [statement.pk])
    return redirect(tenant_reverse(tenant, "payouts:statement", statement_id=statement.pk))


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_POST
def statement_paid(request, tenant_slug, statement_id):
    tenant = request.tenant
    statement = selectors.statement_get(tenant=tenant, statement_id=statement_id)
    _mark_paid(request, [statement.pk])
    return redirect(tenant_reverse(tenant, "payouts:statement", statement_id=statement.pk))


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def statement_correct(request, tenant_slug, statement_id):
    """Correct an issued statement: a new draft that names it (the issued one never changes)."""
    tenant = request.tenant
    statement = selectors.statement_get(tenant=tenant, statement_id=statement_id)
    correction = selectors.statement_correction(tenant=tenant, statement=statement)
    if correction is not None:
        messages.info(request, _("This statement has a correction already."))
        return redirect(tenant_reverse(tenant, "payouts:statement", statement_id=correction.pk))
    form = StatementCorrectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.statement_correct(
                tenant=tenant,
                actor=request.user,
                statement_id=statement.pk,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("The correction is a draft: review it, approve it and issue it.")
            )
            return redirect(tenant_reverse(tenant, "payouts:statement", statement_id=correction.pk))
    return render(
        request,
        "payouts/statement_correct.html",
        {"nav": "statements", "statement": statement, "form": form},
    )


@tenant_view(audience="staff", perm=PayoutsPerm.VIEW)
def statement_pdf(request, tenant_slug, statement_id):
    """The issued PDF, exactly as it was frozen (its SHA-256 is checked before it is served)."""
    statement = selectors.statement_get(tenant=request.tenant, statement_id=statement_id)
    if not statement.pdf or not selectors.statement_pdf_intact(statement):
        raise Http404
    return pdf_download(statement.pdf, filename=selectors.statement_pdf_filename(statement))
