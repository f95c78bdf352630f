"""Staff pages of deal registration: the review queue, a deal's page and the review actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.pagination import paginate
from accounts.urls_helpers import tenant_reverse
from deals.models import ConflictReason, RegistrationStatus
from deals.permissions import DealsPerm
from deals.selectors import registrations as selectors
from deals.services import registrations as services
from deals.services.conflicts import stored_matches
from deals.views.staff_pipeline import stage_panel_context

REASON_LABELS = dict(ConflictReason.choices)


@tenant_view(audience="staff", perm=DealsPerm.VIEW)
def review_queue(request, tenant_slug):
    tenant = request.tenant
    page = paginate(request, selectors.review_queue(tenant=tenant))
    for deal in page.object_list:
        deal.conflict_count = len(deal.conflict_rows)
        reasons = []
        for row in deal.conflict_rows:
            for reason in row.reasons:
                if reason not in reasons:
                    reasons.append(reason)
        deal.conflict_reasons = [REASON_LABELS.get(reason, reason) for reason in reasons]
    return render(
        request,
        "deals/registrations/review_queue.html",
        {
            "nav": "review",
            "page": page,
            "extensions": list(selectors.pending_extensions(tenant=tenant)[:50]),
        },
    )


@tenant_view(audience="staff", perm=DealsPerm.VIEW)
@require_http_methods(["GET", "POST"])
def deal_detail(request, tenant_slug, deal_id):
    """The deal's page; POST (a reviewer's "check again") refreshes its stored matches."""
    tenant = request.tenant
    deal = selectors.staff_deal_get(tenant=tenant, deal_id=deal_id)
    if request.method == "POST":
        if not request_has_perm(request, DealsPerm.REVIEW):
            raise PermissionDenied
        return _after(
            request,
            deal.pk,
            lambda: services.deal_recheck(tenant=tenant, deal=deal),
            _("The matches are checked again."),
        )
    return render(
        request,
        "deals/registrations/deal_detail.html",
        {
            "nav": "review" if deal.registration_status == RegistrationStatus.PENDING else "deals",
            "deal": deal,
            **stage_panel_context(request, deal),
            "matches": stored_matches(tenant=tenant, deal=deal),
            "history": selectors.deal_history(tenant=tenant, deal=deal, staff=True),
            "extensions": list(selectors.deal_extensions(tenant=tenant, deal=deal)),
            "may_review": request_has_perm(request, DealsPerm.REVIEW),
            "is_pending": deal.registration_status == RegistrationStatus.PENDING,
            "protection_days": deal.program.protection_days if deal.program else 90,
        },
    )


def _after(request, deal_id: int, action, success: str):
    try:
        action()
    except ValidationError as failure:
        messages.error(request, " ".join(failure.messages))
    else:
        messages.success(request, success)
    return redirect(tenant_reverse(request.tenant, "deals:deal_detail", deal_id=deal_id))


@tenant_view(audience="staff", perm=DealsPerm.REVIEW)
@require_POST
def deal_approve(request, tenant_slug, deal_id):
    deal = selectors.staff_deal_get(tenant=request.tenant, deal_id=deal_id)
    return _after(
        request,
        deal.pk,
        lambda: services.deal_approve(
            tenant=request.tenant, actor=request.user, deal=deal, note=request.POST.get("note", "")
        ),
        _("The registration is approved."),
    )


@tenant_view(audience="staff", perm=DealsPerm.REVIEW)
@require_POST
def deal_reject(request, tenant_slug, deal_id):
    deal = selectors.staff_deal_get(tenant=request.tenant, deal_id=deal_id)
    return _after(
        request,
        deal.pk,
        lambda: services.deal_reject(
            tenant=request.tenant,
            actor=request.user,
            deal=deal,
            reason=request.POST.get("reason", ""),
        ),
        _("The registration is rejected."),
    )


@tenant_view(audience="staff", perm=DealsPerm.REVIEW)
@require_POST
def deal_duplicate(request, tenant_slug, deal_id):
    deal = selectors.staff_deal_get(tenant=request.tenant, deal_id=deal_id)
    return _after(
        request,
        deal.pk,
        lambda: services.deal_mark_duplicate(
            tenant=request.tenant,
            actor=request.user,
            deal=deal,
            original_id=request.POST.get("duplicate_of"),
            reason=request.POST.get("reason", ""),
        ),
        _("The registration is marked as a duplicate."),
    )


@tenant_view(audience="staff", perm=DealsPerm.REVIEW)
@require_POST
def extension_decide(request, tenant_slug, extension_id):
    extension = selectors.extension_get(tenant=request.tenant, extension_id=extension_id)
    approve = request.POST.get("decision") == "approve"
    return _after(
        request,
        extension.deal_id,
        lambda: services.extension_decide(
            tenant=request.tenant,
            actor=request.user,
            extension=extension,
            approve=approve,
            note=request.POST.get("note", ""),
        ),
        _("The extension is approved.") if approve else _("The extension is refused."),
    )
