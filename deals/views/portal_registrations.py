"""Portal pages of deal registration: my company's deals, register a deal (with the live
duplicate warning), a deal's page with its history and the extension request.

SECURITY(tenant): the partner is always the requesting user's own (portal_partner); a partner
user never sees another partner's name, rep or amounts, only that a match exists and why.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import tenant_view
from accounts.pagination import paginate
from accounts.urls_helpers import tenant_reverse
from deals.forms.registrations import DealRegisterForm, ExtensionRequestForm
from deals.models import ConflictReason, RegistrationStatus
from deals.permissions import DealsPerm
from deals.selectors import registrations as selectors
from deals.services import registrations as services
from deals.services.conflicts import keys_of, matches_for_keys
from deals.views.portal_pipeline import portal_stage_panel_context
from partners.access import portal_partner


@tenant_view(audience="portal", perm=DealsPerm.REGISTER)
def portal_deals(request, tenant_slug):
    partner = portal_partner(request)
    page = paginate(request, selectors.portal_deals(tenant=request.tenant, partner=partner))
    return render(
        request,
        "deals/registrations/portal_deals.html",
        {"nav": "deals", "partner": partner, "page": page},
    )


def _form_error(form, failure: ValidationError) -> None:
    if hasattr(failure, "error_dict"):
        for name, errors in failure.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, failure.messages)


@tenant_view(audience="portal", perm=DealsPerm.REGISTER)
@require_http_methods(["GET", "POST"])
def portal_deal_register(request, tenant_slug):
    tenant = request.tenant
    partner = portal_partner(request)
    form = DealRegisterForm(request.POST or None, tenant=tenant, partner=partner)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        token = fields.pop("submission")
        try:
            if token:
                deal, _created = services.deal_register_once(
                    tenant=tenant,
                    actor=request.user,
                    partner=partner,
                    key=f"form:{token}",
                    **fields,
                )
            else:
                deal = services.deal_register(
                    tenant=tenant, actor=request.user, partner=partner, **fields
                )
        except ValidationError as failure:
            _form_error(form, failure)
        except services.IdempotencyMismatch:
            form.add_error(
                None,
                _(
                    "This form was already sent with other values. Open a new form to register "
                    "another deal."
                ),
            )
        else:
            messages.success(
                request, _("Thank you: the registration is sent. The vendor will review it.")
            )
            return redirect(tenant_reverse(tenant, "deals:portal_deal_detail", deal_id=deal.pk))
    return render(
        request,
        "deals/registrations/portal_register.html",
        {"nav": "deals", "partner": partner, "form": form},
    )


@tenant_view(audience="portal", perm=DealsPerm.REGISTER)
@require_http_methods(["GET", "POST"])
def portal_deal_check(request, tenant_slug):
    """The live duplicate warning (an htmx fragment): only the reasons, never whose deal."""
    portal_partner(request)
    data = request.POST if request.method == "POST" else request.GET
    keys = keys_of(
        customer_name=data.get("customer_name", ""),
        corporate_number=data.get("corporate_number", ""),
        web_domain=data.get("web_domain", ""),
        contact_email=data.get("contact_email", ""),
    )
    matches = matches_for_keys(tenant=request.tenant, keys=keys)
    reasons = []
    for match in matches:
        for reason in match.reasons:
            if reason not in reasons:
                reasons.append(reason)
    labels = dict(ConflictReason.choices)
    return render(
        request,
        "deals/registrations/_duplicate_warning.html",
        {"reasons": [labels[reason] for reason in reasons]},
    )


@tenant_view(audience="portal", perm=DealsPerm.REGISTER)
def portal_deal_detail(request, tenant_slug, deal_id):
    tenant = request.tenant
    partner = portal_partner(request)
    deal = selectors.portal_deal_get(tenant=tenant, partner=partner, deal_id=deal_id)
    extensions = list(selectors.deal_extensions(tenant=tenant, deal=deal))
    return render(
        request,
        "deals/registrations/portal_deal_detail.html",
        {
            "nav": "deals",
            "partner": partner,
            "deal": deal,
            "history": selectors.deal_history(tenant=tenant, deal=deal, staff=False),
            **portal_stage_panel_context(request, deal),
            "extensions": extensions,
            "may_extend": deal.registration_status == RegistrationStatus.APPROVED
            and not any(e.status == "pending" for e in extensions),
        },
    )


@tenant_view(audience="portal", perm=DealsPerm.REGISTER)
@require_http_methods(["GET", "POST"])
def portal_extension_request(request, tenant_slug, deal_id):
    tenant = request.tenant
    partner = portal_partner(request)
    deal = selectors.portal_deal_get(tenant=tenant, partner=partner, deal_id=deal_id)
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request(
                tenant=tenant,
                actor=request.user,
                partner=partner,
                deal=deal,
                **form.cleaned_data,
            )
        except ValidationError as failure:
            _form_error(form, failure)
        else:
            messages.success(request, _("Your extension request is sent."))
            return redirect(tenant_reverse(tenant, "deals:portal_deal_detail", deal_id=deal.pk))
    return render(
        request,
        "deals/registrations/portal_extension.html",
        {"nav": "deals", "partner": partner, "deal": deal, "form": form},
    )
