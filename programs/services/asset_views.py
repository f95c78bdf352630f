"""Writes of the library's view log: recording a view or download, and the daily roll-up.

Recording is one INSERT and nothing else: no counter on the asset (a hot row every view would
lock), no audit event (the log is the record), no transaction of its own beyond the insert.
The roll-up turns the log into per-asset daily counts with one aggregate and one upsert; it
writes counts recomputed from the log, so running it twice, late or concurrently changes
nothing.
"""

import datetime
import zoneinfo

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Membership, Tenant
from partners.models import PartnerRep
from programs.models import Asset, AssetAction, AssetVersion, AssetView, AssetViewDay


def asset_view_record(
    *,
    tenant: Tenant,
    asset: Asset,
    rep: PartnerRep,
    membership: Membership | None,
    action: str = AssetAction.VIEW,
    version: AssetVersion | None = None,
) -> AssetView:
    """Log that `rep` (a portal user, through `membership`) viewed or downloaded `asset`.

    The caller has already decided the rep may see the asset (the portal selectors); this
    only checks that every object is this tenant's and the version is the asset's."""
    if asset.tenant_id != tenant.pk or rep.tenant_id != tenant.pk:
        # SECURITY(tenant): a view is only ever logged within one tenant.
        raise ValueError("the asset or the rep belongs to another tenant")
    if version is not None and version.asset_id != asset.pk:
        raise ValueError("the version belongs to another asset")
    if action not in AssetAction.values:
        raise ValueError(f"unknown action {action!r}")
    return AssetView.objects.create(
        tenant=tenant,
        asset=asset,
        version=version,
        partner_id=rep.partner_id,
        rep=rep,
        membership=membership,
        action=action,
    )


def asset_view_days_refresh(*, tenant: Tenant, since: datetime.date | None = None) -> int:
    """Recount the tenant's views per asset and day from `since` (a date on the tenant's
    clock; default yesterday, so a view late on the previous evening is counted) to now, and
    upsert the counts (INSERT ... ON CONFLICT DO UPDATE). The log is aggregated in the
    database; only the (asset, day) counts come back. Returns how many rows were written."""
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    since = since or timezone.localdate(timezone=zone) - datetime.timedelta(days=1)
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
    counts = (
        AssetView.objects.filter(tenant=tenant, viewed_at__gte=start)
        .annotate(day=TruncDate("viewed_at", tzinfo=zone))
        .values("asset_id", "day")
        .annotate(
            views=Count("pk", filter=Q(action=AssetAction.VIEW)),
            downloads=Count("pk", filter=Q(action=AssetAction.DOWNLOAD)),
        )
        .order_by()
    )
    rows = [AssetViewDay(tenant=tenant, **row) for row in counts]
    AssetViewDay.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["tenant", "asset", "day"],
        update_fields=["views", "downloads"],
        batch_size=1000,
    )
    return len(rows)
