"""The partners panel of the staff dashboard: what exists now, each figure one grouped query."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncWeek

from accounts.models import Membership, Tenant
from partners.choices import PartnerStatus, Priority, ProspectStage
from partners.models import Activity, Partner, Prospect
from partners.selectors.engagement import ENGAGED_STATUSES, cadence_rules
from partners.selectors.recruitment import stage_counts

TREND_WEEKS = 12


@dataclass(frozen=True)
class DashboardFigures:
    # rows: one per status, with a count per priority and a total
    by_status: list[dict]
    priorities: list[str]
    # [{"owner": name or None, "count": n}], most overdue first
    overdue_by_owner: list[dict]
    # [{"week": monday, "count": n}], oldest first, zeros included
    activity_trend: list[dict]
    # [{"stage", "label", "count"}] in pipeline order
    funnel: list[dict]
    partner_total: int


def _by_status(tenant: Tenant) -> list[dict]:
    counts = {
        (row["status"], row["priority"]): row["n"]
        for row in Partner.objects.filter(tenant=tenant)
        .order_by()
        .values("status", "priority")
        .annotate(n=Count("id"))
    }
    rows = []
    for status in PartnerStatus:
        per_priority = [counts.get((status.value, p), 0) for p in Priority.values]
        rows.append(
            {
                "status": status.value,
                "label": status.label,
                "counts": per_priority,
                "total": sum(per_priority),
            }
        )
    return rows


def _overdue_by_owner(tenant: Tenant, today: date) -> list[dict]:
    """Engaged partners past their cadence (or never contacted), counted per owner, in SQL."""
    intervals = {p: rule.contact_interval_days for p, rule in cadence_rules(tenant=tenant).items()}
    pushed = [p for p, days in intervals.items() if days]
    if not pushed:
        return []
    rows = (
        Partner.objects.filter(tenant=tenant, status__in=ENGAGED_STATUSES, priority__in=pushed)
        .annotate(
            # Stored on the partner by the activity services.
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
        .filter(Q(last_contact__isnull=True) | Q(due_on__lt=today))
        .order_by()
        .values("owner_id")
        .annotate(n=Count("id"))
    )
    counts = {row["owner_id"]: row["n"] for row in rows}
    owners = {
        m.pk: m.user.full_name or m.user.email
        for m in Membership.objects.filter(
            tenant=tenant, pk__in=[pk for pk in counts if pk is not None]
        ).select_related("user")
    }
    result = [{"owner": owners.get(pk), "count": n} for pk, n in counts.items()]
    result.sort(key=lambda row: (-row["count"], row["owner"] is None, row["owner"] or ""))
    return result


def _activity_trend(tenant: Tenant, today: date) -> list[dict]:
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=TREND_WEEKS - 1)
    counts = {
        row["week"]: row["n"]
        for row in Activity.objects.filter(tenant=tenant, occurred_on__gte=first)
        .order_by()
        .annotate(week=TruncWeek("occurred_on"))
        .values("week")
        .annotate(n=Count("id"))
    }
    weeks = [first + timedelta(weeks=n) for n in range(TREND_WEEKS)]
    return [{"week": week, "count": counts.get(week, 0)} for week in weeks]


def dashboard_figures(*, tenant: Tenant, today: date) -> DashboardFigures:
    by_status = _by_status(tenant)
    funnel = [
        row
        for row in stage_counts(Prospect.objects.filter(tenant=tenant))
        if row["stage"] != ProspectStage.LOST
    ]
    return DashboardFigures(
        by_status=by_status,
        priorities=list(Priority.values),
        overdue_by_owner=_overdue_by_owner(tenant, today),
        activity_trend=_activity_trend(tenant, today),
        funnel=funnel,
        partner_total=sum(row["total"] for row in by_status),
    )
