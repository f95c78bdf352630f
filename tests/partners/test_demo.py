"""The partners demo: loaded through the demo_data command's app hook, valid, run once."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Max
from stdnum.jp import cn as corporate_number

from accounts.models import Tenant
from accounts.validators import validate_registration_number
from partners.choices import ProspectSource, ProspectStage
from partners.models import (
    Activity,
    CadenceRule,
    LostReason,
    Partner,
    PartnerPersona,
    PartnerRep,
    Prospect,
    ProspectStageChange,
)
from partners.validators import validate_account_holder_kana

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def demo(demo_once, unscoped):
    with unscoped():
        yield Tenant.objects.get(slug="sakura"), Tenant.objects.get(slug="northwind"), demo_once


def test_japanese_tenant_gets_about_a_hundred_valid_partners(demo):
    sakura, northwind, out = demo
    partners = list(Partner.objects.filter(tenant=sakura))

    assert len(partners) == 100
    assert 8 <= Partner.objects.filter(tenant=northwind).count() <= 15
    assert "demo partners" in out
    companies = [p for p in partners if p.entity_kind != "individual"]
    assert all(corporate_number.is_valid(p.corporate_number) for p in companies)
    with_t = [p for p in partners if p.registration_number]
    assert len(with_t) > 70
    for partner in with_t:
        validate_registration_number(partner.registration_number)
        assert partner.registration_number[1:] == partner.corporate_number
    for partner in partners:
        if partner.account_holder_kana:
            validate_account_holder_kana(partner.account_holder_kana)
    assert all(p.legal_name_kana for p in partners)
    assert all("株式会社" in p.legal_name for p in partners if p.entity_kind == "company")
    priorities = Counter(p.priority for p in partners)
    assert priorities == {"A": 10, "B": 25, "C": 40, "D": 25}
    statuses = Counter(p.status for p in partners)
    assert statuses["active"] > 60
    assert len({p.partner_type_id for p in partners}) >= 6
    assert all(p.owner_id for p in partners)


def test_a_few_japanese_partners_are_individuals_or_one_person_companies(demo):
    sakura, _northwind, _out = demo
    sole = list(Partner.objects.filter(tenant=sakura).exclude(entity_kind="company"))

    kinds = Counter(p.entity_kind for p in sole)
    assert kinds == {"individual": 2, "one_person_company": 2}
    for partner in sole:
        assert partner.status == "active"
        assert partner.display_name != partner.legal_name  # the trade name (屋号)
        if partner.entity_kind == "individual":
            assert " " in partner.legal_name  # a person's family and given name
            assert (partner.corporate_number, partner.registration_number) == ("", "")
        else:
            assert partner.legal_name.startswith("合同会社")
            assert corporate_number.is_valid(partner.corporate_number)
        if partner.account_holder_kana:
            validate_account_holder_kana(partner.account_holder_kana)


def test_reps_activities_and_logins(demo):
    sakura, _northwind, _out = demo
    per_partner = Counter(
        PartnerRep.objects.filter(tenant=sakura).values_list("partner_id", flat=True)
    )
    assert min(per_partner.values()) >= 3
    assert max(per_partner.values()) <= 30
    linked = PartnerRep.objects.filter(tenant=sakura, membership__isnull=False)
    assert {r.membership.user.email for r in linked} == {
        "partner-admin@sakura.example",
        "partner-rep@sakura.example",
    }
    assert len({r.partner_id for r in linked}) == 1
    assert linked[0].partner.status == "active"
    a_count = Activity.objects.filter(tenant=sakura, partner__priority="A").count()
    d_count = Activity.objects.filter(tenant=sakura, partner__priority="D").count()
    assert a_count / 10 > 5 * (d_count / 25)  # per partner: A far more often than D
    assert CadenceRule.objects.filter(tenant=sakura).count() == 4
    assert LostReason.objects.filter(tenant=sakura).exists()
    assert PartnerPersona.objects.filter(tenant=sakura).count() == 1


def test_pipeline_has_every_source_and_stage_with_history(demo):
    sakura, _northwind, _out = demo
    prospects = Prospect.objects.filter(tenant=sakura)

    assert set(prospects.values_list("source", flat=True)) == set(ProspectSource.values)
    assert set(prospects.values_list("stage", flat=True)) == set(ProspectStage.values)
    for prospect in prospects:
        history = list(
            ProspectStageChange.objects.filter(prospect=prospect).order_by("changed_at", "pk")
        )
        assert history[0].from_stage == ""
        assert history[-1].to_stage == prospect.stage
        assert all(b.from_stage == a.to_stage for a, b in zip(history, history[1:], strict=False))
        if prospect.stage == ProspectStage.LOST:
            assert prospect.lost_reason_id is not None
        if prospect.stage == ProspectStage.SIGNED:
            assert prospect.partner_id is not None


def test_second_run_adds_nothing(demo):
    sakura, _northwind, _out = demo
    counts = (
        Partner.objects.count(),
        PartnerRep.objects.count(),
        Activity.objects.count(),
        Prospect.objects.count(),
    )

    call_command("demo_data", stdout=io.StringIO())

    assert (
        Partner.objects.count(),
        PartnerRep.objects.count(),
        Activity.objects.count(),
        Prospect.objects.count(),
    ) == counts


def test_demo_partners_carry_the_date_of_their_latest_activity(demo):
    sakura, northwind, _out = demo
    for tenant in (sakura, northwind):
        latest = dict(
            Activity.objects.filter(tenant=tenant)
            .values("partner")
            .annotate(latest=Max("occurred_on"))
            .values_list("partner", "latest")
        )
        stored = dict(Partner.objects.filter(tenant=tenant).values_list("pk", "last_contact_on"))

        assert latest
        assert stored == {pk: latest.get(pk) for pk in stored}
