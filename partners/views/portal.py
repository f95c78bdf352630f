"""Portal pages of a partner company: its profile and its reps, for its partner admin."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate
from accounts.roles import Perm
from accounts.urls_helpers import tenant_reverse
from partners.access import portal_partner
from partners.forms.portal import CompanyProfileForm, RepInviteForm
from partners.permissions import PartnersPerm
from partners.selectors.directory import rep_get
from partners.selectors.portal import (
    pending_invitation_emails,
    portal_editable_fields,
    portal_rep_list,
    portal_rep_summary,
)
from partners.services import portal as services


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
def portal_company(request, tenant_slug):
    partner = portal_partner(request)
    summary = portal_rep_summary(tenant=request.tenant, partner=partner)
    return render(
        request,
        "partners/portal/company.html",
        {
            "nav": "company",
            "tab": "profile",
            "partner": partner,
            "summary": summary,
            "masked_account_number": services.mask_account_number(partner.account_number),
            "may_edit_profile": bool(portal_editable_fields(tenant=request.tenant)),
        },
    )


@tenant_view(audience="portal", perm=PartnersPerm.COMPANY_MANAGE)
@require_http_methods(["GET", "POST"])
def portal_company_edit(request, tenant_slug):
    partner = portal_partner(request)
    editable = portal_editable_fields(tenant=request.tenant)
    form = CompanyProfileForm(request.POST or None, instance=partner, editable=editable)
    if request.method == "POST" and not editable:
        form.add_error(None, _("Your partner manager keeps your company profile up to date."))
    if request.method == "POST" and form.is_valid():
        fields = form.changed_fields()
        partner.refresh_from_db()
        try:
            services.portal_company_update(
                tenant=request.tenant, actor=request.user, partner=partner, fields=fields
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your company profile was saved."))
            return redirect(tenant_reverse(request.tenant, "portal_company"))
    return render(
        request,
        "partners/portal/company_edit.html",
        {
            "nav": "company",
            "tab": "profile",
            "partner": partner,
            "form": form,
            "profile_fields": services.PROFILE_FIELDS,
            "profile_open": any(name in services.PROFILE_FIELDS for name in form.fields),
            "bank_open": any(name not in services.PROFILE_FIELDS for name in form.fields),
        },
    )


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
def portal_reps(request, tenant_slug):
    partner = portal_partner(request)
    status = request.GET.get("status", "active")
    query = request.GET.get("q", "").strip()
    page = paginate(
        request,
        portal_rep_list(tenant=request.tenant, partner=partner, status=status, search=query),
    )
    pending = pending_invitation_emails(
        tenant=request.tenant,
        emails=[rep.email for rep in page if rep.email and rep.membership_id is None],
    )
    rows = [
        {
            "rep": rep,
            "has_login": rep.membership_id is not None and rep.membership.is_active,
            "pending": rep.email.lower() in pending if rep.email else False,
            "is_self": rep.membership_id is not None and rep.membership.user_id == request.user.pk,
        }
        for rep in page
    ]
    return render(
        request,
        "partners/portal/reps.html",
        {
            "nav": "company",
            "tab": "reps",
            "partner": partner,
            "page": page,
            "rows": rows,
            "status": status,
            "query": query,
        },
    )


@tenant_view(audience="portal", perm=PartnersPerm.COMPANY_MANAGE)
@require_http_methods(["GET", "POST"])
def portal_rep_invite(request, tenant_slug):
    partner = portal_partner(request)
    tenant = request.tenant
    form = RepInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rep, invitation = services.portal_rep_invite(
                tenant=tenant,
                actor=request.user,
                partner=partner,
                accept_url_for=lambda token: request.build_absolute_uri(
                    tenant_reverse(tenant, "invitation_accept", token=token)
                ),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(tenant_reverse(tenant, "portal_reps"))
    return render(
        request,
        "partners/portal/rep_invite.html",
        {"nav": "company", "tab": "reps", "partner": partner, "form": form},
    )


@tenant_view(audience="portal", perm=PartnersPerm.COMPANY_MANAGE)
@require_http_methods(["GET", "POST"])
def portal_rep_deactivate(request, tenant_slug, rep_id):
    partner = portal_partner(request)
    tenant = request.tenant
    rep = rep_get(tenant=tenant, rep_id=rep_id, partner=partner)
    error = None
    if request.method == "POST":
        try:
            services.portal_rep_deactivate(
                tenant=tenant, actor=request.user, partner=partner, rep=rep
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(name)s was deactivated.") % {"name": rep.full_name})
            return redirect(tenant_reverse(tenant, "portal_reps"))
    return render(
        request,
        "partners/portal/rep_deactivate.html",
        {"nav": "company", "tab": "reps", "partner": partner, "rep": rep, "error": error},
        status=400 if error else 200,
    )
