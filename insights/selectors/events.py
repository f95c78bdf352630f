"""Which partner an event belongs to (the receivers refresh that partner's snapshots)."""

from __future__ import annotations

from accounts.models import Tenant
from deals.models import Deal, TargetAccount
from programs.models import AssetView


def partner_of_deal(*, tenant: Tenant, deal_id: int) -> tuple[bool, int | None]:
    """(found, partner id): a direct deal is found with no partner."""
    row = Deal.objects.filter(tenant=tenant, pk=deal_id).values_list("partner_id").first()
    return (row is not None, row[0] if row else None)


def partner_of_target_account(*, tenant: Tenant, target_account_id: int) -> int | None:
    return (
        TargetAccount.objects.filter(tenant=tenant, pk=target_account_id)
        .values_list("partner_id", flat=True)
        .first()
    )


def partners_with_views_since(*, tenant: Tenant, since) -> list[int]:
    """Partners whose reps opened material since `since` (the view log's tenant-and-time
    index: a range scan of the last minutes)."""
    return list(
        AssetView.objects.filter(tenant=tenant, viewed_at__gte=since)
        .values_list("partner_id", flat=True)
        .distinct()
        .order_by()
    )
