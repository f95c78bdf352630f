"""Recruitment services: stage moves, losing, signing, lost reasons, persona fit."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import AuditEvent
from accounts.roles import Role
from partners.choices import PartnerStatus, ProspectSource, ProspectStage
from partners.models import (
    LostReason,
    Partner,
    PartnerPersona,
    PartnerRep,
    Prospect,
    ProspectStageChange,
)
from partners.selectors.recruitment import prospect_fit, prospect_stage_history
from partners.services import recruitment as services
from tests.factories.partners import LostReasonFactory, PartnerFactory, ProspectFactory

pytestmark = pytest.mark.django_db

VALID_CORPORATE_NUMBER = "8000012010038"  # check digit verified by accounts.validators


@pytest.fixture
def actor(manager_member):
    return manager_member.user


def _changes(prospect) -> list[tuple[str, str]]:
    return list(
        ProspectStageChange.objects.filter(prospect=prospect)
        .order_by("changed_at", "id")
        .values_list("from_stage", "to_stage")
    )


# --- Creating and moving ------------------------------------------------------------------------


def test_prospect_create_starts_sourced_with_a_stage_row_and_an_audit_event(
    tenant, actor, in_tenant
):
    with in_tenant(tenant):
        prospect = services.prospect_create(
            tenant=tenant, actor=actor, company_name="株式会社みらい", source=ProspectSource.EVENT
        )

        assert prospect.stage == ProspectStage.SOURCED
        assert _changes(prospect) == [("", "sourced")]
        assert AuditEvent.objects.filter(
            tenant=tenant, action="prospect.created", object_id=str(prospect.pk), actor=actor
        ).exists()


def test_stage_may_skip_forward_and_every_move_is_recorded_with_who(tenant, actor, in_tenant):
    prospect = ProspectFactory(tenant=tenant)
    with in_tenant(tenant):
        services.prospect_stage_change(
            tenant=tenant, actor=actor, prospect=prospect, to_stage=ProspectStage.MEETING
        )
        services.prospect_stage_change(
            tenant=tenant, actor=actor, prospect=prospect, to_stage=ProspectStage.PROPOSAL
        )

        prospect.refresh_from_db()
        assert prospect.stage == ProspectStage.PROPOSAL
        rows = ProspectStageChange.objects.filter(prospect=prospect).order_by("id")
        assert [(r.from_stage, r.to_stage) for r in rows] == [
            ("sourced", "meeting"),
            ("meeting", "proposal"),
        ]
        assert {r.changed_by_id for r in rows} == {actor.pk}
        event = AuditEvent.objects.filter(action="prospect.stage_changed").latest("id")
        assert event.changes == {"stage": ["meeting", "proposal"]}


def test_lost_requires_a_reason(tenant, actor, in_tenant):
    prospect = ProspectFactory(tenant=tenant)
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.prospect_stage_change(
            tenant=tenant, actor=actor, prospect=prospect, to_stage=ProspectStage.LOST
        )

    assert "lost_reason" in error.value.message_dict
    with in_tenant(tenant):
        prospect.refresh_from_db()
        assert prospect.stage == ProspectStage.SOURCED
        assert _changes(prospect) == []


def test_lost_with_reason_and_note_is_stored(tenant, actor, in_tenant):
    prospect = ProspectFactory(tenant=tenant)
    reason = LostReasonFactory(tenant=tenant, label="Conflicts with their own business")
    with in_tenant(tenant):
        services.prospect_stage_change(
            tenant=tenant,
            actor=actor,
            prospect=prospect,
            to_stage=ProspectStage.LOST,
            lost_reason=reason,
            lost_note="They build a similar product.",
        )
        prospect.refresh_from_db()

    assert prospect.stage == ProspectStage.LOST
    assert prospect.lost_reason == reason
    assert prospect.lost_note == "They build a similar product."


def test_lost_reason_of_another_tenant_is_refused(tenant, other_tenant, actor, in_tenant):
    prospect = ProspectFactory(tenant=tenant)
    foreign = LostReasonFactory(tenant=other_tenant)
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.prospect_stage_change(
            tenant=tenant,
            actor=actor,
            prospect=prospect,
            to_stage=ProspectStage.LOST,
            lost_reason=foreign,
        )

    assert "lost_reason" in error.value.message_dict


@pytest.mark.parametrize("closed", [ProspectStage.SIGNED, ProspectStage.LOST])
def test_cannot_leave_signed_or_lost(tenant, actor, in_tenant, closed):
    prospect = ProspectFactory(tenant=tenant, stage=closed)
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.prospect_stage_change(
            tenant=tenant, actor=actor, prospect=prospect, to_stage=ProspectStage.CONTACTED
        )

    assert "stays where it is" in error.value.message_dict["to_stage"][0]


def test_signed_is_not_a_plain_stage_move(tenant, actor, in_tenant):
    prospect = ProspectFactory(tenant=tenant, stage=ProspectStage.PROPOSAL)
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.prospect_stage_change(
            tenant=tenant, actor=actor, prospect=prospect, to_stage=ProspectStage.SIGNED
        )

    assert "Sign" in error.value.message_dict["to_stage"][0]


# --- Signing ------------------------------------------------------------------------------------


def test_sign_creates_partner_and_rep_and_links_the_prospect(tenant, actor, in_tenant):
    prospect = ProspectFactory(
        tenant=tenant,
        company_name="株式会社さくらシステム",
        company_name_kana="サクラシステム",
        corporate_number=VALID_CORPORATE_NUMBER,
        industries=["it"],
        prefectures=["13"],
        employee_count=120,
        contact_name="山田 花子",
        contact_email="hanako@sakura.example.jp",
        contact_title="部長",
        stage=ProspectStage.PROPOSAL,
    )
    with in_tenant(tenant):
        partner = services.prospect_sign(tenant=tenant, actor=actor, prospect=prospect)
        prospect.refresh_from_db()
        rep = PartnerRep.objects.get(partner=partner)

        assert partner.legal_name == "株式会社さくらシステム"
        assert partner.status == PartnerStatus.ONBOARDING
        assert partner.corporate_number == VALID_CORPORATE_NUMBER
        assert partner.industries == ["it"] and partner.prefectures == ["13"]
        assert partner.employee_count == 120
        # Searchable like any partner: the reading and the number are in search_text.
        assert "サクラシステム" in partner.search_text
        assert VALID_CORPORATE_NUMBER in partner.search_text
        assert (rep.full_name, rep.email, rep.title) == (
            "山田 花子",
            "hanako@sakura.example.jp",
            "部長",
        )
        assert prospect.partner == partner
        assert prospect.stage == ProspectStage.SIGNED
        assert _changes(prospect)[-1] == ("proposal", "signed")
        assert AuditEvent.objects.filter(
            action="prospect.signed", object_id=str(prospect.pk)
        ).exists()
        assert AuditEvent.objects.filter(
            action="partner.created", object_id=str(partner.pk)
        ).exists()


def test_sign_refuses_a_duplicate_corporate_number_and_creates_nothing(tenant, actor, in_tenant):
    PartnerFactory(tenant=tenant, corporate_number=VALID_CORPORATE_NUMBER)
    prospect = ProspectFactory(tenant=tenant, corporate_number=VALID_CORPORATE_NUMBER)
    with in_tenant(tenant):
        before = Partner.objects.count()
        with pytest.raises(ValidationError) as error:
            services.prospect_sign(tenant=tenant, actor=actor, prospect=prospect)
        prospect.refresh_from_db()

        assert "already exists" in error.value.message_dict["corporate_number"][0]
        assert Partner.objects.count() == before
        assert prospect.stage == ProspectStage.SOURCED and prospect.partner is None


def test_same_corporate_number_in_another_tenant_does_not_block_signing(
    tenant, other_tenant, actor, in_tenant
):
    PartnerFactory(tenant=other_tenant, corporate_number=VALID_CORPORATE_NUMBER)
    prospect = ProspectFactory(tenant=tenant, corporate_number=VALID_CORPORATE_NUMBER)
    with in_tenant(tenant):
        partner = services.prospect_sign(tenant=tenant, actor=actor, prospect=prospect)

    assert partner.corporate_number == VALID_CORPORATE_NUMBER


def test_sign_is_all_or_nothing_when_the_rep_is_invalid(tenant, actor, in_tenant):
    prospect = ProspectFactory(tenant=tenant, contact_name="Valid Name")
    with in_tenant(tenant):
        with pytest.raises(ValidationError):
            services.prospect_sign(
                tenant=tenant,
                actor=actor,
                prospect=prospect,
                rep_fields={"email": "not-an-address"},
            )
        prospect.refresh_from_db()

        assert not Partner.objects.filter(tenant=tenant).exists()
        assert prospect.stage == ProspectStage.SOURCED


def test_a_signed_prospect_cannot_be_signed_twice(tenant, actor, in_tenant):
    prospect = ProspectFactory(tenant=tenant)
    with in_tenant(tenant):
        services.prospect_sign(tenant=tenant, actor=actor, prospect=prospect)
        with pytest.raises(ValidationError):
            services.prospect_sign(tenant=tenant, actor=actor, prospect=prospect)

        assert Partner.objects.filter(tenant=tenant).count() == 1


def test_sign_drops_an_owner_who_is_no_longer_a_manager(tenant, actor, in_tenant, member_factory):
    viewer = member_factory(tenant, Role.VIEWER)
    prospect = ProspectFactory(tenant=tenant, owner=viewer)
    with in_tenant(tenant):
        partner = services.prospect_sign(tenant=tenant, actor=actor, prospect=prospect)

    assert partner.owner is None


# --- Application, lost reasons, persona ----------------------------------------------------------


def test_application_is_an_inbound_sourced_prospect_without_actor(tenant, in_tenant):
    with in_tenant(tenant):
        prospect = services.prospect_apply(
            tenant=tenant, fields={"company_name": "Applicant KK", "contact_name": "Ken"}
        )
        change = ProspectStageChange.objects.get(prospect=prospect)
        event = AuditEvent.objects.get(action="prospect.applied", object_id=str(prospect.pk))

    assert prospect.source == ProspectSource.INBOUND_APPLICATION
    assert prospect.stage == ProspectStage.SOURCED
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", "sourced", None)
    assert event.actor is None


def test_default_lost_reasons_are_created_once_in_the_tenant_language(tenant, in_tenant):
    tenant.default_language = "ja"
    tenant.save(update_fields=["default_language"])
    with in_tenant(tenant), translation.override("en"):
        created = services.lost_reasons_ensure_defaults(tenant=tenant)
        again = services.lost_reasons_ensure_defaults(tenant=tenant)
        labels = list(LostReason.objects.filter(tenant=tenant).values_list("label", flat=True))

    assert created == 5 and again == 0
    assert len(labels) == 5
    with translation.override("ja"):
        expected = str(services.DEFAULT_LOST_REASONS[0])
    assert expected in labels


def test_default_lost_reasons_are_not_added_to_an_existing_list(tenant, in_tenant):
    LostReasonFactory(tenant=tenant, label="Our own reason")
    with in_tenant(tenant):
        assert services.lost_reasons_ensure_defaults(tenant=tenant) == 0
        assert LostReason.objects.filter(tenant=tenant).count() == 1


def test_lost_reason_in_use_cannot_be_deleted_but_can_be_renamed(tenant, actor, in_tenant):
    reason = LostReasonFactory(tenant=tenant, label="No response")
    ProspectFactory(tenant=tenant, stage=ProspectStage.LOST, lost_reason=reason)
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as error:
            services.lost_reason_delete(tenant=tenant, actor=actor, lost_reason=reason)
        services.lost_reason_rename(
            tenant=tenant, actor=actor, lost_reason=reason, label="Never answered"
        )
        reason.refresh_from_db()

    assert "rename it instead" in error.value.messages[0]
    assert reason.label == "Never answered"


def test_lost_reason_label_is_unique_per_tenant(tenant, other_tenant, actor, in_tenant):
    LostReasonFactory(tenant=tenant, label="Chose a competitor")
    LostReasonFactory(tenant=other_tenant, label="Budget")
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as error:
            services.lost_reason_create(tenant=tenant, actor=actor, label="chose a competitor")
        created = services.lost_reason_create(tenant=tenant, actor=actor, label="Budget")

    assert "label" in error.value.message_dict
    assert created.label == "Budget"


def test_persona_save_creates_then_updates_the_single_persona(tenant, actor, in_tenant):
    with in_tenant(tenant):
        services.persona_save(
            tenant=tenant, actor=actor, fields={"ideal_industries": ["it"], "goals": "Grow"}
        )
        services.persona_save(tenant=tenant, actor=actor, fields={"min_sales_headcount": 5})
        persona = PartnerPersona.objects.get(tenant=tenant)

    assert persona.ideal_industries == ["it"]
    assert persona.min_sales_headcount == 5


def test_the_stored_fit_follows_the_persona_and_the_prospect(tenant, actor, in_tenant):
    """The fit sort reads Prospect.fit_score: saving the persona rescores every prospect of the
    tenant, editing or adding a prospect rescores that one, another tenant is untouched."""
    other = ProspectFactory(industries=["it"])
    with in_tenant(tenant):
        fits, misses = (
            ProspectFactory(tenant=tenant, industries=["it"]),
            ProspectFactory(tenant=tenant, industries=["retail"]),
        )
        before = {p.pk: p.fit_score for p in Prospect.objects.filter(tenant=tenant)}
        services.persona_save(tenant=tenant, actor=actor, fields={"ideal_industries": ["it"]})
        after = {p.pk: p.fit_score for p in Prospect.objects.filter(tenant=tenant)}
        services.prospect_update(
            tenant=tenant, actor=actor, prospect=misses, fields={"industries": ["it"]}
        )
        misses.refresh_from_db()
        added = services.prospect_create(
            tenant=tenant,
            actor=actor,
            company_name="新規候補株式会社",
            source="outbound",
            industries=["retail"],
        )

    assert before == {fits.pk: None, misses.pk: None}
    assert after == {fits.pk: 100.0, misses.pk: 0.0}
    assert misses.fit_score == 100.0
    assert added.fit_score == 0.0
    other.refresh_from_db()
    assert other.fit_score is None


def test_persona_employee_range_must_be_ordered(tenant, actor, in_tenant):
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.persona_save(
            tenant=tenant,
            actor=actor,
            fields={"min_employee_count": 500, "max_employee_count": 100},
        )

    assert "max_employee_count" in error.value.message_dict


# --- Fit ----------------------------------------------------------------------------------------


def _persona(**fields):
    defaults = {
        "ideal_industries": [],
        "customer_segments": [],
        "ideal_prefectures": [],
        "min_employee_count": None,
        "max_employee_count": None,
        "min_sales_headcount": None,
        "products_handled": "",
    }
    return PartnerPersona(**(defaults | fields))


def _prospect(**fields):
    defaults = {
        "industries": [],
        "customer_segments": [],
        "prefectures": [],
        "employee_count": None,
        "sales_headcount": None,
        "products_handled": "",
    }
    return SimpleNamespace(**(defaults | fields))


def test_fit_is_full_when_every_criterion_matches():
    persona = _persona(
        ideal_industries=["it", "retail"],
        customer_segments=["small"],
        ideal_prefectures=["13"],
        min_employee_count=30,
        max_employee_count=1000,
        min_sales_headcount=5,
        products_handled="accounting, payroll",
    )
    prospect = _prospect(
        industries=["it"],
        customer_segments=["small", "mid"],
        prefectures=["13", "14"],
        employee_count=120,
        sales_headcount=8,
        products_handled="Accounting software, payroll service",
    )

    fit = prospect_fit(persona=persona, prospect=prospect)

    assert fit.score == 100
    assert len(fit.reasons) == 6
    assert all(matched for matched, _text in fit.checks)
    assert "IT and telecommunications" in fit.reasons[0]


def test_fit_skips_criteria_the_persona_does_not_set_and_explains_misses():
    persona = _persona(ideal_industries=["manufacturing"], min_sales_headcount=10)
    prospect = _prospect(industries=["it"], sales_headcount=12)

    fit = prospect_fit(persona=persona, prospect=prospect)

    assert fit.score == 50
    assert len(fit.reasons) == 2
    assert fit.checks[0] == (False, "Does not sell to your ideal industries (Manufacturing).")
    assert fit.checks[1][0] is True


def test_fit_counts_unknown_values_as_misses_and_says_so():
    persona = _persona(min_employee_count=50, max_employee_count=300)

    fit = prospect_fit(persona=persona, prospect=_prospect())

    assert fit.score == 0
    assert fit.reasons == ["Employee count unknown (you want 50–300 employees)."]


def test_fit_gives_partial_credit_for_some_product_keywords_width_blind():
    persona = _persona(products_handled="会計ソフト、給与計算")
    prospect = _prospect(products_handled="会計ソフト, ＥＲＰ")

    fit = prospect_fit(persona=persona, prospect=prospect)

    assert fit.score == 50
    assert "会計ソフト" in fit.reasons[0]


def test_fit_is_none_without_a_persona_or_with_an_empty_one():
    assert prospect_fit(persona=None, prospect=_prospect()) is None
    assert prospect_fit(persona=_persona(), prospect=_prospect()) is None


def test_stage_history_gives_the_time_spent_in_each_stage(tenant, actor, in_tenant):
    prospect = ProspectFactory(tenant=tenant)
    with in_tenant(tenant):
        start = timezone.now() - timedelta(days=10)
        for from_stage, to_stage, days in (
            ("", "sourced", 0),
            ("sourced", "contacted", 3),
            ("contacted", "lost", 7),
        ):
            ProspectStageChange.objects.create(
                tenant=tenant,
                prospect=prospect,
                from_stage=from_stage,
                to_stage=to_stage,
                changed_at=start + timedelta(days=days),
            )
        stays = prospect_stage_history(tenant=tenant, prospect=prospect)

    assert [(s.stage, s.days) for s in stays] == [("sourced", 3), ("contacted", 4), ("lost", 0)]
