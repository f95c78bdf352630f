"""Accepting an invitation: joins an existing account or creates one, then signs in."""

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import tenant_view
from accounts.forms import AcceptInvitationForm
from accounts.selectors import user_exists_with_email
from accounts.services import invitation_accept, invitation_accept_new_user, invitation_find
from accounts.views.home import membership_home_url


@tenant_view(audience="public")
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, tenant_slug, token):
    tenant = request.tenant
    invitation = invitation_find(tenant=tenant, token=token)
    if invitation is None or not invitation.is_pending:
        return render(request, "accounts/invitation_invalid.html", status=410)

    user = request.user
    if user.is_authenticated and user.email.lower() != invitation.email.lower():
        if request.method == "POST" and request.POST.get("action") == "switch":
            logout(request)
            return redirect(request.path)
        return render(request, "accounts/invitation_wrong_user.html", {"invitation": invitation})

    if not user.is_authenticated and user_exists_with_email(email=invitation.email):
        # The account exists: the person signs in first, then comes back to this link.
        messages.info(
            request,
            _("Sign in as %(email)s to accept the invitation.") % {"email": invitation.email},
        )
        return redirect_to_login(request.path, reverse(settings.LOGIN_URL))

    form = None
    if user.is_authenticated:
        if request.method == "POST":
            return _accept(
                request,
                tenant,
                lambda: invitation_accept(tenant=tenant, invitation=invitation, user=user),
            )
    else:
        form = AcceptInvitationForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            # One service, one transaction: the account exists only if the acceptance holds.
            return _accept(
                request,
                tenant,
                lambda: invitation_accept_new_user(
                    tenant=tenant,
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    language=request.LANGUAGE_CODE,
                ),
            )
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def _accept(request, tenant, accept):
    try:
        membership = accept()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return render(request, "accounts/invitation_invalid.html", status=410)
    if not request.user.is_authenticated:
        perform_login(request, membership.user, email_verification="none")
    messages.success(request, _("Welcome to %(tenant)s.") % {"tenant": tenant.name})
    return redirect(membership_home_url(membership))
