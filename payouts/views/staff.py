"""Staff pages of the commission ledger: the list with its totals, a line with its
explanation, a manual adjustment, and the partner page's Commissions tab."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate, sort_headers
from accounts.urls_helpers import tenant_reverse
from partners.selectors.directory import partner_get
from payouts import selectors
from payouts.forms import AdjustmentForm, LedgerFilterForm
from payouts.permissions import PayoutsPerm
from payouts.services import ledger as services
from programs.commission.calculator import Explanation

PAGE_SIZE = 50
SORTABLE = ("accrued_on", "partner", "kind", "amount")


@tenant_view(audience="staff", perm=PayoutsPerm.VIEW)
def ledger_list(request, tenant_slug):
    tenant = request.tenant
    today = timezone.localdate()
    form = LedgerFilterForm(request.GET or None, tenant=tenant)
    filters = form.filters() if request.GET else {}
    sort = request.GET.get("sort") or "-accrued_on"
    lines = selectors.ledger_lines(tenant=tenant, today=today, sort=sort, **filters)
    page = paginate(request, lines, per_page=PAGE_SIZE)
    return render(
        request,
        "payouts/ledger_list.html",
        {
            "nav": "ledger",
            "filter_form": form,
            "page": page,
            "totals": selectors.ledger_totals(lines, today),
            "headers": sort_headers(request, SORTABLE, default="-accrued_on"),
            "has_any": page.paginator.count or selectors.has_lines(tenant=tenant),
            "may_manage": request_has_perm(request, PayoutsPerm.MANAGE),
        },
    )


@tenant_view(audience="staff", perm=PayoutsPerm.VIEW)
def ledger_line_detail(request, tenant_slug, line_id):
    tenant = request.tenant
    line = selectors.ledger_line_get(tenant=tenant, line_id=line_id, today=timezone.localdate())
    return render(
        request,
        "payouts/line_detail.html",
        {
            "nav": "ledger",
            "line": line,
            "explanation": Explanation.from_data(line.explanation) if line.explanation else None,
            "reversals": selectors.line_reversals(tenant=tenant, line=line),
        },
    )


@tenant_view(audience="staff", perm=PayoutsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def adjustment_create(request, tenant_slug):
    tenant = request.tenant
    initial = {
        "token": services.new_adjustment_token(),
        "currency": tenant.base_currency,
        "accrued_on": timezone.localdate(),
    }
    partner_id = request.GET.get("partner")
    if partner_id and partner_id.isdigit():
        initial["partner"] = partner_id
    form = AdjustmentForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line = services.ledger_adjustment_create(
                tenant=tenant,
                actor=request.user,
                partner=data["partner"],
                amount=data["amount"],
                currency=data["currency"],
                reason=data["reason"],
                accrued_on=data["accrued_on"],
                token=data["token"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The adjustment is booked."))
            return redirect(tenant_reverse(tenant, "payouts:ledger_line", line_id=line.pk))
    return render(request, "payouts/adjustment_form.html", {"nav": "ledger", "form": form})


@tenant_view(audience="staff", perm=PayoutsPerm.VIEW)
def partner_ledger(request, tenant_slug, partner_id):
    """The partner page's "Commissions" tab (registered in apps.py): the partner's lines and
    totals. Visited directly, a page around it."""
    tenant = request.tenant
    today = timezone.localdate()
    partner = partner_get(tenant=tenant, partner_id=partner_id)
    lines = selectors.ledger_lines(tenant=tenant, today=today, partner_id=partner.pk)
    page = paginate(request, lines, per_page=20)
    context = {
        "partner": partner,
        "page": page,
        "totals": selectors.ledger_totals(lines, today),
        "may_manage": request_has_perm(request, PayoutsPerm.MANAGE),
    }
    if request.htmx:
        return render(request, "payouts/_partner_ledger.html", context)
    context["nav"] = "partners"
    return render(request, "payouts/partner_ledger.html", context)
