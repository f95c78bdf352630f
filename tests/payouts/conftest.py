"""Fixtures of the payouts tests: a partner with a contract whose tier pays by a rule set, and
a helper that makes a won deal of it (the deal's state as the deals services leave it)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django_scopes import scope

from accounts.tenancy import tenant_context
from deals.models import Deal, RegistrationStatus, StageCode
from partners.models import Partner, PartnerRep
from programs.models import CommissionRuleSetVersion, Program
from tests.factories.deals import DealFactory, stage_of
from tests.factories.partners import PartnerFactory, PartnerRepFactory
from tests.factories.programs import (
    CommissionRuleSetFactory,
    CommissionRuleSetVersionFactory,
    PartnerContractFactory,
    ProgramFactory,
    TierFactory,
)

# 10 % of the one-time amount; 5 % of MRR for 3 months; ¥20,000 per qualified meeting.
RULES = [
    {"kind": "percentage", "rate": "10", "cap": None},
    {"kind": "recurring", "rate": "5", "months": 3},
    {"kind": "fixed", "event": "meeting_held", "amount": "20000"},
]
WON_ON = datetime.date(2026, 5, 10)


@dataclass
class Book:
    tenant: object
    program: Program
    partner: Partner
    rep: PartnerRep
    version: CommissionRuleSetVersion

    def deal(self, **fields) -> Deal:
        values = {
            "partner": self.partner,
            "program": self.program,
            "rep": self.rep,
            "registration_status": RegistrationStatus.APPROVED,
            "stage": stage_of(self.tenant, StageCode.WON),
            "won_on": WON_ON,
            "amount_one_time": Decimal("1000000"),
            "amount_monthly": Decimal(0),
        }
        values.update(fields)
        return DealFactory(**values)


def make_book(tenant, *, rules=RULES, holding_days=30, clawback_days=90) -> Book:
    program = ProgramFactory(tenant=tenant)
    rule_set = CommissionRuleSetFactory(program=program)
    version = CommissionRuleSetVersionFactory(
        rule_set=rule_set,
        effective_from=datetime.date(2026, 1, 1),
        rules=rules,
        holding_days=holding_days,
        clawback_days=clawback_days,
    )
    tier = TierFactory(program=program, rule_set=rule_set)
    partner = PartnerFactory(tenant=tenant)
    rep = PartnerRepFactory(partner=partner)
    PartnerContractFactory(
        partner=partner,
        tier=tier,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    return Book(tenant, program, partner, rep, version)


@pytest.fixture
def book(tenant) -> Book:
    return make_book(tenant)


@pytest.fixture
def bound_tenant(tenant):
    """Run the test body inside the tenant (RLS bound, scope entered), as a task would."""
    with tenant_context(tenant):
        yield tenant


__all__ = ["Book", "make_book", "scope"]
