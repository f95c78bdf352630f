"""Factories for programs. Children take their parent's tenant, so no fixture spans two."""

import datetime

import factory
from django_scopes import scopes_disabled

from programs.models import (
    Announcement,
    Asset,
    AssetCategory,
    AssetVersion,
    Certification,
    Choice,
    CommissionRuleSet,
    CommissionRuleSetVersion,
    ContractKind,
    ContractStatus,
    ContractType,
    Course,
    Lesson,
    PartnerContract,
    Program,
    ProgramTerms,
    Question,
    QuizAttempt,
    SalesPhase,
    Tier,
    TierEvaluation,
    TierProposal,
    WrittenTermsNotice,
)
from tests.factories.accounts import TenantFactory, TenantOwnedFactory


class ContractTypeFactory(TenantOwnedFactory):
    class Meta:
        model = ContractType

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Contract type {n}")
    code = ""


def built_in_contract_type(tenant, code: str = ContractKind.REFERRAL) -> ContractType:
    """The tenant's seeded built-in type (every tenant gets the six when it is created)."""
    with scopes_disabled():
        return ContractType.objects.get(tenant=tenant, code=code)


class ProgramFactory(TenantOwnedFactory):
    class Meta:
        model = Program

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    contract_type = factory.LazyAttribute(lambda o: built_in_contract_type(o.tenant))


class CommissionRuleSetFactory(TenantOwnedFactory):
    class Meta:
        model = CommissionRuleSet

    program = factory.SubFactory(ProgramFactory)
    tenant = factory.SelfAttribute("program.tenant")
    name = factory.Sequence(lambda n: f"Rule set {n}")


class CommissionRuleSetVersionFactory(TenantOwnedFactory):
    class Meta:
        model = CommissionRuleSetVersion

    rule_set = factory.SubFactory(CommissionRuleSetFactory)
    tenant = factory.SelfAttribute("rule_set.tenant")
    number = factory.Sequence(lambda n: n + 1)
    effective_from = datetime.date(2026, 4, 1)
    rules = factory.LazyFunction(list)


class TierFactory(TenantOwnedFactory):
    class Meta:
        model = Tier

    program = factory.SubFactory(ProgramFactory)
    tenant = factory.SelfAttribute("program.tenant")
    name = factory.Sequence(lambda n: f"Tier {n}")
    position = factory.Sequence(lambda n: n)


class ProgramTermsFactory(TenantOwnedFactory):
    class Meta:
        model = ProgramTerms

    program = factory.SubFactory(ProgramFactory)
    tenant = factory.SelfAttribute("program.tenant")
    number = factory.Sequence(lambda n: n + 1)
    effective_from = datetime.date(2026, 4, 1)
    title = factory.Sequence(lambda n: f"Partner terms {n}")
    body = "1. The partner introduces customers to the vendor."


class PartnerContractFactory(TenantOwnedFactory):
    """An active one-year contract; pass `partner=` and `tier=` from the same tenant."""

    class Meta:
        model = PartnerContract

    tier = factory.SubFactory(TierFactory)
    program = factory.SelfAttribute("tier.program")
    tenant = factory.SelfAttribute("tier.tenant")
    partner = factory.SubFactory(
        "tests.factories.partners.PartnerFactory", tenant=factory.SelfAttribute("..tenant")
    )
    starts_on = datetime.date(2026, 4, 1)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on.replace(year=o.starts_on.year + 1))
    status = ContractStatus.ACTIVE


class WrittenTermsNoticeFactory(TenantOwnedFactory):
    class Meta:
        model = WrittenTermsNotice

    contract = factory.SubFactory(PartnerContractFactory)
    tenant = factory.SelfAttribute("contract.tenant")
    content = factory.LazyFunction(dict)
    # A stand-in for the rendered PDF (tests/programs/test_notices.py renders real ones).
    pdf = factory.django.FileField(filename="notice.pdf", data=b"%PDF-1.4\n%%EOF\n")


class TierEvaluationFactory(TenantOwnedFactory):
    class Meta:
        model = TierEvaluation

    tenant = factory.SubFactory(TenantFactory)
    evaluated_on = datetime.date(2026, 12, 1)


class TierProposalFactory(TenantOwnedFactory):
    """A pending promotion; pass `contract=` and `proposed_tier=` (a tier of its program)."""

    class Meta:
        model = TierProposal

    contract = factory.SubFactory(PartnerContractFactory)
    tenant = factory.SelfAttribute("contract.tenant")
    evaluation = factory.SubFactory(TierEvaluationFactory, tenant=factory.SelfAttribute("..tenant"))
    current_tier = factory.SelfAttribute("contract.tier")
    is_promotion = True
    window_start = datetime.date(2025, 12, 1)
    window_end = datetime.date(2026, 11, 30)
    figures = factory.LazyFunction(dict)


# A minimal PDF: what `filetype` reads as a PDF (the magic bytes) and a viewer opens.
LIBRARY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class AssetFactory(TenantOwnedFactory):
    class Meta:
        model = Asset

    tenant = factory.SubFactory(TenantFactory)
    title = factory.Sequence(lambda n: f"Asset {n}")
    category = AssetCategory.CASE_STUDY
    language = "en"
    kind = "file"


class AssetVersionFactory(TenantOwnedFactory):
    class Meta:
        model = AssetVersion

    asset = factory.SubFactory(AssetFactory)
    tenant = factory.SelfAttribute("asset.tenant")
    number = factory.Sequence(lambda n: n + 1)
    file = factory.django.FileField(filename="asset.pdf", data=LIBRARY_PDF)
    file_name = "brochure.pdf"
    content_type = "application/pdf"
    size = len(LIBRARY_PDF)
    sha256 = factory.Sequence(lambda n: f"{n:064x}")


class AnnouncementFactory(TenantOwnedFactory):
    """A draft for every partner; publish it with the service (it e-mails on commit)."""

    class Meta:
        model = Announcement

    tenant = factory.SubFactory(TenantFactory)
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "What changes, and when."


class SalesPhaseFactory(TenantOwnedFactory):
    class Meta:
        model = SalesPhase

    tenant = factory.SubFactory(TenantFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Phase {n}")
    exit_criteria = "The customer agreed to the next step."


# --- Training ---------------------------------------------------------------------------------


class CourseFactory(TenantOwnedFactory):
    class Meta:
        model = Course

    tenant = factory.SubFactory(TenantFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    language = "en"
    pass_mark_percent = 50
    is_published = True


class LessonFactory(TenantOwnedFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    tenant = factory.SelfAttribute("course.tenant")
    position = factory.Sequence(lambda n: n + 1)
    kind = "text"
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "What the product does and for whom."


class QuestionFactory(TenantOwnedFactory):
    """A single-choice question with one right answer ("Right") and one wrong ("Wrong")."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    tenant = factory.SelfAttribute("course.tenant")
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}?")
    multiple = False

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        if not create:
            return
        rows = extracted if extracted is not None else [("Right", True), ("Wrong", False)]
        with scopes_disabled():
            for position, (text, correct) in enumerate(rows, start=1):
                Choice.objects.create(
                    tenant=self.tenant,
                    question=self,
                    position=position,
                    text=text,
                    is_correct=correct,
                )


class QuizAttemptFactory(TenantOwnedFactory):
    class Meta:
        model = QuizAttempt

    course = factory.SubFactory(CourseFactory)
    tenant = factory.SelfAttribute("course.tenant")
    rep = None
    partner = factory.SelfAttribute("rep.partner")
    token = factory.Sequence(lambda n: f"attempt-token-{n}")
    answers = factory.LazyFunction(list)
    score_percent = 100
    passed = True


class CertificationFactory(TenantOwnedFactory):
    class Meta:
        model = Certification

    attempt = None
    course = factory.SelfAttribute("attempt.course")
    tenant = factory.SelfAttribute("attempt.tenant")
    rep = factory.SelfAttribute("attempt.rep")
    partner = factory.SelfAttribute("attempt.partner")
    certified_on = datetime.date(2026, 4, 1)
    expires_on = datetime.date(2027, 3, 31)
