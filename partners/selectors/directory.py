"""Reads of partners and reps. Tenant explicit; another tenant's or partner's row is a 404."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Tenant
from partners.models import Partner, PartnerRep, PartnerStatusChange, PartnerType
from partners.selectors.engagement import ENGAGED_STATUSES, cadence_rules
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


# Sort keys of the list -> order_by fields; "last_contact" and "next_due" are ordered with their
# empty values where they mean most (see _partner_order). The last contact sorts on the stored
# column (partner_last_contact), with no look-up of any partner's activities.
PARTNER_SORTS = {
    "name": ("legal_name_kana", "legal_name", "id"),
    "priority": ("priority", "legal_name_kana", "id"),
    "status": ("status", "legal_name_kana", "id"),
    "owner": ("owner__user__full_name", "legal_name_kana", "id"),
    "created": ("created_at", "id"),
    "sales_headcount": ("sales_headcount", "id"),
    "rep_count": ("rep_count", "legal_name_kana", "id"),
    "last_contact": ("last_contact_on", "legal_name_kana", "id"),
    "next_due": ("due_sort", "legal_name_kana", "id"),
}


def _partner_order(sort: str) -> list:
    descending = sort.startswith("-")
    fields = PARTNER_SORTS.get(sort.lstrip("-"), PARTNER_SORTS["name"])
    order = []
    for name in fields:
        expression = F(name)
        if name == "last_contact_on":
            # Never contacted sorts as the oldest contact of all.
            order.append(
                expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True)
            )
        elif name == "due_sort":
            # Partners without a cadence (prospects, D, terminated) go last either way.
            order.append(
                expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
            )
        else:
            order.append(expression.desc() if descending else expression.asc())
    return order


def _with_contact_columns(queryset: QuerySet[Partner], *, tenant: Tenant, today: date):
    """Annotate last contact, next due date, overdue and active rep count per partner.

    The last contact is the partner's stored `last_contact_on` (the activity services keep it),
    so the next due date and every sort on them are arithmetic on the row. The rep count is a
    correlated subquery on the (tenant, partner) index, which PostgreSQL evaluates only for the
    rows of the page (and Django drops from the paginator's count).
    """
    intervals = {
        priority: rule.contact_interval_days
        for priority, rule in cadence_rules(tenant=tenant).items()
        if rule.contact_interval_days
    }
    has_cadence = Q(status__in=ENGAGED_STATUSES, priority__in=list(intervals))
    active_reps = (
        PartnerRep.objects.filter(tenant=tenant, partner=OuterRef("pk"), is_active=True)
        .order_by()
        .values("partner")
        .annotate(n=Count("id"))
        .values("n")
    )
    # The interval of the partner's cadence (none without one), then every column from it.
    interval = Case(
        *[
            When(has_cadence & Q(priority=priority), then=Value(days))
            for priority, days in intervals.items()
        ],
        default=None,
        output_field=IntegerField(),
    )
    return (
        queryset.annotate(
            last_contact=F("last_contact_on"),
            rep_count=Coalesce(Subquery(active_reps, output_field=IntegerField()), 0),
        )
        .alias(contact_interval=interval)
        .annotate(
            # PostgreSQL: date + integer is a date (NULL when either is).
            next_due=ExpressionWrapper(
                F("last_contact") + F("contact_interval"), output_field=DateField()
            ),
            # A partner with a cadence and no contact yet is the most overdue of all.
            due_sort=Case(
                When(has_cadence, then=Coalesce(F("next_due"), Value(date.min))),
                default=None,
                output_field=DateField(),
            ),
        )
        .annotate(
            is_overdue=Case(
                When(due_sort__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )


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
    today: date | None = None,
) -> QuerySet[Partner]:
    """The tenant's partners, searched (full- and half-width, hiragana and katakana alike),
    filtered and sorted, each with its contact columns (_with_contact_columns)."""
    queryset = Partner.objects.filter(tenant=tenant).select_related("partner_type", "owner__user")
    key = search_key(query or "")
    if key:
        # LIKE '%key%' on the stored key: the trigram index partner_search_trgm answers it.
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
    queryset = _with_contact_columns(queryset, tenant=tenant, today=today or timezone.localdate())
    return queryset.order_by(*_partner_order(sort))


def partner_reps(*, tenant: Tenant, partner: Partner) -> QuerySet[PartnerRep]:
    """The partner's reps, active first, by name (index partner_rep_name); paginate it."""
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
