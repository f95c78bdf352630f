"""Target-account services: listing, editing, moving one or many (all or nothing), by-name
requests, willingness, and the suggested priority they feed."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from deals.models import ListWillingness, Milestone, TargetAccount, TargetAccountChange
from deals.services import targets as services
from deals.services.targets import suggested_priority
from partners.models import Partner
from tests.factories.deals import TargetAccountFactory
from tests.factories.partners import PartnerFactory, PartnerRepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(tenant, member_factory):
    return member_factory(tenant).user


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


@pytest.mark.parametrize(
    ("willingness", "open_accounts", "expected"),
    [
        (ListWillingness.WILLING, 20, "A"),
        (ListWillingness.UNKNOWN, 25, "A"),
        (ListWillingness.UNWILLING, 20, "A"),  # a list proves willingness
        (ListWillingness.WILLING, 19, "B"),
        (ListWillingness.WILLING, 1, "B"),
        (ListWillingness.UNWILLING, 1, "B"),
        (ListWillingness.WILLING, 0, "C"),
        (ListWillingness.UNKNOWN, 0, "C"),
        (ListWillingness.UNWILLING, 0, "D"),
    ],
)
def test_suggested_priority_rule(willingness, open_accounts, expected):
    assert suggested_priority(willingness=willingness, open_accounts=open_accounts) == expected


def test_create_lists_the_account_with_its_first_change_and_priority(
    tenant, actor, partner, in_tenant
):
    with in_tenant(tenant):
        rep = PartnerRepFactory(partner=partner)
        account = services.target_account_create(
            tenant=tenant,
            actor=actor,
            partner=partner,
            rep=rep,
            company_name="株式会社アクメ",
            corporate_number="",
            industry="",
            prefecture="13",
        )
        assert account.milestone == Milestone.LISTED
        assert account.company_name_key == "アクメ"
        change = TargetAccountChange.objects.get(target_account=account)
        assert (change.from_milestone, change.to_milestone) == ("", Milestone.LISTED)
        partner.refresh_from_db()
        assert partner.suggested_priority == "B"
        assert AuditEvent.objects.filter(action="target_account.created").count() == 1


@pytest.mark.parametrize("second", ["(株)アクメ", "ｱｸﾒ株式会社", "  アクメ  "])
def test_second_listing_of_the_same_company_is_refused_naming_the_field(
    tenant, actor, partner, in_tenant, second
):
    with in_tenant(tenant):
        services.target_account_create(
            tenant=tenant, actor=actor, partner=partner, company_name="株式会社アクメ"
        )
        with pytest.raises(ValidationError) as refused:
            services.target_account_create(
                tenant=tenant, actor=actor, partner=partner, company_name=second
            )
        assert "株式会社アクメ" in refused.value.message_dict["company_name"][0]
        assert TargetAccount.objects.filter(partner=partner).count() == 1


def test_another_partner_may_list_the_same_company(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        other = PartnerFactory(tenant=tenant)
        services.target_account_create(
            tenant=tenant, actor=actor, partner=partner, company_name="アクメ"
        )
        services.target_account_create(
            tenant=tenant, actor=actor, partner=other, company_name="アクメ"
        )
        assert TargetAccount.objects.count() == 2


def test_name_of_only_a_legal_form_is_refused(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as refused:
            services.target_account_create(
                tenant=tenant, actor=actor, partner=partner, company_name="株式会社"
            )
        assert "company_name" in refused.value.message_dict


def test_bad_corporate_number_names_the_field(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as refused:
            services.target_account_create(
                tenant=tenant,
                actor=actor,
                partner=partner,
                company_name="アクメ",
                corporate_number="123",
            )
        assert "corporate_number" in refused.value.message_dict
        assert not TargetAccount.objects.exists()


def test_rep_of_another_partner_is_refused(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        stranger = PartnerRepFactory(partner=PartnerFactory(tenant=tenant))
        with pytest.raises(ValidationError):
            services.target_account_create(
                tenant=tenant, actor=actor, partner=partner, rep=stranger, company_name="アクメ"
            )


def test_update_renaming_to_a_listed_company_is_refused(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        TargetAccountFactory(partner=partner, company_name="アクメ")
        other = TargetAccountFactory(partner=partner, company_name="ベータ")
        with pytest.raises(ValidationError) as refused:
            services.target_account_update(
                tenant=tenant,
                actor=actor,
                target_account=other,
                fields={"company_name": "アクメ㈱"},
            )
        assert "company_name" in refused.value.message_dict
        updated = services.target_account_update(
            tenant=tenant, actor=actor, target_account=other, fields={"contact_name": "山田"}
        )
        assert updated.contact_name == "山田"


def test_bulk_request_moves_every_listed_account(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        accounts = [TargetAccountFactory(partner=partner) for _ in range(3)]
        services.target_accounts_request(
            tenant=tenant, actor=actor, account_ids=[a.pk for a in accounts]
        )
        assert set(
            TargetAccount.objects.filter(partner=partner).values_list("milestone", flat=True)
        ) == {Milestone.REQUESTED}
        assert TargetAccountChange.objects.filter(to_milestone=Milestone.REQUESTED).count() == 3
        assert AuditEvent.objects.filter(action="target_account.requested").count() == 1


def test_bulk_request_is_all_or_nothing_and_names_each_refusal(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        good = TargetAccountFactory(partner=partner, company_name="良い会社")
        bad = TargetAccountFactory(
            partner=partner, company_name="進んだ会社", milestone=Milestone.AGREED
        )
        worse = TargetAccountFactory(
            partner=partner, company_name="終わった会社", milestone=Milestone.CONVERTED
        )
        with pytest.raises(ValidationError) as refused:
            services.target_accounts_request(
                tenant=tenant, actor=actor, account_ids=[good.pk, bad.pk, worse.pk]
            )
        messages = " ".join(refused.value.messages)
        assert "進んだ会社" in messages and "終わった会社" in messages
        assert "良い会社" not in messages
        good.refresh_from_db()
        assert good.milestone == Milestone.LISTED
        assert not TargetAccountChange.objects.exists()


def test_a_second_identical_request_creates_no_second_move(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        account = TargetAccountFactory(partner=partner)
        services.target_accounts_request(tenant=tenant, actor=actor, account_ids=[account.pk])
        with pytest.raises(ValidationError):
            services.target_accounts_request(tenant=tenant, actor=actor, account_ids=[account.pk])
        assert TargetAccountChange.objects.filter(target_account=account).count() == 1


def test_move_with_partner_never_touches_another_partners_account(
    tenant, actor, partner, in_tenant
):
    with in_tenant(tenant):
        foreign = TargetAccountFactory(partner=PartnerFactory(tenant=tenant))
        with pytest.raises(ValidationError):
            services.target_accounts_move(
                tenant=tenant,
                actor=actor,
                account_ids=[foreign.pk],
                to_milestone=Milestone.DROPPED,
                drop_reason="x",
                partner=partner,
            )
        foreign.refresh_from_db()
        assert foreign.milestone == Milestone.LISTED


def test_drop_and_reopen_recompute_the_priority(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        services.target_list_willingness_set(
            tenant=tenant, actor=actor, partner=partner, willingness=ListWillingness.UNWILLING
        )
        assert Partner.objects.get(pk=partner.pk).suggested_priority == "D"
        account = services.target_account_create(
            tenant=tenant, actor=actor, partner=partner, company_name="アクメ"
        )
        assert Partner.objects.get(pk=partner.pk).suggested_priority == "B"
        with pytest.raises(ValidationError) as refused:
            services.target_accounts_move(
                tenant=tenant, actor=actor, account_ids=[account.pk], to_milestone="dropped"
            )
        assert "drop_reason" in refused.value.message_dict
        services.target_accounts_move(
            tenant=tenant,
            actor=actor,
            account_ids=[account.pk],
            to_milestone=Milestone.DROPPED,
            drop_reason="予算なし",
        )
        assert Partner.objects.get(pk=partner.pk).suggested_priority == "D"
        services.target_accounts_move(
            tenant=tenant, actor=actor, account_ids=[account.pk], to_milestone=Milestone.LISTED
        )
        assert Partner.objects.get(pk=partner.pk).suggested_priority == "B"


def test_twenty_open_accounts_make_priority_a(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        for _n in range(19):
            TargetAccountFactory(partner=partner)
        services.target_account_create(
            tenant=tenant, actor=actor, partner=partner, company_name="二十番目"
        )
        assert Partner.objects.get(pk=partner.pk).suggested_priority == "A"


def test_unchanged_willingness_or_priority_writes_no_audit(tenant, actor, partner, in_tenant):
    with in_tenant(tenant):
        for _ in range(2):
            services.target_list_willingness_set(
                tenant=tenant, actor=actor, partner=partner, willingness=ListWillingness.WILLING
            )
        assert AuditEvent.objects.filter(action="target_list.willingness_set").count() == 1
        assert AuditEvent.objects.filter(action="partner.suggested_priority_set").count() == 1
        with pytest.raises(ValidationError):
            services.target_list_willingness_set(
                tenant=tenant, actor=actor, partner=partner, willingness="maybe"
            )
