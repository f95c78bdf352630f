"""Target-account lists and their milestones, deal registration, conflicts, protection and the
pipeline (domain.md §3).

The funnel starts with a partner's target accounts (アタックリスト): each moves through
MILESTONE_ORDER, and every move is a TargetAccountChange row, so conversion between steps and
the lead time of each step are sums over that table. A deal is registered by a partner rep
(or entered by staff as a direct deal, with no partner); staff review a registration, and an
approved one is protected for the program's protection period. A deal's pipeline stage is one
of the tenant's DealStage rows; every move is a DealStageChange.

Company names are compared by their normalised key (deals/names.py), stored beside the name so
conflict detection is an indexed equality, never a scan.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, TenantModel
from partners.choices import CustomerSegment, Industry, Prefecture
from partners.models import Partner, PartnerRep
from partners.validators import validate_corporate_number
from programs.models import Program

MONEY_DIGITS = 14


def _bounded_text(verbose_name, max_length: int) -> models.TextField:
    return models.TextField(
        verbose_name, max_length=max_length, blank=True, validators=[MaxLengthValidator(max_length)]
    )


# --- Target accounts and the funnel -------------------------------------------------------------


class Milestone(models.TextChoices):
    """Where a target account stands in the leading-indicator funnel, in funnel order."""

    LISTED = "listed", _("Listed")
    REQUESTED = "requested", _("By-name request sent")
    AGREED = "agreed", _("Action agreed")
    ACTION_DONE = "action_done", _("Action done")
    MEETING_HELD = "meeting_held", _("Meeting held")
    CONVERTED = "converted", _("Converted to a deal")
    DROPPED = "dropped", _("Dropped")


# The open steps in funnel order; CONVERTED and DROPPED end an account's way through it.
MILESTONE_ORDER = (
    Milestone.LISTED,
    Milestone.REQUESTED,
    Milestone.AGREED,
    Milestone.ACTION_DONE,
    Milestone.MEETING_HELD,
)
CLOSED_MILESTONES = (Milestone.CONVERTED, Milestone.DROPPED)


class ListWillingness(models.TextChoices):
    """Whether a partner is willing to submit a target-account list (domain.md §3: priority)."""

    UNKNOWN = "unknown", _("Not asked yet")
    WILLING = "willing", _("Willing")
    UNWILLING = "unwilling", _("Not willing")


class PartnerTargetList(TenantModel):
    """One row per partner: what staff know of its willingness to share a list. The list
    itself is the partner's TargetAccount rows."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    willingness = models.CharField(
        _("willing to submit a list"),
        max_length=16,
        choices=ListWillingness.choices,
        default=ListWillingness.UNKNOWN,
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("target-account list")
        verbose_name_plural = _("target-account lists")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "partner"], name="target_list_per_partner"),
        ]

    def __str__(self) -> str:
        return str(self.partner)


class TargetAccount(TenantModel):
    """An end customer a partner says it can introduce."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="target_accounts", verbose_name=_("partner")
    )
    # The rep who listed it, when a rep did (staff may list on the partner's behalf).
    rep = models.ForeignKey(
        PartnerRep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="target_accounts",
        verbose_name=_("partner rep"),
    )
    company_name = models.CharField(_("company name"), max_length=200)
    # deals.names.company_name_key(company_name): one partner lists a company once.
    company_name_key = models.CharField(max_length=200, editable=False)
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True, validators=[validate_corporate_number]
    )
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices, blank=True)
    prefecture = models.CharField(
        _("region (prefecture)"), max_length=2, choices=Prefecture.choices, blank=True
    )
    size = models.CharField(_("size"), max_length=16, choices=CustomerSegment.choices, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    notes = _bounded_text(_("notes"), 2000)
    milestone = models.CharField(
        _("milestone"), max_length=16, choices=Milestone.choices, default=Milestone.LISTED
    )
    # When the account reached its current milestone: "stuck for N days" is now minus this.
    milestone_at = models.DateTimeField(_("since"), default=timezone.now)
    drop_reason = models.CharField(_("reason dropped"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("listed at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("target account")
        verbose_name_plural = _("target accounts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner", "company_name_key"], name="target_account_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "partner", "milestone", "milestone_at"],
                name="target_partner_milestone",
            ),
            models.Index(
                fields=["tenant", "milestone", "milestone_at"], name="target_tenant_milestone"
            ),
            models.Index(fields=["tenant", "company_name_key"], name="target_tenant_name_key"),
            # The funnel board: open accounts, longest in their milestone first; its counts per
            # milestone read from the index alone.
            models.Index(
                fields=["tenant", "milestone_at", "id"],
                include=["milestone"],
                condition=models.Q(milestone__in=MILESTONE_ORDER),
                name="target_open_oldest",
            ),
            # The API's list and a partner's own list, newest first.
            models.Index(fields=["tenant", "-created_at", "-id"], name="target_newest"),
        ]

    def __str__(self) -> str:
        return self.company_name

    @property
    def is_open(self) -> bool:
        return self.milestone not in CLOSED_MILESTONES


class TargetAccountChange(TenantModel):
    """One milestone move: when, by whom. Listing itself is the first row (from blank)."""

    target_account = models.ForeignKey(
        TargetAccount, on_delete=models.CASCADE, related_name="changes"
    )
    from_milestone = models.CharField(max_length=16, choices=Milestone.choices, blank=True)
    to_milestone = models.CharField(max_length=16, choices=Milestone.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(
                fields=["tenant", "target_account", "changed_at", "id"],
                include=["to_milestone"],
                name="target_change_order",
            ),
            # Funnel counts per period: how many accounts reached a step in a window.
            models.Index(
                fields=["tenant", "to_milestone", "changed_at"], name="target_change_step"
            ),
        ]


# --- Pipeline stages ----------------------------------------------------------------------------


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class StageCode(models.TextChoices):
    """The built-in stages (seeded for every tenant); a tenant's own stages have no code."""

    REGISTERED = "registered", _("Registered")
    APPROVED = "approved", _("Approved")
    MEETING_SET = "meeting_set", _("Meeting set")
    MEETING_HELD = "meeting_held", _("Meeting held")
    PROPOSAL = "proposal", _("Proposal")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class DealStage(TenantModel):
    """A pipeline stage with its exit criteria, named and ordered by the tenant."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("built-in stage"), max_length=16, choices=StageCode, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=StageKind, default=StageKind.OPEN)
    exit_criteria = _bounded_text(_("exit criteria"), 2000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="deal_stage_name"),
            models.UniqueConstraint(
                fields=["tenant", "code"], condition=~models.Q(code=""), name="deal_stage_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- Deals --------------------------------------------------------------------------------------


class RegistrationStatus(models.TextChoices):
    """Where a partner's registration stands in review; DIRECT for the vendor's own deals."""

    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    EXPIRED = "expired", _("Protection expired")
    DIRECT = "direct", _("Direct deal")


# Registrations that hold the customer: the ones a new registration conflicts with.
HOLDING_STATUSES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.APPROVED,
    RegistrationStatus.DIRECT,
)


class AttributionRole(models.TextChoices):
    """The second partner's part in a deal (programs.models.PartnerRole's codes)."""

    INTRODUCES = "introduces", _("Introduced the customer")
    SETS_MEETING = "sets_meeting", _("Set the meeting")
    CLOSES = "closes", _("Closed the deal")
    CLOSES_AND_SUCCESS = "closes_and_success", _("Closed and does customer success")


class Deal(TenantModel):
    """A deal: registered by a partner's rep, or a direct deal of the vendor (no partner)."""

    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("partner"),
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("program"),
    )
    rep = models.ForeignKey(
        PartnerRep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("registered by (rep)"),
    )
    # The target account it came from; one deal per account (constraint below).
    target_account = models.ForeignKey(
        TargetAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("target account"),
    )
    # A second partner and its part (the agency that set the meeting, the reseller that closed).
    second_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_deals",
        verbose_name=_("second partner"),
    )
    second_partner_role = models.CharField(
        _("second partner's role"), max_length=24, choices=AttributionRole.choices, blank=True
    )
    # The vendor's person responsible (the partner's owner by default, staff for direct deals).
    owner = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_deals",
        verbose_name=_("owner"),
    )

    customer_name = models.CharField(_("customer company"), max_length=200)
    customer_name_key = models.CharField(max_length=200, editable=False)
    # The deal's id in the vendor's own CRM, for direct deals imported by CSV: a file imported
    # again finds its deals by it (unique per tenant) and creates nothing twice.
    external_ref = models.CharField(_("reference"), max_length=100, blank=True)
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True, validators=[validate_corporate_number]
    )
    web_domain = models.CharField(_("web domain"), max_length=253, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # The contact's e-mail domain, blank for free-mail domains (deals/names.py).
    contact_email_domain = models.CharField(max_length=253, blank=True, editable=False)
    product = models.CharField(_("product or plan"), max_length=200, blank=True)
    amount_one_time = models.DecimalField(
        _("one-time amount"),
        max_digits=MONEY_DIGITS,
        decimal_places=3,
        default=0,
        validators=[MinValueValidator(0)],
    )
    amount_monthly = models.DecimalField(
        _("monthly recurring amount"),
        max_digits=MONEY_DIGITS,
        decimal_places=3,
        default=0,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    expected_close_on = models.DateField(_("expected close date"), null=True, blank=True)
    notes = _bounded_text(_("notes"), 5000)

    registration_status = models.CharField(
        _("registration"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_reason = models.CharField(_("reason"), max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    # The last day (tenant's calendar) the partner holds the customer; null until approved.
    protected_until = models.DateField(_("protected until"), null=True, blank=True)

    stage = models.ForeignKey(
        DealStage, on_delete=models.PROTECT, related_name="deals", verbose_name=_("stage")
    )
    stage_changed_at = models.DateTimeField(_("in stage since"), default=timezone.now)
    won_on = models.DateField(_("won on"), null=True, blank=True)
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    lost_reason = models.CharField(_("reason lost"), max_length=300, blank=True)
    churned_on = models.DateField(_("churned on"), null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(partner__isnull=False) | models.Q(registration_status="direct"),
                name="deal_partner_or_direct",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_one_time__gte=0) & models.Q(amount_monthly__gte=0),
                name="deal_amounts_not_negative",
            ),
            models.UniqueConstraint(
                fields=["tenant", "target_account"],
                condition=models.Q(target_account__isnull=False),
                name="deal_per_target_account",
            ),
            models.UniqueConstraint(
                fields=["tenant", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="deal_external_ref_unique",
            ),
        ]
        indexes = [
            # The review queue, oldest first.
            models.Index(
                fields=["tenant", "registration_status", "registered_at"], name="deal_review"
            ),
            models.Index(fields=["tenant", "stage", "stage_changed_at"], name="deal_stage"),
            # The pipeline list, most recently moved first (its default sort), without the
            # registrations that never entered the pipeline.
            models.Index(
                fields=["tenant", "-stage_changed_at", "-id"],
                condition=~models.Q(
                    registration_status__in=[
                        RegistrationStatus.REJECTED,
                        RegistrationStatus.DUPLICATE,
                    ]
                ),
                name="deal_pipeline_moved",
            ),
            # The board: each column's most recently moved cards, and (read from the index
            # alone) its count and totals.
            models.Index(
                fields=["tenant", "stage", "-stage_changed_at", "-id"],
                include=["currency", "amount_one_time"],
                condition=~models.Q(
                    registration_status__in=[
                        RegistrationStatus.REJECTED,
                        RegistrationStatus.DUPLICATE,
                    ]
                ),
                name="deal_board_moved",
            ),
            # The API's list, newest registration first (the default order).
            models.Index(fields=["tenant", "-registered_at", "-id"], name="deal_newest"),
            models.Index(fields=["tenant", "partner", "registered_at"], name="deal_partner"),
            models.Index(fields=["tenant", "won_on"], name="deal_won_on"),
            models.Index(fields=["tenant", "protected_until"], name="deal_protected_until"),
            # Conflict detection: one indexed equality per reason.
            models.Index(fields=["tenant", "customer_name_key"], name="deal_name_key"),
            models.Index(
                fields=["tenant", "corporate_number"],
                condition=~models.Q(corporate_number=""),
                name="deal_corporate_number",
            ),
            models.Index(
                fields=["tenant", "web_domain"],
                condition=~models.Q(web_domain=""),
                name="deal_web_domain",
            ),
            models.Index(
                fields=["tenant", "contact_email_domain"],
                condition=~models.Q(contact_email_domain=""),
                name="deal_email_domain",
            ),
        ]

    def __str__(self) -> str:
        return self.customer_name

    @property
    def is_direct(self) -> bool:
        return self.partner_id is None


class ConflictReason(models.TextChoices):
    CORPORATE_NUMBER = "corporate_number", _("Same corporate number")
    WEB_DOMAIN = "web_domain", _("Same web domain")
    EMAIL_DOMAIN = "email_domain", _("Same e-mail domain")
    COMPANY_NAME = "company_name", _("Same company name")


class DealConflict(TenantModel):
    """A match found between two deals, with why they matched. Stored both ways (deal ->
    other and other -> deal), so each deal's matches are one indexed read; refreshed at
    registration and again at review."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="conflicts")
    other = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="+")
    reasons = ArrayField(models.CharField(max_length=24, choices=ConflictReason.choices))
    detected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "deal", "other"], name="deal_conflict_pair"),
            models.CheckConstraint(
                condition=~models.Q(deal=models.F("other")), name="deal_conflict_not_self"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "deal"], name="deal_conflict_deal")]


class DealStageChange(TenantModel):
    """One pipeline move, with when and who (a staff user or a partner user)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        DealStage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_stage = models.ForeignKey(DealStage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(
                fields=["tenant", "deal", "changed_at", "id"], name="deal_stage_change_order"
            ),
            models.Index(fields=["tenant", "to_stage", "changed_at"], name="deal_stage_change_to"),
        ]


class DealEventKind(models.TextChoices):
    """Everything on a deal's history that is not a stage move: review decisions, protection."""

    REGISTERED = "registered", _("Registered")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    MARKED_DUPLICATE = "duplicate", _("Marked as duplicate")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    PROTECTION_EXPIRED = "protection_expired", _("Protection expired")
    AMOUNT_CHANGED = "amount_changed", _("Amount changed")
    CHURNED = "churned", _("Churned")


class DealEvent(TenantModel):
    """A line of a deal's history other than a stage move; `data` holds the details (the
    reason, the old and new amounts, the new protection date)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=DealEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["tenant", "deal", "at"], name="deal_event_deal")]


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ProtectionExtension(TenantModel):
    """A rep's request to extend a deal's protection, and the staff decision."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="extensions")
    requested_until = models.DateField(_("extend until"))
    reason = models.CharField(_("reason"), max_length=500)
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request per deal: a double click asks once.
            models.UniqueConstraint(
                fields=["tenant", "deal"],
                condition=models.Q(status="pending"),
                name="extension_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="extension_status")]


class RegistrationKey(TenantModel):
    """An `Idempotency-Key` the registration API has seen: the same key (per user) and the same
    body give back the same deal; the same key with another body is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    body_sha256 = models.CharField(max_length=64)
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "key"], name="registration_key_once"),
        ]
