"""Portal pages of target accounts: my company's accounts with their milestone, the add form,
the CSV upload. A partner user only ever reads and writes its own partner's accounts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate
from accounts.urls_helpers import tenant_reverse
from deals.forms.targets import TargetAccountForm
from deals.permissions import DealsPerm
from deals.selectors import targets as selectors
from deals.services import targets as services
from deals.views.staff_targets import import_page
from partners.access import portal_partner

PAGE_SIZE = 25


@tenant_view(audience="portal", perm=DealsPerm.REGISTER)
@require_http_methods(["GET", "POST"])
def portal_targets(request, tenant_slug):
    """My company's target accounts (newest first) and the form to add one."""
    tenant = request.tenant
    # SECURITY(tenant): the partner is the login's own company, never taken from the request.
    partner = portal_partner(request)
    form = TargetAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.target_account_create(
                tenant=tenant,
                actor=request.user,
                partner=partner,
                rep=selectors.own_rep(
                    tenant=tenant, partner=partner, membership=request.membership
                ),
                **form.cleaned_data,
            )
        except ValidationError as refused:
            form_add_service_errors(form, refused)
        else:
            messages.success(request, _("“%(name)s” is listed.") % {"name": account.company_name})
            return redirect(tenant_reverse(tenant, "deals:portal_targets"))
    accounts = selectors.target_accounts(tenant=tenant, partner=partner, newest_first=True)
    counts = selectors.milestone_counts(accounts)
    page = paginate(request, accounts, PAGE_SIZE, count=sum(counts.values()))
    now = timezone.now()
    for account in page.object_list:
        account.days_in_milestone = (now - account.milestone_at).days
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "deals/targets/portal_targets.html",
        {
            "nav": "target_accounts",
            "partner": partner,
            "form": form,
            "page_obj": page,
            "open_form": form.is_bound,
        },
        status=status,
    )


@tenant_view(audience="portal", perm=DealsPerm.REGISTER)
@require_http_methods(["GET", "POST"])
def portal_target_import(request, tenant_slug):
    return import_page(request, partner=portal_partner(request), audience="portal")
