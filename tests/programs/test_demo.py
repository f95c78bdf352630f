"""The programs demo: loaded through the demo_data command's app hook, once."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import AuditEvent, Tenant
from programs.commission import CommissionEvent
from programs.models import CommissionRuleSet, ContractType, Program, Tier
from programs.selectors.commission import commission_preview

pytestmark = pytest.mark.django_db


def test_the_japanese_tenant_gets_one_public_and_two_internal_programs_once(unscoped):
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    call_command("demo_data", stdout=io.StringIO())

    with unscoped():
        sakura = Tenant.objects.get(slug="sakura")
        northwind = Tenant.objects.get(slug="northwind")
        programs = {
            p.name: p for p in Program.objects.filter(tenant=sakura).select_related("contract_type")
        }
        tiers = {
            name: list(
                Tier.objects.filter(program=program)
                .order_by("position")
                .values_list("name", "min_revenue")
            )
            for name, program in programs.items()
        }
        northwind_types = ContractType.objects.filter(tenant=northwind).count()
        created_events = AuditEvent.objects.filter(tenant=sakura, action="program.created").count()

    assert sorted(programs) == [
        "取次パートナープログラム",
        "紹介パートナープログラム",
        "販売代理店プログラム",
    ]
    assert [name for name, p in programs.items() if p.is_public] == ["紹介パートナープログラム"]
    assert programs["紹介パートナープログラム"].contract_type.code == "referral"
    assert programs["販売代理店プログラム"].contract_type.code == "reseller"
    for program_tiers in tiers.values():
        assert [name for name, _revenue in program_tiers] == [
            "レジスタード",
            "シルバー",
            "ゴールド",
        ]
        revenues = [revenue for _name, revenue in program_tiers]
        assert revenues == sorted(revenues)
    assert created_events == 3
    assert northwind_types == 6
    assert "3 demo programs" in out.getvalue()


def test_every_demo_tier_names_a_rule_set_of_its_program_that_pays(unscoped):
    call_command("demo_data", stdout=io.StringIO())

    with unscoped():
        sakura = Tenant.objects.get(slug="sakura")
        tiers = list(Tier.objects.filter(tenant=sakura).select_related("rule_set"))
        standard = CommissionRuleSet.objects.get(tenant=sakura, name="紹介料（標準）")
        won = CommissionEvent(
            kind="deal_won",
            date=datetime.date.today(),
            currency="JPY",
            amount=Decimal("3000000"),
            partners={"introduces": None},
        )
        result = commission_preview(tenant=sakura, rule_set=standard, event=won)

    assert len(tiers) == 9
    assert all(t.rule_set is not None and t.rule_set.program_id == t.program_id for t in tiers)
    # 10 % of ¥3,000,000, under the ¥500,000 cap; the meeting fee is not a won deal's.
    assert [line.amount for line in result.lines] == [Decimal("300000")]
