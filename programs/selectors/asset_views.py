"""Reads of the library's view log for staff: one asset's use (views, distinct viewers and
partners, the weekly trend, who opened it) and one partner's (per rep, and what was opened
when). Each figure is one aggregate over an index that leads with the tenant; nothing loads
the log's rows into Python except a page of them.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.models import Tenant
from partners.models import Partner, PartnerRep
from programs.models import Asset, AssetAction, AssetView

WINDOWS = (30, 90, 365)
DEFAULT_WINDOW = 90


def window_days(raw) -> int:
    """The ?days= of an analytics page, one of WINDOWS (the default when anything else)."""
    try:
        days = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_WINDOW
    return days if days in WINDOWS else DEFAULT_WINDOW


def window_start(tenant: Tenant, days: int) -> datetime.datetime:
    """Midnight on the tenant's clock `days - 1` days ago: the window includes today."""
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    first = timezone.localdate(timezone=zone) - datetime.timedelta(days=days - 1)
    return datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)


@dataclass(frozen=True)
class Use:
    views: int
    downloads: int
    viewers: int
    partners: int


_USE = {
    "views": Count("pk", filter=Q(action=AssetAction.VIEW)),
    "downloads": Count("pk", filter=Q(action=AssetAction.DOWNLOAD)),
    "viewers": Count("rep", distinct=True),
    "partners": Count("partner", distinct=True),
}


def asset_use(*, tenant: Tenant, asset: Asset, since: datetime.datetime) -> Use:
    """The asset's views, downloads, distinct viewers (reps) and partners since `since`."""
    figures = AssetView.objects.filter(tenant=tenant, asset=asset, viewed_at__gte=since).aggregate(
        **_USE
    )
    return Use(**figures)


@dataclass(frozen=True)
class Week:
    starts_on: datetime.date
    views: int
    downloads: int


def asset_use_by_week(*, tenant: Tenant, asset: Asset, since: datetime.datetime) -> list[Week]:
    """Views and downloads per week (Monday first, the tenant's clock) from `since` to now,
    weeks without a view included as zeros."""
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    rows = (
        AssetView.objects.filter(tenant=tenant, asset=asset, viewed_at__gte=since)
        .annotate(week=TruncWeek("viewed_at", tzinfo=zone))
        .values("week")
        .annotate(
            views=Count("pk", filter=Q(action=AssetAction.VIEW)),
            downloads=Count("pk", filter=Q(action=AssetAction.DOWNLOAD)),
        )
    )
    counted = {row["week"].date(): row for row in rows}
    first = since.astimezone(zone).date()
    week = first - datetime.timedelta(days=first.weekday())
    today = timezone.localdate(timezone=zone)
    weeks = []
    while week <= today:
        row = counted.get(week, {})
        weeks.append(Week(week, row.get("views", 0), row.get("downloads", 0)))
        week += datetime.timedelta(days=7)
    return weeks


def view_log(*, tenant: Tenant) -> QuerySet[AssetView]:
    """The tenant's whole view log, newest first (the API filters and pages it)."""
    return (
        AssetView.objects.filter(tenant=tenant)
        .select_related("version")
        .order_by("-viewed_at", "-id")
    )


def asset_opens(*, tenant: Tenant, asset: Asset) -> QuerySet[AssetView]:
    """Who opened the asset and when, newest first (page it)."""
    return (
        AssetView.objects.filter(tenant=tenant, asset=asset)
        .select_related("rep", "partner", "version")
        .order_by("-viewed_at", "-id")
    )


@dataclass(frozen=True)
class RepUse:
    rep_id: int
    name: str
    is_active: bool
    views: int
    downloads: int
    assets: int
    last_opened: datetime.datetime


def partner_rep_use(*, tenant: Tenant, partner: Partner, since: datetime.datetime) -> list[RepUse]:
    """Per rep who opened anything at this partner since `since`: views, downloads, distinct
    assets and the last time, most active first (one GROUP BY)."""
    rows = (
        AssetView.objects.filter(tenant=tenant, partner=partner, viewed_at__gte=since)
        .values("rep_id", "rep__full_name", "rep__is_active")
        .annotate(
            views=Count("pk", filter=Q(action=AssetAction.VIEW)),
            downloads=Count("pk", filter=Q(action=AssetAction.DOWNLOAD)),
            assets=Count("asset", distinct=True),
            last_opened=Max("viewed_at"),
        )
        .order_by("-views", "-downloads", "rep__full_name", "rep_id")
    )
    return [
        RepUse(
            rep_id=row["rep_id"],
            name=row["rep__full_name"],
            is_active=row["rep__is_active"],
            views=row["views"],
            downloads=row["downloads"],
            assets=row["assets"],
            last_opened=row["last_opened"],
        )
        for row in rows
    ]


def partner_opens(
    *, tenant: Tenant, partner: Partner, rep: PartnerRep | None = None
) -> QuerySet[AssetView]:
    """What the partner's reps (or one of them) opened and when, newest first (page it)."""
    opens = AssetView.objects.filter(tenant=tenant, partner=partner)
    if rep is not None:
        opens = opens.filter(rep=rep)
    return opens.select_related("asset", "rep", "version").order_by("-viewed_at", "-id")


def partner_rep_get(*, tenant: Tenant, partner: Partner, rep_id) -> PartnerRep | None:
    """One rep of this partner (for the fragment's filter), or None for any other id."""
    try:
        rep_id = int(rep_id)
    except (TypeError, ValueError):
        return None
    return PartnerRep.objects.filter(tenant=tenant, partner=partner, pk=rep_id).first()
