"""Creating a contract and adding a terms version from the staff pages: the forms, their
errors under the fields, another tenant's ids refused, a double submit creating one contract."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.roles import Role
from programs.models import ContractStatus, PartnerContract, ProgramTerms
from tests.factories.accounts import TenantFactory
from tests.factories.partners import PartnerFactory
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    ProgramTermsFactory,
    TierFactory,
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


@pytest.fixture
def setup(tenant):
    program = ProgramFactory(tenant=tenant, name="Referral", default_term_months=12)
    other_program = ProgramFactory(tenant=tenant, name="Resale")
    return {
        "partner": PartnerFactory(tenant=tenant, display_name="Kita Systems"),
        "program": program,
        "tier": TierFactory(program=program, name="Registered", position=0),
        "other_tier": TierFactory(program=other_program, name="Reseller", position=0),
    }


def body(setup, **overrides):
    values = {
        "partner": str(setup["partner"].pk),
        "program": str(setup["program"].pk),
        "tier": str(setup["tier"].pk),
        "starts_on": "2027-04-01",
        "ends_on": "",
        "auto_renew": "on",
        "note": "Signed at the kick-off",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def contracts(tenant):
    with scopes_disabled():
        return list(PartnerContract.objects.filter(tenant=tenant))


def field_errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


# --- the new-contract form -------------------------------------------------------------------


def test_creating_a_contract_makes_a_draft_with_the_programs_default_term(tenant, manager, setup):
    response = manager.post(url(tenant, "contract_create"), body(setup))

    [contract] = contracts(tenant)
    assert response.status_code == 302
    assert response["Location"] == url(tenant, "contract_detail", contract_id=contract.pk)
    assert contract.status == ContractStatus.DRAFT
    assert (contract.starts_on, contract.ends_on) == (
        datetime.date(2027, 4, 1),
        datetime.date(2028, 3, 31),
    )
    assert contract.partner_id == setup["partner"].pk
    assert contract.tier_id == setup["tier"].pk
    assert contract.auto_renew is True
    assert contract.note == "Signed at the kick-off"


def test_the_form_is_prefilled_from_the_query_string(tenant, manager, setup):
    partner, program = setup["partner"], setup["program"]

    response = manager.get(
        url(tenant, "contract_create") + f"?partner={partner.pk}&program={program.pk}"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="partner" value="{partner.pk}" id="partner-{partner.pk}" checked' in page
    assert f'<option value="{program.pk}" selected>' in page
    assert f'<option value="{setup["tier"].pk}">Registered</option>' in page
    assert "Reseller" not in page  # the other program's tier is not offered
    assert timezone.localdate().isoformat() in page  # the start defaults to today
    assert "default term of 12 months" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"partner": None}, "partner", "Choose a partner."),
        ({"program": ""}, "program", "Choose a program."),
        ({"tier": ""}, "tier", "Choose a tier."),
        ({"starts_on": "not a date"}, "starts_on", "Enter a valid date."),
        ({"ends_on": "2027-03-31"}, "ends_on", "The term must end after it starts."),
    ],
)
def test_each_bad_field_is_answered_under_it_and_nothing_is_created(
    tenant, manager, setup, overrides, field, message
):
    response = manager.post(url(tenant, "contract_create"), body(setup, **overrides))

    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert f'data-field="{field}">{message}'.replace("'", "&#x27;") in response.content.decode()
    assert contracts(tenant) == []


def test_a_tier_of_another_program_is_refused_under_the_tier(tenant, manager, setup):
    response = manager.post(
        url(tenant, "contract_create"), body(setup, tier=str(setup["other_tier"].pk))
    )

    assert response.status_code == 400
    assert field_errors(response, "tier") == ["Choose a tier of this program."]
    assert contracts(tenant) == []


def test_an_archived_program_is_not_offered_and_is_refused(tenant, manager, setup):
    archived = ProgramFactory(tenant=tenant, name="Old plan", is_archived=True)
    TierFactory(program=archived)

    page = manager.get(url(tenant, "contract_create")).content.decode()
    response = manager.post(url(tenant, "contract_create"), body(setup, program=str(archived.pk)))

    assert "Old plan" not in page
    assert response.status_code == 400
    assert field_errors(response, "program") == [
        "Choose one of this organization's current programs."
    ]
    assert contracts(tenant) == []


@pytest.mark.parametrize("field", ["partner", "program", "tier"])
def test_another_tenants_object_in_the_post_is_a_field_error_and_creates_nothing(
    tenant, manager, setup, field
):
    other = TenantFactory(slug="gamma")
    other_program = ProgramFactory(tenant=other)
    foreign = {
        "partner": PartnerFactory(tenant=other),
        "program": other_program,
        "tier": TierFactory(program=other_program),
    }[field]

    response = manager.post(url(tenant, "contract_create"), body(setup, **{field: str(foreign.pk)}))

    assert response.status_code == 400
    assert field_errors(response, field)
    with scopes_disabled():
        assert PartnerContract.objects.count() == 0


def test_a_double_submit_creates_one_contract(tenant, manager, setup):
    first = manager.post(url(tenant, "contract_create"), body(setup))
    second = manager.post(url(tenant, "contract_create"), body(setup))

    assert first.status_code == 302
    assert second.status_code == 400
    assert field_errors(second, "starts_on") == [
        "This partner already has a contract for this program in this term."
    ]
    assert len(contracts(tenant)) == 1


def test_a_viewer_may_not_open_the_form_nor_create(tenant, viewer, setup):
    page = viewer.get(url(tenant, "contract_list")).content.decode()

    assert viewer.get(url(tenant, "contract_create")).status_code == 403
    assert viewer.post(url(tenant, "contract_create"), body(setup)).status_code == 403
    assert 'data-testid="new-contract"' not in page
    assert contracts(tenant) == []


def test_the_contract_list_offers_new_contract_to_a_manager(tenant, manager):
    page = manager.get(url(tenant, "contract_list")).content.decode()

    assert f'href="{url(tenant, "contract_create")}"' in page


def test_the_partner_picker_finds_this_tenants_partners_and_keeps_the_chosen_one(
    tenant, manager, setup
):
    PartnerFactory(tenant=tenant, display_name="Minami Trading")
    PartnerFactory(tenant=TenantFactory(slug="gamma"), display_name="Minami Foreign")
    chosen = setup["partner"]

    response = manager.get(
        url(tenant, "contract_partner_search") + f"?partner_q=minami&partner={chosen.pk}"
    )

    page = response.content.decode()
    assert "Minami Trading" in page
    assert "Minami Foreign" not in page
    assert page.index("Kita Systems") < page.index("Minami Trading")
    assert f'value="{chosen.pk}" id="partner-{chosen.pk}" checked' in page


def test_the_partner_picker_lists_twenty_and_says_when_more_match(tenant, manager):
    for number in range(25):
        PartnerFactory(tenant=tenant, display_name=f"Partner {number:02d}")

    page = manager.get(url(tenant, "contract_partner_search") + "?partner_q=partner").content
    page = page.decode()

    assert page.count('data-testid="partner-option"') == 20
    assert 'data-testid="partner-more"' in page


def test_the_tier_list_follows_the_program(tenant, manager, setup):
    other_program = setup["other_tier"].program

    page = manager.get(
        url(tenant, "contract_tier_options") + f"?program={other_program.pk}"
    ).content.decode()

    assert "Reseller" in page
    assert "Registered" not in page
    assert 'id="tier-field"' in page


def test_the_tier_list_of_another_tenants_program_is_empty(tenant, manager):
    foreign = ProgramFactory(tenant=TenantFactory(slug="gamma"))
    TierFactory(program=foreign, name="Foreign tier")

    page = manager.get(
        url(tenant, "contract_tier_options") + f"?program={foreign.pk}"
    ).content.decode()

    assert "Foreign tier" not in page
    assert 'data-testid="tier-hint"' in page


# --- the partner page's Contracts tab --------------------------------------------------------


def test_the_partner_tab_lists_the_partners_contracts_and_links_a_prefilled_form(
    tenant, manager, setup
):
    partner = setup["partner"]
    PartnerContractFactory(partner=partner, tier=setup["tier"])
    PartnerContractFactory(partner=PartnerFactory(tenant=tenant), tier=setup["other_tier"])

    response = manager.get(
        url(tenant, "partner_contracts", partner_id=partner.pk), HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert page.count('data-testid="partner-contract-row"') == 1
    assert "Referral" in page
    assert f'href="{url(tenant, "contract_create")}?partner={partner.pk}"' in page
    assert "<html" not in page  # a fragment


def test_the_partner_page_has_a_contracts_tab(tenant, manager, setup):
    partner = setup["partner"]

    page = manager.get(
        reverse("partner_detail", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk})
    ).content.decode()

    assert 'id="tab-contracts"' in page
    assert url(tenant, "partner_contracts", partner_id=partner.pk) in page


def test_the_partner_tab_visited_directly_is_a_page_and_empty_says_so(tenant, viewer, setup):
    partner = setup["partner"]

    page = viewer.get(url(tenant, "partner_contracts", partner_id=partner.pk)).content.decode()

    assert "<html" in page
    assert 'data-testid="partner-contracts-empty"' in page
    assert 'data-testid="partner-new-contract"' not in page  # a viewer cannot create


# --- the contract page -----------------------------------------------------------------------


def test_a_contract_without_terms_says_so_and_links_the_program_page(tenant, manager, setup):
    contract = PartnerContractFactory(partner=setup["partner"], tier=setup["tier"])

    page = manager.get(url(tenant, "contract_detail", contract_id=contract.pk)).content.decode()

    assert 'data-testid="no-terms-version"' in page
    assert "No terms version yet" in page
    assert url(tenant, "program_detail", program_id=setup["program"].pk) + "#terms" in page
    assert ">None<" not in page


def test_a_draft_contract_offers_activation_behind_a_confirmation(tenant, manager, setup):
    manager.post(url(tenant, "contract_create"), body(setup))
    [contract] = contracts(tenant)

    detail = manager.get(url(tenant, "contract_detail", contract_id=contract.pk)).content.decode()
    confirm = manager.get(url(tenant, "contract_activate", contract_id=contract.pk))
    done = manager.post(url(tenant, "contract_activate", contract_id=contract.pk))

    assert url(tenant, "contract_activate", contract_id=contract.pk) in detail
    assert confirm.status_code == 200
    assert "Activate this contract?" in confirm.content.decode()
    assert done.status_code == 302
    assert contracts(tenant)[0].status == ContractStatus.ACTIVE


# --- terms versions on the program page ------------------------------------------------------


def terms_body(**overrides):
    values = {
        "title": "Partner terms 2027",
        "effective_from": timezone.localdate().isoformat(),
        "body": "1. The partner introduces customers.\n\n2. Fees are paid monthly.",
    }
    values.update(overrides)
    return values


def versions(tenant):
    with scopes_disabled():
        return list(ProgramTerms.objects.filter(tenant=tenant).order_by("number"))


def test_the_program_page_shows_an_empty_terms_section(tenant, manager, setup):
    page = manager.get(
        url(tenant, "program_detail", program_id=setup["program"].pk)
    ).content.decode()

    assert 'data-testid="terms-empty"' in page
    assert url(tenant, "terms_create", program_id=setup["program"].pk) in page
    assert f"{url(tenant, 'contract_create')}?program={setup['program'].pk}" in page


def test_adding_a_terms_version_lists_it_newest_first_with_its_contracts(tenant, manager, setup):
    program = setup["program"]
    old = ProgramTermsFactory(
        program=program, number=1, effective_from=datetime.date(2026, 4, 1), title="First terms"
    )
    PartnerContractFactory(partner=setup["partner"], tier=setup["tier"], terms=old)

    response = manager.post(url(tenant, "terms_create", program_id=program.pk), terms_body())

    assert response.status_code == 302
    assert response["Location"].endswith("#terms")
    [first, added] = versions(tenant)
    assert (added.number, added.title, added.effective_from) == (
        2,
        "Partner terms 2027",
        timezone.localdate(),
    )
    page = manager.get(url(tenant, "program_detail", program_id=program.pk)).content.decode()
    assert page.index("Partner terms 2027") < page.index("First terms")
    rows = page.split('data-testid="terms-row"')[1:]
    assert rows[1].split("</tr>")[0].rstrip().endswith('<td class="text-end">1</td>')
    assert rows[0].split("</tr>")[0].rstrip().endswith('<td class="text-end">0</td>')


def test_a_terms_version_dated_in_the_past_is_refused_under_the_date(tenant, manager, setup):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = manager.post(
        url(tenant, "terms_create", program_id=setup["program"].pk),
        terms_body(effective_from=yesterday.isoformat()),
    )

    assert response.status_code == 400
    assert field_errors(response, "effective_from") == ["The effective date cannot be in the past."]
    assert versions(tenant) == []


def test_a_second_terms_version_on_the_same_date_is_refused(tenant, manager, setup):
    create = url(tenant, "terms_create", program_id=setup["program"].pk)
    manager.post(create, terms_body())

    response = manager.post(create, terms_body(title="Again"))

    assert response.status_code == 400
    assert field_errors(response, "effective_from") == [
        "A version already takes effect on this date."
    ]
    assert [terms.title for terms in versions(tenant)] == ["Partner terms 2027"]


def test_a_terms_version_needs_a_title_and_a_text(tenant, manager, setup):
    response = manager.post(
        url(tenant, "terms_create", program_id=setup["program"].pk), terms_body(title="", body="")
    )

    assert response.status_code == 400
    assert field_errors(response, "title") == ["This field is required."]
    assert field_errors(response, "body") == ["This field is required."]
    assert versions(tenant) == []


def test_adding_terms_to_another_tenants_program_answers_404_and_adds_nothing(tenant, manager):
    foreign = ProgramFactory(tenant=TenantFactory(slug="gamma"))

    response = manager.post(url(tenant, "terms_create", program_id=foreign.pk), terms_body())

    assert response.status_code == 404
    with scopes_disabled():
        assert ProgramTerms.objects.count() == 0


def test_a_viewer_may_read_terms_but_not_add_them(tenant, viewer, setup):
    terms = ProgramTermsFactory(program=setup["program"], body="第1条 目的\n\n本規約は…")

    detail = viewer.get(
        url(tenant, "terms_detail", program_id=setup["program"].pk, terms_id=terms.pk)
    )
    add = viewer.post(url(tenant, "terms_create", program_id=setup["program"].pk), terms_body())

    assert detail.status_code == 200
    assert "<p>第1条 目的</p>" in detail.content.decode()
    assert "<textarea" not in detail.content.decode()  # read-only
    assert add.status_code == 403
    assert versions(tenant) == [terms]


def test_a_terms_version_of_another_program_answers_404(tenant, manager, setup):
    terms = ProgramTermsFactory(program=setup["other_tier"].program)

    response = manager.get(
        url(tenant, "terms_detail", program_id=setup["program"].pk, terms_id=terms.pk)
    )

    assert response.status_code == 404
