"""Portal side of the pipeline: a partner user moves its own partner's deal, where the
program lets the partner move deals (reseller and agency programs)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import tenant_view
from accounts.urls_helpers import tenant_reverse
from deals.forms.pipeline import StageMoveForm
from deals.permissions import DealsPerm
from deals.selectors.pipeline import pipeline_deal_get
from deals.services.pipeline import NOT_MOVABLE, PARTNER, deal_move, deal_movers
from partners.access import portal_partner


@tenant_view(audience="portal", perm=DealsPerm.REGISTER)
@require_http_methods(["GET", "POST"])
def portal_deal_stage_move(request, tenant_slug, deal_id):
    """GET: the deal's stage and the move form on a page of its own (a phone's way in);
    POST: the move."""
    tenant = request.tenant
    partner = portal_partner(request)
    # SECURITY(tenant): another partner's deal answers 404, like a missing one.
    deal = pipeline_deal_get(tenant=tenant, deal_id=deal_id, partner_id=partner.pk)
    back = tenant_reverse(tenant, "deals:portal_deal_detail", deal_id=deal.pk)
    if request.method == "GET":
        return render(
            request,
            "deals/pipeline/portal_stage_move.html",
            {"nav": "deals", "deal": deal, **portal_stage_panel_context(request, deal)},
        )
    form = StageMoveForm(request.POST, tenant=tenant, deal=deal)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    try:
        deal_move(
            tenant=tenant,
            actor=request.user,
            deal=deal,
            stage=data["stage"],
            by=PARTNER,
            partner=partner,
            note=data["note"],
            lost_reason=data["lost_reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("The deal moved to “%(stage)s”.") % {"stage": deal.stage})
    return redirect(back)


def portal_stage_panel_context(request, deal) -> dict:
    """What `deals/pipeline/_stage_panel.html` needs on the portal deal page: the move form
    only where the program lets the partner move the deal."""
    movable = deal.registration_status not in NOT_MOVABLE
    may = movable and PARTNER in deal_movers(deal)
    note = "" if may or not movable else _("The vendor moves this deal through the pipeline.")
    return {
        "stage_form": StageMoveForm(tenant=request.tenant, deal=deal) if may else None,
        "move_url": tenant_reverse(request.tenant, "deals:portal_deal_stage_move", deal_id=deal.pk),
        "movers_note": note,
    }
