"""The deals app's answer to programs' tier figures (programs/selectors/tier_figures.py):
meetings held, won deals and revenue of one partner over a window of days.

- Meetings held: target accounts of the partner that reached "meeting held" in the window,
  plus the partner's deals that reached the built-in "meeting held" stage in the window and
  did not come from such an account (a meeting recorded on both the account and its deal is
  one meeting).
- Won deals: the partner's deals won in the window and not lost since (the sourcing
  partner; a second partner's share is the commission engine's business, not the tier's).
- Revenue: of those won deals, the one-time amount plus twelve months of the recurring
  amount (a first year's revenue), in the tenant's base currency. Deals in another currency
  are not converted (no rate is on record) and are left out.

Days are the tenant's calendar days: the window's bounds become the tenant's midnights.
Three aggregate queries, whatever the number of deals.
"""

import datetime
import zoneinfo
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Sum

from accounts.models import Tenant
from accounts.money import Money
from deals.models import Deal, DealStageChange, Milestone, StageCode, TargetAccountChange
from partners.models import Partner
from programs.selectors.tier_figures import TierFiguresPart


def _bounds(tenant: Tenant, since: datetime.date, until: datetime.date):
    zone = zoneinfo.ZoneInfo(tenant.time_zone or "UTC")
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def deal_tier_figures(
    *, tenant: Tenant, partner: Partner, since: datetime.date, until: datetime.date
) -> TierFiguresPart:
    start, end = _bounds(tenant, since, until)
    account_meetings = (
        TargetAccountChange.objects.filter(
            tenant=tenant,
            target_account__partner=partner,
            to_milestone=Milestone.MEETING_HELD,
            changed_at__gte=start,
            changed_at__lt=end,
        )
        .values("target_account_id")
        .distinct()
        .count()
    )
    account_had_meeting = TargetAccountChange.objects.filter(
        tenant=tenant,
        target_account_id=OuterRef("deal__target_account_id"),
        to_milestone=Milestone.MEETING_HELD,
    )
    deal_meetings = (
        DealStageChange.objects.filter(
            tenant=tenant,
            deal__partner=partner,
            to_stage__code=StageCode.MEETING_HELD,
            changed_at__gte=start,
            changed_at__lt=end,
        )
        .exclude(Exists(account_had_meeting))
        .values("deal_id")
        .distinct()
        .count()
    )
    # A deal won and then lost is not a win any more (its clawback is payouts' business).
    won = Deal.objects.filter(
        tenant=tenant, partner=partner, won_on__gte=since, won_on__lte=until, lost_on__isnull=True
    )
    won_count = won.count()
    revenue = won.filter(currency=tenant.base_currency).aggregate(
        total=Sum(F("amount_one_time") + 12 * F("amount_monthly"))
    )["total"] or Decimal(0)
    return TierFiguresPart(
        meetings_held=account_meetings + deal_meetings,
        won_deals=won_count,
        revenue=Money(revenue, tenant.base_currency),
    )
