"""Reads of partners and reps. Tenant explicit; another tenant's or partner's row is a 404."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from partners.models import Partner, PartnerRep, PartnerStatusChange, PartnerType
from partners.validators import search_key


def partner_get(*, tenant: Tenant, partner_id: int, partner: Partner | None = None) -> Partner:
    """The partner `partner_id` of `tenant`; when `partner` is given (a portal user's own
    company), any other partner answers 404 as well."""
    queryset = Partner.objects.filter(tenant=tenant)
    if partner is not None:
        # SECURITY(tenant): partner users see their own company only.
        queryset = queryset.filter(pk=partner.pk)
    return get_object_or_404(queryset, pk=partner_id)


def rep_get(*, tenant: Tenant, rep_id: int, partner: Partner | None = None) -> PartnerRep:
    queryset = PartnerRep.objects.filter(tenant=tenant).select_related("partner")
    if partner is not None:
        # SECURITY(tenant): partner users see their own company's reps only.
        queryset = queryset.filter(partner=partner)
    return get_object_or_404(queryset, pk=rep_id)


def partner_type_get(*, tenant: Tenant, partner_type_id: int) -> PartnerType:
    return get_object_or_404(PartnerType.objects.filter(tenant=tenant), pk=partner_type_id)


def partner_types(*, tenant: Tenant) -> QuerySet[PartnerType]:
    return PartnerType.objects.filter(tenant=tenant).annotate(
        partner_count=Count("partners", filter=Q(partners__tenant=tenant))
    )


# Sort keys of the list -> order_by fields.
PARTNER_SORTS = {
    "name": ("legal_name_kana", "legal_name", "id"),
    "priority": ("priority", "legal_name_kana", "id"),
    "status": ("status", "legal_name_kana", "id"),
    "created": ("created_at", "id"),
    "sales_headcount": ("sales_headcount", "id"),
}


def partner_list_filtered(
    *,
    tenant: Tenant,
    query: str = "",
    partner_type_id: int | None = None,
    status: str = "",
    priority: str = "",
    owner_id: int | None = None,
    prefecture: str = "",
    sort: str = "name",
) -> QuerySet[Partner]:
    """The tenant's partners, searched (full- and half-width alike), filtered and sorted."""
    queryset = Partner.objects.filter(tenant=tenant).select_related("partner_type", "owner__user")
    key = search_key(query or "")
    if key:
        queryset = queryset.filter(search_text__contains=key)
    if partner_type_id:
        queryset = queryset.filter(partner_type_id=partner_type_id)
    if status:
        queryset = queryset.filter(status=status)
    if priority:
        queryset = queryset.filter(priority=priority)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    if prefecture:
        # The region filter: the head office's prefecture or one the partner covers.
        queryset = queryset.filter(Q(prefecture=prefecture) | Q(prefectures__contains=[prefecture]))
    descending = sort.startswith("-")
    fields = PARTNER_SORTS.get(sort.lstrip("-"), PARTNER_SORTS["name"])
    if descending:
        fields = tuple(f"-{f}" for f in fields)
    queryset = queryset.annotate(
        rep_count=Count("reps", filter=Q(reps__is_active=True), distinct=True)
    )
    return queryset.order_by(*fields)


def partner_reps(*, tenant: Tenant, partner: Partner) -> QuerySet[PartnerRep]:
    return (
        PartnerRep.objects.filter(tenant=tenant, partner=partner)
        .select_related("membership")
        .order_by("-is_active", "full_name_kana", "full_name", "id")
    )


@dataclass(frozen=True)
class RepCounts:
    total: int
    reachable: int
    with_login: int


def rep_counts(*, tenant: Tenant, partner: Partner) -> RepCounts:
    """Active reps, how many the vendor can reach, how many have a portal login."""
    counts = PartnerRep.objects.filter(tenant=tenant, partner=partner, is_active=True).aggregate(
        total=Count("id"),
        reachable=Count("id", filter=Q(is_reachable=True)),
        with_login=Count("id", filter=Q(membership__isnull=False, membership__is_active=True)),
    )
    return RepCounts(**counts)


def partner_status_history(*, tenant: Tenant, partner: Partner) -> QuerySet[PartnerStatusChange]:
    return PartnerStatusChange.objects.filter(tenant=tenant, partner=partner).select_related(
        "changed_by"
    )


def reps_for_export(*, tenant: Tenant, partners: QuerySet[Partner]) -> QuerySet[PartnerRep]:
    return (
        PartnerRep.objects.filter(tenant=tenant, partner__in=partners)
        .select_related("partner", "membership")
        .order_by("partner__legal_name_kana", "partner__legal_name", "full_name_kana", "id")
    )
