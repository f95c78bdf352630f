"""Directory services: partners, status changes, reps, partner types (tenant checks, audit)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from stdnum.jp import cn

from accounts.models import AuditEvent
from accounts.roles import Role
from partners.choices import PartnerStatus
from partners.models import Partner, PartnerRep, PartnerStatusChange, PartnerType
from partners.services import directory as services
from partners.validators import search_key
from tests.factories.partners import PartnerFactory, PartnerRepFactory, PartnerTypeFactory


def valid_cn(base: str) -> str:
    return cn.calc_check_digit(base) + base


NUMBER = valid_cn("123456789012")


def test_valid_cn_helper_gives_numbers_the_validator_accepts():
    assert cn.is_valid(NUMBER)
    assert not cn.is_valid(("1" if NUMBER[0] != "1" else "2") + NUMBER[1:])


def test_partner_create_keeps_search_text_history_and_audit(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        partner = services.partner_create(
            tenant=tenant,
            actor=admin_member.user,
            legal_name="株式会社ＡＢＣ商事",
            legal_name_kana="エービーシーショウジ",
            display_name="ABC",
            corporate_number=NUMBER,
            owner=admin_member,
        )
        assert partner.search_text == search_key(
            "株式会社ＡＢＣ商事", "エービーシーショウジ", "ABC", NUMBER
        )
        assert "abc商事" in partner.search_text
        history = list(PartnerStatusChange.objects.filter(partner=partner))
        assert [h.status for h in history] == [PartnerStatus.PROSPECT]
        assert AuditEvent.objects.filter(action="partner.created", object_id=str(partner.pk))


def test_partner_create_rejects_a_bad_corporate_number_by_field(tenant, admin_member, in_tenant):
    bad = ("1" if NUMBER[0] != "1" else "2") + NUMBER[1:]
    with in_tenant(tenant), pytest.raises(ValidationError) as raised:
        services.partner_create(
            tenant=tenant, actor=admin_member.user, legal_name="X", corporate_number=bad
        )
    assert "corporate_number" in raised.value.message_dict


def test_partner_create_rejects_a_duplicate_corporate_number(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        services.partner_create(
            tenant=tenant, actor=admin_member.user, legal_name="A", corporate_number=NUMBER
        )
        with pytest.raises(ValidationError) as raised:
            services.partner_create(
                tenant=tenant, actor=admin_member.user, legal_name="B", corporate_number=NUMBER
            )
        assert "corporate_number" in raised.value.message_dict
        assert Partner.objects.filter(tenant=tenant).count() == 1


def test_partner_type_and_owner_of_another_tenant_are_refused(
    tenant, other_tenant, admin_member, member_factory, unscoped
):
    foreign_type = PartnerTypeFactory(tenant=other_tenant)
    foreign_owner = member_factory(other_tenant, Role.PARTNER_MANAGER)
    viewer = member_factory(tenant, Role.VIEWER)
    with unscoped():
        for fields, name in (
            ({"partner_type": foreign_type}, "partner_type"),
            ({"owner": foreign_owner}, "owner"),
            ({"owner": viewer}, "owner"),
        ):
            with pytest.raises(ValidationError) as raised:
                services.partner_create(
                    tenant=tenant, actor=admin_member.user, legal_name="X", **fields
                )
            assert name in raised.value.message_dict
        assert not Partner.objects.filter(tenant=tenant).exists()


def test_partner_update_audits_bank_changes_without_the_values(tenant, finance_member, in_tenant):
    partner = PartnerFactory(tenant=tenant)
    with in_tenant(tenant):
        services.partner_update(
            tenant=tenant,
            actor=finance_member.user,
            partner=partner,
            fields={"bank_code": "0001", "account_number": "1234567", "display_name": "New"},
        )
        partner.refresh_from_db()
        assert partner.bank_code == "0001"
        assert partner.search_text == search_key(
            partner.legal_name, partner.legal_name_kana, "New", partner.corporate_number
        )
        bank = AuditEvent.objects.get(action="partner.bank_changed")
        assert set(bank.changes) == {"bank_code", "account_number"}
        assert "1234567" not in str(bank.changes)
        assert AuditEvent.objects.get(action="partner.updated").changes["display_name"][1] == "New"


def test_partner_update_with_no_change_writes_no_audit(tenant, admin_member, in_tenant):
    partner = PartnerFactory(tenant=tenant, display_name="Same")
    with in_tenant(tenant):
        services.partner_update(
            tenant=tenant, actor=admin_member.user, partner=partner, fields={"display_name": "Same"}
        )
        assert not AuditEvent.objects.filter(action__startswith="partner.").exists()


def test_status_change_records_history_and_since(tenant, admin_member, in_tenant):
    partner = PartnerFactory(tenant=tenant)
    day = timezone.localdate() - datetime.timedelta(days=3)
    with in_tenant(tenant):
        services.partner_status_change(
            tenant=tenant,
            actor=admin_member.user,
            partner=partner,
            status=PartnerStatus.ONBOARDING,
            changed_on=day,
        )
        partner.refresh_from_db()
        assert (partner.status, partner.status_since) == (PartnerStatus.ONBOARDING, day)
        change = PartnerStatusChange.objects.get(partner=partner)
        assert (change.status, change.changed_by) == (PartnerStatus.ONBOARDING, admin_member.user)
        assert AuditEvent.objects.get(action="partner.status_changed").changes["status"] == [
            "prospect",
            "onboarding",
        ]
        with pytest.raises(ValidationError):
            services.partner_status_change(
                tenant=tenant,
                actor=admin_member.user,
                partner=partner,
                status=PartnerStatus.ONBOARDING,
            )
        with pytest.raises(ValidationError):
            services.partner_status_change(
                tenant=tenant,
                actor=admin_member.user,
                partner=partner,
                status=PartnerStatus.ACTIVE,
                changed_on=timezone.localdate() + datetime.timedelta(days=1),
            )


def test_rep_create_update_leave(tenant, admin_member, in_tenant):
    partner = PartnerFactory(tenant=tenant)
    with in_tenant(tenant):
        rep = services.rep_create(
            tenant=tenant,
            actor=admin_member.user,
            partner=partner,
            full_name="山田 太郎",
            email="yamada@example.test",
        )
        with pytest.raises(ValidationError) as raised:
            services.rep_create(
                tenant=tenant,
                actor=admin_member.user,
                partner=partner,
                full_name="Copy",
                email="yamada@example.test",
            )
        assert "email" in raised.value.message_dict
        services.rep_update(
            tenant=tenant, actor=admin_member.user, rep=rep, fields={"title": "部長"}
        )
        rep = services.rep_leave(tenant=tenant, actor=admin_member.user, rep=rep)
        assert (rep.is_active, rep.is_reachable, rep.left_on) == (
            False,
            False,
            timezone.localdate(),
        )
        with pytest.raises(ValidationError):
            services.rep_leave(tenant=tenant, actor=admin_member.user, rep=rep)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"partner_rep.created", "partner_rep.updated", "partner_rep.left"} <= actions


def test_rep_for_a_partner_of_another_tenant_is_refused(
    tenant, other_tenant, admin_member, unscoped
):
    foreign = PartnerFactory(tenant=other_tenant)
    with unscoped():
        with pytest.raises(ValidationError):
            services.rep_create(
                tenant=tenant, actor=admin_member.user, partner=foreign, full_name="X"
            )
        assert not PartnerRep.objects.exists()


def test_partner_type_create_rename_delete(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        distributor = services.partner_type_create(
            tenant=tenant, actor=admin_member.user, name="Distributor"
        )
        with pytest.raises(ValidationError):
            services.partner_type_create(tenant=tenant, actor=admin_member.user, name="distributor")
        with pytest.raises(ValidationError):
            services.partner_type_create(tenant=tenant, actor=admin_member.user, name="  ")
        services.partner_type_rename(
            tenant=tenant, actor=admin_member.user, partner_type=distributor, name="Reseller"
        )
        distributor.refresh_from_db()
        assert distributor.name == "Reseller"
        PartnerFactory(tenant=tenant, partner_type=distributor)
        with pytest.raises(ValidationError) as raised:
            services.partner_type_delete(
                tenant=tenant, actor=admin_member.user, partner_type=distributor
            )
        assert "Reseller" in raised.value.messages[0]
        assert PartnerType.objects.filter(pk=distributor.pk).exists()
        unused = services.partner_type_create(tenant=tenant, actor=admin_member.user, name="Bank")
        services.partner_type_delete(tenant=tenant, actor=admin_member.user, partner_type=unused)
        assert not PartnerType.objects.filter(pk=unused.pk).exists()
        assert AuditEvent.objects.filter(action="partner_type.deleted").count() == 1


def test_rep_counts(tenant, in_tenant, member_factory):
    from partners.selectors.directory import rep_counts

    partner = PartnerFactory(tenant=tenant)
    PartnerRepFactory(partner=partner)
    PartnerRepFactory(partner=partner, is_reachable=False)
    PartnerRepFactory(partner=partner, is_active=False)
    login = member_factory(tenant, Role.PARTNER_REP)
    PartnerRepFactory(partner=partner, membership=login)
    with in_tenant(tenant):
        counts = rep_counts(tenant=tenant, partner=partner)
    assert (counts.total, counts.reachable, counts.with_login) == (3, 2, 1)


def test_address_reads_as_written_in_japan_in_either_language():
    partner = Partner(
        postal_code="100-0001",
        prefecture="13",
        city="千代田区",
        street_address="千代田1-1",
        building="丸の内ビル5F",
    )

    with translation.override("en"):
        assert partner.address_lines == ["〒100-0001", "東京都千代田区千代田1-1", "丸の内ビル5F"]
    assert Partner(city="札幌市").address_lines == ["札幌市"]
    assert Partner().address_lines == []
