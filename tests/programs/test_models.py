"""The programs schema: a program's rows stay in its tenant, and the unique keys hold."""

import pytest
from django.db import IntegrityError, connection, transaction
from django_scopes import scopes_disabled

from tests.factories.accounts import TenantFactory
from tests.factories.programs import (
    CommissionRuleSetVersionFactory,
    ContractTypeFactory,
    ProgramFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


def test_factories_keep_one_tenant():
    version = CommissionRuleSetVersionFactory()
    tier = TierFactory(program=version.rule_set.program, rule_set=version.rule_set)
    assert {version.tenant_id, version.rule_set.tenant_id, tier.tenant_id} == {
        version.rule_set.program.tenant_id
    }


def test_program_cannot_use_another_tenants_contract_type():
    other = ContractTypeFactory(tenant=TenantFactory())
    with pytest.raises(IntegrityError), transaction.atomic(), scopes_disabled():
        ProgramFactory(contract_type=other)
        # The composite key is deferred like Django's own: check it now, not at the test's end.
        connection.check_constraints()


def test_two_versions_of_a_rule_set_cannot_share_a_date():
    version = CommissionRuleSetVersionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionRuleSetVersionFactory(
            rule_set=version.rule_set, effective_from=version.effective_from
        )
