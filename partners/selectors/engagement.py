"""Reads for engagement: cadence per priority, the activity timeline, who is due for contact.

Tenant explicit everywhere; the due computation runs in SQL (one grouped query per call).
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Tenant
from accounts.roles import STAFF_ROLES
from partners.choices import PartnerStatus, Priority
from partners.models import Activity, CadenceRule, Partner, PartnerRep

# Partners a manager is expected to keep in touch with; prospects and terminated ones are not.
ENGAGED_STATUSES = (PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE, PartnerStatus.DORMANT)
# "Due this week": the due date falls within the next seven days, today included.
DUE_SOON_DAYS = 6


@dataclass(frozen=True)
class Cadence:
    """How often partners of one priority are contacted; a stored row or the code default."""

    priority: str
    contact_interval_days: int | None
    expectation: str | Promise
    is_default: bool = False

    def get_priority_display(self) -> str:
        return str(Priority(self.priority).label)


DEFAULT_CADENCES: dict[str, Cadence] = {
    Priority.A: Cadence(
        Priority.A,
        7,
        _("Weekly regular meeting plus individual actions (joint visits, custom material)."),
        is_default=True,
    ),
    Priority.B: Cadence(
        Priority.B, 30, _("Monthly regular meeting plus regular contact."), is_default=True
    ),
    Priority.C: Cadence(Priority.C, 30, _("Monthly regular meeting."), is_default=True),
    Priority.D: Cadence(Priority.D, None, _("No push: contact when they ask."), is_default=True),
}


def cadence_rules(*, tenant: Tenant) -> dict[str, Cadence]:
    """The cadence of every priority, A to D: the tenant's stored rule or the default."""
    rules = dict(DEFAULT_CADENCES)
    for row in CadenceRule.objects.filter(tenant=tenant):
        rules[row.priority] = Cadence(
            row.priority,
            row.contact_interval_days,
            row.expectation or DEFAULT_CADENCES[row.priority].expectation,
        )
    return {priority: rules[priority] for priority in Priority.values}


def partner_page_path(tenant: Tenant, partner_id: int) -> str:
    return reverse("partner_detail", kwargs={"tenant_slug": tenant.slug, "partner_id": partner_id})


def tenant_now(tenant: Tenant, now: datetime | None = None) -> datetime:
    """The time on the tenant's own clock (a digest goes out by the tenant's calendar)."""
    return timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(tenant.time_zone))


# --- Activity timeline ------------------------------------------------------------------------


def partner_activities(*, tenant: Tenant, partner: Partner) -> QuerySet[Activity]:
    """The partner's activities, newest first, with attendees and the logger loaded."""
    return (
        Activity.objects.filter(tenant=tenant, partner=partner)
        .select_related("created_by")
        .prefetch_related("staff_attendees__user", "rep_attendees")
        .order_by("-occurred_on", "-id")
    )


def activity_get(*, tenant: Tenant, partner: Partner, activity_id: int) -> Activity:
    # SECURITY(tenant): the activity must belong to this tenant and to this partner.
    return get_object_or_404(
        Activity.objects.filter(tenant=tenant, partner=partner), pk=activity_id
    )


def staff_attendee_choices(*, tenant: Tenant) -> QuerySet[Membership]:
    """Vendor people who can attend a meeting: the tenant's active staff memberships."""
    return (
        Membership.objects.filter(tenant=tenant, is_active=True, role__in=STAFF_ROLES)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def rep_attendee_choices(*, tenant: Tenant, partner: Partner) -> QuerySet[PartnerRep]:
    """People of this partner (never of another one) who can attend."""
    return PartnerRep.objects.filter(tenant=tenant, partner=partner, is_active=True).order_by(
        "full_name_kana", "full_name"
    )


REP_SEARCH_LIMIT = 20


def rep_attendee_search(
    *, tenant: Tenant, partner: Partner, query: str = "", exclude_ids=()
) -> tuple[list[PartnerRep], bool]:
    """The partner's active reps matching `query` (name, reading, e-mail, department), the
    chosen ones left out; at most REP_SEARCH_LIMIT, and whether more matched."""
    reps = rep_attendee_choices(tenant=tenant, partner=partner).exclude(pk__in=list(exclude_ids))
    for word in query.split()[:5]:
        reps = reps.filter(
            Q(full_name__icontains=word)
            | Q(full_name_kana__icontains=word)
            | Q(email__icontains=word)
            | Q(department__icontains=word)
        )
    rows = list(reps.order_by("full_name_kana", "full_name", "pk")[: REP_SEARCH_LIMIT + 1])
    return rows[:REP_SEARCH_LIMIT], len(rows) > REP_SEARCH_LIMIT


def partner_owner_choices(*, tenant: Tenant) -> list[tuple[int, str]]:
    """Staff who own at least one partner, as (membership id, name) pairs in name order: the due
    list's owner filter. A semi-join on the owners' index and two columns, not a DISTINCT over
    every partner joined to its owner's whole user row."""
    owners = Partner.objects.filter(tenant=tenant, owner__isnull=False).values("owner_id")
    return [
        (pk, full_name or email)
        for pk, full_name, email in Membership.objects.filter(tenant=tenant, pk__in=owners)
        .order_by("user__full_name", "user__email")
        .values_list("pk", "user__full_name", "user__email")
    ]


# --- Due for contact --------------------------------------------------------------------------


def _due_queryset(
    *, tenant: Tenant, today: date, owner: Membership | None, rules: dict | None = None
) -> QuerySet[Partner]:
    rules = rules or cadence_rules(tenant=tenant)
    intervals = {p: rule.contact_interval_days for p, rule in rules.items()}
    pushed = [p for p, days in intervals.items() if days]
    queryset = Partner.objects.filter(
        tenant=tenant, status__in=ENGAGED_STATUSES, priority__in=pushed
    )
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    # The last contact is stored on the partner (the activity services keep it): the due date
    # is arithmetic on the row, with no look-up of any partner's activities.
    return (
        queryset.annotate(
            last_contact=F("last_contact_on"),
            interval_days=Case(
                *[When(priority=p, then=Value(intervals[p])) for p in pushed],
                output_field=IntegerField(),
            ),
        )
        # PostgreSQL: date + integer is a date.
        .annotate(
            due_on=ExpressionWrapper(
                F("last_contact") + F("interval_days"), output_field=DateField()
            )
        )
        .filter(Q(last_contact__isnull=True) | Q(due_on__lte=horizon))
        .select_related("owner__user")
        # Never contacted sorts first within a priority: it is the most overdue of all.
        .order_by(
            "priority", F("due_on").asc(nulls_first=True), "legal_name_kana", "legal_name", "id"
        )
    )


def due_for_contact_queryset(
    *, tenant: Tenant, owner: Membership | None = None, today: date
) -> QuerySet[Partner]:
    """Engaged partners whose cadence is overdue or due within the week, most urgent first,
    each with `last_contact` and `due_on`: paginate it, then call due_rows_complete on the
    page. due_summary counts the whole list."""
    return _due_queryset(tenant=tenant, today=today, owner=owner)


@dataclass(frozen=True)
class DueList:
    """The due list in order, as (partner id, due date) pairs, and its counts."""

    ranked: list[tuple[int, date | None]]
    total: int
    overdue: int


def due_list_ranked(
    *, tenant: Tenant, owner: Membership | None = None, today: date, rules: dict | None = None
) -> DueList:
    """Every partner of the due list in order, ids and due dates only: one query, which is
    the one pass over the engaged partners' latest activities. Counting and paging come from
    it (due_rows_for gets the rows of one page), instead of an aggregate and an ordered page
    query that each looked up the latest activity of every engaged partner."""
    ranked = list(
        _due_queryset(tenant=tenant, today=today, owner=owner, rules=rules).values_list(
            "pk", "due_on"
        )
    )
    overdue = sum(1 for _pk, due_on in ranked if due_on is None or due_on < today)
    return DueList(ranked=ranked, total=len(ranked), overdue=overdue)


# The due list shows a partner's first open actions and how many more there are.
OPEN_ACTIONS_SHOWN = 3


# What a due row shows of a partner and its owner (a partner row has some fifty columns).
DUE_ROW_FIELDS = (
    "tenant_id",
    "legal_name",
    "display_name",
    "legal_name_kana",
    "priority",
    "suggested_priority",
    "status",
    "last_contact_on",
    "owner__tenant_id",
    "owner__user__full_name",
    "owner__user__email",
)


class _IdIn(Func):
    """`field = ANY(ids)`, the ids as one array parameter: unlike `__in`, an empty list still
    runs the query, so the due list makes the same queries whether its page is empty or not."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()

    def __init__(self, field: str, ids: list[int]):
        super().__init__(F(field), Value(list(ids), output_field=ArrayField(IntegerField())))


def due_rows_for(
    *, tenant: Tenant, ranked: list[tuple[int, date | None]], today: date, rules: dict | None = None
) -> list[Partner]:
    """The due list's rows for these (partner id, due date) pairs (one page of
    due_list_ranked), in that order and completed (due_rows_complete) with their first
    OPEN_ACTIONS_SHOWN open actions: two queries. The due dates come from the ranking, so the
    page's partners are loaded by id alone."""
    rules = rules or cadence_rules(tenant=tenant)
    loaded = Partner.objects.filter(_IdIn("pk", [pk for pk, _due in ranked]), tenant=tenant)
    by_pk = {p.pk: p for p in loaded.select_related("owner__user").only(*DUE_ROW_FIELDS)}
    partners = []
    for pk, due_on in ranked:
        if (partner := by_pk.get(pk)) is not None:
            partner.last_contact, partner.due_on = partner.last_contact_on, due_on
            partners.append(partner)
    return due_rows_complete(
        tenant=tenant,
        partners=partners,
        today=today,
        rules=rules,
        actions_per_partner=OPEN_ACTIONS_SHOWN,
        always_query=True,
    )


def due_summary(queryset: QuerySet[Partner], *, today: date) -> dict[str, int]:
    """How many partners the due list holds and how many of them are overdue (one query)."""
    return queryset.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(last_contact__isnull=True) | Q(due_on__lt=today)),
    )


def due_rows_complete(
    *,
    tenant: Tenant,
    partners: list[Partner],
    today: date,
    rules: dict | None = None,
    actions_per_partner: int | None = None,
    always_query: bool = False,
) -> list[Partner]:
    """Give each partner of one page its `cadence`, `days_overdue` (negative: due in that many
    days; None: never contacted), `days_until`, `is_overdue` and `open_actions` (activities
    whose next action is past its due date, oldest first; the first `actions_per_partner`
    when given) with `open_action_count` (all of them): one query for the page (made for an
    empty page too with `always_query`)."""
    rules = rules or cadence_rules(tenant=tenant)
    open_actions: dict[int, list[Activity]] = {}
    open_counts: dict[int, int] = {}
    if partners or always_query:
        actions = (
            Activity.objects.filter(
                _IdIn("partner_id", [p.pk for p in partners]),
                tenant=tenant,
                next_action_due__lt=today,
            )
            .exclude(next_action="")
            # Only what the list and the digest show of an open action (notes can be long).
            .only("id", "tenant_id", "partner_id", "next_action", "next_action_due")
            .order_by("next_action_due", "id")
        )
        if actions_per_partner is not None:
            # A busy partner has hundreds of open actions: rank and count them per partner in
            # the database and load only the first few of each.
            by_partner = {"partition_by": [F("partner_id")]}
            actions = actions.annotate(
                action_rank=Window(
                    RowNumber(), order_by=[F("next_action_due"), F("id")], **by_partner
                ),
                action_total=Window(Count("id"), **by_partner),
            ).filter(action_rank__lte=actions_per_partner)
        for activity in actions:
            open_actions.setdefault(activity.partner_id, []).append(activity)
            open_counts[activity.partner_id] = getattr(
                activity, "action_total", open_counts.get(activity.partner_id, 0) + 1
            )
    for partner in partners:
        partner.cadence = rules[partner.priority]
        partner.days_overdue = (today - partner.due_on).days if partner.due_on else None
        partner.days_until = -partner.days_overdue if partner.days_overdue is not None else None
        partner.is_overdue = partner.due_on is None or partner.due_on < today
        partner.open_actions = open_actions.get(partner.pk, [])
        partner.open_action_count = open_counts.get(partner.pk, 0)
    return partners


def partners_due_for_contact(
    *, tenant: Tenant, owner: Membership | None = None, today: date
) -> list[Partner]:
    """Every partner of the due list, completed (due_rows_complete): the digest's list."""
    partners = list(_due_queryset(tenant=tenant, today=today, owner=owner))
    return due_rows_complete(tenant=tenant, partners=partners, today=today)


def digest_recipients(*, tenant: Tenant, today: date) -> list[Membership]:
    """Active staff who own at least one partner due for contact on `today`."""
    owner_ids = {
        p.owner_id
        for p in _due_queryset(tenant=tenant, today=today, owner=None).filter(owner__isnull=False)
    }
    return list(
        Membership.objects.filter(
            tenant=tenant, pk__in=owner_ids, is_active=True, role__in=STAFF_ROLES
        ).select_related("user")
    )
