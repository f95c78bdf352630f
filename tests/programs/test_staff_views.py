"""The programs staff pages: what they show, how bad input is answered, who may change them."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.roles import Role
from programs.models import Program, Tier
from tests.factories.programs import (
    CommissionRuleSetFactory,
    ContractTypeFactory,
    ProgramFactory,
    TierFactory,
    built_in_contract_type,
)

pytestmark = pytest.mark.django_db


def url(tenant, name, **kwargs):
    return reverse(f"programs:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def manager(tenant, member_factory, fresh_client_for):
    return fresh_client_for(member_factory(tenant, Role.PARTNER_MANAGER))


@pytest.fixture
def viewer(tenant, member_factory, fresh_client_for):
    return fresh_client_for(member_factory(tenant, Role.VIEWER))


def program_body(tenant, **overrides):
    return {
        "name": "Referral",
        "contract_type": str(built_in_contract_type(tenant).pk),
        "partner_role": "introduces",
        "kpi": "meetings",
        "default_term_months": "12",
        "protection_days": "90",
        **overrides,
    }


def test_the_list_shows_an_empty_state_and_the_sidebar_entry(tenant, manager):
    response = manager.get(url(tenant, "program_list"))

    page = response.content.decode()
    assert 'data-testid="empty-state"' in page
    assert 'href="/alpha/programs/"' in page  # the sidebar's Programs entry


def test_the_list_filters_and_paginates(tenant, manager):
    for number in range(30):
        ProgramFactory(tenant=tenant, name=f"Program {number:02d}")
    ProgramFactory(tenant=tenant, name="Gone", is_archived=True)

    first = manager.get(url(tenant, "program_list")).content.decode()
    archived = manager.get(url(tenant, "program_list") + "?visibility=archived").content.decode()

    assert "30 programs" in first and "Program 00" in first and "Program 29" not in first
    assert "1 / 2" in first
    assert "Gone" in archived and "Program 00" not in archived


def test_creating_a_program_redirects_to_it(tenant, manager):
    response = manager.post(url(tenant, "program_create"), program_body(tenant, is_public="on"))

    with scopes_disabled():
        program = Program.objects.get(tenant=tenant)
    assert response.status_code == 302
    assert response["Location"] == url(tenant, "program_detail", program_id=program.pk)
    assert program.is_public


def test_a_missing_name_is_named_on_the_form(tenant, manager):
    response = manager.post(url(tenant, "program_create"), program_body(tenant, name=""))

    assert response.status_code == 400
    assert 'data-field="name"' in response.content.decode()
    with scopes_disabled():
        assert not Program.objects.filter(tenant=tenant).exists()


def test_a_double_submit_creates_one_program_and_names_the_field(tenant, manager):
    first = manager.post(url(tenant, "program_create"), program_body(tenant))
    second = manager.post(url(tenant, "program_create"), program_body(tenant))

    assert first.status_code == 302
    assert second.status_code == 400
    assert "A program named “Referral” already exists" in second.content.decode()
    with scopes_disabled():
        assert Program.objects.filter(tenant=tenant).count() == 1


def test_the_detail_shows_tiers_in_order_and_links_their_rule_sets(tenant, manager):
    program = ProgramFactory(tenant=tenant)
    rule_set = CommissionRuleSetFactory(program=program, name="Standard referral fees")
    TierFactory(program=program, name="Gold", position=1, rule_set=rule_set)
    TierFactory(program=program, name="Registered", position=0)

    page = manager.get(url(tenant, "program_detail", program_id=program.pk)).content.decode()

    assert page.index('data-tier="Registered"') < page.index('data-tier="Gold"')
    rule_set_url = url(tenant, "rule_set_detail", rule_set_id=rule_set.pk)
    # Linked twice: from the Gold tier's benefits and from the rule-set table.
    assert page.count(f'href="{rule_set_url}"') == 2
    # A partner manager may not create commission rules (finance and vendor admins may).
    assert 'data-testid="add-rule-set"' not in page


def test_a_vendor_admin_may_start_a_rule_set_from_the_program(
    tenant, member_factory, fresh_client_for
):
    admin = fresh_client_for(member_factory(tenant, Role.VENDOR_ADMIN))
    program = ProgramFactory(tenant=tenant)

    page = admin.get(url(tenant, "program_detail", program_id=program.pk)).content.decode()

    assert f"{url(tenant, 'rule_set_create')}?program={program.pk}" in page


def test_a_viewer_sees_a_program_but_no_buttons_and_cannot_create(tenant, viewer):
    program = ProgramFactory(tenant=tenant)

    page = viewer.get(url(tenant, "program_detail", program_id=program.pk)).content.decode()
    refused = viewer.post(url(tenant, "program_create"), program_body(tenant))

    assert 'data-testid="edit-program"' not in page
    assert refused.status_code == 403
    with scopes_disabled():
        assert Program.objects.filter(tenant=tenant).count() == 1


def test_archiving_asks_first_then_archives(tenant, manager):
    program = ProgramFactory(tenant=tenant, name="Old")

    confirm = manager.get(url(tenant, "program_archive", program_id=program.pk))
    program.refresh_from_db()
    assert 'data-testid="archive-confirm"' in confirm.content.decode() and not program.is_archived

    manager.post(url(tenant, "program_archive", program_id=program.pk))
    program.refresh_from_db()
    assert program.is_archived


def test_a_tier_requirement_below_the_lower_tier_is_named_on_the_form(tenant, manager):
    program = ProgramFactory(tenant=tenant)
    TierFactory(program=program, name="Silver", position=0, min_won_deals=3)
    body = {
        "name": "Gold",
        "window_months": "12",
        "min_meetings_held": "0",
        "min_won_deals": "1",
        "min_revenue": "0",
        "min_certified_reps": "0",
        "discount_rate": "0",
    }

    response = manager.post(url(tenant, "tier_create", program_id=program.pk), body)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="min_won_deals"' in page and "the lower tier “Silver” requires 3" in page
    with scopes_disabled():
        assert Tier.objects.filter(program=program).count() == 1


def test_a_refused_move_is_explained_on_the_page(tenant, manager):
    program = ProgramFactory(tenant=tenant)
    registered = TierFactory(program=program, name="Registered", position=0)
    TierFactory(program=program, name="Gold", position=1, min_meetings_held=4)

    response = manager.post(
        url(tenant, "tier_move", program_id=program.pk, tier_id=registered.pk),
        {"direction": "up"},
        follow=True,
    )

    assert "a higher tier&#x27;s requirements must not decrease" in response.content.decode()
    registered.refresh_from_db()
    assert registered.position == 0


def test_the_contract_type_tab_refuses_deleting_a_type_in_use(tenant, manager):
    franchise = ContractTypeFactory(tenant=tenant, name="Franchise")
    ProgramFactory(tenant=tenant, name="Shops", contract_type=franchise)

    listing = manager.get(url(tenant, "contract_type_list")).content.decode()
    response = manager.post(
        url(tenant, "contract_type_delete", contract_type_id=franchise.pk), follow=True
    )

    assert 'data-contract-type="Referral"' in listing and "Contract types" in listing
    assert "is used by the program Shops" in response.content.decode()
