"""Reads of announcements and the sales process: the staff list with each one's read rate,
one announcement's receipts, whom it reaches, and the portal's list with the unread flags and
the badge's count.

Who sees an announcement is the one rule of programs/selectors/visibility.py: the portal
filters by the partner's placement, and the reach (whom the worker e-mails when it is
published) asks the same rule once per distinct placement of the tenant's partners."""

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from partners.models import Partner, PartnerRep
from programs.models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementProgram,
    AnnouncementRead,
    AnnouncementStatus,
    AnnouncementTier,
    PartnerContract,
    Program,
    SalesPhase,
    Tier,
)
from programs.selectors.visibility import (
    CURRENT_STATUSES,
    Placement,
    partner_placement,
    partner_placement_subquery,
    visible_q,
)


def announcement_visible_q(placement: Placement) -> Q:
    return visible_q(
        placement,
        program_link=AnnouncementProgram,
        tier_link=AnnouncementTier,
        content_field="announcement",
    )


# --- Staff -----------------------------------------------------------------------------------


def _count_of(queryset) -> Subquery:
    """A correlated COUNT(*) of `queryset` (filtered by OuterRef) as an integer column."""
    counted = queryset.order_by().values("tenant").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_read_rate(announcements: QuerySet[Announcement]) -> QuerySet[Announcement]:
    """Each announcement with `reached_count` (reps it reached when published) and
    `read_count` (of those, the ones who opened it): two correlated counts in the same
    query, so a page costs the same at any size."""
    reached = AnnouncementDelivery.objects.filter(
        tenant=OuterRef("tenant"), announcement=OuterRef("pk")
    )
    read = AnnouncementRead.objects.filter(
        tenant=OuterRef("tenant"), announcement=OuterRef("pk")
    ).filter(
        Exists(
            AnnouncementDelivery.objects.filter(
                tenant=OuterRef("tenant"),
                announcement=OuterRef("announcement"),
                rep=OuterRef("rep"),
            )
        )
    )
    return announcements.annotate(reached_count=_count_of(reached), read_count=_count_of(read))


def read_rate(announcement: Announcement) -> int | None:
    """Per cent of reached reps who read it (rounded down), None when it reached nobody."""
    if not getattr(announcement, "reached_count", 0):
        return None
    return announcement.read_count * 100 // announcement.reached_count


def announcement_list(
    *,
    tenant: Tenant,
    query: str = "",
    status: str = "",
    kind: str = "",
    program_id: int | None = None,
) -> QuerySet[Announcement]:
    """This tenant's announcements, searched in title and text, filtered, newest first, with
    their read figures and programs (prefetched)."""
    announcements = announcements_matching(
        Announcement.objects.filter(tenant=tenant), query=query, program_id=program_id
    )
    if status:
        announcements = announcements.filter(status=status)
    if kind:
        announcements = announcements.filter(kind=kind)
    return (
        with_read_rate(announcements)
        .prefetch_related(Prefetch("programs", queryset=Program.objects.filter(tenant=tenant)))
        .order_by("-created_at", "-id")
    )


def announcement_api_list(*, tenant: Tenant) -> QuerySet[Announcement]:
    """`announcement_list` with the tiers prefetched too (the API's staff read)."""
    return announcement_list(tenant=tenant).prefetch_related(
        Prefetch("tiers", queryset=Tier.objects.filter(tenant=tenant))
    )


def announcements_matching(
    announcements: QuerySet[Announcement], *, query: str = "", program_id: int | None = None
) -> QuerySet[Announcement]:
    """`announcements` searched in title and text, and aimed at `program_id` when given."""
    query = " ".join(query.split())[:100]
    if query:
        announcements = announcements.filter(Q(title__icontains=query) | Q(body__icontains=query))
    if program_id:
        announcements = announcements.filter(announcementprogram__program_id=program_id)
    return announcements


def announcement_exists(*, tenant: Tenant) -> bool:
    return Announcement.objects.filter(tenant=tenant).exists()


def announcement_get(*, tenant: Tenant, announcement_id: int) -> Announcement:
    """One announcement of this tenant with its targeting and read figures, or 404."""
    return get_object_or_404(
        with_read_rate(Announcement.objects.filter(tenant=tenant))
        .select_related("created_by", "published_by")
        .prefetch_related(
            Prefetch("programs", queryset=Program.objects.filter(tenant=tenant)),
            Prefetch(
                "tiers", queryset=Tier.objects.filter(tenant=tenant).select_related("program")
            ),
        ),
        pk=announcement_id,
    )


def announcement_receipts(*, tenant: Tenant, announcement: Announcement) -> QuerySet:
    """Everyone the announcement reached, who read it first (newest reads first), then who
    has not, by partner and name; each delivery carries `read_at` (None: not read yet)."""
    read_at = AnnouncementRead.objects.filter(
        tenant=tenant, announcement=announcement, rep=OuterRef("rep")
    ).values("read_at")[:1]
    return (
        AnnouncementDelivery.objects.filter(tenant=tenant, announcement=announcement)
        .select_related("rep", "partner")
        .annotate(read_at=Subquery(read_at))
        .order_by(
            ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()),
            "-read_at",
            "partner__legal_name",
            "rep__full_name",
            "pk",
        )
    )


def announcement_reach(*, tenant: Tenant, announcement: Announcement) -> QuerySet[PartnerRep]:
    """The active reps at the partners the announcement reaches now, by the one visibility
    rule. The tenant's partners stand in a few distinct placements (programs and tiers of
    their current contracts); the rule is asked once for each, in one query."""
    placements: dict[int, tuple[set[int], set[int]]] = {}
    for partner_id, program_id, tier_id in PartnerContract.objects.filter(
        tenant=tenant, status__in=CURRENT_STATUSES
    ).values_list("partner_id", "program_id", "tier_id"):
        programs, tiers = placements.setdefault(partner_id, (set(), set()))
        programs.add(program_id)
        if tier_id is not None:
            tiers.add(tier_id)
    distinct = {
        Placement(program_ids=frozenset(p), tier_ids=frozenset(t)) for p, t in placements.values()
    }
    nowhere = Placement(program_ids=frozenset(), tier_ids=frozenset())
    distinct.discard(nowhere)
    checks = [nowhere, *distinct]
    reps = PartnerRep.objects.filter(tenant=tenant, is_active=True)
    answers = (
        Announcement.objects.filter(tenant=tenant, pk=announcement.pk)
        .annotate(
            **{
                f"reaches_{i}": ExpressionWrapper(
                    announcement_visible_q(placement), output_field=BooleanField()
                )
                for i, placement in enumerate(checks)
            }
        )
        .values(*(f"reaches_{i}" for i in range(len(checks))))
        .first()
    )
    if not answers:
        return reps.none()
    if answers["reaches_0"]:
        # Seen with no contract at all: chosen for no program, so every partner sees it.
        return reps
    reached = {checks[i] for i in range(1, len(checks)) if answers[f"reaches_{i}"]}
    partner_ids = [
        partner_id
        for partner_id, (programs, tiers) in placements.items()
        if Placement(program_ids=frozenset(programs), tier_ids=frozenset(tiers)) in reached
    ]
    return reps.filter(partner_id__in=partner_ids)


# --- Portal ----------------------------------------------------------------------------------


def portal_announcements(
    *, tenant: Tenant, partner: Partner, rep: PartnerRep
) -> QuerySet[Announcement]:
    """The published announcements the partner sees, newest first, each with `is_read` for
    the requesting rep."""
    placement = partner_placement(tenant=tenant, partner=partner)
    return (
        Announcement.objects.filter(tenant=tenant, status=AnnouncementStatus.PUBLISHED)
        .filter(announcement_visible_q(placement))
        .annotate(
            is_read=Exists(
                AnnouncementRead.objects.filter(tenant=tenant, announcement=OuterRef("pk"), rep=rep)
            )
        )
        .order_by("-published_at", "-id")
    )


def portal_announcements_read_at(
    *, tenant: Tenant, partner: Partner, rep: PartnerRep
) -> QuerySet[Announcement]:
    """`portal_announcements` with `read_at`: when the requesting rep first opened each one
    (None: not yet), for the API (the pages need only `is_read`)."""
    read_at = AnnouncementRead.objects.filter(
        tenant=tenant, announcement=OuterRef("pk"), rep=rep
    ).values("read_at")[:1]
    return portal_announcements(tenant=tenant, partner=partner, rep=rep).annotate(
        read_at=Subquery(read_at)
    )


def portal_announcement_read_at_get(
    *, tenant: Tenant, partner: Partner, rep: PartnerRep, announcement_id: int
) -> Announcement:
    """One of `portal_announcements_read_at`, or 404 (as portal_announcement_get)."""
    return get_object_or_404(
        portal_announcements_read_at(tenant=tenant, partner=partner, rep=rep), pk=announcement_id
    )


def portal_unread_count(*, tenant: Tenant, partner: Partner, rep: PartnerRep) -> int:
    """How many of the partner's announcements the rep has not opened (one query)."""
    placement = partner_placement_subquery(tenant=tenant, partner=partner)
    return (
        Announcement.objects.filter(tenant=tenant, status=AnnouncementStatus.PUBLISHED)
        .filter(announcement_visible_q(placement))
        .exclude(
            Exists(
                AnnouncementRead.objects.filter(tenant=tenant, announcement=OuterRef("pk"), rep=rep)
            )
        )
        .count()
    )


def portal_unread_badge(request) -> int | None:
    """The portal navigation's badge on "Announcements" (accounts/registry.py NavEntry.badge):
    the requesting rep's unread count; None for a login linked to no rep."""
    from partners.access import rep_for_membership

    rep = rep_for_membership(getattr(request, "membership", None))
    if rep is None:
        return None
    return portal_unread_count(tenant=request.tenant, partner=rep.partner, rep=rep)


def portal_announcement_get(
    *, tenant: Tenant, partner: Partner, announcement_id: int
) -> Announcement:
    """A published announcement the partner sees, or 404: a draft, an archived one or one
    aimed at other programs or tiers answers exactly like a missing one."""
    placement = partner_placement(tenant=tenant, partner=partner)
    return get_object_or_404(
        Announcement.objects.filter(tenant=tenant, status=AnnouncementStatus.PUBLISHED).filter(
            announcement_visible_q(placement)
        ),
        pk=announcement_id,
    )


# --- Sales process ---------------------------------------------------------------------------


def sales_phases(*, tenant: Tenant) -> QuerySet[SalesPhase]:
    return SalesPhase.objects.filter(tenant=tenant).order_by("position", "id")


def sales_phase_get(*, tenant: Tenant, phase_id: int) -> SalesPhase:
    return get_object_or_404(SalesPhase.objects.filter(tenant=tenant), pk=phase_id)
