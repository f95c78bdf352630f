"""Staff pages of partner contracts: the list, a contract, its signed PDF and its actions."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate, sort_headers
from accounts.pdf import pdf_download
from accounts.urls_helpers import tenant_reverse
from partners.selectors.directory import partner_get
from programs.forms.contracts import (
    ContractCreateForm,
    ContractFilterForm,
    SignedDocumentForm,
)
from programs.models import ContractStatus
from programs.permissions import ProgramsPerm
from programs.selectors import contracts as selectors
from programs.selectors.notices import contract_notice, notice_pdf_filename
from programs.services import contracts as services
from programs.services.notices import notice_required
from programs.tasks.notices import written_notice_issue_task

PAGE_SIZE = 25
SORTABLE = ("partner", "program", "starts_on", "ends_on", "status")


def _detail_url(tenant, contract) -> str:
    return tenant_reverse(tenant, "programs:contract_detail", contract_id=contract.pk)


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
def contract_list(request, tenant_slug):
    tenant = request.tenant
    form = ContractFilterForm(request.GET or None, tenant=tenant)
    filters = {"sort": request.GET.get("sort") or "-starts_on"}
    if form.is_valid():
        data = form.cleaned_data
        filters["status"] = data["status"] or ""
        filters["program_id"] = data["program"].pk if data["program"] else None
        if data["expiring"]:
            filters["expiring_by"] = timezone.localdate() + datetime.timedelta(days=60)
    page = paginate(request, selectors.contract_list(tenant=tenant, **filters), per_page=PAGE_SIZE)
    return render(
        request,
        "programs/contracts/contract_list.html",
        {
            "nav": "contracts",
            "filter_form": form,
            "page": page,
            "headers": sort_headers(request, SORTABLE, default="-starts_on"),
            "has_any": page.paginator.count or selectors.contract_exists(tenant=tenant),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
        },
    )


# --- Creating a contract (the form, its partner picker and tier list, the partner-page tab) --


def _create_form_context(request, form) -> dict:
    chosen = form.chosen_partner()
    partners, has_more = selectors.partner_picker_choices(tenant=request.tenant, chosen=chosen)
    return {
        "nav": "contracts",
        "form": form,
        "chosen_partner": chosen,
        "partners": partners,
        "has_more": has_more,
        "partner_count": selectors.partner_count(tenant=request.tenant),
    }


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def contract_create(request, tenant_slug):
    """A new draft contract; ?partner= and ?program= prefill the form (the partner page and
    the program page link here). The service serialises creations per partner and refuses an
    overlapping term, so a double submit creates one contract."""
    tenant = request.tenant
    if request.method == "POST":
        form = ContractCreateForm(request.POST, tenant=tenant)
        if form.is_valid():
            try:
                contract = services.contract_create(
                    tenant=tenant, actor=request.user, **form.values()
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Contract created as a draft: activate it once it is agreed.")
                )
                return redirect(_detail_url(tenant, contract))
    else:
        form = ContractCreateForm(
            initial={
                "partner": request.GET.get("partner"),
                "program": request.GET.get("program"),
            },
            tenant=tenant,
        )
    return render(
        request,
        "programs/contracts/contract_form.html",
        _create_form_context(request, form),
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_GET
def contract_partner_search(request, tenant_slug):
    """The form's partner picker: this tenant's partners matching ?partner_q=, the chosen one
    (?partner=) kept first; an htmx fragment."""
    tenant = request.tenant
    query = request.GET.get("partner_q", "").strip()[:100]
    form = ContractCreateForm(initial={"partner": request.GET.get("partner")}, tenant=tenant)
    chosen = form.chosen_partner()
    partners, has_more = selectors.partner_picker_choices(tenant=tenant, query=query, chosen=chosen)
    return render(
        request,
        "programs/contracts/_partner_options.html",
        {"partners": partners, "chosen_partner": chosen, "has_more": has_more, "query": query},
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_GET
def contract_tier_options(request, tenant_slug):
    """The form's tier field for the program in ?program=; an htmx fragment swapped in when
    the program changes."""
    form = ContractCreateForm(
        initial={"program": request.GET.get("program")}, tenant=request.tenant
    )
    return render(request, "programs/contracts/_tier_field.html", {"form": form})


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def partner_contracts(request, tenant_slug, partner_id):
    """The partner page's "Contracts" tab (registered in apps.py): the partner's contracts
    and a "New contract" link for it. Visited directly, a page around it."""
    tenant = request.tenant
    partner = partner_get(tenant=tenant, partner_id=partner_id)
    context = {
        "partner": partner,
        "contracts": selectors.partner_contracts(tenant=tenant, partner=partner),
        "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
    }
    if request.htmx:
        return render(request, "programs/contracts/_partner_contracts.html", context)
    context["nav"] = "partners"
    return render(request, "programs/contracts/partner_contracts.html", context)


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
def contract_detail(request, tenant_slug, contract_id):
    tenant = request.tenant
    contract = selectors.contract_get(tenant=tenant, contract_id=contract_id)
    return render(
        request,
        "programs/contracts/contract_detail.html",
        {
            "nav": "contracts",
            "contract": contract,
            "chain": selectors.contract_chain(tenant=tenant, contract=contract),
            "upload_form": SignedDocumentForm(),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
            "notice": contract_notice(tenant=tenant, contract=contract),
            "notice_required": notice_required(contract.partner),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def contract_upload(request, tenant_slug, contract_id):
    """POST stores the signed PDF; GET (the form lives on the detail page) goes back there."""
    tenant = request.tenant
    contract = selectors.contract_get(tenant=tenant, contract_id=contract_id)
    if request.method == "GET":
        return redirect(_detail_url(tenant, contract))
    form = SignedDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.contract_upload_signed(
                tenant=tenant,
                actor=request.user,
                contract=contract,
                upload=form.cleaned_data["signed_document"],
            )
        except ValidationError as error:
            for message in error.message_dict.get("signed_document", error.messages):
                messages.error(request, message)
        else:
            messages.success(request, _("Signed contract uploaded."))
    else:
        messages.error(request, _("Choose the signed PDF to upload."))
    return redirect(_detail_url(tenant, contract))


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
def contract_document(request, tenant_slug, contract_id):
    tenant = request.tenant
    contract = selectors.contract_get(tenant=tenant, contract_id=contract_id)
    if not contract.signed_document:
        messages.info(request, _("No signed contract uploaded yet."))
        return redirect(_detail_url(tenant, contract))
    return pdf_download(
        contract.signed_document, filename=contract.signed_document_name or "contract.pdf"
    )


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
def contract_notice_pdf(request, tenant_slug, contract_id):
    """The written-terms notice's PDF (staff who may see the contract may see its notice)."""
    tenant = request.tenant
    contract = selectors.contract_get(tenant=tenant, contract_id=contract_id)
    notice = contract_notice(tenant=tenant, contract=contract)
    if notice is None or not notice.pdf:
        messages.info(request, _("No written-terms notice issued yet."))
        return redirect(_detail_url(tenant, contract))
    return pdf_download(notice.pdf, filename=notice_pdf_filename(notice))


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def contract_notice_issue(request, tenant_slug, contract_id):
    """POST queues the notice's issue (the PDF renders in a worker); GET goes back to the
    contract. Issuing an issued notice changes nothing (the task is idempotent)."""
    tenant = request.tenant
    contract = selectors.contract_get(tenant=tenant, contract_id=contract_id)
    if request.method == "POST":
        if not notice_required(contract.partner):
            messages.error(
                request,
                _("A written-terms notice is only for individuals and one-person companies."),
            )
        elif contract.status == ContractStatus.DRAFT:
            messages.error(
                request, _("Activate the contract first: the notice is issued when it starts.")
            )
        else:
            written_notice_issue_task.delay(tenant_id=tenant.pk, contract_id=contract.pk)
            messages.success(
                request,
                _("The written-terms notice is being issued: it appears here in a moment."),
            )
    return redirect(_detail_url(tenant, contract))


ACTIONS = {
    "activate": (services.contract_activate, gettext_lazy("Activate this contract?")),
    "renew": (services.contract_renew, gettext_lazy("Create the renewal of this contract?")),
    "end": (services.contract_end, gettext_lazy("End this contract today?")),
}


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def contract_action(request, tenant_slug, contract_id, action):
    tenant = request.tenant
    contract = selectors.contract_get(tenant=tenant, contract_id=contract_id)
    if action not in ACTIONS:
        raise Http404
    run, question = ACTIONS[action]
    if request.method == "POST":
        try:
            result = run(tenant=tenant, actor=request.user, contract=contract)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Done."))
            return redirect(_detail_url(tenant, result))
        return redirect(_detail_url(tenant, contract))
    return render(
        request,
        "programs/contracts/contract_confirm.html",
        {"nav": "contracts", "contract": contract, "question": question, "action": action},
    )
