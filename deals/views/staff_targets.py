"""Staff pages of target accounts: the funnel board across partners, by-name requests in bulk,
a card's actions, the partner page's "Target accounts" tab, listing and importing on a
partner's behalf. The CSV import pages are shared with the portal (`import_page`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate
from accounts.urls_helpers import tenant_reverse
from deals.forms.targets import (
    FunnelFilterForm,
    MilestoneMoveForm,
    StaffTargetAccountForm,
    WillingnessForm,
)
from deals.models import MILESTONE_ORDER, Milestone
from deals.permissions import DealsPerm
from deals.selectors import targets as selectors
from deals.services import targets as services
from deals.services.target_imports import target_importer
from deals.views.imports import ImportPage, csv_import_page
from partners.selectors.directory import partner_get

BOARD_PAGE_SIZE = 50
TAB_PAGE_SIZE = 25


def _board_url(tenant) -> str:
    return tenant_reverse(tenant, "deals:funnel_board")


def _back(request, default: str) -> str:
    """Where a card's action returns: the board with the filters it was posted from (only a
    query string of this page is accepted, never another address)."""
    back = request.POST.get("back", "")
    if back.startswith("?") and "\n" not in back and "\r" not in back:
        return default + back
    return default


@tenant_view(audience="staff", perm=DealsPerm.VIEW)
def funnel_board(request, tenant_slug):
    """Open accounts across partners, one column per open milestone, oldest first."""
    tenant = request.tenant
    form = FunnelFilterForm(request.GET or None, tenant=tenant)
    filters = form.cleaned_data if form.is_valid() else {}
    milestone = filters.get("milestone") or ""
    base = selectors.target_accounts(
        tenant=tenant,
        partner_ids=[filters["partner"].pk] if filters.get("partner") else None,
        owner_id=filters["owner"].pk if filters.get("owner") else None,
        stuck_days=filters.get("stuck"),
    )
    # The board shows the open milestones only: their counts are all it reads.
    counts = selectors.milestone_counts(base, milestones=MILESTONE_ORDER)
    shown = [milestone] if milestone else list(MILESTONE_ORDER)
    total = sum(counts[m] for m in shown)
    cards = selectors.target_accounts(
        tenant=tenant,
        partner_ids=[filters["partner"].pk] if filters.get("partner") else None,
        owner_id=filters["owner"].pk if filters.get("owner") else None,
        stuck_days=filters.get("stuck"),
        milestones=shown,
    )
    page = paginate(request, cards, BOARD_PAGE_SIZE, count=total)
    columns = [
        column
        for column in selectors.board_columns(counts=counts, cards=list(page.object_list))
        if column.milestone in shown
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deals/targets/funnel_board.html",
        {
            "nav": "funnel",
            "form": form,
            "columns": columns,
            "page_obj": page,
            "total": total,
            "stuck_days": selectors.STUCK_DAYS,
            "may_manage": request_has_perm(request, DealsPerm.MANAGE),
            "back": f"?{request.GET.urlencode()}" if request.GET else "",
            "query": query.urlencode(),
        },
    )


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_POST
def funnel_request(request, tenant_slug):
    """By-name requests for the selected accounts: a confirmation page first, then all of
    them move to "By-name request sent" or none (each refusal names its account)."""
    tenant = request.tenant
    ids = [pk for pk in request.POST.getlist("account") if pk.isdigit()]
    board = _back(request, _board_url(tenant))
    if not ids:
        messages.error(request, _("Select at least one target account."))
        return redirect(board)
    accounts = list(selectors.target_accounts(tenant=tenant, ids=[int(pk) for pk in ids]))
    if len(accounts) != len(set(ids)):
        raise Http404
    if request.POST.get("confirmed") != "yes":
        return render(
            request,
            "deals/targets/request_confirm.html",
            {"nav": "funnel", "accounts": accounts, "back": request.POST.get("back", "")},
        )
    try:
        moved = services.target_accounts_request(
            tenant=tenant,
            actor=request.user,
            account_ids=[a.pk for a in accounts],
            note=request.POST.get("note", "")[:500],
        )
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "By-name request sent for %(count)d account.",
                "By-name requests sent for %(count)d accounts.",
                len(moved),
            )
            % {"count": len(moved)},
        )
    return redirect(board)


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_POST
def target_account_move(request, tenant_slug, target_account_id):
    """A card's action: record agreed / action done / meeting held, drop with a reason,
    reopen a dropped account."""
    tenant = request.tenant
    account = selectors.target_account_get(tenant=tenant, target_account_id=target_account_id)
    form = MilestoneMoveForm(request.POST)
    if form.is_valid():
        try:
            services.target_accounts_move(
                tenant=tenant,
                actor=request.user,
                account_ids=[account.pk],
                to_milestone=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
                drop_reason=form.cleaned_data["drop_reason"],
            )
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("“%(name)s” is now at “%(milestone)s”.")
                % {
                    "name": account.company_name,
                    "milestone": Milestone(form.cleaned_data["to"]).label,
                },
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    if request.POST.get("from") == "partner":
        default = tenant_reverse(tenant, "partner_detail", partner_id=account.partner_id)
        return redirect(default + "?tab=target_accounts")
    return redirect(_back(request, _board_url(tenant)))


def _partner_tab_context(request, partner) -> dict:
    tenant = request.tenant
    accounts = selectors.target_accounts(tenant=tenant, partner=partner)
    counts = selectors.milestone_counts(accounts)
    page = paginate(request, accounts, TAB_PAGE_SIZE, count=sum(counts.values()))
    now = timezone.now()
    for account in page.object_list:
        account.days_in_milestone = (now - account.milestone_at).days
    return {
        "partner": partner,
        "page_obj": page,
        "counts": [(m, Milestone(m).label, counts[m]) for m in Milestone.values],
        "willingness_form": WillingnessForm(
            initial={"willingness": selectors.willingness_of(tenant=tenant, partner=partner)}
        ),
        "may_manage": request_has_perm(request, DealsPerm.MANAGE),
    }


@tenant_view(audience="staff", perm=DealsPerm.VIEW)
def partner_targets(request, tenant_slug, partner_id):
    """The partner page's "Target accounts" tab (registered in apps.py); visited directly,
    a page around it."""
    partner = partner_get(tenant=request.tenant, partner_id=partner_id)
    context = _partner_tab_context(request, partner)
    if request.htmx:
        return render(request, "deals/targets/_partner_targets.html", context)
    context["nav"] = "partners"
    return render(request, "deals/targets/partner_targets.html", context)


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_POST
def partner_willingness(request, tenant_slug, partner_id):
    tenant = request.tenant
    partner = partner_get(tenant=tenant, partner_id=partner_id)
    form = WillingnessForm(request.POST)
    if form.is_valid():
        services.target_list_willingness_set(
            tenant=tenant,
            actor=request.user,
            partner=partner,
            willingness=form.cleaned_data["willingness"],
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose one of the offered answers."))
    return redirect(tenant_reverse(tenant, "deals:partner_targets", partner_id=partner.pk))


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def staff_target_create(request, tenant_slug):
    """Staff list an account on a partner's behalf."""
    tenant = request.tenant
    initial = {}
    if request.GET.get("partner", "").isdigit():
        initial["partner"] = partner_get(tenant=tenant, partner_id=int(request.GET["partner"]))
    form = StaffTargetAccountForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "partner"}
        try:
            account = services.target_account_create(
                tenant=tenant, actor=request.user, partner=form.cleaned_data["partner"], **fields
            )
        except ValidationError as refused:
            form_add_service_errors(form, refused)
        else:
            messages.success(request, _("“%(name)s” is listed.") % {"name": account.company_name})
            return redirect(
                tenant_reverse(tenant, "deals:partner_targets", partner_id=account.partner_id)
            )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "deals/targets/staff_target_form.html",
        {"nav": "funnel", "form": form},
        status=status,
    )


# --- CSV import (staff for a partner, and the portal) ----------------------------------------


def import_page(request, *, partner, audience: str):
    """A partner's target-account import (deals/views/imports.py), for the portal or staff."""
    tenant = request.tenant
    if audience == "portal":
        upload_url = tenant_reverse(tenant, "deals:portal_target_import")
        list_url = tenant_reverse(tenant, "deals:portal_targets")
    else:
        upload_url = tenant_reverse(tenant, "deals:staff_target_import", partner_id=partner.pk)
        list_url = tenant_reverse(tenant, "deals:partner_targets", partner_id=partner.pk)
    page = ImportPage(
        importer=target_importer(partner),
        upload_url=upload_url,
        list_url=list_url,
        base_template="portal/base.html" if audience == "portal" else "staff/base.html",
        nav="target_accounts" if audience == "portal" else "funnel",
        title=_("Import target accounts"),
        subtitle="" if audience == "portal" else str(partner),
        columns_help=_(
            "The first row names the columns (in any order). Industry, prefecture and size take "
            "a code or its name; a company already on the list is refused."
        ),
    )
    return csv_import_page(
        request,
        page,
        done_message=lambda count: (
            ngettext(
                "%(count)d target account imported.", "%(count)d target accounts imported.", count
            )
            % {"count": count}
        ),
    )


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def staff_target_import(request, tenant_slug, partner_id):
    partner = partner_get(tenant=request.tenant, partner_id=partner_id)
    return import_page(request, partner=partner, audience="staff")
