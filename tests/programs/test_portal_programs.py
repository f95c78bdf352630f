"""The portal's programs page, tier progress and accepting a program's terms."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.roles import Role
from programs.models import ContractStatus, PartnerContract
from programs.selectors.terms import contracts_awaiting_acceptance, partner_terms_accepted
from programs.selectors.tier_figures import (
    TierFiguresPart,
    register_tier_figures_provider,
    unregister_tier_figures_provider,
)
from programs.services.terms import contract_terms_accept
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    ProgramTermsFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(tenant):
    program = ProgramFactory(tenant=tenant, name="紹介プログラム")
    registered = TierFactory(program=program, name="Registered", position=0)
    TierFactory(program=program, name="Silver", position=1, min_meetings_held=5)
    partner = PartnerFactory(tenant=tenant)
    terms = ProgramTermsFactory(program=program, body="第1条 紹介の対象")
    contract = PartnerContractFactory(partner=partner, tier=registered, terms=terms)
    admin, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    return partner, contract, admin


def programs_url(tenant):
    return reverse("programs:portal_programs", kwargs={"tenant_slug": tenant.slug})


def terms_url(tenant, contract):
    return reverse(
        "programs:portal_contract_terms",
        kwargs={"tenant_slug": tenant.slug, "contract_id": contract.pk},
    )


def test_accepting_records_who_and_when_once(tenant, enrolled, in_tenant):
    partner, contract, admin = enrolled
    with in_tenant(tenant):
        assert not partner_terms_accepted(tenant=tenant, partner=partner)
        assert contracts_awaiting_acceptance(tenant=tenant, partner=partner) == 1
        first = contract_terms_accept(
            tenant=tenant, actor=admin.user, partner=partner, contract=contract
        )
        again = contract_terms_accept(
            tenant=tenant, actor=admin.user, partner=partner, contract=contract
        )
        assert partner_terms_accepted(tenant=tenant, partner=partner)
        assert partner_terms_accepted(tenant=tenant, partner=partner, program=contract.program)
        assert contracts_awaiting_acceptance(tenant=tenant, partner=partner) == 0
        events = AuditEvent.objects.filter(tenant=tenant, action="contract.terms_accepted")
        assert events.count() == 1

    assert first.terms_accepted_by == admin.user
    assert again.terms_accepted_at == first.terms_accepted_at


def test_terms_of_a_draft_count_only_once_the_contract_is_current(tenant, enrolled, in_tenant):
    partner, contract, admin = enrolled
    with scopes_disabled():
        PartnerContract.objects.filter(pk=contract.pk).update(status=ContractStatus.DRAFT)
    contract.refresh_from_db()
    with in_tenant(tenant):
        contract_terms_accept(tenant=tenant, actor=admin.user, partner=partner, contract=contract)
        # Accepted, but the contract has not started: no deal may be registered under it yet.
        assert not partner_terms_accepted(tenant=tenant, partner=partner)


def test_an_ended_contract_or_one_without_terms_is_refused(tenant, enrolled, in_tenant):
    from django.core.exceptions import ValidationError

    partner, contract, admin = enrolled
    without = PartnerContractFactory(
        partner=partner, tier=contract.tier, starts_on=datetime.date(2028, 4, 1)
    )
    ended = PartnerContractFactory(
        partner=partner,
        tier=contract.tier,
        terms=contract.terms,
        starts_on=datetime.date(2024, 4, 1),
        status=ContractStatus.ENDED,
    )
    with in_tenant(tenant):
        for target in (without, ended):
            with pytest.raises(ValidationError):
                contract_terms_accept(
                    tenant=tenant, actor=admin.user, partner=partner, contract=target
                )
    with scopes_disabled():
        assert not PartnerContract.objects.filter(terms_accepted_at__isnull=False).exists()


def test_the_portal_page_shows_the_tier_and_says_figures_are_not_measured(client, tenant, enrolled):
    _partner, _contract, admin = enrolled
    client.force_login(admin.user)

    response = client.get(programs_url(tenant))

    body = response.content.decode()
    assert response.status_code == 200
    assert "紹介プログラム" in body and "Registered" in body and "Silver" in body
    assert 'data-testid="not-measured"' in body
    assert 'data-testid="terms-pending"' in body


def test_tier_progress_uses_the_registered_figures(client, tenant, enrolled):
    _partner, _contract, admin = enrolled
    register_tier_figures_provider("test", lambda **kwargs: TierFiguresPart(meetings_held=3))
    try:
        client.force_login(admin.user)
        body = client.get(programs_url(tenant)).content.decode()
    finally:
        unregister_tier_figures_provider("test")

    assert 'data-testid="not-measured"' not in body
    assert "3 / 5" in body


def test_a_rep_reads_the_terms_but_cannot_accept_them(client, tenant, enrolled):
    partner, contract, _admin = enrolled
    rep_login, _rep = portal_membership_for(partner, role=Role.PARTNER_REP)
    client.force_login(rep_login.user)

    assert "第1条" in client.get(terms_url(tenant, contract)).content.decode()
    response = client.post(terms_url(tenant, contract), {"agree": "yes"})

    assert response.status_code == 400
    contract.refresh_from_db()
    assert contract.terms_accepted_at is None


def test_accepting_without_ticking_the_box_is_refused(client, tenant, enrolled):
    _partner, contract, admin = enrolled
    client.force_login(admin.user)

    response = client.post(terms_url(tenant, contract), {})

    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    contract.refresh_from_db()
    assert contract.terms_accepted_at is None


def test_an_empty_state_without_contracts(client, tenant):
    partner = PartnerFactory(tenant=tenant)
    admin, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    client.force_login(admin.user)

    body = client.get(programs_url(tenant)).content.decode()

    assert 'data-testid="programs-empty"' in body


def test_the_apply_page_loads_the_public_programs_only(client, tenant, other_tenant):
    ProgramFactory(tenant=tenant, name="公開紹介プログラム", is_public=True)
    ProgramFactory(tenant=tenant, name="社内代理店プログラム", is_public=False)
    ProgramFactory(tenant=tenant, name="終了した公開プログラム", is_public=True, is_archived=True)
    ProgramFactory(tenant=other_tenant, name="他社の公開プログラム", is_public=True)
    fragment_url = reverse("programs:public_programs", kwargs={"tenant_slug": tenant.slug})

    page = client.get(reverse("partner_apply", kwargs={"tenant_slug": tenant.slug}))
    fragment = client.get(fragment_url).content.decode()

    assert f'hx-get="{fragment_url}"' in page.content.decode()
    assert "公開紹介プログラム" in fragment
    assert "社内代理店プログラム" not in fragment
    assert "終了した公開プログラム" not in fragment
    assert "他社の公開プログラム" not in fragment


def test_the_public_section_is_empty_without_public_programs(client, tenant):
    ProgramFactory(tenant=tenant, is_public=False)

    response = client.get(reverse("programs:public_programs", kwargs={"tenant_slug": tenant.slug}))

    assert response.status_code == 200
    assert response.content.decode().strip() == ""
