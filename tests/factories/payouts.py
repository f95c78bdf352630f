"""Factories for the ledger. A line takes its partner's tenant."""

import datetime
from decimal import Decimal

import factory

from payouts.models import LedgerLine, LineKind, PayoutPeriod, PeriodStatus
from tests.factories.accounts import TenantOwnedFactory
from tests.factories.partners import PartnerFactory


class LedgerLineFactory(TenantOwnedFactory):
    """A manual adjustment of ¥10,000 for `partner` (lines from deals come from the handlers)."""

    class Meta:
        model = LedgerLine

    partner = factory.SubFactory(PartnerFactory)
    tenant = factory.LazyAttribute(lambda o: o.partner.tenant)
    key = factory.Sequence(lambda n: f"adjustment:factory-{n}")
    kind = LineKind.ADJUSTMENT
    amount = Decimal(10000)
    currency = "JPY"
    description = "Goodwill for the launch event"
    accrued_on = datetime.date(2026, 5, 1)
    booked_on = factory.SelfAttribute("accrued_on")
    payable_from = datetime.date(2026, 5, 1)


class PayoutPeriodFactory(TenantOwnedFactory):
    """April 2026, open, paid at the end of May (moved to Monday 1 June: the 31st is a Sunday)."""

    class Meta:
        model = PayoutPeriod

    tenant = factory.SubFactory("tests.factories.accounts.TenantFactory")
    starts_on = datetime.date(2026, 4, 1)
    ends_on = datetime.date(2026, 4, 30)
    pays_on = datetime.date(2026, 6, 1)
    status = PeriodStatus.OPEN
