"""The ledger demo: the demo deals booked by the real handlers, once, and explained."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import Tenant
from deals.models import Deal
from payouts.models import (
    LedgerLine,
    LedgerSource,
    LineKind,
    PayoutPeriod,
    PeriodStatus,
    SourceOutcome,
)

pytestmark = pytest.mark.django_db


def test_the_demo_books_the_won_deals_once(demo_once, unscoped):
    with unscoped():
        sakura = Tenant.objects.get(slug="sakura")
        before = LedgerLine.objects.filter(tenant=sakura).count()
        call_command("demo_data", stdout=io.StringIO())
        lines = LedgerLine.objects.filter(tenant=sakura)
        won_partner_deals = Deal.objects.filter(
            tenant=sakura, won_on__isnull=False, partner__isnull=False
        ).count()
        won_sources = LedgerSource.objects.filter(tenant=sakura, key__endswith=":won")

        assert lines.count() == before > 10
        assert won_sources.count() == won_partner_deals
        assert won_sources.filter(outcome=SourceOutcome.LINES).count() > 5
        assert lines.filter(kind=LineKind.ADJUSTMENT).count() == 1
        assert lines.filter(kind=LineKind.ACCRUAL).exclude(explanation={}).count() > 5
        assert lines.aggregate(total=Sum("amount"))["total"] > 0
        periods = PayoutPeriod.objects.filter(tenant=sakura)
        assert periods.filter(status=PeriodStatus.CLOSED).count() >= 6
        assert periods.filter(status=PeriodStatus.OPEN).count() == 1


def test_the_demo_has_statements_paid_and_to_review(demo_once, unscoped):
    from payouts.models import Statement, StatementStatus

    with unscoped():
        sakura = Tenant.objects.get(slug="sakura")
        statements = Statement.objects.filter(tenant=sakura)
        paid = statements.filter(status=StatementStatus.PAID)

        assert paid.exists() and all(s.pdf_sha256 and s.payment_reference for s in paid)
        assert statements.filter(status=StatementStatus.APPROVED).exists()
        numbers = sorted(int(s.number) for s in paid)
        assert numbers == list(range(1, len(numbers) + 1))
