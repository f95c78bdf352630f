"""Staff pages of programs: the program list, a program and its tiers, contract types."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate, sort_headers
from accounts.urls_helpers import tenant_reverse
from partners.views import label_lists
from programs.forms.contracts import TermsForm
from programs.forms.staff import (
    PAGE_SIZE,
    ContractTypeForm,
    ProgramFilterForm,
    ProgramForm,
    TierForm,
)
from programs.permissions import ProgramsPerm
from programs.selectors import contracts as contract_selectors
from programs.selectors import programs as selectors
from programs.services import contract_types as contract_type_services
from programs.services import contracts as contract_services
from programs.services import programs as services

SORTABLE_COLUMNS = ("name", "contract_type", "tiers", "updated")


def _detail_url(tenant, program) -> str:
    return tenant_reverse(tenant, "programs:program_detail", program_id=program.pk)


# --- Programs ---------------------------------------------------------------------------------


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
def program_list(request, tenant_slug):
    tenant = request.tenant
    filter_form = ProgramFilterForm(request.GET or None, tenant=tenant)
    filters = filter_form.filters() if request.GET else {"sort": "name"}
    page = paginate(request, selectors.program_list(tenant=tenant, **filters), per_page=PAGE_SIZE)
    active_filters = any(
        value for key, value in filters.items() if key != "sort" and value not in (None, "")
    )
    return render(
        request,
        "programs/staff/program_list.html",
        {
            "nav": "programs",
            "filter_form": filter_form,
            "page": page,
            "headers": sort_headers(request, SORTABLE_COLUMNS, default="name"),
            "active_filters": active_filters,
            "has_any_program": active_filters
            or page.paginator.count
            or selectors.program_exists(tenant=tenant),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def program_create(request, tenant_slug):
    tenant = request.tenant
    form = ProgramForm(request.POST if request.method == "POST" else None, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(tenant=tenant, actor=request.user, **form.values())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Program %(name)s created.") % {"name": program.name})
            return redirect(_detail_url(tenant, program))
    return render(
        request,
        "programs/staff/program_form.html",
        {"nav": "programs", "form": form, "program": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
def program_detail(request, tenant_slug, program_id):
    tenant = request.tenant
    program = selectors.program_get(tenant=tenant, program_id=program_id)
    tiers = list(selectors.program_tiers(tenant=tenant, program=program))
    return render(
        request,
        "programs/staff/program_detail.html",
        {
            "nav": "programs",
            "program": program,
            "tiers": tiers,
            "last_tier_index": len(tiers) - 1,
            "terms_versions": contract_selectors.program_terms_summaries(
                tenant=tenant, program=program
            ),
            "rule_sets": selectors.program_rule_sets(
                tenant=tenant, program=program, today=timezone.localdate()
            ),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE)
            and not program.is_archived,
            "may_manage_commission": request_has_perm(request, ProgramsPerm.COMMISSION_MANAGE)
            and not program.is_archived,
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def program_edit(request, tenant_slug, program_id):
    tenant = request.tenant
    program = selectors.program_get(tenant=tenant, program_id=program_id)
    if program.is_archived:
        messages.error(request, services.archived_message(program))
        return redirect(_detail_url(tenant, program))
    form = ProgramForm(
        request.POST if request.method == "POST" else None, instance=program, tenant=tenant
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(
                tenant=tenant, actor=request.user, program=program, fields=form.changed_values()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Program saved."))
            return redirect(_detail_url(tenant, program))
    return render(
        request,
        "programs/staff/program_form.html",
        {"nav": "programs", "form": form, "program": program},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def program_archive(request, tenant_slug, program_id):
    """GET asks once more, naming the program and what archiving does; POST archives."""
    tenant = request.tenant
    program = selectors.program_get(tenant=tenant, program_id=program_id)
    if request.method == "POST":
        try:
            services.program_archive(tenant=tenant, actor=request.user, program=program)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Program %(name)s archived.") % {"name": program.name})
        return redirect(_detail_url(tenant, program))
    return render(
        request, "programs/staff/program_archive.html", {"nav": "programs", "program": program}
    )


# --- Tiers ------------------------------------------------------------------------------------


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def tier_create(request, tenant_slug, program_id):
    tenant = request.tenant
    program = selectors.program_get(tenant=tenant, program_id=program_id)
    form = TierForm(
        request.POST if request.method == "POST" else None, tenant=tenant, program=program
    )
    if request.method == "POST" and form.is_valid():
        try:
            tier = services.tier_create(
                tenant=tenant, actor=request.user, program=program, **form.values()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Tier %(name)s added.") % {"name": tier.name})
            return redirect(_detail_url(tenant, program))
    return render(
        request,
        "programs/staff/tier_form.html",
        {"nav": "programs", "form": form, "program": program, "tier": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def tier_edit(request, tenant_slug, program_id, tier_id):
    tenant = request.tenant
    program = selectors.program_get(tenant=tenant, program_id=program_id)
    tier = selectors.tier_get(tenant=tenant, tier_id=tier_id, program=program)
    form = TierForm(
        request.POST if request.method == "POST" else None,
        instance=tier,
        tenant=tenant,
        program=program,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.tier_update(
                tenant=tenant, actor=request.user, tier=tier, fields=form.changed_values()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Tier saved."))
            return redirect(_detail_url(tenant, program))
    return render(
        request,
        "programs/staff/tier_form.html",
        {"nav": "programs", "form": form, "program": program, "tier": tier},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_POST
def tier_move(request, tenant_slug, program_id, tier_id):
    tenant = request.tenant
    program = selectors.program_get(tenant=tenant, program_id=program_id)
    tier = selectors.tier_get(tenant=tenant, tier_id=tier_id, program=program)
    direction = "down" if request.POST.get("direction") == "down" else "up"
    try:
        services.tier_move(tenant=tenant, actor=request.user, tier=tier, direction=direction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Tier %(name)s moved.") % {"name": tier.name})
    return redirect(_detail_url(tenant, program))


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def tier_delete(request, tenant_slug, program_id, tier_id):
    """GET asks once more, naming the tier; POST deletes it when nothing uses it."""
    tenant = request.tenant
    program = selectors.program_get(tenant=tenant, program_id=program_id)
    tier = selectors.tier_get(tenant=tenant, tier_id=tier_id, program=program)
    if request.method == "POST":
        try:
            services.tier_delete(tenant=tenant, actor=request.user, tier=tier)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Tier %(name)s deleted.") % {"name": tier.name})
        return redirect(_detail_url(tenant, program))
    return render(
        request,
        "programs/staff/tier_delete.html",
        {"nav": "programs", "program": program, "tier": tier},
    )


# --- Terms versions ---------------------------------------------------------------------------


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def terms_create(request, tenant_slug, program_id):
    tenant = request.tenant
    program = selectors.program_get(tenant=tenant, program_id=program_id)
    if program.is_archived:
        messages.error(request, services.archived_message(program))
        return redirect(_detail_url(tenant, program))
    form = TermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            terms = contract_services.terms_create(
                tenant=tenant, actor=request.user, program=program, **form.values()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Terms version %(number)s added, effective from %(date)s.")
                % {"number": terms.number, "date": date_format(terms.effective_from)},
            )
            return redirect(_detail_url(tenant, program) + "#terms")
    return render(
        request,
        "programs/staff/terms_form.html",
        {"nav": "programs", "form": form, "program": program},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
def terms_detail(request, tenant_slug, program_id, terms_id):
    tenant = request.tenant
    program = selectors.program_get(tenant=tenant, program_id=program_id)
    terms = contract_selectors.terms_get(tenant=tenant, program=program, terms_id=terms_id)
    return render(
        request,
        "programs/staff/terms_detail.html",
        {"nav": "programs", "program": program, "terms": terms},
    )


# --- Contract types (a settings tab) ----------------------------------------------------------


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def contract_type_list(request, tenant_slug):
    tenant = request.tenant
    form = ContractTypeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            contract_type = contract_type_services.contract_type_create(
                tenant=tenant, actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("Contract type %(name)s added.") % {"name": contract_type.name}
            )
            return redirect(tenant_reverse(tenant, "programs:contract_type_list"))
    return render(
        request,
        "programs/staff/contract_type_list.html",
        {
            "nav": "settings",
            "tab": "contract_types",
            "form": form,
            "contract_types": selectors.contract_types(tenant=tenant),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


CONTRACT_TYPE_PAGES = label_lists.LabelPages(
    list_url="programs:contract_type_list",
    field="name",
    get=lambda tenant, item_id: selectors.contract_type_get(
        tenant=tenant, contract_type_id=item_id
    ),
    rename=lambda tenant, actor, item, label: contract_type_services.contract_type_rename(
        tenant=tenant, actor=actor, contract_type=item, name=label
    ),
    delete=lambda tenant, actor, item: contract_type_services.contract_type_delete(
        tenant=tenant, actor=actor, contract_type=item
    ),
    renamed_message=lambda item: _("Contract type renamed."),
    deleted_message=lambda item: _("Contract type deleted."),
)


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_POST
def contract_type_rename(request, tenant_slug, contract_type_id):
    return label_lists.label_rename(request, CONTRACT_TYPE_PAGES, contract_type_id)


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_POST
def contract_type_delete(request, tenant_slug, contract_type_id):
    return label_lists.label_delete(request, CONTRACT_TYPE_PAGES, contract_type_id)
