"""Program reads: the list's filters and sorts, tiers in order, rule-set summaries, tier
figures (zeros until a higher app registers a provider)."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404

from accounts.money import Money
from programs.models import ContractKind
from programs.selectors import programs as selectors
from programs.selectors import tier_figures as figures
from tests.factories.accounts import TenantFactory
from tests.factories.partners import PartnerFactory
from tests.factories.programs import (
    CommissionRuleSetFactory,
    CommissionRuleSetVersionFactory,
    ProgramFactory,
    TierFactory,
    built_in_contract_type,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs(tenant):
    agency = built_in_contract_type(tenant, ContractKind.AGENCY)
    made = {
        "referral": ProgramFactory(tenant=tenant, name="Referral", is_public=True),
        "agency": ProgramFactory(tenant=tenant, name="Agency", contract_type=agency),
        "old": ProgramFactory(tenant=tenant, name="Old reseller", is_archived=True),
    }
    TierFactory(program=made["agency"], position=0)
    TierFactory(program=made["agency"], position=1)
    ProgramFactory(tenant=TenantFactory(), name="Referral elsewhere", is_public=True)
    return made


def _names(tenant, in_tenant, **filters):
    with in_tenant(tenant):
        return [p.name for p in selectors.program_list(tenant=tenant, **filters)]


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        ("", ["Agency", "Referral"]),
        ("public", ["Referral"]),
        ("internal", ["Agency"]),
        ("archived", ["Old reseller"]),
        ("all", ["Agency", "Old reseller", "Referral"]),
    ],
)
def test_the_list_filters_by_visibility(tenant, in_tenant, programs, visibility, expected):
    assert _names(tenant, in_tenant, visibility=visibility) == expected


def test_the_list_filters_by_contract_type_and_name(tenant, in_tenant, programs):
    agency = programs["agency"].contract_type_id

    assert _names(tenant, in_tenant, contract_type_id=agency) == ["Agency"]
    assert _names(tenant, in_tenant, query="  refer ") == ["Referral"]


def test_the_list_sorts_and_counts_tiers(tenant, in_tenant, programs):
    assert _names(tenant, in_tenant, sort="-name") == ["Referral", "Agency"]
    assert _names(tenant, in_tenant, sort="-tiers") == ["Agency", "Referral"]
    with in_tenant(tenant):
        counts = {p.name: p.tier_count for p in selectors.program_list(tenant=tenant)}
    assert counts == {"Agency": 2, "Referral": 0}


def test_another_tenants_program_answers_404(tenant, in_tenant):
    foreign = ProgramFactory(tenant=TenantFactory())

    with in_tenant(tenant), pytest.raises(Http404):
        selectors.program_get(tenant=tenant, program_id=foreign.pk)


def test_tiers_come_lowest_first(tenant, in_tenant):
    program = ProgramFactory(tenant=tenant)
    TierFactory(program=program, name="Gold", position=2)
    TierFactory(program=program, name="Registered", position=0)
    TierFactory(program=program, name="Silver", position=1)

    with in_tenant(tenant):
        names = [t.name for t in selectors.program_tiers(tenant=tenant, program=program)]

    assert names == ["Registered", "Silver", "Gold"]


def test_a_tier_of_another_program_answers_404(tenant, in_tenant):
    program = ProgramFactory(tenant=tenant)
    elsewhere = TierFactory(program=ProgramFactory(tenant=tenant))

    with in_tenant(tenant), pytest.raises(Http404):
        selectors.tier_get(tenant=tenant, tier_id=elsewhere.pk, program=program)


def test_rule_sets_show_their_versions_and_the_one_in_force(tenant, in_tenant):
    program = ProgramFactory(tenant=tenant)
    standard = CommissionRuleSetFactory(program=program, name="Standard")
    for day in (datetime.date(2025, 4, 1), datetime.date(2026, 4, 1), datetime.date(2027, 4, 1)):
        CommissionRuleSetVersionFactory(rule_set=standard, effective_from=day)
    CommissionRuleSetFactory(program=program, name="Pilot")

    with in_tenant(tenant):
        summaries = selectors.program_rule_sets(
            tenant=tenant, program=program, today=datetime.date(2026, 12, 1)
        )

    assert [(s.rule_set.name, s.version_count, s.current_effective_from) for s in summaries] == [
        ("Pilot", 0, None),
        ("Standard", 3, datetime.date(2026, 4, 1)),
    ]


def test_a_tier_is_unused_until_contracts_exist(tenant, in_tenant):
    tier = TierFactory(program=ProgramFactory(tenant=tenant))

    with in_tenant(tenant):
        assert selectors.tier_usage_count(tenant=tenant, tier=tier) == 0


# --- tier figures -----------------------------------------------------------------------------

SINCE, UNTIL = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


def test_tier_figures_are_zero_and_unmeasured_without_a_provider(tenant):
    partner = PartnerFactory(tenant=tenant)

    result = figures.tier_figures(tenant=tenant, partner=partner, since=SINCE, until=UNTIL)

    assert result == figures.TierFigures(
        meetings_held=0,
        won_deals=0,
        revenue=Money(Decimal(0), tenant.base_currency),
        certified_reps=0,
        providers=(),
    )
    assert not result.is_measured


def test_registered_providers_are_asked_and_added_up(tenant):
    partner = PartnerFactory(tenant=tenant)
    asked = []

    def deals(*, tenant, partner, since, until):
        asked.append((partner.pk, since, until))
        return figures.TierFiguresPart(
            meetings_held=7, won_deals=2, revenue=Money(Decimal("1500000"), "JPY")
        )

    def training(*, tenant, partner, since, until):
        return figures.TierFiguresPart(certified_reps=3)

    figures.register_tier_figures_provider("test-deals", deals)
    figures.register_tier_figures_provider("test-training", training)
    try:
        result = figures.tier_figures(tenant=tenant, partner=partner, since=SINCE, until=UNTIL)
    finally:
        figures.unregister_tier_figures_provider("test-deals")
        figures.unregister_tier_figures_provider("test-training")

    assert asked == [(partner.pk, SINCE, UNTIL)]
    assert (result.meetings_held, result.won_deals, result.certified_reps) == (7, 2, 3)
    assert result.revenue == Money(Decimal("1500000"), "JPY")
    assert result.providers == ("test-deals", "test-training")


def test_a_second_provider_under_a_taken_key_is_an_error():
    def one(**kwargs):
        return figures.TierFiguresPart()

    def other(**kwargs):
        return figures.TierFiguresPart()

    figures.register_tier_figures_provider("test-key", one)
    try:
        figures.register_tier_figures_provider("test-key", one)  # the same again: harmless
        with pytest.raises(ValueError, match="already registered"):
            figures.register_tier_figures_provider("test-key", other)
    finally:
        figures.unregister_tier_figures_provider("test-key")


def test_figures_of_another_tenants_partner_are_refused(tenant):
    foreign = PartnerFactory(tenant=TenantFactory())

    with pytest.raises(ValueError, match="another tenant"):
        figures.tier_figures(tenant=tenant, partner=foreign, since=SINCE, until=UNTIL)
