"""Staff pages of target accounts: the funnel board across partners, by-name requests in bulk,
a card's actions, the partner page's "Target accounts" tab, listing and importing on a
partner's behalf. The CSV import pages are shared with the portal (`import_page`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts import imports as import_jobs
from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.models import ImportJob
from accounts.pagination import paginate
from accounts.urls_helpers import tenant_reverse
from deals.forms.targets import (
    FunnelFilterForm,
    MilestoneMoveForm,
    StaffTargetAccountForm,
    TargetImportUploadForm,
    WillingnessForm,
)
from deals.models import MILESTONE_ORDER, Milestone
from deals.permissions import DealsPerm
from deals.selectors import targets as selectors
from deals.services import targets as services
from deals.services.target_imports import TARGET_COLUMNS, TARGET_REQUIRED, target_importer
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
    counts = selectors.milestone_counts(base)
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
    """Upload (checked at once or by the worker), the check's errors or the confirm button,
    then the progress; confirmed once however often it is posted. The job is `?job=<id>` on
    the same address, found only among this partner's jobs (the kind names the partner)."""
    tenant = request.tenant
    importer = target_importer(partner)
    if audience == "portal":
        upload_url = tenant_reverse(tenant, "deals:portal_target_import")
        base = "portal/base.html"
    else:
        upload_url = tenant_reverse(tenant, "deals:staff_target_import", partner_id=partner.pk)
        base = "staff/base.html"

    def job_url(job):
        return f"{upload_url}?job={job.pk}"

    job_id = request.GET.get("job", "")
    import_id = int(job_id) if job_id.isdigit() and len(job_id) < 12 else None
    if job_id and import_id is None:
        raise Http404
    form = TargetImportUploadForm()
    job = None
    if import_id is not None:
        try:
            job = import_jobs.import_job_get(tenant=tenant, import_id=import_id, kind=importer.kind)
        except ImportJob.DoesNotExist as error:
            raise Http404 from error
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        claimed = import_jobs.import_job_confirm(
            tenant=tenant, actor=request.user, kind=importer.kind, token=token
        )
        if claimed is None:
            claimed = import_jobs.import_job_find(
                tenant=tenant, actor=request.user, kind=importer.kind, token=token
            )
            if claimed is None or claimed.state == ImportJob.State.CHECKED:
                messages.error(request, _("The upload has expired; choose the file again."))
                return redirect(upload_url)
        return redirect(job_url(claimed))
    if request.method == "POST":
        form = TargetImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > import_jobs.MAX_BYTES:
                    raise import_jobs.ImportRefused(
                        _("The file is larger than %(limit)s MB; split it into smaller files.")
                        % {"limit": import_jobs.MAX_BYTES // (1024 * 1024)}
                    )
                created = import_jobs.import_job_create(
                    tenant=tenant,
                    actor=request.user,
                    kind=importer.kind,
                    filename=upload.name,
                    data=upload.read(),
                    language=translation.get_language() or "ja",
                )
            except import_jobs.ImportRefused as error:
                form.add_error("file", error.message)
            else:
                return redirect(job_url(created))
    context = {
        "nav": "target_accounts" if audience == "portal" else "funnel",
        "base_template": base,
        "audience": audience,
        "partner": partner,
        "form": form,
        "job": job,
        "progress": import_jobs.progress_get(job) if job else None,
        "may_confirm": job is not None and job.created_by_id == request.user.pk,
        "action_url": upload_url,
        "progress_url": job_url(job) if job else "",
        "columns": TARGET_COLUMNS,
        "required": TARGET_REQUIRED,
        "max_rows": import_jobs.MAX_ROWS,
        "max_mb": import_jobs.MAX_BYTES // (1024 * 1024),
        "list_url": tenant_reverse(tenant, "deals:portal_targets")
        if audience == "portal"
        else tenant_reverse(tenant, "deals:partner_targets", partner_id=partner.pk),
    }
    if job is not None and request.htmx:
        running = job.state in (ImportJob.State.CHECKING, ImportJob.State.QUEUED)
        if not running:
            return HttpResponseClientRefresh()
        return render(request, "deals/targets/_import_job_status.html", context)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "deals/targets/import.html", context, status=status)


@tenant_view(audience="staff", perm=DealsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def staff_target_import(request, tenant_slug, partner_id):
    partner = partner_get(tenant=request.tenant, partner_id=partner_id)
    return import_page(request, partner=partner, audience="staff")
