"""Staff pages of announcements (the list with read rates, the editor with program and tier
targeting, one announcement with its receipts, publish and archive with confirmation) and the
sales-process editor."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate
from accounts.urls_helpers import tenant_reverse
from programs.forms.announcements import AnnouncementFilterForm, AnnouncementForm, SalesPhaseForm
from programs.permissions import ProgramsPerm
from programs.selectors import announcements as selectors
from programs.selectors.library import visibility_choices
from programs.services import announcements as services

PAGE_SIZE = 25
RECEIPTS_PAGE_SIZE = 50


def _detail_url(tenant, announcement) -> str:
    return tenant_reverse(tenant, "programs:announcement_detail", announcement_id=announcement.pk)


def _with_rates(page):
    for announcement in page:
        announcement.read_rate = selectors.read_rate(announcement)
    return page


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def announcement_list(request, tenant_slug):
    tenant = request.tenant
    form = AnnouncementFilterForm(request.GET or None, tenant=tenant)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "status": data["status"],
            "kind": data["kind"],
            "program_id": data["program"].pk if data["program"] else None,
        }
    page = paginate(
        request, selectors.announcement_list(tenant=tenant, **filters), per_page=PAGE_SIZE
    )
    return render(
        request,
        "programs/announcements/list.html",
        {
            "nav": "announcements",
            "filter_form": form,
            "page": _with_rates(page),
            "has_any": page.paginator.count or selectors.announcement_exists(tenant=tenant),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
        },
    )


def _form(request, *, data=None, **kwargs) -> AnnouncementForm:
    programs, tiers = visibility_choices(tenant=request.tenant)
    return AnnouncementForm(data, programs=programs, tiers=tiers, **kwargs)


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def announcement_create(request, tenant_slug):
    """A new draft; the form's one-time token makes a double submit find the first one."""
    tenant = request.tenant
    if request.method == "POST":
        form = _form(request, data=request.POST)
        if form.is_valid():
            try:
                announcement = services.announcement_create(
                    tenant=tenant,
                    actor=request.user,
                    token=form.cleaned_data["token"],
                    **form.details(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Draft saved. Publish it when it is ready."))
                return redirect(_detail_url(tenant, announcement))
    else:
        form = _form(request, initial={"token": services.new_announcement_token()})
    return render(
        request,
        "programs/announcements/form.html",
        {"nav": "announcements", "form": form, "is_new": True},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def announcement_detail(request, tenant_slug, announcement_id):
    tenant = request.tenant
    announcement = selectors.announcement_get(tenant=tenant, announcement_id=announcement_id)
    announcement.read_rate = selectors.read_rate(announcement)
    receipts = paginate(
        request,
        selectors.announcement_receipts(tenant=tenant, announcement=announcement),
        per_page=RECEIPTS_PAGE_SIZE,
        count=announcement.reached_count,
    )
    return render(
        request,
        "programs/announcements/detail.html",
        {
            "nav": "announcements",
            "announcement": announcement,
            "page": receipts,
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def announcement_edit(request, tenant_slug, announcement_id):
    tenant = request.tenant
    announcement = selectors.announcement_get(tenant=tenant, announcement_id=announcement_id)
    initial = {
        "title": announcement.title,
        "body": announcement.body,
        "kind": announcement.kind,
        "language": announcement.language,
        "programs": [program.pk for program in announcement.programs.all()],
        "tiers": [tier.pk for tier in announcement.tiers.all()],
    }
    form = _form(request, data=request.POST if request.method == "POST" else None, initial=initial)
    if not announcement.is_draft:
        # Whom it reached is fixed once it is published (the e-mails went out): the fields
        # show it and keep their initial values whatever a POST says.
        for name in ("programs", "tiers"):
            form.fields[name].disabled = True
    if form.is_bound and form.is_valid():
        try:
            services.announcement_update(
                tenant=tenant, actor=request.user, announcement=announcement, **form.details()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Announcement saved."))
            return redirect(_detail_url(tenant, announcement))
    return render(
        request,
        "programs/announcements/form.html",
        {"nav": "announcements", "form": form, "announcement": announcement, "is_new": False},
        status=400 if form.is_bound and form.errors else 200,
    )


def _confirmed_action(request, announcement_id, *, template, act, done):
    """GET asks for confirmation; POST acts and goes back to the announcement."""
    tenant = request.tenant
    announcement = selectors.announcement_get(tenant=tenant, announcement_id=announcement_id)
    if request.method == "POST":
        try:
            act(tenant=tenant, actor=request.user, announcement=announcement)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect(_detail_url(tenant, announcement))
    return render(request, template, {"nav": "announcements", "announcement": announcement})


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def announcement_publish(request, tenant_slug, announcement_id):
    return _confirmed_action(
        request,
        announcement_id,
        template="programs/announcements/publish.html",
        act=services.announcement_publish,
        done=_("Published: partners see it now, and the reps it reaches get an e-mail."),
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def announcement_archive(request, tenant_slug, announcement_id):
    return _confirmed_action(
        request,
        announcement_id,
        template="programs/announcements/archive.html",
        act=services.announcement_archive,
        done=_("Archived: partners no longer see it."),
    )


# --- The sales process -----------------------------------------------------------------------


def _sales_process_url(tenant) -> str:
    return tenant_reverse(tenant, "programs:sales_process")


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def sales_process(request, tenant_slug):
    """The phases in order with their exit criteria, as partners read them."""
    tenant = request.tenant
    return render(
        request,
        "programs/announcements/sales_process.html",
        {
            "nav": "sales_process",
            "phases": selectors.sales_phases(tenant=tenant),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def sales_phase_create(request, tenant_slug):
    """A new phase at the end of the process."""
    tenant = request.tenant
    if request.method == "POST":
        form = SalesPhaseForm(request.POST)
        if form.is_valid():
            try:
                services.sales_phase_create(tenant=tenant, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Phase added."))
                return redirect(_sales_process_url(tenant))
    else:
        form = SalesPhaseForm()
    return render(
        request,
        "programs/announcements/sales_phase_form.html",
        {"nav": "sales_process", "form": form, "phase": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def sales_phase_edit(request, tenant_slug, phase_id):
    tenant = request.tenant
    phase = selectors.sales_phase_get(tenant=tenant, phase_id=phase_id)
    if request.method == "POST":
        form = SalesPhaseForm(request.POST)
        if form.is_valid():
            try:
                services.sales_phase_update(
                    tenant=tenant, actor=request.user, phase=phase, **form.cleaned_data
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Phase saved."))
                return redirect(_sales_process_url(tenant))
    else:
        form = SalesPhaseForm(
            initial={
                "name": phase.name,
                "description": phase.description,
                "exit_criteria": phase.exit_criteria,
            }
        )
    return render(
        request,
        "programs/announcements/sales_phase_form.html",
        {"nav": "sales_process", "form": form, "phase": phase},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_POST
def sales_phase_move(request, tenant_slug, phase_id):
    tenant = request.tenant
    phase = selectors.sales_phase_get(tenant=tenant, phase_id=phase_id)
    try:
        services.sales_phase_move(
            tenant=tenant,
            actor=request.user,
            phase=phase,
            direction=request.POST.get("direction", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_sales_process_url(tenant))


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def sales_phase_delete(request, tenant_slug, phase_id):
    """GET asks for confirmation; POST deletes."""
    tenant = request.tenant
    phase = selectors.sales_phase_get(tenant=tenant, phase_id=phase_id)
    if request.method == "POST":
        services.sales_phase_delete(tenant=tenant, actor=request.user, phase=phase)
        messages.success(request, _("Phase deleted."))
        return redirect(_sales_process_url(tenant))
    return render(
        request,
        "programs/announcements/sales_phase_delete.html",
        {"nav": "sales_process", "phase": phase},
    )
