"""Programs and their commission rules: what a partner signs up to and how it is paid.

A program (紹介 referral, 取次 agency, 販売 reseller, OEM, alliance, BPO or a type of the
tenant's own) has ordered tiers; a tier's benefits name the commission rule set that applies.
A rule set is a name; what it pays lives in its versions, each effective from a date. A
version's rules are stored as data (a list of rule objects in `rules`, read and validated by
programs/commission/) and are never edited once a version has produced an amount: a change is
a new version from a later date, so an earlier result never changes.
"""

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
