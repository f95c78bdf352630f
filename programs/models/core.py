"""Programs and their commission rules: what a partner signs up to and how it is paid.

A program (紹介 referral, 取次 agency, 販売 reseller, OEM, alliance, BPO or a type of the
tenant's own) has ordered tiers; a tier's benefits name the commission rule set that applies.
A rule set is a name; what it pays lives in its versions, each effective from a date. A
version's rules are stored as data (a list of rule objects in `rules`, read and validated by
programs/commission/) and are never edited once a version has produced an amount: a change is
a new version from a later date, so an earlier result never changes.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel
from partners.models import OrderedLabel


class ContractKind(models.TextChoices):
    """The built-in contract types (domain.md §2); a tenant may add its own (code blank)."""

    REFERRAL = "referral", _("Referral")
    AGENCY = "agency", _("Agency (sets the first meeting)")
    RESELLER = "reseller", _("Reseller")
    OEM = "oem", _("OEM")
    ALLIANCE = "alliance", _("Alliance")
    BPO = "bpo", _("BPO")


class ContractType(OrderedLabel):
    """A tenant's list of contract types: the six built-ins seeded, plus its own."""

    label_field = "name"

    name = models.CharField(_("name"), max_length=100)
    # The built-in this row was seeded from (its default role and KPI come from it); blank for
    # a type the tenant added itself.
    code = models.CharField(_("built-in type"), max_length=16, choices=ContractKind, blank=True)

    class Meta:
        verbose_name = _("contract type")
        verbose_name_plural = _("contract types")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="contract_type_name"),
            models.UniqueConstraint(
                fields=["tenant", "code"],
                condition=~models.Q(code=""),
                name="contract_type_code",
            ),
        ]


class PartnerRole(models.TextChoices):
    """What the partner does in the sale, as the contract writes it."""

    INTRODUCES = "introduces", _("Introduces only")
    SETS_MEETING = "sets_meeting", _("Sets the first meeting")
    CLOSES = "closes", _("Closes the deal")
    CLOSES_AND_SUCCESS = "closes_and_success", _("Closes and does customer success")


class ProgramKpi(models.TextChoices):
    """The figure a program judges its partners on (domain.md §3: seed KPIs per type)."""

    MEETINGS = "meetings", _("Meetings")
    WIN_RATE = "win_rate", _("Win rate")
    REVENUE = "revenue", _("Revenue")


class Program(TenantModel):
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    contract_type = models.ForeignKey(
        ContractType,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("contract type"),
    )
    partner_role = models.CharField(
        _("partner's role"), max_length=24, choices=PartnerRole, default=PartnerRole.INTRODUCES
    )
    kpi = models.CharField(
        _("judged on"), max_length=16, choices=ProgramKpi, default=ProgramKpi.MEETINGS
    )
    default_term_months = models.PositiveSmallIntegerField(
        _("default term (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # How long an approved deal registration holds the customer for the partner.
    protection_days = models.PositiveSmallIntegerField(
        _("deal protection (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("How long an approved deal registration holds the customer for the partner."),
    )
    quota_text = models.TextField(_("quota"), max_length=2000, blank=True)
    penalty_text = models.TextField(_("penalty"), max_length=2000, blank=True)
    # Public programs are offered on the "become a partner" page and to new partners; internal
    # ones are only assigned by the vendor (domain.md §3: start with one public plan).
    is_public = models.BooleanField(_("public"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="program_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CommissionRuleSet(TenantModel):
    """A named set of commission rules of one program; its versions say what it pays when."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="rule_sets", verbose_name=_("program")
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("commission rule set")
        verbose_name_plural = _("commission rule sets")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "program", "name"], name="rule_set_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CommissionRuleSetVersion(TenantModel):
    """What a rule set pays from `effective_from` until the next version's date.

    `rules` is a list of rule objects (programs/commission/ reads and validates them); it is
    written once, when the version is created. `first_used_at` is set when an amount is first
    produced from the version (the ledger); from then on the version is frozen."""

    rule_set = models.ForeignKey(
        CommissionRuleSet,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("rule set"),
    )
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    rules = models.JSONField(_("rules"), default=list)
    clawback_days = models.PositiveIntegerField(
        _("clawback window (days)"), default=0, validators=[MaxValueValidator(3650)]
    )
    holding_days = models.PositiveIntegerField(
        _("holding period (days)"), default=0, validators=[MaxValueValidator(3650)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    first_used_at = models.DateTimeField(_("first used"), null=True, blank=True)

    class Meta:
        verbose_name = _("rule set version")
        verbose_name_plural = _("rule set versions")
        ordering = ["rule_set", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "rule_set", "number"], name="rule_set_version_number"
            ),
            models.UniqueConstraint(
                fields=["tenant", "rule_set", "effective_from"], name="rule_set_version_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set} v{self.number}"

    @property
    def is_used(self) -> bool:
        return self.first_used_at is not None


class Tier(TenantModel):
    """A step inside a program (Registered / Silver / Gold), ordered by `position`.

    Requirements are minimums over a trailing window; benefits are the rule set that applies,
    a discount rate and other benefits as text."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="tiers", verbose_name=_("program")
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    window_months = models.PositiveSmallIntegerField(
        _("measured over (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    min_meetings_held = models.PositiveIntegerField(_("meetings held"), default=0)
    min_won_deals = models.PositiveIntegerField(_("won deals"), default=0)
    min_revenue = models.DecimalField(
        _("revenue"),
        max_digits=18,
        decimal_places=3,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    min_certified_reps = models.PositiveIntegerField(_("certified reps"), default=0)
    rule_set = models.ForeignKey(
        CommissionRuleSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tiers",
        verbose_name=_("commission rule set"),
    )
    discount_rate = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    other_benefits = models.TextField(_("other benefits"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["program", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "program", "name"], name="tier_name"),
            models.UniqueConstraint(fields=["tenant", "program", "position"], name="tier_position"),
        ]

    def __str__(self) -> str:
        return self.name


class ProgramTerms(TenantModel):
    """One version of a program's written terms (規約), effective from a date.

    A contract points at the version it was offered with; renewing offers the version current
    on the new start date, so later edits never rewrite what an earlier contract agreed to."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="terms_versions", verbose_name=_("program")
    )
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("terms"), max_length=50000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("program terms")
        verbose_name_plural = _("program terms")
        ordering = ["program", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "program", "number"], name="program_terms_number"
            ),
            models.UniqueConstraint(
                fields=["tenant", "program", "effective_from"], name="program_terms_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    # Active, and within 60 days of its end (the renewal job sets it).
    EXPIRING = "expiring", _("Expiring")
    ENDED = "ended", _("Ended")


def signed_contract_path(contract: "PartnerContract", filename: str) -> str:
    """Under the tenant, in a directory named by a random token: no path can be guessed, and
    the download view (which checks who asks) is the only way in. The name typed by the
    uploader is kept in `signed_document_name`, never in the path."""
    return f"contracts/{contract.tenant_id}/{secrets.token_urlsafe(24)}/signed.pdf"


class PartnerContract(TenantModel):
    """A partner's enrolment in a program at a tier, for a term (契約).

    Contracts run a year and are renewed yearly: renewing creates the next contract (pointing
    back through `renewed_from`), so history stays as it was signed."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("partner"),
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("program")
    )
    tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("tier")
    )
    starts_on = models.DateField(_("term start"))
    ends_on = models.DateField(_("term end"))
    auto_renew = models.BooleanField(_("renews automatically"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ContractStatus, default=ContractStatus.DRAFT
    )
    terms = models.ForeignKey(
        ProgramTerms,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("terms version"),
    )
    # Who accepted `terms` for the partner in the portal, and when (both set together).
    terms_accepted_at = models.DateTimeField(_("terms accepted"), null=True, blank=True)
    terms_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_document = models.FileField(
        _("signed contract"), upload_to=signed_contract_path, max_length=500, blank=True
    )
    signed_document_name = models.CharField(max_length=255, blank=True)
    signed_uploaded_at = models.DateTimeField(null=True, blank=True)
    signed_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # One renewal per contract (the unique constraint makes renewing twice harmless).
    renewed_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renewal of"),
    )
    # The renewal job's reminders, each sent once (the date it went out).
    reminded_60_on = models.DateField(null=True, blank=True)
    reminded_30_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("partner contract")
        verbose_name_plural = _("partner contracts")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="contract_term_order"
            ),
            models.UniqueConstraint(
                fields=["tenant", "partner", "program", "starts_on"], name="contract_start"
            ),
            models.UniqueConstraint(
                fields=["tenant", "renewed_from"],
                condition=models.Q(renewed_from__isnull=False),
                name="contract_one_renewal",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "ends_on"], name="contract_tenant_status"),
            models.Index(fields=["tenant", "partner"], name="contract_tenant_partner"),
            models.Index(fields=["tenant", "program"], name="contract_tenant_program"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.program} ({self.starts_on:%Y-%m-%d})"

    @property
    def is_current(self) -> bool:
        return self.status in (ContractStatus.ACTIVE, ContractStatus.EXPIRING)

    @property
    def terms_accepted(self) -> bool:
        return self.terms_accepted_at is not None


def notice_file_path(notice: "WrittenTermsNotice", filename: str) -> str:
    return f"notices/{notice.tenant_id}/{secrets.token_urlsafe(24)}/notice.pdf"


class WrittenTermsNotice(TenantModel):
    """The written terms (取引条件の明示) given to an individual or one-person company when its
    contract starts (Freelance Act, domain.md §5): the fee or its formula, the payment due-date
    rule and the payment method, as data in `content` and as the PDF rendered from it.

    One per contract; the partner acknowledges it in the portal (who and when)."""

    contract = models.ForeignKey(
        PartnerContract,
        on_delete=models.PROTECT,
        related_name="written_notices",
        verbose_name=_("contract"),
    )
    # What the PDF says, kept as data so it can be shown again in either language.
    content = models.JSONField(default=dict, editable=False)
    pdf = models.FileField(upload_to=notice_file_path, max_length=500, blank=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("written-terms notice")
        verbose_name_plural = _("written-terms notices")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "contract"], name="notice_per_contract"),
        ]

    def __str__(self) -> str:
        return str(self.contract)


class TierEvaluation(TenantModel):
    """One run of the tier evaluation for a tenant (monthly by beat, or by hand).

    Unique per tenant and date, so a re-run on the same day updates this row instead of adding
    one. `measured_by` names the figure providers that answered (programs/selectors/
    tier_figures.py); empty means nothing measured the figures yet and the page says so."""

    evaluated_on = models.DateField(_("evaluated on"))
    contracts_checked = models.PositiveIntegerField(default=0)
    proposals_made = models.PositiveIntegerField(default=0)
    measured_by = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tier evaluation")
        verbose_name_plural = _("tier evaluations")
        ordering = ["-evaluated_on"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "evaluated_on"], name="tier_evaluation_day"),
        ]


class TierProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    # A later evaluation made a newer proposal for the same contract.
    SUPERSEDED = "superseded", _("Superseded")


class TierProposal(TenantModel):
    """A promotion or demotion the evaluation suggests for one contract, with the figures
    behind it. Nothing changes a tier until a partner manager approves it."""

    evaluation = models.ForeignKey(
        TierEvaluation, on_delete=models.PROTECT, related_name="proposals"
    )
    contract = models.ForeignKey(
        PartnerContract,
        on_delete=models.PROTECT,
        related_name="tier_proposals",
        verbose_name=_("contract"),
    )
    current_tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, related_name="+", verbose_name=_("current tier")
    )
    proposed_tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed tier")
    )
    is_promotion = models.BooleanField(_("promotion"))
    window_start = models.DateField(_("measured from"))
    window_end = models.DateField(_("measured until"))
    # The measured figures and each requirement they were compared with (plain data).
    figures = models.JSONField(default=dict, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=TierProposalStatus, default=TierProposalStatus.PENDING
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("tier proposal")
        verbose_name_plural = _("tier proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open proposal per contract: a re-run supersedes or keeps it, never doubles it.
            models.UniqueConstraint(
                fields=["tenant", "contract"],
                condition=models.Q(status="pending"),
                name="tier_proposal_one_pending",
            ),
            models.UniqueConstraint(
                fields=["tenant", "evaluation", "contract"], name="tier_proposal_per_run"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status"], name="tier_proposal_tenant_status"),
        ]
