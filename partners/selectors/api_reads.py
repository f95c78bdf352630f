"""Reads behind the partners REST API (partners/api/): the querysets its views list and the
choices its serializers resolve ids against. Tenant explicit; a portal user's reads are narrowed
to their own partner here, so no API view builds a query itself."""

from django.db.models import Model, QuerySet

from accounts.models import Tenant
from partners.models import Activity, LostReason, Partner, PartnerRep, PartnerType, Prospect
from partners.validators import search_key


def no_choices(model: type[Model]) -> QuerySet:
    """The queryset a related field declares before it knows its tenant: nothing resolves
    until the serializer is bound to one (SECURITY(tenant): a forgotten bind fails closed)."""
    return model._default_manager.none()


def partner_type_choices(*, tenant: Tenant) -> QuerySet[PartnerType]:
    return PartnerType.objects.filter(tenant=tenant)


def partner_choices(*, tenant: Tenant) -> QuerySet[Partner]:
    return Partner.objects.filter(tenant=tenant)


def lost_reason_choices(*, tenant: Tenant) -> QuerySet[LostReason]:
    return LostReason.objects.filter(tenant=tenant)


def api_partners(*, tenant: Tenant, portal: bool, own: Partner | None) -> QuerySet[Partner]:
    """The partners an API client may read: all of the tenant's for staff; for a partner user
    (`portal`) their own company only (`own`), or nothing when they have none."""
    queryset = Partner.objects.filter(tenant=tenant).select_related("partner_type", "owner__user")
    if portal:
        # SECURITY(tenant): a partner user sees their own company only.
        queryset = queryset.filter(pk=own.pk) if own is not None else queryset.none()
    return queryset.order_by("legal_name_kana", "pk")


def api_partner_search(queryset: QuerySet[Partner], value: str) -> QuerySet[Partner]:
    """Name, reading or number: the same normalised key the services keep in search_text."""
    key = search_key(value)
    return queryset.filter(search_text__contains=key) if key else queryset


def api_reps(*, tenant: Tenant, portal: bool, own: Partner | None) -> QuerySet[PartnerRep]:
    queryset = PartnerRep.objects.filter(tenant=tenant)
    if portal:
        # SECURITY(tenant): a partner user sees their own company's reps only.
        queryset = queryset.filter(partner=own) if own is not None else queryset.none()
    return queryset.order_by("full_name", "pk")


def api_prospects(*, tenant: Tenant) -> QuerySet[Prospect]:
    return Prospect.objects.filter(tenant=tenant).order_by("-created_at", "pk")


def api_activities(*, tenant: Tenant) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(tenant=tenant)
        .prefetch_related("staff_attendees", "rep_attendees")
        .order_by("-occurred_on", "-pk")
    )
