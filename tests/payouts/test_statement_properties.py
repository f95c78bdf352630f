"""Properties of the ledger and its statements that hold for any lines (hypothesis): over any
mix of partners (companies, individuals with withholding), amounts (clawbacks included),
months and holding periods, closing April, May and June one after another and making every
statement:

- nothing is paid twice: a ledger line is on one statement at most;
- nothing is lost: the ledger's sum is the statements' sum plus what is still open, and what
  is still open could not have been stated yet (booked later, or still in its holding period);
- each partner's balance carries from one statement to the next, and no statement pays a
  negative amount.
"""

import datetime
from decimal import Decimal

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.tenancy import tenant_context
from partners.choices import EntityKind
from payouts.figures import Withholding
from payouts.models import LedgerLine, PartnerPayoutProfile, PayoutPeriod, Statement, StatementLine
from payouts.services import periods
from payouts.services import statements as services
from tests.factories.accounts import TenantFactory
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import LedgerLineFactory

MONTHS = (4, 5, 6)
LINE = st.tuples(
    st.integers(min_value=0, max_value=2),  # which partner
    st.sampled_from(MONTHS),  # the month it is booked in
    st.integers(min_value=1, max_value=28),  # the day
    st.integers(min_value=-80_000, max_value=300_000).filter(bool),  # yen; < 0 a clawback
    st.integers(min_value=0, max_value=45),  # days in the holding period
)
KIND = st.sampled_from(["company", "individual", "individual_no_tax"])


class StatementProperties(TestCase):
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        lines=st.lists(LINE, min_size=1, max_size=14), kinds=st.lists(KIND, min_size=3, max_size=3)
    )
    def test_nothing_is_paid_twice_and_nothing_is_lost(self, lines, kinds):
        tenant = TenantFactory(default_language="en")
        with tenant_context(tenant):
            partners = [self._partner(tenant, kind) for kind in kinds]
            for who, month, day, amount, hold in lines:
                accrued = datetime.date(2026, month, day)
                LedgerLineFactory(
                    partner=partners[who],
                    amount=Decimal(amount),
                    accrued_on=accrued,
                    payable_from=accrued + datetime.timedelta(days=hold),
                )
            closed = []
            for month in MONTHS:
                start = datetime.date(2026, month, 1)
                periods.periods_ensure(tenant=tenant, through=start, since=start)
                period = PayoutPeriod.objects.get(tenant=tenant, starts_on=start)
                periods.period_close(tenant=tenant, actor=None, period=period)
                for partner in partners:
                    services.statement_generate(
                        tenant=tenant, period_id=period.pk, partner_id=partner.pk
                    )
                closed.append(period)

            self._nothing_twice(tenant)
            self._nothing_lost(tenant, last=closed[-1])
            for partner in partners:
                self._balance_carries(tenant, partner)

    def _partner(self, tenant, kind):
        if kind == "company":
            return PartnerFactory(tenant=tenant)
        partner = PartnerFactory(tenant=tenant, entity_kind=EntityKind.INDIVIDUAL)
        PartnerPayoutProfile.objects.create(
            tenant=tenant,
            partner=partner,
            withholding=Withholding.FEE,
            adds_consumption_tax=kind == "individual",
        )
        return partner

    def _nothing_twice(self, tenant):
        on_statements = StatementLine.objects.filter(tenant=tenant)
        assert on_statements.count() == on_statements.values("ledger_line").distinct().count()

    def _nothing_lost(self, tenant, *, last):
        ledger = LedgerLine.objects.filter(tenant=tenant)
        stated_ids = StatementLine.objects.filter(tenant=tenant).values("ledger_line")
        open_lines = ledger.exclude(pk__in=stated_ids)
        total = ledger.aggregate(s=Sum("amount"))["s"] or 0
        stated = Statement.objects.filter(tenant=tenant).aggregate(s=Sum("subtotal"))["s"] or 0
        still_open = open_lines.aggregate(s=Sum("amount"))["s"] or 0
        assert total == stated + still_open
        # What is still open could not be stated by June's closing date: in its holding period.
        assert not open_lines.filter(
            booked_on__lte=last.ends_on, payable_from__lte=last.ends_on
        ).exists()
        # And every stated line was booked and payable by its statement's closing date.
        for item in StatementLine.objects.filter(tenant=tenant).select_related(
            "ledger_line", "statement__period"
        ):
            ends = item.statement.period.ends_on
            assert item.ledger_line.booked_on <= ends and item.ledger_line.payable_from <= ends

    def _balance_carries(self, tenant, partner):
        statements = Statement.objects.filter(tenant=tenant, partner=partner).order_by(
            "period__starts_on"
        )
        carried = Decimal(0)
        for statement in statements:
            assert statement.carried_in == carried
            assert statement.net_payable >= 0 and statement.carried_out <= 0
            assert (
                statement.net_payable + statement.carried_out
                == statement.gross - statement.withholding + statement.carried_in
            )
            # The tax is once per rate on the whole, never more than 10 % of it.
            assert statement.tax == sum(Decimal(part["tax"]) for part in statement.taxes)
            carried = statement.carried_out
        assert len({(s.period_id, s.revision) for s in statements}) == statements.count()
