"""Reads of the content library (staff side): the list with its search and filters, one
asset with its versions and visibility, and one version for the download."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from programs.models import Asset, AssetVersion, Program, Tier

SORTS = {"newest": ("-created_at", "-id"), "title": ("title", "id")}


def asset_list(
    *,
    tenant: Tenant,
    query: str = "",
    category: str = "",
    language: str = "",
    program_id: int | None = None,
    archived: bool | None = False,
    sort: str = "newest",
) -> QuerySet[Asset]:
    """This tenant's assets, searched in title and description, filtered; the newest or by
    title. Each carries `version_count` and its programs (prefetched), so a page of it costs
    the same number of queries at any size. `archived=None`: archived or not."""
    assets = Asset.objects.filter(tenant=tenant)
    if archived is not None:
        assets = assets.filter(is_archived=archived)
    query = " ".join(query.split())[:100]
    if query:
        assets = assets.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if category:
        assets = assets.filter(category=category)
    if language:
        assets = assets.filter(language=language)
    if program_id:
        assets = assets.filter(assetprogram__program_id=program_id)
    return (
        assets.annotate(version_count=Count("versions", distinct=True))
        .prefetch_related(Prefetch("programs", queryset=Program.objects.filter(tenant=tenant)))
        .order_by(*SORTS.get(sort, SORTS["newest"]))
    )


def asset_exists(*, tenant: Tenant) -> bool:
    return Asset.objects.filter(tenant=tenant).exists()


def asset_get(*, tenant: Tenant, asset_id: int) -> Asset:
    """One asset of this tenant with its visibility, or 404 (another tenant's too)."""
    return get_object_or_404(
        Asset.objects.filter(tenant=tenant)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("programs", queryset=Program.objects.filter(tenant=tenant)),
            Prefetch(
                "tiers", queryset=Tier.objects.filter(tenant=tenant).select_related("program")
            ),
        ),
        pk=asset_id,
    )


def current_versions(*, tenant: Tenant, assets) -> dict[int, AssetVersion]:
    """The newest version of each of `assets` by asset id (one query; links have none)."""
    latest = (
        AssetVersion.objects.filter(tenant=tenant, asset__in=[asset.pk for asset in assets])
        .order_by("asset_id", "-number")
        .distinct("asset_id")
    )
    return {version.asset_id: version for version in latest}


def asset_versions(*, tenant: Tenant, asset: Asset) -> QuerySet[AssetVersion]:
    return AssetVersion.objects.filter(tenant=tenant, asset=asset).select_related("uploaded_by")


def asset_version_get(*, tenant: Tenant, asset_id: int, version_id: int) -> AssetVersion:
    """One version of one of this tenant's assets, or 404."""
    return get_object_or_404(
        AssetVersion.objects.filter(tenant=tenant, asset_id=asset_id), pk=version_id
    )


def visibility_choices(*, tenant: Tenant) -> tuple[QuerySet[Program], QuerySet[Tier]]:
    """The programs and tiers an asset can be shown to (the current ones of this tenant)."""
    programs = Program.objects.filter(tenant=tenant, is_archived=False).order_by("name", "id")
    tiers = (
        Tier.objects.filter(tenant=tenant, program__is_archived=False)
        .select_related("program")
        .order_by("program__name", "program_id", "position")
    )
    return programs, tiers
