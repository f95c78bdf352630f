"""The deals app answers programs' tier figures: meetings held (one per meeting, whether the
account or the deal recorded it), won deals and first-year revenue in the base currency."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from deals.models import Milestone, StageCode, TargetAccountChange
from deals.selectors.tier_figures import deal_tier_figures
from programs.selectors.tier_figures import tier_figures
from tests.factories.deals import DealFactory, TargetAccountFactory, stage_of
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.django_db

SINCE, UNTIL = datetime.date(2026, 4, 1), datetime.date(2026, 9, 30)
TOKYO = ZoneInfo("Asia/Tokyo")


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TOKYO)


@pytest.fixture
def partner(tenant):
    tenant.time_zone = "Asia/Tokyo"
    tenant.save()
    return PartnerFactory(tenant=tenant)


def _account_meeting(unscoped, partner, day, hour=12):
    account = TargetAccountFactory(partner=partner, milestone=Milestone.MEETING_HELD)
    with unscoped():
        TargetAccountChange.objects.create(
            tenant=partner.tenant,
            target_account=account,
            from_milestone=Milestone.ACTION_DONE,
            to_milestone=Milestone.MEETING_HELD,
            changed_at=_at(day, hour),
        )
    return account


def _deal_meeting(unscoped, partner, day, account=None):
    tenant = partner.tenant
    deal = DealFactory(partner=partner, target_account=account)
    with unscoped():
        deal.stage_changes.create(
            tenant=tenant,
            from_stage=stage_of(tenant, StageCode.MEETING_SET),
            to_stage=stage_of(tenant, StageCode.MEETING_HELD),
            changed_at=_at(day),
        )
    return deal


def test_one_meeting_is_counted_once_and_the_window_is_the_tenants_days(
    tenant, in_tenant, unscoped, partner
):
    account = _account_meeting(unscoped, partner, datetime.date(2026, 5, 1))
    _deal_meeting(unscoped, partner, datetime.date(2026, 5, 3), account=account)  # the same one
    _deal_meeting(unscoped, partner, datetime.date(2026, 6, 1))  # a deal without an account
    # 00:30 in Tokyo on 1 April is 31 March in UTC: inside the window all the same.
    _account_meeting(unscoped, partner, SINCE, hour=0)
    _account_meeting(unscoped, partner, UNTIL + datetime.timedelta(days=1), hour=0)  # outside
    _account_meeting(unscoped, PartnerFactory(tenant=tenant), datetime.date(2026, 5, 1))

    with in_tenant(tenant):
        part = deal_tier_figures(tenant=tenant, partner=partner, since=SINCE, until=UNTIL)
    assert part.meetings_held == 3


def test_won_deals_and_first_year_revenue_in_the_base_currency(tenant, in_tenant, partner):
    DealFactory(partner=partner, won_on=datetime.date(2026, 5, 1), amount_one_time=1_000_000)
    DealFactory(
        partner=partner,
        won_on=datetime.date(2026, 9, 30),
        amount_one_time=0,
        amount_monthly=50_000,
    )
    DealFactory(partner=partner, won_on=datetime.date(2026, 6, 1), currency="USD")
    DealFactory(partner=partner, won_on=datetime.date(2026, 10, 1))  # after the window
    DealFactory(partner=partner)  # not won
    DealFactory(
        partner=partner, won_on=datetime.date(2026, 5, 2), lost_on=datetime.date(2026, 6, 2)
    )  # won, then lost

    with in_tenant(tenant):
        part = deal_tier_figures(tenant=tenant, partner=partner, since=SINCE, until=UNTIL)
    assert part.won_deals == 3
    assert part.revenue.amount == Decimal("1600000") and part.revenue.currency == "JPY"


def test_tier_evaluation_now_measures_deals(tenant, in_tenant, partner):
    DealFactory(partner=partner, won_on=datetime.date(2026, 5, 1), amount_one_time=300_000)
    with in_tenant(tenant):
        figures = tier_figures(tenant=tenant, partner=partner, since=SINCE, until=UNTIL)
    assert figures.is_measured and "deals" in figures.providers
    assert figures.won_deals == 1 and figures.revenue.amount == Decimal("300000")
