"""Portal pages of the content library: the library (search, filters, newest or most viewed),
one asset with its preview, the preview's file and the download.

Opening an asset's page logs a view and downloading logs a download (programs.services.
asset_views, one INSERT each); the preview's file is part of the page already logged, so it
logs nothing. SECURITY(tenant): the partner is the requesting user's own (portal_rep) and the
asset must be visible to its placement; otherwise 404, files included.
"""

from csp.decorators import csp_replace
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from accounts.access import tenant_view
from accounts.pagination import paginate
from accounts.roles import Perm
from partners.access import portal_rep
from programs.forms.library import PortalAssetFilterForm
from programs.models import AssetAction
from programs.selectors import library_portal as selectors
from programs.selectors.visibility import partner_placement
from programs.services.asset_views import asset_view_record

PAGE_SIZE = 24


def _rep_and_placement(request):
    rep = portal_rep(request)
    return rep, partner_placement(tenant=request.tenant, partner=rep.partner)


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_library(request, tenant_slug):
    tenant = request.tenant
    _rep, placement = _rep_and_placement(request)
    form = PortalAssetFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    assets = selectors.portal_assets(
        tenant=tenant,
        placement=placement,
        today=timezone.localdate(),
        query=filters.get("q", ""),
        category=filters.get("category", ""),
        language=filters.get("language", ""),
        sort=filters.get("sort") or "newest",
    )
    page = paginate(request, assets, per_page=PAGE_SIZE)
    return render(
        request,
        "programs/portal/library/library.html",
        {
            "nav": "library",
            "filter_form": form,
            "page": page,
            "has_any": page.paginator.count
            or selectors.portal_asset_exists(tenant=tenant, placement=placement),
            "most_viewed_days": selectors.MOST_VIEWED_DAYS,
        },
    )


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_asset(request, tenant_slug, asset_id):
    tenant = request.tenant
    rep, placement = _rep_and_placement(request)
    asset = selectors.portal_asset_get(tenant=tenant, placement=placement, asset_id=asset_id)
    version = selectors.current_version(tenant=tenant, asset=asset)
    asset_view_record(
        tenant=tenant,
        asset=asset,
        rep=rep,
        membership=request.membership,
        action=AssetAction.VIEW,
        version=version,
    )
    return render(
        request,
        "programs/portal/library/asset.html",
        {
            "nav": "library",
            "asset": asset,
            "version": version,
            "preview": selectors.can_preview(version),
            "is_pdf": version is not None and version.content_type == "application/pdf",
        },
    )


def _version_or_404(request, asset_id):
    """(the rep, the asset, its current version) or 404."""
    rep, placement = _rep_and_placement(request)
    asset = selectors.portal_asset_get(
        tenant=request.tenant, placement=placement, asset_id=asset_id
    )
    version = selectors.current_version(tenant=request.tenant, asset=asset)
    if version is None:
        raise Http404
    return rep, asset, version


def _file_response(version, *, as_attachment: bool) -> FileResponse:
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=as_attachment,
        filename=version.file_name,
        content_type=version.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The asset page shows a PDF in a frame of its own origin: this response alone may be framed
# by the same origin (every other page keeps frame-ancestors 'none').
@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def portal_asset_preview(request, tenant_slug, asset_id):
    """The current version inline, for the preview in the asset page (PDF and images only)."""
    _rep, _asset, version = _version_or_404(request, asset_id)
    if not selectors.can_preview(version):
        raise Http404
    return _file_response(version, as_attachment=False)


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_asset_download(request, tenant_slug, asset_id):
    """The current version as an attachment; logs the download."""
    rep, asset, version = _version_or_404(request, asset_id)
    asset_view_record(
        tenant=request.tenant,
        asset=asset,
        rep=rep,
        membership=request.membership,
        action=AssetAction.DOWNLOAD,
        version=version,
    )
    return _file_response(version, as_attachment=True)
