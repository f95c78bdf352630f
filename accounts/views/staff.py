"""Staff pages of the kernel: dashboard shell, tenant settings, members, audit, keys, status."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.access import tenant_view
from accounts.audit import audit_change_rows
from accounts.forms import (
    ApiKeyForm,
    AuditFilterForm,
    InvitationForm,
    MemberFilterForm,
    RoleChangeForm,
    TenantSettingsForm,
)
from accounts.pagination import paginate
from accounts.roles import Perm
from accounts.status import system_status
from accounts.urls_helpers import tenant_reverse


def _form_errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@tenant_view(audience="staff", perm=Perm.STAFF_AREA_VIEW)
def dashboard(request, tenant_slug):
    # The panels are the apps' own fragments (accounts/registry.py), loaded by the page.
    return render(request, "staff/dashboard.html", {"nav": "dashboard"})


@tenant_view(audience="staff", perm=Perm.TENANT_SETTINGS_MANAGE)
@require_http_methods(["GET", "POST"])
def tenant_settings(request, tenant_slug):
    tenant = request.tenant
    if request.method == "POST":
        form = TenantSettingsForm(request.POST, request.FILES, instance=tenant)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.changed_data}
            tenant.refresh_from_db()
            try:
                services.tenant_settings_update(tenant=tenant, actor=request.user, **values)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect(tenant_reverse(tenant, "tenant_settings"))
    else:
        form = TenantSettingsForm(instance=tenant)
    return render(request, "staff/settings/tenant.html", {"form": form, "nav": "settings"})


@tenant_view(audience="staff", perm=Perm.MEMBERS_VIEW)
def member_list(request, tenant_slug):
    tenant = request.tenant
    filters = MemberFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    ordering = request.GET.get("sort", "email")
    members = selectors.member_list(
        tenant=tenant,
        search=cleaned.get("q", ""),
        role=cleaned.get("role", ""),
        status=cleaned.get("status", ""),
        ordering=ordering,
    )
    context = {
        "nav": "settings",
        "filters": filters,
        "page": paginate(request, members),
        "sort": ordering,
        "invitations": selectors.invitation_list_pending(tenant=tenant),
        "invite_form": InvitationForm(),
    }
    return render(request, "staff/settings/members.html", context)


@tenant_view(audience="staff", perm=Perm.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def member_invite(request, tenant_slug):
    tenant = request.tenant
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                tenant=tenant,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                accept_url_for=lambda token: request.build_absolute_uri(
                    tenant_reverse(tenant, "invitation_accept", token=token)
                ),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(tenant_reverse(tenant, "member_list"))
    return render(request, "staff/settings/member_invite.html", {"form": form, "nav": "settings"})


@tenant_view(audience="staff", perm=Perm.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def member_role_change(request, tenant_slug, membership_id):
    tenant = request.tenant
    member = selectors.membership_get(tenant=tenant, membership_id=membership_id)
    form = RoleChangeForm(request.POST or None, initial={"role": member.role}, membership=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                tenant=tenant, actor=request.user, membership=member, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Role changed."))
            return redirect(tenant_reverse(tenant, "member_list"))
    return render(
        request,
        "staff/settings/member_role.html",
        {"form": form, "member": member, "nav": "settings"},
    )


@tenant_view(audience="staff", perm=Perm.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def member_deactivate(request, tenant_slug, membership_id):
    """GET asks for confirmation; POST deactivates."""
    tenant = request.tenant
    member = selectors.membership_get(tenant=tenant, membership_id=membership_id)
    if request.method == "POST":
        try:
            services.membership_deactivate(tenant=tenant, actor=request.user, membership=member)
        except ValidationError as error:
            _form_errors_to_messages(request, error)
        else:
            messages.success(
                request, _("%(person)s can no longer use this tenant.") % {"person": member.user}
            )
        return redirect(tenant_reverse(tenant, "member_list"))
    return render(
        request, "staff/settings/member_deactivate.html", {"member": member, "nav": "settings"}
    )


@tenant_view(audience="staff", perm=Perm.MEMBERS_MANAGE)
@require_POST
def member_reactivate(request, tenant_slug, membership_id):
    tenant = request.tenant
    member = selectors.membership_get(tenant=tenant, membership_id=membership_id)
    services.membership_reactivate(tenant=tenant, actor=request.user, membership=member)
    messages.success(request, _("%(person)s is active again.") % {"person": member.user})
    return redirect(tenant_reverse(tenant, "member_list"))


@tenant_view(audience="staff", perm=Perm.MEMBERS_MANAGE)
@require_POST
def invitation_revoke(request, tenant_slug, invitation_id):
    tenant = request.tenant
    invitation = selectors.invitation_get(tenant=tenant, invitation_id=invitation_id)
    services.invitation_revoke(tenant=tenant, actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect(tenant_reverse(tenant, "member_list"))


@tenant_view(audience="staff", perm=Perm.AUDIT_VIEW)
def audit_log(request, tenant_slug):
    tenant = request.tenant
    filters = AuditFilterForm(
        request.GET or None, actions=selectors.audit_action_choices(tenant=tenant)
    )
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    events = selectors.audit_event_list(
        tenant=tenant,
        action=cleaned.get("action", ""),
        actor=cleaned.get("actor", ""),
        date_from=cleaned.get("date_from"),
        date_to=cleaned.get("date_to"),
    )
    page = paginate(request, events, per_page=50)
    page.object_list = list(page.object_list)
    for event in page.object_list:
        event.change_rows = audit_change_rows(event)
    return render(
        request, "staff/settings/audit.html", {"nav": "settings", "filters": filters, "page": page}
    )


@tenant_view(audience="staff", perm=Perm.API_KEYS_MANAGE)
@require_http_methods(["GET", "POST"])
def api_keys(request, tenant_slug):
    tenant = request.tenant
    form = ApiKeyForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _key, new_secret = services.api_key_create(
                tenant=tenant,
                actor=request.user,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiKeyForm()
    context = {
        "nav": "settings",
        "form": form,
        "new_secret": new_secret,
        "keys": selectors.api_key_list(tenant=tenant),
    }
    return render(request, "staff/settings/api_keys.html", context)


@tenant_view(audience="staff", perm=Perm.API_KEYS_MANAGE)
@require_POST
def api_key_revoke(request, tenant_slug, api_key_id):
    tenant = request.tenant
    api_key = selectors.api_key_get(tenant=tenant, api_key_id=api_key_id)
    services.api_key_revoke(tenant=tenant, actor=request.user, api_key=api_key)
    messages.success(request, _("API key revoked."))
    return redirect(tenant_reverse(tenant, "api_keys"))


@tenant_view(audience="staff", perm=Perm.SYSTEM_STATUS_VIEW)
def status_page(request, tenant_slug):
    return render(
        request, "staff/settings/status.html", {"nav": "settings", "status": system_status()}
    )
