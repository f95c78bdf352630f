"""Staff pages of the content library: the list, a new asset, an asset with its versions,
its edit and archive pages, and a version's download."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate
from accounts.urls_helpers import tenant_reverse
from partners.selectors.directory import partner_get
from programs.forms.library import (
    AssetCreateForm,
    AssetDetailsForm,
    AssetFilterForm,
    AssetVersionForm,
)
from programs.permissions import ProgramsPerm
from programs.selectors import asset_views as view_selectors
from programs.selectors import library as selectors
from programs.services import library as services

PAGE_SIZE = 25


def _detail_url(tenant, asset) -> str:
    return tenant_reverse(tenant, "programs:asset_detail", asset_id=asset.pk)


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def asset_list(request, tenant_slug):
    tenant = request.tenant
    form = AssetFilterForm(request.GET or None, tenant=tenant)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "category": data["category"],
            "language": data["language"],
            "program_id": data["program"].pk if data["program"] else None,
            "archived": data["archived"],
            "sort": data["sort"] or "newest",
        }
    page = paginate(request, selectors.asset_list(tenant=tenant, **filters), per_page=PAGE_SIZE)
    return render(
        request,
        "programs/library/asset_list.html",
        {
            "nav": "library",
            "filter_form": form,
            "page": page,
            "has_any": page.paginator.count or selectors.asset_exists(tenant=tenant),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
        },
    )


def _details_form(form_class, request, *, data=None, files=None, **kwargs):
    programs, tiers = selectors.visibility_choices(tenant=request.tenant)
    return form_class(data, files, programs=programs, tiers=tiers, **kwargs)


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def asset_create(request, tenant_slug):
    """A new asset, a file or a link. The form's one-time token makes a double submit find
    the first asset instead of creating a second."""
    tenant = request.tenant
    if request.method == "POST":
        form = _details_form(AssetCreateForm, request, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                asset = services.asset_create(
                    tenant=tenant,
                    actor=request.user,
                    token=form.cleaned_data["token"],
                    upload=form.cleaned_data["file"],
                    url=form.cleaned_data["url"],
                    **form.details(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Asset added to the library."))
                return redirect(_detail_url(tenant, asset))
    else:
        form = _details_form(
            AssetCreateForm, request, initial={"token": services.new_asset_token()}
        )
    return render(
        request,
        "programs/library/asset_form.html",
        {"nav": "library", "form": form, "is_new": True},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def asset_detail(request, tenant_slug, asset_id):
    """The asset with its versions and visibility, and its use by partners over a window
    (?days=): the figures, the weekly trend (a chart with its table) and who opened it."""
    tenant = request.tenant
    asset = selectors.asset_get(tenant=tenant, asset_id=asset_id)
    days = view_selectors.window_days(request.GET.get("days"))
    since = view_selectors.window_start(tenant, days)
    weeks = view_selectors.asset_use_by_week(tenant=tenant, asset=asset, since=since)
    return render(
        request,
        "programs/library/asset_detail.html",
        {
            "nav": "library",
            "asset": asset,
            "versions": selectors.asset_versions(tenant=tenant, asset=asset),
            "version_form": AssetVersionForm(),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
            "days": days,
            "windows": view_selectors.WINDOWS,
            "use": view_selectors.asset_use(tenant=tenant, asset=asset, since=since),
            "weeks": weeks,
            "trend_data": {
                "labels": [week.starts_on.isoformat() for week in weeks],
                "views": [week.views for week in weeks],
                "downloads": [week.downloads for week in weeks],
                "view_label": _("Views"),
                "download_label": _("Downloads"),
            },
            "opens": paginate(
                request, view_selectors.asset_opens(tenant=tenant, asset=asset), per_page=20
            ),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def asset_edit(request, tenant_slug, asset_id):
    tenant = request.tenant
    asset = selectors.asset_get(tenant=tenant, asset_id=asset_id)
    if request.method == "POST":
        form = _details_form(AssetDetailsForm, request, data=request.POST)
        if form.is_valid():
            try:
                services.asset_update(
                    tenant=tenant, actor=request.user, asset=asset, **form.details()
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Asset saved."))
                return redirect(_detail_url(tenant, asset))
    else:
        form = _details_form(
            AssetDetailsForm,
            request,
            initial={
                "title": asset.title,
                "description": asset.description,
                "category": asset.category,
                "language": asset.language,
                "programs": list(asset.programs.all()),
                "tiers": list(asset.tiers.all()),
            },
        )
    return render(
        request,
        "programs/library/asset_form.html",
        {"nav": "library", "form": form, "asset": asset, "is_new": False},
        status=400 if form.is_bound and form.errors else 200,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def asset_version_add(request, tenant_slug, asset_id):
    """POST stores a new version; GET (the form lives on the detail page) goes back there."""
    tenant = request.tenant
    asset = selectors.asset_get(tenant=tenant, asset_id=asset_id)
    if request.method == "POST":
        form = AssetVersionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                version = services.asset_version_add(
                    tenant=tenant, actor=request.user, asset=asset, upload=form.cleaned_data["file"]
                )
            except ValidationError as error:
                for message in error.message_dict.get("file", error.messages):
                    messages.error(request, message)
            else:
                messages.success(
                    request, _("Version %(number)s uploaded.") % {"number": version.number}
                )
        else:
            messages.error(request, _("Choose the file to upload."))
    return redirect(_detail_url(tenant, asset))


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def asset_archive(request, tenant_slug, asset_id):
    """GET asks for confirmation; POST archives."""
    tenant = request.tenant
    asset = selectors.asset_get(tenant=tenant, asset_id=asset_id)
    if request.method == "POST":
        services.asset_archive(tenant=tenant, actor=request.user, asset=asset)
        messages.success(request, _("Asset archived: partners no longer see it."))
        return redirect(_detail_url(tenant, asset))
    return render(
        request, "programs/library/asset_archive.html", {"nav": "library", "asset": asset}
    )


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def asset_version_download(request, tenant_slug, asset_id, version_id):
    """One stored version, as the attachment it is: served only through this view (the file
    has no public URL), never kept by a cache."""
    version = selectors.asset_version_get(
        tenant=request.tenant, asset_id=asset_id, version_id=version_id
    )
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.file_name,
        content_type=version.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def partner_asset_views(request, tenant_slug, partner_id):
    """The partner page's "Material" tab (registered in apps.py): per rep, what they opened
    over a window (?days=), and the opens themselves, of one rep (?rep=) or all. Visited
    directly, a page around it."""
    tenant = request.tenant
    partner = partner_get(tenant=tenant, partner_id=partner_id)
    days = view_selectors.window_days(request.GET.get("days"))
    since = view_selectors.window_start(tenant, days)
    rep = view_selectors.partner_rep_get(
        tenant=tenant, partner=partner, rep_id=request.GET.get("rep")
    )
    context = {
        "partner": partner,
        "days": days,
        "windows": view_selectors.WINDOWS,
        "rep": rep,
        "reps": view_selectors.partner_rep_use(tenant=tenant, partner=partner, since=since),
        "opens": paginate(
            request,
            view_selectors.partner_opens(tenant=tenant, partner=partner, rep=rep),
            per_page=20,
        ),
    }
    if request.htmx:
        return render(request, "programs/library/_partner_asset_views.html", context)
    context["nav"] = "partners"
    return render(request, "programs/library/partner_asset_views.html", context)
