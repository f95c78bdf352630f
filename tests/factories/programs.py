"""Factories for programs. Children take their parent's tenant, so no fixture spans two."""

import datetime

import factory
from django_scopes import scopes_disabled

from programs.models import (
    CommissionRuleSet,
    CommissionRuleSetVersion,
    ContractKind,
    ContractType,
    Program,
    Tier,
)
from tests.factories.accounts import TenantFactory, TenantOwnedFactory


class ContractTypeFactory(TenantOwnedFactory):
    class Meta:
        model = ContractType

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Contract type {n}")
    code = ""


def built_in_contract_type(tenant, code: str = ContractKind.REFERRAL) -> ContractType:
    """The tenant's seeded built-in type (every tenant gets the six when it is created)."""
    with scopes_disabled():
        return ContractType.objects.get(tenant=tenant, code=code)


class ProgramFactory(TenantOwnedFactory):
    class Meta:
        model = Program

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    contract_type = factory.LazyAttribute(lambda o: built_in_contract_type(o.tenant))


class CommissionRuleSetFactory(TenantOwnedFactory):
    class Meta:
        model = CommissionRuleSet

    program = factory.SubFactory(ProgramFactory)
    tenant = factory.SelfAttribute("program.tenant")
    name = factory.Sequence(lambda n: f"Rule set {n}")


class CommissionRuleSetVersionFactory(TenantOwnedFactory):
    class Meta:
        model = CommissionRuleSetVersion

    rule_set = factory.SubFactory(CommissionRuleSetFactory)
    tenant = factory.SelfAttribute("rule_set.tenant")
    number = factory.Sequence(lambda n: n + 1)
    effective_from = datetime.date(2026, 4, 1)
    rules = factory.LazyFunction(list)


class TierFactory(TenantOwnedFactory):
    class Meta:
        model = Tier

    program = factory.SubFactory(ProgramFactory)
    tenant = factory.SelfAttribute("program.tenant")
    name = factory.Sequence(lambda n: f"Tier {n}")
    position = factory.Sequence(lambda n: n)
