"""Staff pages of the pipeline: the deal list, the board, moves and corrections of a deal,
direct deals, the partner page's Deals tab and the stage settings."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate, sort_headers
from accounts.urls_helpers import tenant_reverse
from deals.forms.pipeline import (
    AmountChangeForm,
    AttributionForm,
    ChurnForm,
    DirectDealForm,
    PipelineFilterForm,
    StageForm,
    StageMoveForm,
)
from deals.permissions import DealsPerm
from deals.selectors import pipeline as selectors
from deals.services import pipeline as services
from deals.services import stage_settings
from deals.services.deal_imports import DIRECT_DEAL_IMPORTER
from deals.views.imports import ImportPage, csv_import_page
from partners.selectors.directory import partner_get

PAGE_SIZE = 25
SORTABLE = ("customer", "partner", "stage", "amount", "expected_close_on", "stage_changed_at")


def _filtered(request):
    form = PipelineFilterForm(request.GET or None, tenant=request.tenant)
    return form, form.filters() if request.GET else {}


def _back(request, default: str) -> str:
    """Where a move returns to: the page it was made from, when that is one of ours."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _detail_url(tenant, deal) -> str:
    return tenant_reverse(tenant, "deals:deal_detail", deal_id=deal.pk)


@tenant_view(audience="staff", perm=DealsPerm.VIEW)
def pipeline_list(request, tenant_slug):
    tenant = request.tenant
    form, filters = _filtered(request)
    sort = request.GET.get("sort") or "-stage_changed_at"
    deals = selectors.pipeline_deals(tenant=tenant, sort=sort, **filters)
    page = paginate(request, deals, per_page=PAGE_SIZE)
    return render(
        request,
        "deals/pipeline/pipeline_list.html",
        {
            "nav": "deals",
            "filter_form": form,
            "page": page,
            "headers": sort_headers(request, SORTABLE, default="-stage_changed_at"),
            "has_any": page.paginator.count or selectors.pipeline_deals(tenant=tenant).exists(),
            "may_manage": request_has_perm(request, DealsPerm.MANAGE),
            "board_query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


@tenant_view(audience="staff", perm=DealsPerm.VIEW)
def pipeline_board(request, tenant_slug):
    tenant = request.tenant
    form, filters = _filtered(request)
    deals = selectors.pipeline_deals(tenant=tenant, **filters)
    columns = selectors.pipeline_board(tenant=tenant, deals=deals)
    may_manage = request_has_perm(request, DealsPerm.MANAGE)
    for column in columns:
        for deal in column.cards:
            deal.vendor_moves = services.VENDOR in services.deal_movers(deal)
    return render(
        request,
        "deals/pipeline/pipeline_board.html",
        {
            "nav": "pipeline_board",
            "filter_form": form,
            "columns": columns,
            "stages": [column.stage for column in columns],
            "may_manage": may_manage,
            "list_query": urlencode(request.GET),
        },
    )


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_POST
def deal_stage_move(request, tenant_slug, deal_id):
    tenant = request.tenant
    deal = selectors.pipeline_deal_get(tenant=tenant, deal_id=deal_id)
    form = StageMoveForm(request.POST, tenant=tenant, deal=deal)
    back = _back(request, _detail_url(tenant, deal))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    try:
        services.deal_move(
            tenant=tenant,
            actor=request.user,
            deal=deal,
            stage=data["stage"],
            by=services.VENDOR,
            note=data["note"],
            lost_reason=data["lost_reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(
        request,
        _("“%(deal)s” moved to “%(stage)s”.") % {"deal": deal.customer_name, "stage": deal.stage},
    )
    return redirect(back)


def _deal_form_page(request, deal, form, *, title, submit, danger=False):
    return render(
        request,
        "deals/pipeline/deal_form.html",
        {
            "nav": "deals",
            "deal": deal,
            "form": form,
            "title": title,
            "submit": submit,
            "danger": danger,
        },
    )


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def deal_amount_change(request, tenant_slug, deal_id):
    tenant = request.tenant
    deal = selectors.pipeline_deal_get(tenant=tenant, deal_id=deal_id)
    form = AmountChangeForm(
        request.POST or None,
        initial={"amount_one_time": deal.amount_one_time, "amount_monthly": deal.amount_monthly},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_amount_change(
                tenant=tenant, actor=request.user, deal=deal, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The amount of the won deal was changed."))
            return redirect(_detail_url(tenant, deal))
    return _deal_form_page(
        request, deal, form, title=_("Change the amount of a won deal"), submit=_("Change amount")
    )


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def deal_churn(request, tenant_slug, deal_id):
    tenant = request.tenant
    deal = selectors.pipeline_deal_get(tenant=tenant, deal_id=deal_id)
    form = ChurnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_churn(tenant=tenant, actor=request.user, deal=deal, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The deal is recorded as churned."))
            return redirect(_detail_url(tenant, deal))
    return _deal_form_page(
        request, deal, form, title=_("Record a churn"), submit=_("Record churn"), danger=True
    )


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def deal_attribution(request, tenant_slug, deal_id):
    tenant = request.tenant
    deal = selectors.pipeline_deal_get(tenant=tenant, deal_id=deal_id)
    form = AttributionForm(
        request.POST or None,
        tenant=tenant,
        deal=deal,
        initial={
            "second_partner": deal.second_partner_id,
            "second_partner_role": deal.second_partner_role,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.deal_attribution_set(
                tenant=tenant, actor=request.user, deal=deal, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The attribution was saved."))
            return redirect(_detail_url(tenant, deal))
    return _deal_form_page(
        request, deal, form, title=_("Attribution"), submit=_("Save attribution")
    )


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def direct_deal_create(request, tenant_slug):
    tenant = request.tenant
    form = DirectDealForm(request.POST or None, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.direct_deal_create(
                tenant=tenant, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The direct deal was entered."))
            return redirect(_detail_url(tenant, deal))
    return render(request, "deals/pipeline/direct_deal_form.html", {"nav": "deals", "form": form})


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def direct_deal_import(request, tenant_slug):
    """The vendor's own deals from its CRM, by CSV (deals/services/deal_imports.py)."""
    tenant = request.tenant
    page = ImportPage(
        importer=DIRECT_DEAL_IMPORTER,
        upload_url=tenant_reverse(tenant, "deals:direct_deal_import"),
        list_url=tenant_reverse(tenant, "deals:pipeline_list") + "?source=direct",
        base_template="staff/base.html",
        nav="deals",
        title=_("Import direct deals"),
        columns_help=_(
            "The first row names the columns (in any order). Stage takes a stage's code or "
            "name (approved when empty); won_on only for a won stage; owner_email is one of "
            "your staff. A row whose reference, or whose customer, product and date, is "
            "already entered is refused, so a file imported again creates nothing twice."
        ),
    )
    return csv_import_page(
        request,
        page,
        done_message=lambda count: (
            ngettext("%(count)d direct deal imported.", "%(count)d direct deals imported.", count)
            % {"count": count}
        ),
    )


@tenant_view(audience="staff", perm=DealsPerm.VIEW)
def partner_deals(request, tenant_slug, partner_id):
    """The partner page's "Deals" tab (registered in apps.py): the deals the partner sourced
    or shares. Visited directly, a page around it."""
    tenant = request.tenant
    partner = partner_get(tenant=tenant, partner_id=partner_id)
    deals = selectors.partner_deals(tenant=tenant, partner_id=partner.pk)
    page = paginate(request, deals, per_page=PAGE_SIZE)
    context = {"partner": partner, "page": page}
    if request.htmx:
        return render(request, "deals/pipeline/_partner_deals.html", context)
    context["nav"] = "partners"
    return render(request, "deals/pipeline/partner_deals.html", context)


# --- Settings › Pipeline stages -------------------------------------------------------------


def _stages_url(tenant) -> str:
    return tenant_reverse(tenant, "deals:stage_list")


@tenant_view(audience="staff", perm=DealsPerm.STAGES_MANAGE)
@require_http_methods(["GET", "POST"])
def stage_list(request, tenant_slug):
    tenant = request.tenant
    form = StageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stage = stage_settings.deal_stage_create(
                tenant=tenant, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Stage “%(name)s” added.") % {"name": stage.name})
            return redirect(_stages_url(tenant))
    return render(
        request,
        "deals/pipeline/stage_list.html",
        {
            "nav": "settings",
            "tab": "pipeline_stages",
            "stages": selectors.stage_list(tenant=tenant),
            "form": form,
        },
    )


@tenant_view(audience="staff", perm=DealsPerm.STAGES_MANAGE)
@require_http_methods(["GET", "POST"])
def stage_edit(request, tenant_slug, stage_id):
    tenant = request.tenant
    stage = selectors.stage_get(tenant=tenant, stage_id=stage_id)
    form = StageForm(
        request.POST or None,
        initial={"name": stage.name, "kind": stage.kind, "exit_criteria": stage.exit_criteria},
    )
    # The kind of a stage is fixed once it exists (deals' won and lost dates follow it).
    form.fields["kind"].disabled = True
    form.fields["kind"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            stage_settings.deal_stage_update(
                tenant=tenant,
                actor=request.user,
                stage=stage,
                name=form.cleaned_data["name"],
                exit_criteria=form.cleaned_data["exit_criteria"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Stage “%(name)s” saved.") % {"name": stage.name})
            return redirect(_stages_url(tenant))
    return render(
        request,
        "deals/pipeline/stage_form.html",
        {"nav": "settings", "tab": "pipeline_stages", "stage": stage, "form": form},
    )


@tenant_view(audience="staff", perm=DealsPerm.STAGES_MANAGE)
@require_POST
def stage_move(request, tenant_slug, stage_id):
    tenant = request.tenant
    stage = selectors.stage_get(tenant=tenant, stage_id=stage_id)
    try:
        stage_settings.deal_stage_move(
            tenant=tenant, actor=request.user, stage=stage, up=request.POST.get("direction") == "up"
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_stages_url(tenant))


@tenant_view(audience="staff", perm=DealsPerm.STAGES_MANAGE)
@require_http_methods(["GET", "POST"])
def stage_delete(request, tenant_slug, stage_id):
    tenant = request.tenant
    stage = selectors.stage_get(tenant=tenant, stage_id=stage_id)
    if request.method == "POST":
        try:
            stage_settings.deal_stage_delete(tenant=tenant, actor=request.user, stage=stage)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Stage “%(name)s” deleted.") % {"name": stage.name})
        return redirect(_stages_url(tenant))
    return render(
        request,
        "deals/pipeline/stage_delete.html",
        {"nav": "settings", "tab": "pipeline_stages", "stage": stage},
    )


def stage_panel_context(request, deal) -> dict:
    """What `deals/pipeline/_stage_panel.html` needs on the staff deal page."""
    tenant = request.tenant
    movable = deal.registration_status not in services.NOT_MOVABLE
    vendor_moves = services.VENDOR in services.deal_movers(deal)
    may = movable and vendor_moves and request_has_perm(request, DealsPerm.MANAGE)
    note = ""
    if not movable:
        note = str(services.NOT_MOVABLE[deal.registration_status])
    elif not vendor_moves:
        note = _("The partner moves this deal in the portal (a reseller program).")
    return {
        "stage_form": StageMoveForm(tenant=tenant, deal=deal) if may else None,
        "move_url": tenant_reverse(tenant, "deals:deal_stage_move", deal_id=deal.pk),
        "movers_note": note,
        "corrections": request_has_perm(request, DealsPerm.MANAGE),
    }
