"""Portal pages of the programs app: the partner's programs, tier progress, terms and
written-terms notices."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import request_has_perm, tenant_view
from accounts.pdf import pdf_download
from accounts.roles import Perm
from accounts.urls_helpers import tenant_reverse
from partners.access import portal_partner
from programs.permissions import ProgramsPerm
from programs.selectors.notices import (
    notice_display,
    notice_pdf_filename,
    notices_attach,
    portal_notice_get,
)
from programs.selectors.portal import (
    portal_contract_get,
    portal_contracts,
    portal_tier_progress,
)
from programs.selectors.programs import public_program_list
from programs.services.notices import written_notice_acknowledge
from programs.services.terms import contract_terms_accept


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
def portal_programs(request, tenant_slug):
    partner = portal_partner(request)
    contracts = list(portal_contracts(tenant=request.tenant, partner=partner))
    notices_attach(tenant=request.tenant, contracts=contracts)
    progress = portal_tier_progress(
        tenant=request.tenant, partner=partner, contracts=contracts, today=timezone.localdate()
    )
    return render(
        request,
        "programs/portal/programs.html",
        {
            "nav": "programs",
            "partner": partner,
            "contracts": contracts,
            "progress": progress,
            "measured": any(p.figures is not None and p.figures.is_measured for p in progress),
            "may_accept": request_has_perm(request, ProgramsPerm.TERMS_ACCEPT),
        },
    )


def _partner_admin_confirms(
    request, *, may: bool, ticked: str, refused: str, unticked: str, confirm
) -> str:
    """A partner admin's confirm-by-ticking POST (accept terms, acknowledge a notice): the
    error to show, or "" once `confirm()` (the service call) has run."""
    if not may:
        return refused
    if request.POST.get(ticked) != "yes":
        return unticked
    try:
        confirm()
    except ValidationError as failure:
        return " ".join(failure.messages)
    return ""


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_http_methods(["GET", "POST"])
def portal_contract_terms(request, tenant_slug, contract_id):
    partner = portal_partner(request)
    contract = portal_contract_get(tenant=request.tenant, partner=partner, contract_id=contract_id)
    may_accept = request_has_perm(request, ProgramsPerm.TERMS_ACCEPT)
    error = ""
    if request.method == "POST":
        error = _partner_admin_confirms(
            request,
            may=may_accept,
            ticked="agree",
            refused=_("Only your company's partner admin can accept the terms."),
            unticked=_("Tick the box to confirm that you have read and accept the terms."),
            confirm=lambda: contract_terms_accept(
                tenant=request.tenant, actor=request.user, partner=partner, contract=contract
            ),
        )
        if not error:
            messages.success(request, _("Thank you: the terms are accepted."))
            return redirect(tenant_reverse(request.tenant, "programs:portal_programs"))
    return render(
        request,
        "programs/portal/terms.html",
        {
            "nav": "programs",
            "partner": partner,
            "contract": contract,
            "may_accept": may_accept,
            "error": error,
        },
        status=400 if error else 200,
    )


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_http_methods(["GET", "POST"])
def portal_notice(request, tenant_slug, notice_id):
    """The written-terms notice in the page (in the reader's language), its PDF and, for the
    partner admin, the acknowledgement."""
    partner = portal_partner(request)
    notice = portal_notice_get(tenant=request.tenant, partner=partner, notice_id=notice_id)
    may_acknowledge = request_has_perm(request, ProgramsPerm.TERMS_ACCEPT)
    error = ""
    if request.method == "POST":
        error = _partner_admin_confirms(
            request,
            may=may_acknowledge,
            ticked="confirm",
            refused=_("Only your company's partner admin can acknowledge the notice."),
            unticked=_("Tick the box to confirm that you have received and read the notice."),
            confirm=lambda: written_notice_acknowledge(
                tenant=request.tenant, actor=request.user, partner=partner, notice=notice
            ),
        )
        if not error:
            messages.success(request, _("Thank you: the notice is acknowledged."))
            return redirect(tenant_reverse(request.tenant, "programs:portal_programs"))
    return render(
        request,
        "programs/portal/notice.html",
        {
            "nav": "programs",
            "partner": partner,
            "notice": notice,
            "content": notice_display(notice.content),
            "may_acknowledge": may_acknowledge,
            "error": error,
        },
        status=400 if error else 200,
    )


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
def portal_notice_pdf(request, tenant_slug, notice_id):
    partner = portal_partner(request)
    notice = portal_notice_get(tenant=request.tenant, partner=partner, notice_id=notice_id)
    if not notice.pdf:
        raise Http404
    return pdf_download(notice.pdf, filename=notice_pdf_filename(notice))


@tenant_view(audience="public")
def public_programs(request, tenant_slug):
    """The fragment the "become a partner" page loads: the tenant's public programs (name,
    contract type, description), or nothing at all when it offers none."""
    programs = public_program_list(tenant=request.tenant)
    return render(request, "programs/public/_programs.html", {"programs": programs})
