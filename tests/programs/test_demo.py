"""The programs demo: loaded through the demo_data command's app hook, once."""

import datetime
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEvent, Tenant
from partners.models import Partner, PartnerRep
from programs.commission import CommissionEvent
from programs.models import (
    CommissionRuleSet,
    ContractStatus,
    ContractType,
    PartnerContract,
    Program,
    ProgramTerms,
    Tier,
    WrittenTermsNotice,
)
from programs.selectors.commission import commission_preview

pytestmark = pytest.mark.django_db

DAYS_60 = datetime.timedelta(days=60)


def test_the_japanese_tenant_gets_one_public_and_two_internal_programs_once(demo_once, unscoped):
    call_command("demo_data", stdout=io.StringIO())  # a second run changes nothing

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
    assert "3 demo programs" in demo_once


def test_every_demo_tier_names_a_rule_set_of_its_program_that_pays(demo_once, unscoped):

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


def test_the_japanese_partners_get_contracts_through_the_services(demo_once, unscoped):
    call_command("demo_data", stdout=io.StringIO())  # a second run changes nothing
    today = timezone.localdate()

    with unscoped():
        sakura = Tenant.objects.get(slug="sakura")
        contracts = list(
            PartnerContract.objects.filter(tenant=sakura).select_related("partner", "terms")
        )
        terms = list(ProgramTerms.objects.filter(tenant=sakura))
        active_partners = Partner.objects.filter(tenant=sakura, status="active").count()
        activated = AuditEvent.objects.filter(tenant=sakura, action="contract.activated").count()
        accepted = AuditEvent.objects.filter(
            tenant=sakura, action="contract.terms_accepted"
        ).count()
        portal_partner = PartnerRep.objects.get(
            tenant=sakura, membership__user__email="partner-admin@sakura.example"
        ).partner
        northwind_contracts = PartnerContract.objects.filter(tenant__slug="northwind").count()
        notices = {
            n.contract_id: bool(n.pdf) for n in WrittenTermsNotice.objects.filter(tenant=sakura)
        }

    # Every program has version 1 of its written terms, in Japanese, a few articles long.
    assert sorted(t.number for t in terms) == [1, 1, 1]
    assert all("第4条（支払条件）" in t.body and "月末締め翌月末払い" in t.body for t in terms)
    assert all(c.terms is not None for c in contracts)
    current = [c for c in contracts if c.status in (ContractStatus.ACTIVE, ContractStatus.EXPIRING)]
    with_current = {c.partner_id for c in current}
    assert len(with_current) > active_partners * 0.7  # most active partners
    by_partner = Counter(c.partner_id for c in current)
    assert sum(1 for n in by_partner.values() if n >= 2) >= 3  # some in two programs
    ending = sorted((c.ends_on - today).days for c in current if c.ends_on <= today + DAYS_60)
    assert len([d for d in ending if d <= 30]) >= 2
    assert len([d for d in ending if 30 < d <= 60]) >= 2
    assert all(c.status == ContractStatus.EXPIRING for c in current if c.ends_on <= today + DAYS_60)
    assert len([c for c in contracts if c.status == ContractStatus.DRAFT]) == 2
    [ended] = [c for c in contracts if c.status == ContractStatus.ENDED]
    [renewal] = [c for c in contracts if c.renewed_from_id == ended.pk]
    assert ended.ended_on == ended.ends_on < today
    assert renewal.status == ContractStatus.ACTIVE
    assert renewal.starts_on == ended.ends_on + datetime.timedelta(days=1)
    # Activated through the service (audited), every current one and the ended one.
    assert activated == len(current) + 1
    # People as partners hold contracts too (the Freelance Act's written terms apply to them).
    sole_kinds = {c.partner.entity_kind for c in current} - {"company"}
    assert sole_kinds == {"individual", "one_person_company"}
    # ...and each of their current contracts has its notice, with its PDF.
    sole = {c.pk for c in current if c.partner.entity_kind != "company"}
    assert set(notices) == sole
    assert all(notices.values())
    # The demo partner admin accepted one contract's terms; the other still waits.
    own = [c for c in current if c.partner_id == portal_partner.pk]
    assert sorted(c.terms_accepted for c in own) == [False, True]
    assert accepted == 1
    assert northwind_contracts == 0
    assert "contracts" in demo_once


def test_the_library_demo_has_forty_assets_and_a_year_of_views_in_the_two_six_two_shape(
    demo_once, unscoped
):
    from django.db.models import Count

    from programs.models import Asset, AssetVersion, AssetView, AssetViewDay

    with unscoped():
        sakura = Tenant.objects.get(slug="sakura")
        assets = Asset.objects.filter(tenant=sakura)
        languages = Counter(assets.values_list("language", flat=True))
        second_versions = AssetVersion.objects.filter(tenant=sakura, number=2).count()
        per_rep = sorted(
            AssetView.objects.filter(tenant=sakura)
            .values("rep")
            .annotate(n=Count("pk"))
            .values_list("n", flat=True),
            reverse=True,
        )
        reps = (
            PartnerRep.objects.filter(
                tenant=sakura, is_active=True, partner__contracts__isnull=False
            )
            .distinct()
            .count()
        )
        oldest = AssetView.objects.filter(tenant=sakura).order_by("viewed_at").first().viewed_at
        rolled = sum(AssetViewDay.objects.filter(tenant=sakura).values_list("views", flat=True))
        logged_views = AssetView.objects.filter(tenant=sakura, action="view").count()
    assert assets.count() == 40 and languages["ja"] > languages["en"] > 0
    assert second_versions == 3
    # A fifth of the reps open most of the material; some never open anything.
    top = per_rep[: max(reps // 5, 1)]
    assert sum(top) > 0.5 * sum(per_rep)
    assert len(per_rep) < reps
    assert timezone.now() - oldest > datetime.timedelta(days=300)
    assert rolled == logged_views
