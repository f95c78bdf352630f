"""Contract and terms-version services: field-named refusals, defaults, overlap, activation
signal on commit, idempotent renewal, signed PDF checks (nothing changes on a bad file)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from programs.models import ContractStatus, PartnerContract
from programs.services import contracts as services
from programs.signals import contract_started
from tests.factories.partners import PartnerFactory
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    ProgramTermsFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _actions(tenant):
    with scopes_disabled():
        return list(
            AuditEvent.objects.filter(tenant=tenant).order_by("id").values_list("action", flat=True)
        )


@pytest.fixture
def program(tenant):
    return ProgramFactory(tenant=tenant, default_term_months=12)


@pytest.fixture
def tier(program):
    return TierFactory(program=program, tenant=program.tenant)


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


def test_terms_versions_are_numbered_one_two_three(tenant, actor, in_tenant, program):
    today = timezone.localdate()
    with in_tenant(tenant):
        numbers = [
            services.terms_create(
                tenant=tenant,
                actor=actor,
                program=program,
                effective_from=today + datetime.timedelta(days=n),
                title=f"Terms {n}",
                body="Body",
            ).number
            for n in range(3)
        ]
    assert numbers == [1, 2, 3]
    assert _actions(tenant).count("program_terms.created") == 3


def test_a_past_effective_date_is_refused_on_its_field(tenant, actor, in_tenant, program):
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.terms_create(
            tenant=tenant,
            actor=actor,
            program=program,
            effective_from=timezone.localdate() - datetime.timedelta(days=1),
            title="Old",
            body="Body",
        )
    assert list(error.value.message_dict) == ["effective_from"]


def test_contract_create_defaults_and_terms_current_on_start(
    tenant, actor, in_tenant, program, tier, partner
):
    ProgramTermsFactory(
        tenant=tenant, program=program, number=1, effective_from=datetime.date(2026, 1, 1)
    )
    v2 = ProgramTermsFactory(
        tenant=tenant, program=program, number=2, effective_from=datetime.date(2026, 3, 1)
    )
    ProgramTermsFactory(
        tenant=tenant, program=program, number=3, effective_from=datetime.date(2026, 9, 1)
    )
    with in_tenant(tenant):
        contract = services.contract_create(
            tenant=tenant,
            actor=actor,
            partner=partner,
            program=program,
            tier=tier,
            starts_on=datetime.date(2026, 4, 1),
        )
    assert contract.status == ContractStatus.DRAFT
    assert contract.ends_on == datetime.date(2027, 3, 31)
    assert contract.terms_id == v2.pk
    assert "contract.created" in _actions(tenant)


def test_contract_start_defaults_to_today(tenant, actor, in_tenant, program, tier, partner):
    with in_tenant(tenant):
        contract = services.contract_create(
            tenant=tenant, actor=actor, partner=partner, program=program, tier=tier
        )
    assert contract.starts_on == timezone.localdate()


def test_a_tier_of_another_program_is_refused(tenant, actor, in_tenant, program, partner):
    other_tier = TierFactory(tenant=tenant, program=ProgramFactory(tenant=tenant))
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.contract_create(
            tenant=tenant, actor=actor, partner=partner, program=program, tier=other_tier
        )
    assert list(error.value.message_dict) == ["tier"]


def test_an_overlapping_contract_is_refused_naming_the_field(
    tenant, actor, in_tenant, program, tier, partner
):
    PartnerContractFactory(
        tenant=tenant, partner=partner, tier=tier, starts_on=datetime.date(2026, 4, 1)
    )
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.contract_create(
            tenant=tenant,
            actor=actor,
            partner=partner,
            program=program,
            tier=tier,
            starts_on=datetime.date(2026, 10, 1),
        )
    assert list(error.value.message_dict) == ["starts_on"]
    with scopes_disabled():
        assert PartnerContract.objects.filter(tenant=tenant).count() == 1


def test_activate_sends_contract_started_on_commit(
    tenant, actor, in_tenant, tier, partner, django_capture_on_commit_callbacks
):
    contract = PartnerContractFactory(
        tenant=tenant, partner=partner, tier=tier, status=ContractStatus.DRAFT
    )
    received = []

    def receiver(sender, tenant, contract, **kwargs):
        received.append(contract.pk)

    contract_started.connect(receiver)
    try:
        with in_tenant(tenant), django_capture_on_commit_callbacks(execute=True):
            services.contract_activate(tenant=tenant, actor=actor, contract=contract)
            assert received == []
    finally:
        contract_started.disconnect(receiver)
    assert received == [contract.pk]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    with in_tenant(tenant), pytest.raises(ValidationError):
        services.contract_activate(tenant=tenant, actor=actor, contract=contract)


def test_end_marks_ended_and_is_audited(tenant, actor, in_tenant, tier, partner):
    contract = PartnerContractFactory(tenant=tenant, partner=partner, tier=tier)
    with in_tenant(tenant):
        services.contract_end(tenant=tenant, actor=actor, contract=contract)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ENDED
    assert contract.ended_on == timezone.localdate()
    assert "contract.ended" in _actions(tenant)


def test_renew_twice_returns_the_same_renewal(tenant, actor, in_tenant, program, tier, partner):
    later = ProgramTermsFactory(
        tenant=tenant, program=program, number=5, effective_from=datetime.date(2027, 1, 1)
    )
    contract = PartnerContractFactory(
        tenant=tenant,
        partner=partner,
        tier=tier,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
    )
    with in_tenant(tenant):
        first = services.contract_renew(tenant=tenant, actor=actor, contract=contract)
        second = services.contract_renew(tenant=tenant, actor=actor, contract=contract)
    assert first.pk == second.pk
    assert first.starts_on == datetime.date(2027, 4, 1)
    assert first.ends_on == datetime.date(2028, 3, 31)
    assert first.tier_id == tier.pk
    assert first.terms_id == later.pk
    assert first.renewed_from_id == contract.pk
    assert _actions(tenant).count("contract.renewed") == 1
    with scopes_disabled():
        assert PartnerContract.objects.filter(tenant=tenant).count() == 2


def test_upload_stores_the_pdf_and_replaces_the_previous(tenant, actor, in_tenant, tier, partner):
    contract = PartnerContractFactory(tenant=tenant, partner=partner, tier=tier)
    with in_tenant(tenant):
        services.contract_upload_signed(
            tenant=tenant,
            actor=actor,
            contract=contract,
            upload=SimpleUploadedFile("first.pdf", PDF, content_type="application/pdf"),
        )
        contract.refresh_from_db()
        first_path = contract.signed_document.name
        services.contract_upload_signed(
            tenant=tenant,
            actor=actor,
            contract=contract,
            upload=SimpleUploadedFile("second.pdf", PDF + b"\n", content_type="application/pdf"),
        )
    contract.refresh_from_db()
    assert contract.signed_document_name == "second.pdf"
    assert contract.signed_document.name != first_path
    assert contract.signed_document.read() == PDF + b"\n"


@pytest.mark.parametrize("content", [b"GIF89a....", b"%PDF-1.4\nno end marker"])
def test_a_non_pdf_is_refused_naming_the_file_and_nothing_changes(
    tenant, actor, in_tenant, tier, partner, content
):
    contract = PartnerContractFactory(tenant=tenant, partner=partner, tier=tier)
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.contract_upload_signed(
            tenant=tenant,
            actor=actor,
            contract=contract,
            upload=SimpleUploadedFile("photo.pdf", content),
        )
    [message] = error.value.message_dict["signed_document"]
    assert "photo.pdf" in message
    contract.refresh_from_db()
    assert not contract.signed_document
    assert "contract.document_uploaded" not in _actions(tenant)


def test_an_oversize_pdf_is_refused(tenant, actor, in_tenant, tier, partner, settings):
    settings.PRM_CONTRACT_PDF_MAX_BYTES = 100
    contract = PartnerContractFactory(tenant=tenant, partner=partner, tier=tier)
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.contract_upload_signed(
            tenant=tenant,
            actor=actor,
            contract=contract,
            upload=SimpleUploadedFile("big.pdf", PDF + b" " * 200),
        )
    assert "big.pdf" in error.value.message_dict["signed_document"][0]
    contract.refresh_from_db()
    assert not contract.signed_document
