"""Partner directory: list, detail, create/edit, reps, CSV import/export, partner types."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts import exports
from accounts import imports as import_jobs
from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.models import ExportJob, ImportJob
from accounts.pagination import paginate, sort_headers
from accounts.roles import Perm
from accounts.urls_helpers import tenant_reverse
from partners.choices import CustomerSegment, Industry, PartnerStatus, Prefecture, Priority
from partners.csv_io import csv_text
from partners.forms.directory import (
    PAGE_SIZES,
    ImportUploadForm,
    PartnerBulkAssignForm,
    PartnerFilterForm,
    PartnerForm,
    PartnerTypeForm,
    RepForm,
    RepLeaveForm,
    StatusChangeForm,
)
from partners.forms.invitations import PortalInviteForm
from partners.forms.portal import PortalSettingsForm
from partners.models import FINANCE_ONLY_FIELDS
from partners.permissions import PartnersPerm
from partners.selectors import directory as selectors
from partners.selectors.invitations import portal_invite_candidate
from partners.selectors.portal import portal_editable_groups
from partners.services import directory as services
from partners.services import imports
from partners.services import invitations as invitation_services
from partners.services import portal as portal_services
from partners.views import label_lists

REPS_PAGE_SIZE = 25
# The partner list's exports (partners/csv_io.py registers them with the kernel).
EXPORT_KINDS = ("partners", "reps")


def _may(request, perm) -> bool:
    return request_has_perm(request, perm)


# --- List and export --------------------------------------------------------------------------


# The list's sortable columns, in table order (labels are in the template).
SORTABLE_COLUMNS = (
    "name",
    "status",
    "priority",
    "owner",
    "last_contact",
    "next_due",
    "rep_count",
    "created",
)


def _with_row_labels(tenant, partners) -> None:
    """Each row's link, status and priority labels and checkbox label, from formats made once
    per page: a {% url %}, two get_FOO_display (each hashing every choice's lazy label) and a
    {% blocktranslate %} per row were most of the table's rendering time."""
    statuses = {value: str(label) for value, label in PartnerStatus.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    head, tail = tenant_reverse(tenant, "partner_detail", partner_id=0).rsplit("/0/", 1)
    select_format = _("Select %(name)s")
    for partner in partners:
        partner.page_url = f"{head}/{partner.pk}/{tail}"
        partner.status_label = statuses.get(partner.status, partner.status)
        partner.priority_label = priorities.get(partner.priority, partner.priority)
        partner.select_label = select_format % {"name": partner.legal_name}


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def partner_list(request, tenant_slug):
    tenant = request.tenant
    filter_form = PartnerFilterForm(request.GET or None, tenant=tenant)
    filters = filter_form.filters() if request.GET else {"sort": "name"}
    page_size = filter_form.page_size() if request.GET else PAGE_SIZES[0]
    partners = selectors.partner_list_filtered(tenant=tenant, **filters)
    page = paginate(request, partners, per_page=page_size)
    page.object_list = list(page.object_list)
    _with_row_labels(tenant, page.object_list)
    active_filters = any(
        value for key, value in filters.items() if key != "sort" and value not in (None, "")
    )
    may_manage = _may(request, PartnersPerm.MANAGE)
    # The filter bar's selects are written out in the template from these lists: rendering them
    # as widgets cost a template per option (some 120 here) and the owners query twice more.
    # A comprehension, not list(): list() asks the choices' length first, a COUNT query.
    owner_choices = [choice for choice in filter_form.fields["owner"].choices]  # noqa: C416
    selects = {
        name: {
            "choices": owner_choices
            if name == "owner"
            else [choice for choice in filter_form.fields[name].choices],  # noqa: C416
            "value": str(filter_form[name].value() or ""),
        }
        for name in ("partner_type", "status", "priority", "owner", "region")
    }
    return render(
        request,
        "partners/staff/partner_list.html",
        {
            "nav": "partners",
            "filter_form": filter_form,
            "selects": selects,
            # The bulk form offers the same owners: the list above, without "All owners".
            "bulk_owner_choices": owner_choices[1:],
            "page": page,
            "page_size": page_size,
            "page_sizes": PAGE_SIZES,
            "headers": sort_headers(request, SORTABLE_COLUMNS, default="name"),
            "active_filters": active_filters,
            "may_manage": may_manage,
            "bulk_form": PartnerBulkAssignForm(tenant=tenant) if may_manage else None,
            "has_any_partner": active_filters
            or page.paginator.count
            or selectors.partner_list_filtered(tenant=tenant).exists(),
            "export_query": request.GET.urlencode(),
        },
    )


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_POST
def partner_bulk_assign(request, tenant_slug):
    """Rows chosen in the list get an owner and/or a priority: first a confirmation page that
    lists them, then (with `confirm`) the change itself, all or nothing."""
    tenant = request.tenant
    form = PartnerBulkAssignForm(request.POST, tenant=tenant)
    back = request.POST.get("back", "")
    list_url = tenant_reverse(tenant, "partner_list")
    if not back.startswith("?"):
        back = ""  # only a query string of the list itself: never an outside address
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{list_url}{back}")
    data = form.cleaned_data
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "partners/staff/partner_bulk_confirm.html",
            {
                "nav": "partners",
                "partners": data["partner"],
                "owner": data["owner"],
                "priority": data["priority"],
                "back": back,
            },
        )
    try:
        changed = services.partner_bulk_assign(
            tenant=tenant,
            actor=request.user,
            partner_ids=[partner.pk for partner in data["partner"]],
            owner=data["owner"],
            priority=data["priority"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext("%(count)d partner changed.", "%(count)d partners changed.", len(changed))
            % {"count": len(changed)},
        )
    return redirect(f"{list_url}{back}")


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
@require_POST
def partner_export(request, tenant_slug):
    """Ask for the current filtered list (the query string) as CSV: a job for the worker, then
    its page. A double click returns the same job."""
    tenant = request.tenant
    kind = "reps" if request.POST.get("what") == "reps" else "partners"
    try:
        job = exports.export_job_request(
            tenant=tenant,
            actor=request.user,
            kind=kind,
            params=request.GET,
            language=translation.get_language() or "ja",
        )
    except exports.ExportRefused as refused:
        messages.error(request, refused.message)
        return redirect(f"{tenant_reverse(tenant, 'partner_list')}?{request.GET.urlencode()}")
    return redirect(tenant_reverse(tenant, "partner_export_job", export_id=job.pk))


def _export_context(request, export_id: int) -> dict:
    tenant = request.tenant
    try:
        job = exports.export_job_get(
            tenant=tenant, actor=request.user, export_id=export_id, kind_in=EXPORT_KINDS
        )
    except ExportJob.DoesNotExist as error:
        raise Http404 from error
    return {
        "nav": "partners",
        "job": job,
        "progress": exports.progress_get(job),
        "expired": exports.export_is_expired(job),
        "list_url": f"{tenant_reverse(tenant, 'partner_list')}?{job.query}",
        "progress_url": tenant_reverse(tenant, "partner_export_job_progress", export_id=job.pk),
        "download_url": tenant_reverse(tenant, "partner_export_download", export_id=job.pk),
    }


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def partner_export_job(request, tenant_slug, export_id):
    """One export: its progress, then its download (or why it failed); the person's recent
    exports below (without this one, whose state the poll keeps current above)."""
    context = _export_context(request, export_id)
    context["recent"] = exports.export_job_recent(
        tenant=request.tenant, actor=request.user, kind_in=EXPORT_KINDS, exclude=context["job"]
    )
    return render(request, "partners/staff/export_job.html", context)


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def partner_export_job_progress(request, tenant_slug, export_id):
    """The htmx fragment the job page polls; the poll that finds the file ready starts the
    download (the page itself, opened later, only offers it)."""
    context = _export_context(request, export_id)
    context["autostart"] = bool(request.htmx)
    return render(request, "partners/staff/_export_job_status.html", context)


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def partner_export_download(request, tenant_slug, export_id):
    context = _export_context(request, export_id)
    job = context["job"]
    file = exports.export_file_open(tenant=request.tenant, actor=request.user, job=job)
    if file is None:
        raise Http404
    response = FileResponse(
        file, as_attachment=True, filename=job.filename, content_type="text/csv; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Detail -----------------------------------------------------------------------------------


def _labels(values, choices) -> list[str]:
    names = dict(choices.choices)
    return [str(names.get(value, value)) for value in values]


def _detail_context(request, partner, status_form=None):
    tenant = request.tenant
    rep_counts = selectors.rep_counts(tenant=tenant, partner=partner)
    # A partner without any portal login (a prospect just signed): offer the first one.
    invite_rep = None
    if not rep_counts.with_login and _may(request, PartnersPerm.MANAGE):
        invite_rep = portal_invite_candidate(tenant=tenant, partner=partner)
    return {
        "industries": _labels(partner.industries, Industry),
        "segments": _labels(partner.customer_segments, CustomerSegment),
        "regions": _labels(partner.prefectures, Prefecture),
        "nav": "partners",
        "partner": partner,
        # Paginated: a partner may have a thousand reps (?reps_page=; the timeline has its own).
        "reps": Paginator(
            selectors.partner_reps(tenant=tenant, partner=partner), REPS_PAGE_SIZE
        ).get_page(request.GET.get("reps_page")),
        "rep_counts": rep_counts,
        "status_history": selectors.partner_status_history(tenant=tenant, partner=partner),
        "status_form": status_form or StatusChangeForm(partner=partner),
        "invite_rep": invite_rep,
        "may_manage": _may(request, PartnersPerm.MANAGE),
        "may_finance": _may(request, Perm.FINANCE_FIELDS_VIEW),
    }


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def partner_detail(request, tenant_slug, partner_id):
    partner = selectors.partner_get(tenant=request.tenant, partner_id=partner_id)
    return render(request, "partners/staff/partner_detail.html", _detail_context(request, partner))


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_POST
def partner_status_change(request, tenant_slug, partner_id):
    tenant = request.tenant
    partner = selectors.partner_get(tenant=tenant, partner_id=partner_id)
    form = StatusChangeForm(request.POST, partner=partner)
    if (
        form.is_valid()
        and form.needs_confirmation()
        and form.cleaned_data["status"] != partner.status
    ):
        # Terminating is asked once more, naming the partner and what follows.
        return render(
            request,
            "partners/staff/status_confirm.html",
            {"nav": "partners", "partner": partner, "form": form},
        )
    if form.is_valid():
        try:
            services.partner_status_change(
                tenant=tenant,
                actor=request.user,
                partner=partner,
                status=form.cleaned_data["status"],
                changed_on=form.cleaned_data["changed_on"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Status changed."))
            return redirect(tenant_reverse(tenant, "partner_detail", partner_id=partner.pk))
    context = _detail_context(request, partner, status_form=form)
    return render(request, "partners/staff/partner_detail.html", context, status=400)


# --- Portal invitations -----------------------------------------------------------------------


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def partner_portal_invite(request, tenant_slug, partner_id):
    """Invite a partner admin or rep to the portal; ?rep= invites that rep (e-mail prefilled)."""
    tenant = request.tenant
    partner = selectors.partner_get(tenant=tenant, partner_id=partner_id)
    rep_id = request.POST.get("rep") or request.GET.get("rep")
    rep = None
    if rep_id:
        # SECURITY(tenant): a rep of another partner or tenant answers 404.
        if not str(rep_id).isdigit():
            raise Http404
        rep = selectors.rep_get(tenant=tenant, rep_id=int(rep_id), partner=partner)
    form = PortalInviteForm(request.POST if request.method == "POST" else None, rep=rep)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_services.partner_portal_invite(
                tenant=tenant,
                actor=request.user,
                partner=partner,
                rep=rep,
                email=data["email"],
                role=data["role"],
                full_name=data.get("full_name", ""),
                submit_key=data["submit_key"],
                accept_url_for=lambda token: request.build_absolute_uri(
                    tenant_reverse(tenant, "invitation_accept", token=token)
                ),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Invitation to the portal of %(partner)s sent to %(email)s.")
                % {"partner": partner.legal_name, "email": invitation.email},
            )
            return redirect(tenant_reverse(tenant, "partner_detail", partner_id=partner.pk))
    return render(
        request,
        "partners/staff/portal_invite.html",
        {"nav": "partners", "partner": partner, "rep": rep, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Create and edit --------------------------------------------------------------------------


def _partner_form(request, data=None, instance=None):
    return PartnerForm(
        data,
        instance=instance,
        tenant=request.tenant,
        may_manage=_may(request, PartnersPerm.MANAGE),
        may_finance=_may(request, Perm.FINANCE_FIELDS_VIEW),
    )


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def partner_create(request, tenant_slug):
    tenant = request.tenant
    form = _partner_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(
                tenant=tenant, actor=request.user, **form.changed_values()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Partner %(name)s created.") % {"name": partner})
            return redirect(tenant_reverse(tenant, "partner_detail", partner_id=partner.pk))
    return render(
        request,
        "partners/staff/partner_form.html",
        {"nav": "partners", "form": form, "partner": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
@require_http_methods(["GET", "POST"])
def partner_edit(request, tenant_slug, partner_id):
    tenant = request.tenant
    # Managers edit everything but the bank account; finance the bank account only.
    if not (_may(request, PartnersPerm.MANAGE) or _may(request, Perm.FINANCE_FIELDS_VIEW)):
        raise PermissionDenied
    partner = selectors.partner_get(tenant=tenant, partner_id=partner_id)
    form = _partner_form(
        request, request.POST if request.method == "POST" else None, instance=partner
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(
                tenant=tenant, actor=request.user, partner=partner, fields=form.changed_values()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect(tenant_reverse(tenant, "partner_detail", partner_id=partner.pk))
    return render(
        request,
        "partners/staff/partner_form.html",
        {"nav": "partners", "form": form, "partner": partner},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Reps -------------------------------------------------------------------------------------


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def rep_create(request, tenant_slug, partner_id):
    tenant = request.tenant
    partner = selectors.partner_get(tenant=tenant, partner_id=partner_id)
    form = RepForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rep = services.rep_create(
                tenant=tenant, actor=request.user, partner=partner, **form.values()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Rep %(name)s added.") % {"name": rep.full_name})
            return redirect(tenant_reverse(tenant, "partner_detail", partner_id=partner.pk))
    return render(
        request,
        "partners/staff/rep_form.html",
        {"nav": "partners", "form": form, "partner": partner, "rep": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def rep_detail(request, tenant_slug, rep_id):
    rep = selectors.rep_get(tenant=request.tenant, rep_id=rep_id)
    return render(
        request,
        "partners/staff/rep_detail.html",
        {
            "nav": "partners",
            "rep": rep,
            "partner": rep.partner,
            "leave_form": RepLeaveForm(),
            "has_login": rep.membership_id is not None and rep.membership.is_active,
            "may_manage": _may(request, PartnersPerm.MANAGE),
        },
    )


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def rep_edit(request, tenant_slug, rep_id):
    tenant = request.tenant
    rep = selectors.rep_get(tenant=tenant, rep_id=rep_id)
    form = RepForm(request.POST if request.method == "POST" else None, instance=rep)
    if request.method == "POST" and form.is_valid():
        try:
            services.rep_update(tenant=tenant, actor=request.user, rep=rep, fields=form.values())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Rep saved."))
            return redirect(tenant_reverse(tenant, "rep_detail", rep_id=rep.pk))
    return render(
        request,
        "partners/staff/rep_form.html",
        {"nav": "partners", "form": form, "partner": rep.partner, "rep": rep},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_POST
def rep_leave(request, tenant_slug, rep_id):
    tenant = request.tenant
    rep = selectors.rep_get(tenant=tenant, rep_id=rep_id)
    form = RepLeaveForm(request.POST)
    if form.is_valid():
        try:
            services.rep_leave(
                tenant=tenant, actor=request.user, rep=rep, left_on=form.cleaned_data["left_on"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(name)s is marked as left.") % {"name": rep.full_name})
    else:
        messages.error(request, _("Enter the date the rep left."))
    return redirect(tenant_reverse(tenant, "rep_detail", rep_id=rep.pk))


# --- Import -----------------------------------------------------------------------------------


IMPORTS = {
    "partners": {
        "columns": imports.PARTNER_COLUMNS,
        "required": imports.PARTNER_REQUIRED,
        "url": "partner_import",
    },
    "reps": {
        "columns": imports.REP_COLUMNS,
        "required": imports.REP_REQUIRED,
        "url": "rep_import",
    },
}


def _import_context(request, kind: str) -> dict:
    return {
        "nav": "partners",
        "kind": kind,
        "columns": IMPORTS[kind]["columns"],
        "required": IMPORTS[kind]["required"],
        "read_only": imports.READ_ONLY_COLUMNS,
        "max_rows": import_jobs.MAX_ROWS,
        "max_mb": import_jobs.MAX_BYTES // (1024 * 1024),
        "action_url": tenant_reverse(request.tenant, IMPORTS[kind]["url"]),
    }


def _job_url(tenant, job) -> str:
    return tenant_reverse(tenant, "partner_import_job", import_id=job.pk)


def _import_view(request, kind: str):
    tenant = request.tenant
    context = _import_context(request, kind)
    form = ImportUploadForm()
    if request.method == "POST" and request.POST.get("token"):
        # Confirm: claimed once, however often and however concurrently it is posted.
        token = request.POST["token"]
        job = import_jobs.import_job_confirm(
            tenant=tenant, actor=request.user, kind=kind, token=token
        )
        if job is None:
            job = import_jobs.import_job_find(
                tenant=tenant, actor=request.user, kind=kind, token=token
            )
            if job is None or job.state == job.State.CHECKED:
                messages.error(request, _("The upload has expired; choose the file again."))
                return redirect(context["action_url"])
        return redirect(_job_url(tenant, job))
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            excluded = () if _may(request, Perm.FINANCE_FIELDS_VIEW) else FINANCE_ONLY_FIELDS
            try:
                if upload.size > import_jobs.MAX_BYTES:
                    raise import_jobs.ImportRefused(
                        _("The file is larger than %(limit)s MB; split it into smaller files.")
                        % {"limit": context["max_mb"]}
                    )
                job = import_jobs.import_job_create(
                    tenant=tenant,
                    actor=request.user,
                    kind=kind,
                    filename=upload.name,
                    data=upload.read(),
                    language=translation.get_language() or "ja",
                    excluded_columns=excluded,
                )
            except import_jobs.ImportRefused as error:
                form.add_error("file", error.message)
            else:
                return redirect(_job_url(tenant, job))
    context["form"] = form
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "partners/staff/import.html", context, status=status)


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def partner_import(request, tenant_slug):
    return _import_view(request, "partners")


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def rep_import(request, tenant_slug):
    return _import_view(request, "reps")


def _job_context(request, import_id: int) -> dict:
    try:
        job = import_jobs.import_job_get(tenant=request.tenant, import_id=import_id)
    except import_jobs.ImportJob.DoesNotExist as error:
        raise Http404 from error
    if job.kind not in IMPORTS:
        raise Http404
    return {
        **_import_context(request, job.kind),
        "job": job,
        "progress": import_jobs.progress_get(job),
        "may_confirm": job.created_by_id == request.user.pk,
        "job_url": _job_url(request.tenant, job),
        "progress_url": tenant_reverse(
            request.tenant, "partner_import_job_progress", import_id=job.pk
        ),
    }


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
def partner_import_job(request, tenant_slug, import_id):
    """One upload: its check, its errors or its confirm button, then its progress."""
    context = _job_context(request, import_id)
    context["form"] = ImportUploadForm()
    return render(request, "partners/staff/import_job.html", context)


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
def partner_import_job_progress(request, tenant_slug, import_id):
    """The htmx fragment the job page polls while the worker checks or writes; once the job
    has moved on, the whole page reloads (its forms depend on the new state)."""
    context = _job_context(request, import_id)
    still_running = context["job"].state in (ImportJob.State.CHECKING, ImportJob.State.QUEUED)
    if request.htmx and not still_running:
        return HttpResponseClientRefresh()
    return render(request, "partners/staff/_import_job_status.html", context)


TEMPLATE_EXAMPLES = {
    "partners": {
        "legal_name": "株式会社サンプル商事",
        "legal_name_kana": "サンプルショウジ",
        "display_name": "サンプル商事",
        "corporate_number": "",
        "entity_kind": "company",
        "priority": "B",
        "status": "prospect",
        "prefecture": "13",
        "postal_code": "100-0001",
        "city": "千代田区",
        "street_address": "千代田1-1",
        "website": "https://example.co.jp",
        "employee_count": "120",
        "sales_headcount": "15",
        "industries": "manufacturing;retail",
        "customer_segments": "small;mid",
        "regions": "13;14",
    },
    "reps": {
        "partner_legal_name": "株式会社サンプル商事",
        "full_name": "山田 太郎",
        "full_name_kana": "ヤマダ タロウ",
        "email": "yamada@example.co.jp",
        "phone": "03-1234-5678",
        "department": "営業部",
        "title": "部長",
        "reachable": "yes",
    },
}


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
def partner_import_template(request, tenant_slug):
    """An example CSV with every column the import reads (?what=reps for reps)."""
    kind = "reps" if request.GET.get("what") == "reps" else "partners"
    columns = [c for c in IMPORTS[kind]["columns"] if c not in imports.READ_ONLY_COLUMNS]
    example = TEMPLATE_EXAMPLES[kind]
    body = csv_text(columns, [[example.get(c, "") for c in columns]])
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-import-template.csv"'
    return response


# --- Partner types ----------------------------------------------------------------------------


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def partner_type_list(request, tenant_slug):
    tenant = request.tenant
    form = PartnerTypeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            partner_type = services.partner_type_create(
                tenant=tenant,
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("Partner type %(name)s added.") % {"name": partner_type.name}
            )
            return redirect(tenant_reverse(tenant, "partner_type_list"))
    return render(
        request,
        "partners/staff/partner_type_list.html",
        {
            "nav": "settings",
            "tab": "partner_types",
            "form": form,
            "partner_types": selectors.partner_types(tenant=tenant),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


PARTNER_TYPE_PAGES = label_lists.LabelPages(
    list_url="partner_type_list",
    field="name",
    get=lambda tenant, item_id: selectors.partner_type_get(tenant=tenant, partner_type_id=item_id),
    rename=lambda tenant, actor, item, label: services.partner_type_rename(
        tenant=tenant, actor=actor, partner_type=item, name=label
    ),
    delete=lambda tenant, actor, item: services.partner_type_delete(
        tenant=tenant, actor=actor, partner_type=item
    ),
    renamed_message=lambda item: _("Partner type renamed."),
    deleted_message=lambda item: _("Partner type deleted."),
)


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_POST
def partner_type_rename(request, tenant_slug, partner_type_id):
    return label_lists.label_rename(request, PARTNER_TYPE_PAGES, partner_type_id)


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_POST
def partner_type_delete(request, tenant_slug, partner_type_id):
    return label_lists.label_delete(request, PARTNER_TYPE_PAGES, partner_type_id)


@tenant_view(audience="staff", perm=Perm.TENANT_SETTINGS_MANAGE)
@require_http_methods(["GET", "POST"])
def portal_settings_edit(request, tenant_slug):
    """What partner admins may change about their own company in the portal."""
    tenant = request.tenant
    form = PortalSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"editable_profile": portal_editable_groups(tenant=tenant)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            portal_services.portal_settings_save(
                tenant=tenant,
                actor=request.user,
                editable_profile=form.cleaned_data["editable_profile"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Partner portal settings saved."))
            return redirect(tenant_reverse(tenant, "portal_settings_edit"))
    return render(
        request,
        "partners/staff/portal_settings.html",
        {"nav": "settings", "tab": "partner_portal", "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
