"""Portal pages of the payouts app: my commissions (a line with its explanation) and, for the
partner admin, the company's statements with the PDF, the confirmation and the dispute.

SECURITY(tenant): the partner is always the requesting user's own (portal_rep / its partner),
never an id from the URL or the body; a rep reads only the lines crediting them. Another
partner's line or statement, a draft or an approved one, answers 404 like a missing one. What
the staff pages add about the vendor's own people (who booked, who approved) stays off here.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate
from accounts.pdf import pdf_download
from accounts.urls_helpers import tenant_reverse
from partners.access import portal_rep
from payouts import selectors
from payouts.forms import PortalLedgerFilterForm, StatementDisputeForm
from payouts.permissions import PayoutsPerm
from payouts.services import statements as services
from programs.commission.calculator import Explanation

PAGE_SIZE = 50


def _whose_lines(request):
    """(the partner, the rep whose lines only are shown or None for the whole company)."""
    rep = portal_rep(request)
    # SECURITY(tenant): a partner rep sees what credits them; the partner admin the company's.
    company = request_has_perm(request, PayoutsPerm.PORTAL_COMPANY)
    return rep.partner, None if company else rep


@tenant_view(audience="portal", perm=PayoutsPerm.PORTAL_VIEW)
def portal_commissions(request, tenant_slug):
    tenant = request.tenant
    today = timezone.localdate()
    partner, rep = _whose_lines(request)
    form = PortalLedgerFilterForm(request.GET or None)
    lines = selectors.portal_ledger_lines(
        tenant=tenant, partner=partner, rep=rep, today=today, status=form.status_filter()
    )
    page = paginate(request, lines, per_page=PAGE_SIZE)
    return render(
        request,
        "payouts/portal/commissions.html",
        {
            "nav": "commissions",
            "partner": partner,
            "is_company": rep is None,
            "filter_form": form,
            "page": page,
            "totals": selectors.portal_ledger_totals(
                tenant=tenant, partner=partner, rep=rep, today=today
            ),
            "has_any": page.paginator.count
            or selectors.portal_has_lines(tenant=tenant, partner=partner, rep=rep),
        },
    )


@tenant_view(audience="portal", perm=PayoutsPerm.PORTAL_VIEW)
def portal_commission(request, tenant_slug, line_id):
    tenant = request.tenant
    partner, rep = _whose_lines(request)
    line = selectors.portal_ledger_line_get(
        tenant=tenant, partner=partner, rep=rep, line_id=line_id, today=timezone.localdate()
    )
    return render(
        request,
        "payouts/portal/commission.html",
        {
            "nav": "commissions",
            "partner": partner,
            "line": line,
            "explanation": Explanation.from_data(line.explanation) if line.explanation else None,
            "reversals": selectors.portal_line_reversals(tenant=tenant, line=line, rep=rep),
        },
    )


@tenant_view(audience="portal", perm=PayoutsPerm.PORTAL_COMPANY)
def portal_statements(request, tenant_slug):
    partner = portal_rep(request).partner
    page = paginate(
        request,
        selectors.portal_statements(tenant=request.tenant, partner=partner),
        per_page=PAGE_SIZE,
    )
    return render(
        request,
        "payouts/portal/statements.html",
        {"nav": "statements", "partner": partner, "page": page},
    )


def _statement(request, statement_id):
    partner = portal_rep(request).partner
    statement = selectors.portal_statement_get(
        tenant=request.tenant, partner=partner, statement_id=statement_id
    )
    return partner, statement


def _statement_context(request, partner, statement, **extra) -> dict:
    tenant = request.tenant
    correction = selectors.statement_correction(tenant=tenant, statement=statement)
    replaced = correction is not None and correction.is_issued
    return {
        "nav": "statements",
        "partner": partner,
        "statement": statement,
        "correction": correction,
        "correction_issued": replaced,
        # Once an issued correction replaces it, the partner answers the correction instead.
        "may_respond": selectors.portal_statement_awaits_response(statement) and not replaced,
        "deemed_days": selectors.payout_settings(tenant=tenant).deemed_confirmation_days,
        **extra,
    }


@tenant_view(audience="portal", perm=PayoutsPerm.PORTAL_COMPANY)
def portal_statement(request, tenant_slug, statement_id):
    partner, statement = _statement(request, statement_id)
    return render(
        request,
        "payouts/portal/statement.html",
        _statement_context(
            request,
            partner,
            statement,
            lines=selectors.statement_lines(tenant=request.tenant, statement=statement),
            dispute_form=StatementDisputeForm(),
        ),
    )


@tenant_view(audience="portal", perm=PayoutsPerm.PORTAL_COMPANY)
def portal_statement_pdf(request, tenant_slug, statement_id):
    """The issued PDF exactly as it was frozen: its SHA-256 is checked before it is served."""
    _partner, statement = _statement(request, statement_id)
    if not statement.pdf or not selectors.statement_pdf_intact(statement):
        raise Http404
    return pdf_download(statement.pdf, filename=selectors.statement_pdf_filename(statement))


def _respond(request, partner, statement, *, confirm: bool, comment: str):
    services.statement_respond(
        tenant=request.tenant,
        actor=request.user,
        partner=partner,
        statement_id=statement.pk,
        confirm=confirm,
        comment=comment,
    )


@tenant_view(audience="portal", perm=PayoutsPerm.PORTAL_COMPANY)
@require_http_methods(["GET", "POST"])
def portal_statement_confirm(request, tenant_slug, statement_id):
    """GET: what confirming means, on a page of its own; POST: the confirmation."""
    partner, statement = _statement(request, statement_id)
    error = ""
    if request.method == "POST":
        try:
            _respond(request, partner, statement, confirm=True, comment="")
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            messages.success(
                request,
                _("Thank you: statement No. %(number)s is confirmed.")
                % {"number": statement.number},
            )
            return redirect(
                tenant_reverse(
                    request.tenant, "payouts:portal_statement", statement_id=statement.pk
                )
            )
    return render(
        request,
        "payouts/portal/statement_respond.html",
        _statement_context(request, partner, statement, action="confirm", error=error),
        status=400 if error else 200,
    )


@tenant_view(audience="portal", perm=PayoutsPerm.PORTAL_COMPANY)
@require_http_methods(["GET", "POST"])
def portal_statement_dispute(request, tenant_slug, statement_id):
    """GET: the dispute form on a page of its own; POST: the dispute, with its comment."""
    partner, statement = _statement(request, statement_id)
    form = StatementDisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _respond(
                request, partner, statement, confirm=False, comment=form.cleaned_data["comment"]
            )
        except ValidationError as failure:
            form_add_service_errors(form, failure)
        else:
            messages.success(request, _("Your objection is sent: finance will answer you."))
            return redirect(
                tenant_reverse(
                    request.tenant, "payouts:portal_statement", statement_id=statement.pk
                )
            )
    return render(
        request,
        "payouts/portal/statement_respond.html",
        _statement_context(request, partner, statement, action="dispute", dispute_form=form),
        status=400 if form.errors else 200,
    )
