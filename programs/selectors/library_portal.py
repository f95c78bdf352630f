"""Reads of the portal library: what a partner may see, searched, filtered and ordered, and one
asset with its current version.

SECURITY(tenant): every function takes the partner's placement (programs.selectors.visibility.
partner_placement of portal_partner(request)), never a partner or tier from the URL; an asset
the placement may not see answers 404 like a missing one. Archived assets and file assets
without an upload yet are hidden.
"""

import datetime

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from programs.models import (
    Asset,
    AssetKind,
    AssetProgram,
    AssetTier,
    AssetVersion,
    AssetViewDay,
)
from programs.selectors.visibility import Placement, visible_q

# "Most viewed" counts the views of this many days (rolled up daily, programs.tasks.library).
MOST_VIEWED_DAYS = 90
PREVIEW_TYPES = ("application/pdf", "image/png", "image/jpeg")


def _visible(*, tenant: Tenant, placement: Placement) -> QuerySet[Asset]:
    has_version = AssetVersion.objects.filter(tenant=tenant, asset=OuterRef("pk"))
    return Asset.objects.filter(tenant=tenant, is_archived=False).filter(
        visible_q(placement, program_link=AssetProgram, tier_link=AssetTier, content_field="asset"),
        Q(kind=AssetKind.LINK) | Exists(has_version),
    )


def _current(tenant: Tenant, field: str) -> Subquery:
    return Subquery(
        AssetVersion.objects.filter(tenant=tenant, asset=OuterRef("pk"))
        .order_by("-number")
        .values(field)[:1]
    )


def portal_assets(
    *,
    tenant: Tenant,
    placement: Placement,
    today: datetime.date,
    query: str = "",
    category: str = "",
    language: str = "",
    sort: str = "newest",
) -> QuerySet[Asset]:
    """The assets the placement may see, searched in title and description and filtered. Each
    carries its current version's `current_type` and `current_size`, and `recent_views` (its
    views over the last MOST_VIEWED_DAYS days), so a page costs one query at any size."""
    assets = _visible(tenant=tenant, placement=placement)
    query = " ".join(query.split())[:100]
    if query:
        assets = assets.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if category:
        assets = assets.filter(category=category)
    if language:
        assets = assets.filter(language=language)
    recent = (
        AssetViewDay.objects.filter(
            tenant=tenant,
            asset=OuterRef("pk"),
            day__gt=today - datetime.timedelta(days=MOST_VIEWED_DAYS),
        )
        .values("asset")
        .annotate(total=Sum("views"))
        .values("total")
    )
    assets = assets.annotate(
        current_type=_current(tenant, "content_type"),
        current_size=_current(tenant, "size"),
        recent_views=Coalesce(Subquery(recent, output_field=IntegerField()), 0),
    )
    if sort == "most_viewed":
        return assets.order_by("-recent_views", "-created_at", "-id")
    return assets.order_by("-created_at", "-id")


def portal_asset_exists(*, tenant: Tenant, placement: Placement) -> bool:
    return _visible(tenant=tenant, placement=placement).exists()


def portal_asset_get(*, tenant: Tenant, placement: Placement, asset_id: int) -> Asset:
    """One asset the placement may see, or 404 (another tenant's, another tier's, archived)."""
    return get_object_or_404(_visible(tenant=tenant, placement=placement), pk=asset_id)


def current_version(*, tenant: Tenant, asset: Asset) -> AssetVersion | None:
    """The newest upload of a file asset (None for a link)."""
    if asset.kind != AssetKind.FILE:
        return None
    return AssetVersion.objects.filter(tenant=tenant, asset=asset).order_by("-number").first()


def can_preview(version: AssetVersion | None) -> bool:
    """Whether the browser can show the version in the page (a PDF or an image)."""
    return version is not None and version.content_type in PREVIEW_TYPES
