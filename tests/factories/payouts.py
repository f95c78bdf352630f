"""Factories for the ledger. A line takes its partner's tenant."""

import datetime
from decimal import Decimal

import factory

from payouts.models import LedgerLine, LineKind
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
    payable_from = datetime.date(2026, 5, 1)
