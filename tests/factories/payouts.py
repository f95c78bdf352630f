"""Factories for the ledger. A line takes its partner's tenant."""

import datetime
import hashlib
from decimal import Decimal

import factory

from payouts.models import (
    LedgerLine,
    LineKind,
    PayoutPeriod,
    PeriodStatus,
    Statement,
    StatementStatus,
)
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
        # Statements of one tenant share their period (one period per start date).
        django_get_or_create = ("tenant", "starts_on")

    tenant = factory.SubFactory("tests.factories.accounts.TenantFactory")
    starts_on = datetime.date(2026, 4, 1)
    ends_on = datetime.date(2026, 4, 30)
    pays_on = datetime.date(2026, 6, 1)
    status = PeriodStatus.OPEN


class StatementFactory(TenantOwnedFactory):
    """A draft statement of ¥11,000 (¥10,000 and its tax) for `partner` in `period`."""

    class Meta:
        model = Statement

    partner = factory.SubFactory(PartnerFactory)
    tenant = factory.LazyAttribute(lambda o: o.partner.tenant)
    period = factory.SubFactory(
        PayoutPeriodFactory, tenant=factory.SelfAttribute("..tenant"), status=PeriodStatus.CLOSED
    )
    status = StatementStatus.DRAFT
    currency = "JPY"
    subtotal = Decimal(10000)
    taxes = factory.LazyFunction(lambda: [{"rate": "10", "base": "10000", "tax": "1000"}])
    tax = Decimal(1000)
    gross = Decimal(11000)
    withholding = Decimal(0)
    withholding_category = "none"
    carried_in = Decimal(0)
    net_payable = Decimal(11000)
    carried_out = Decimal(0)


STAND_IN_PDF = b"%PDF-1.4\n% a stand-in for a rendered statement\n%%EOF\n"


class IssuedStatementFactory(StatementFactory):
    """An issued statement with a stand-in PDF and its SHA-256 (tests/payouts/
    test_statement_issue.py renders real ones)."""

    status = StatementStatus.ISSUED
    number = factory.Sequence(lambda n: f"{n + 1:06d}")
    issued_on = datetime.date(2026, 5, 8)
    language = "ja"
    pdf = factory.django.FileField(filename="statement.pdf", data=STAND_IN_PDF)
    pdf_sha256 = hashlib.sha256(STAND_IN_PDF).hexdigest()
