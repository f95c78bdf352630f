"""Registration, conflicts, review, extensions and expiry (deals/services/registrations.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditEvent, OutgoingEmail
from deals.models import (
    Deal,
    DealEvent,
    DealEventKind,
    DealStageChange,
    ExtensionStatus,
    Milestone,
    RegistrationStatus,
    StageCode,
)
from deals.services import registrations as services
from deals.services.conflicts import keys_of, matches_for_keys
from tests.deals.conftest import make_seller
from tests.factories.deals import DealFactory, TargetAccountFactory

BASE = {
    "customer_name": "株式会社アクメ",
    "corporate_number": "",
    "web_domain": "https://www.acme.co.jp/",
    "contact_name": "山田太郎",
    "contact_email": "yamada@acme.co.jp",
    "product": "Enterprise plan",
    "amount_one_time": Decimal("1200000"),
    "amount_monthly": Decimal("0"),
    "expected_close_on": datetime.date(2027, 3, 31),
    "notes": "",
}


def register(tenant, in_tenant, seller, **changes):
    fields = {**BASE, "program": seller.program, **changes}
    with in_tenant(tenant):
        return services.deal_register(
            tenant=tenant, actor=seller.rep_member.user, partner=seller.partner, **fields
        )


def test_a_registration_starts_pending_in_registered_with_history(tenant, in_tenant, seller):
    deal = register(tenant, in_tenant, seller)

    with in_tenant(tenant):
        deal = Deal.objects.select_related("stage").get(pk=deal.pk)
        assert deal.registration_status == RegistrationStatus.PENDING
        assert deal.stage.code == StageCode.REGISTERED
        assert deal.partner == seller.partner and deal.rep == seller.rep
        assert deal.owner == seller.partner.owner
        assert deal.currency == tenant.base_currency
        assert deal.customer_name_key == "アクメ"
        assert deal.web_domain == "acme.co.jp" and deal.contact_email_domain == "acme.co.jp"
        change = DealStageChange.objects.get(deal=deal)
        assert change.from_stage is None and change.to_stage == deal.stage
        assert list(DealEvent.objects.filter(deal=deal).values_list("kind", flat=True)) == [
            DealEventKind.REGISTERED
        ]
        assert AuditEvent.objects.filter(action="deal.registered", object_id=str(deal.pk)).exists()


def test_refused_until_the_partner_accepted_the_programs_terms(tenant, in_tenant, member_factory):
    unaccepted = make_seller(tenant, member_factory, accepted=False)

    with pytest.raises(ValidationError) as failure:
        register(tenant, in_tenant, unaccepted)

    assert "terms" in failure.value.message_dict["program"][0]
    with scopes_disabled():
        assert not Deal.objects.filter(partner=unaccepted.partner).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_one_time": Decimal(0), "amount_monthly": Decimal(0)}, "amount_one_time"),
        ({"amount_one_time": Decimal(-1)}, "amount_one_time"),
        ({"amount_monthly": Decimal(-5)}, "amount_monthly"),
        ({"customer_name": ""}, "customer_name"),
        ({"customer_name": "株式会社"}, "customer_name"),
        ({"corporate_number": "123"}, "corporate_number"),
        ({"program": None}, "program"),
    ],
)
def test_bad_input_names_the_field(tenant, in_tenant, seller, changes, field):
    with pytest.raises(ValidationError) as failure:
        register(tenant, in_tenant, seller, **changes)
    assert field in failure.value.message_dict


def test_a_program_without_a_contract_is_refused(tenant, in_tenant, seller, member_factory):
    other = make_seller(tenant, member_factory)
    with pytest.raises(ValidationError) as failure:
        register(tenant, in_tenant, seller, program=other.program)
    assert "program" in failure.value.message_dict


def test_amounts_are_quantized_to_the_currency(tenant, in_tenant, seller):
    deal = register(tenant, in_tenant, seller, amount_one_time=Decimal("1000.4"))
    assert deal.amount_one_time == Decimal("1000")


def test_from_a_target_account_the_account_converts(tenant, in_tenant, seller):
    account = TargetAccountFactory(partner=seller.partner, company_name="株式会社ターゲット")
    deal = register(tenant, in_tenant, seller, target_account=account, customer_name="")

    account.refresh_from_db()
    assert account.milestone == Milestone.CONVERTED
    assert deal.customer_name == "株式会社ターゲット"
    with pytest.raises(ValidationError) as failure:
        register(tenant, in_tenant, seller, target_account=account)
    assert "target_account" in failure.value.message_dict


def test_another_partners_target_account_is_refused(tenant, in_tenant, seller, rival):
    account = TargetAccountFactory(partner=rival.partner)
    with pytest.raises(ValidationError) as failure:
        register(tenant, in_tenant, seller, target_account=account)
    assert "target_account" in failure.value.message_dict
    account.refresh_from_db()
    assert account.milestone == Milestone.LISTED


# --- Review -----------------------------------------------------------------------------------


def test_approve_protects_moves_the_stage_and_tells_the_rep(
    tenant, in_tenant, seller, admin_member
):
    deal = register(tenant, in_tenant, seller)
    with in_tenant(tenant):
        services.deal_approve(tenant=tenant, actor=admin_member.user, deal=deal)
        deal = Deal.objects.select_related("stage").get(pk=deal.pk)
        assert deal.registration_status == RegistrationStatus.APPROVED
        assert deal.protected_until == timezone.localdate() + datetime.timedelta(days=90)
        assert deal.stage.code == StageCode.APPROVED
        assert DealStageChange.objects.filter(deal=deal).count() == 2
        assert DealEvent.objects.filter(deal=deal, kind=DealEventKind.APPROVED).exists()
        assert AuditEvent.objects.filter(action="deal.approved", object_id=str(deal.pk)).exists()
        email = OutgoingEmail.objects.get(purpose="deal_approved")
    assert email.to == seller.rep_member.user.email
    assert "アクメ" in email.subject


def test_a_second_decision_is_refused(tenant, in_tenant, seller, admin_member):
    deal = register(tenant, in_tenant, seller)
    with in_tenant(tenant):
        services.deal_approve(tenant=tenant, actor=admin_member.user, deal=deal)
        with pytest.raises(ValidationError):
            services.deal_approve(tenant=tenant, actor=admin_member.user, deal=deal)
        with pytest.raises(ValidationError):
            services.deal_reject(tenant=tenant, actor=admin_member.user, deal=deal, reason="x")
        assert DealEvent.objects.filter(deal=deal, kind=DealEventKind.APPROVED).count() == 1
        assert OutgoingEmail.objects.filter(purpose__startswith="deal_").count() == 1


def test_reject_needs_a_reason(tenant, in_tenant, seller, admin_member):
    deal = register(tenant, in_tenant, seller)
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as failure:
            services.deal_reject(tenant=tenant, actor=admin_member.user, deal=deal, reason=" ")
        assert "reason" in failure.value.message_dict
        services.deal_reject(tenant=tenant, actor=admin_member.user, deal=deal, reason="No fit")
        deal.refresh_from_db()
    assert deal.registration_status == RegistrationStatus.REJECTED
    assert deal.review_reason == "No fit"


def test_mark_duplicate_of_another_deal_only(
    tenant, other_tenant, in_tenant, seller, rival, admin_member
):
    original = register(tenant, in_tenant, rival)
    deal = register(tenant, in_tenant, seller)
    foreign = DealFactory(partner=make_foreign_partner(other_tenant))
    with in_tenant(tenant):
        for bad in (deal.pk, foreign.pk, "x", None):
            with pytest.raises(ValidationError) as failure:
                services.deal_mark_duplicate(
                    tenant=tenant, actor=admin_member.user, deal=deal, original_id=bad
                )
            assert "duplicate_of" in failure.value.message_dict
        services.deal_mark_duplicate(
            tenant=tenant, actor=admin_member.user, deal=deal, original_id=original.pk
        )
        deal.refresh_from_db()
    assert deal.registration_status == RegistrationStatus.DUPLICATE
    assert deal.duplicate_of_id == original.pk


def make_foreign_partner(other_tenant):
    from tests.factories.partners import PartnerFactory

    return PartnerFactory(tenant=other_tenant)


# --- Extensions and expiry --------------------------------------------------------------------


def approved(tenant, in_tenant, seller, admin_member):
    deal = register(tenant, in_tenant, seller)
    with in_tenant(tenant):
        return services.deal_approve(tenant=tenant, actor=admin_member.user, deal=deal)


def test_extension_request_and_approval(tenant, in_tenant, seller, admin_member):
    deal = approved(tenant, in_tenant, seller, admin_member)
    later = deal.protected_until + datetime.timedelta(days=30)
    with in_tenant(tenant):
        user = seller.rep_member.user
        for bad_date in (deal.protected_until, None):
            with pytest.raises(ValidationError) as failure:
                services.extension_request(
                    tenant=tenant,
                    actor=user,
                    partner=seller.partner,
                    deal=deal,
                    requested_until=bad_date,
                    reason="Board meets later",
                )
            assert "requested_until" in failure.value.message_dict
        extension = services.extension_request(
            tenant=tenant,
            actor=user,
            partner=seller.partner,
            deal=deal,
            requested_until=later,
            reason="Board meets later",
        )
        with pytest.raises(ValidationError):  # one pending request at a time
            services.extension_request(
                tenant=tenant,
                actor=user,
                partner=seller.partner,
                deal=deal,
                requested_until=later,
                reason="again",
            )
        services.extension_decide(
            tenant=tenant, actor=admin_member.user, extension=extension, approve=True
        )
        deal.refresh_from_db()
        extension.refresh_from_db()
        assert OutgoingEmail.objects.filter(purpose="deal_extension_approved").count() == 1
    assert deal.protected_until == later
    assert extension.status == ExtensionStatus.APPROVED


def test_extension_refusal_needs_a_note_and_keeps_the_date(tenant, in_tenant, seller, admin_member):
    deal = approved(tenant, in_tenant, seller, admin_member)
    until = deal.protected_until
    with in_tenant(tenant):
        extension = services.extension_request(
            tenant=tenant,
            actor=seller.rep_member.user,
            partner=seller.partner,
            deal=deal,
            requested_until=until + datetime.timedelta(days=10),
            reason="r",
        )
        with pytest.raises(ValidationError):
            services.extension_decide(
                tenant=tenant, actor=admin_member.user, extension=extension, approve=False
            )
        services.extension_decide(
            tenant=tenant, actor=admin_member.user, extension=extension, approve=False, note="No"
        )
        deal.refresh_from_db()
    assert deal.protected_until == until


def test_extension_of_a_pending_or_another_partners_deal_is_refused(
    tenant, in_tenant, seller, rival
):
    deal = register(tenant, in_tenant, seller)
    with in_tenant(tenant):
        for partner in (seller.partner, rival.partner):
            with pytest.raises(ValidationError):
                services.extension_request(
                    tenant=tenant,
                    actor=seller.rep_member.user,
                    partner=partner,
                    deal=deal,
                    requested_until=datetime.date(2031, 1, 1),
                    reason="r",
                )


def test_expiry_is_idempotent_and_releases_the_customer(tenant, in_tenant, seller, admin_member):
    deal = approved(tenant, in_tenant, seller, admin_member)
    day_after = deal.protected_until + datetime.timedelta(days=1)
    with in_tenant(tenant):
        assert services.protections_expire(tenant=tenant, today=deal.protected_until) == 0
        assert services.protections_expire(tenant=tenant, today=day_after) == 1
        assert services.protections_expire(tenant=tenant, today=day_after) == 0
        deal.refresh_from_db()
        assert deal.registration_status == RegistrationStatus.EXPIRED
        assert (
            DealEvent.objects.filter(deal=deal, kind=DealEventKind.PROTECTION_EXPIRED).count() == 1
        )
        assert OutgoingEmail.objects.filter(purpose="deal_expired").count() == 1
        keys = keys_of(customer_name=deal.customer_name)
        assert matches_for_keys(tenant=tenant, keys=keys) == []


def test_the_daily_task_runs_per_tenant(tenant, in_tenant, seller, admin_member):
    from deals.tasks.registrations import protections_expire_task

    deal = approved(tenant, in_tenant, seller, admin_member)
    with in_tenant(tenant):
        Deal.objects.filter(pk=deal.pk).update(protected_until=datetime.date(2020, 1, 1))
    assert protections_expire_task.delay(tenant_id=tenant.pk).get() == 1
    with in_tenant(tenant):
        deal.refresh_from_db()
    assert deal.registration_status == RegistrationStatus.EXPIRED


def test_emails_go_in_the_reps_language(tenant, in_tenant, seller, admin_member):
    user = seller.rep_member.user
    user.language = "ja"
    user.save(update_fields=["language"])
    deal = register(tenant, in_tenant, seller)
    with in_tenant(tenant):
        services.deal_reject(tenant=tenant, actor=admin_member.user, deal=deal, reason="対象外")
        email = OutgoingEmail.objects.get(purpose="deal_rejected")
    assert "却下" in email.subject
