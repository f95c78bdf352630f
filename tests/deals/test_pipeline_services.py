"""The pipeline's writes: who moves a deal, illegal moves, amounts after winning, churn,
attribution, direct deals and the stage settings."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from deals import signals
from deals.models import (
    DealEvent,
    DealEventKind,
    DealStage,
    RegistrationStatus,
    StageCode,
    StageKind,
)
from deals.services import pipeline as services
from deals.services import stage_settings
from programs.models import ContractKind, PartnerRole
from tests.factories.deals import DealFactory, stage_of
from tests.factories.partners import PartnerFactory
from tests.factories.programs import ProgramFactory, built_in_contract_type

pytestmark = pytest.mark.django_db


def _program(tenant, code, role=PartnerRole.INTRODUCES):
    return ProgramFactory(
        tenant=tenant, contract_type=built_in_contract_type(tenant, code), partner_role=role
    )


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


def _approved(tenant, partner, code=ContractKind.REFERRAL, **fields):
    return DealFactory(
        partner=partner,
        program=_program(tenant, code),
        registration_status=RegistrationStatus.APPROVED,
        stage=stage_of(tenant, StageCode.APPROVED),
        **fields,
    )


@pytest.mark.parametrize(
    ("code", "role", "movers"),
    [
        (ContractKind.REFERRAL, PartnerRole.CLOSES, {"vendor"}),
        (ContractKind.RESELLER, PartnerRole.INTRODUCES, {"partner"}),
        (ContractKind.AGENCY, PartnerRole.INTRODUCES, {"vendor", "partner"}),
        (ContractKind.OEM, PartnerRole.INTRODUCES, {"vendor"}),
        (ContractKind.ALLIANCE, PartnerRole.SETS_MEETING, {"vendor", "partner"}),
        (ContractKind.BPO, PartnerRole.CLOSES, {"partner"}),
        (ContractKind.OEM, PartnerRole.CLOSES_AND_SUCCESS, {"partner"}),
    ],
)
def test_who_moves_a_deal_follows_the_program(tenant, partner, code, role, movers):
    deal = DealFactory(partner=partner, program=_program(tenant, code, role))
    assert services.deal_movers(deal) == movers


def test_a_direct_deal_and_a_deal_without_program_are_the_vendors(tenant, partner):
    direct = DealFactory(tenant=tenant, partner=None, registration_status=RegistrationStatus.DIRECT)
    assert services.deal_movers(direct) == {"vendor"}
    assert services.deal_movers(DealFactory(partner=partner, program=None)) == {"vendor"}


@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.PENDING,
        RegistrationStatus.REJECTED,
        RegistrationStatus.DUPLICATE,
        RegistrationStatus.EXPIRED,
    ],
)
def test_a_registration_that_is_not_approved_does_not_move(tenant, in_tenant, partner, status):
    deal = DealFactory(
        partner=partner, program=_program(tenant, ContractKind.REFERRAL), registration_status=status
    )
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.deal_move(
            tenant=tenant, actor=None, deal=deal, stage=stage_of(tenant, "won"), by="vendor"
        )
    assert error.value.messages  # the reason, said plainly
    deal.refresh_from_db()
    assert deal.stage.code == StageCode.REGISTERED


def test_staff_move_a_referral_deal_the_partner_may_not(tenant, in_tenant, partner):
    deal = _approved(tenant, partner)
    with in_tenant(tenant):
        with pytest.raises(ValidationError, match="vendor moves"):
            services.deal_move(
                tenant=tenant,
                actor=None,
                deal=deal,
                stage=stage_of(tenant, StageCode.MEETING_SET),
                by="partner",
                partner=partner,
            )
        services.deal_move(
            tenant=tenant,
            actor=None,
            deal=deal,
            stage=stage_of(tenant, StageCode.MEETING_SET),
            by="vendor",
        )
        assert AuditEvent.objects.filter(tenant=tenant, action="deal.moved").count() == 1
    deal.refresh_from_db()
    assert deal.stage.code == StageCode.MEETING_SET


def test_a_reseller_moves_its_own_deal_not_another_partners(tenant, in_tenant, partner):
    deal = _approved(tenant, partner, ContractKind.RESELLER)
    other = PartnerFactory(tenant=tenant)
    with in_tenant(tenant):
        with pytest.raises(ValidationError, match="another partner"):
            services.deal_move(
                tenant=tenant,
                actor=None,
                deal=deal,
                stage=stage_of(tenant, StageCode.WON),
                by="partner",
                partner=other,
            )
        with pytest.raises(ValidationError, match="portal"):
            services.deal_move(
                tenant=tenant, actor=None, deal=deal, stage=stage_of(tenant, "won"), by="vendor"
            )
        services.deal_move(
            tenant=tenant,
            actor=None,
            deal=deal,
            stage=stage_of(tenant, StageCode.WON),
            by="partner",
            partner=partner,
        )
    deal.refresh_from_db()
    assert deal.won_on == timezone.localdate()


def test_review_stages_are_not_pipeline_moves(tenant, in_tenant, partner):
    deal = _approved(tenant, partner)
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.deal_move(
            tenant=tenant,
            actor=None,
            deal=deal,
            stage=stage_of(tenant, StageCode.REGISTERED),
            by="vendor",
        )
    assert "stage" in error.value.message_dict


def test_an_amount_change_after_winning_is_a_history_line_and_a_signal(
    tenant, in_tenant, partner, django_capture_on_commit_callbacks
):
    deal = _approved(tenant, partner, won_on=datetime.date(2026, 10, 1))
    got = []

    def receiver(sender, **kwargs):
        got.append(kwargs)

    signals.deal_amount_changed.connect(receiver, weak=False, dispatch_uid="test-amount")
    try:
        with in_tenant(tenant), django_capture_on_commit_callbacks(execute=True):
            event = services.deal_amount_change(
                tenant=tenant,
                actor=None,
                deal=deal,
                amount_one_time="1200000",
                amount_monthly="0",
                reason="Two more licences",
            )
    finally:
        signals.deal_amount_changed.disconnect(dispatch_uid="test-amount")
    deal.refresh_from_db()
    assert deal.amount_one_time == Decimal("1200000")
    assert event.kind == DealEventKind.AMOUNT_CHANGED
    assert Decimal(event.data["old_one_time"]) == Decimal("1000000")
    assert got and got[0]["change_id"] == event.pk and got[0]["new_one_time"] == Decimal("1200000")


def test_an_amount_change_before_winning_or_without_reason_is_refused(tenant, in_tenant, partner):
    open_deal = _approved(tenant, partner)
    won = _approved(tenant, partner, won_on=datetime.date(2026, 10, 1))
    with in_tenant(tenant):
        with pytest.raises(ValidationError, match="won"):
            services.deal_amount_change(
                tenant=tenant,
                actor=None,
                deal=open_deal,
                amount_one_time=5,
                amount_monthly=0,
                reason="x",
            )
        with pytest.raises(ValidationError) as error:
            services.deal_amount_change(
                tenant=tenant, actor=None, deal=won, amount_one_time=5, amount_monthly=0, reason=" "
            )
        assert "reason" in error.value.message_dict
        assert not DealEvent.objects.filter(deal__in=[open_deal, won]).exists()


def test_churn_once_after_winning(tenant, in_tenant, partner):
    won = _approved(tenant, partner, won_on=datetime.date(2026, 10, 1))
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as error:
            services.deal_churn(
                tenant=tenant, actor=None, deal=won, churned_on=datetime.date(2026, 9, 1)
            )
        assert "churned_on" in error.value.message_dict
        services.deal_churn(
            tenant=tenant, actor=None, deal=won, churned_on=datetime.date(2026, 11, 1)
        )
        with pytest.raises(ValidationError, match="already"):
            services.deal_churn(
                tenant=tenant, actor=None, deal=won, churned_on=datetime.date(2026, 11, 2)
            )
        assert DealEvent.objects.filter(deal=won, kind=DealEventKind.CHURNED).count() == 1


def test_attribution_names_another_partner_of_the_tenant_with_a_role(
    tenant, other_tenant, in_tenant, partner
):
    deal = _approved(tenant, partner)
    agency = PartnerFactory(tenant=tenant)
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as error:
            services.deal_attribution_set(
                tenant=tenant,
                actor=None,
                deal=deal,
                second_partner=partner,
                second_partner_role="sets_meeting",
            )
        assert "second_partner" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.deal_attribution_set(
                tenant=tenant, actor=None, deal=deal, second_partner=agency
            )
        assert "second_partner_role" in error.value.message_dict
        services.deal_attribution_set(
            tenant=tenant,
            actor=None,
            deal=deal,
            second_partner=agency,
            second_partner_role="sets_meeting",
        )
    with in_tenant(other_tenant), pytest.raises(ValidationError):
        services.deal_attribution_set(
            tenant=other_tenant, actor=None, deal=deal, second_partner=None
        )
    deal.refresh_from_db()
    assert deal.second_partner == agency and deal.second_partner_role == "sets_meeting"


def test_a_direct_deal_is_entered_with_its_keys_and_first_history_line(tenant, in_tenant):
    with in_tenant(tenant):
        deal = services.direct_deal_create(
            tenant=tenant,
            actor=None,
            customer_name="株式会社アクメ",
            web_domain="https://www.acme.example.jp/",
            contact_email="taro@acme.example.jp",
            amount_one_time="500000",
        )
        assert deal.registration_status == RegistrationStatus.DIRECT and deal.partner is None
        assert deal.customer_name_key == "アクメ" and deal.web_domain == "acme.example.jp"
        assert deal.contact_email_domain == "acme.example.jp"
        assert deal.stage.code == StageCode.APPROVED
        assert deal.stage_changes.count() == 1
        with pytest.raises(ValidationError) as error:
            services.direct_deal_create(tenant=tenant, actor=None, customer_name="Nothing")
        assert "amount_one_time" in error.value.message_dict
        won = services.direct_deal_create(
            tenant=tenant,
            actor=None,
            customer_name="Won Co.",
            amount_monthly="30000",
            stage=stage_of(tenant, StageCode.WON),
        )
        assert won.won_on == timezone.localdate()


def test_stage_settings_add_an_open_stage_before_the_outcomes(tenant, in_tenant):
    with in_tenant(tenant):
        stage = stage_settings.deal_stage_create(
            tenant=tenant, actor=None, name="Trial", kind=StageKind.OPEN, exit_criteria="Trial on"
        )
        order = list(DealStage.objects.filter(tenant=tenant).values_list("name", flat=True))
        assert order.index("Trial") == order.index("Won") - 1
        with pytest.raises(ValidationError) as error:
            stage_settings.deal_stage_create(tenant=tenant, actor=None, name="trial", kind="open")
        assert "name" in error.value.message_dict
        stage_settings.deal_stage_update(
            tenant=tenant, actor=None, stage=stage, name="Free trial", exit_criteria="Running"
        )
        stage_settings.deal_stage_move(tenant=tenant, actor=None, stage=stage, up=True)
        order = list(DealStage.objects.filter(tenant=tenant).values_list("name", flat=True))
        assert order.index("Free trial") == order.index("Won") - 2
        stage_settings.deal_stage_delete(tenant=tenant, actor=None, stage=stage)
        assert not DealStage.objects.filter(tenant=tenant, name="Free trial").exists()


def test_a_built_in_or_used_stage_is_not_deleted(tenant, in_tenant, partner):
    with in_tenant(tenant):
        with pytest.raises(ValidationError, match="built-in"):
            stage_settings.deal_stage_delete(
                tenant=tenant, actor=None, stage=stage_of(tenant, StageCode.PROPOSAL)
            )
        own = stage_settings.deal_stage_create(tenant=tenant, actor=None, name="POC", kind="open")
    DealFactory(partner=partner, stage=own)
    with in_tenant(tenant), pytest.raises(ValidationError, match="1 deal"):
        stage_settings.deal_stage_delete(tenant=tenant, actor=None, stage=own)
