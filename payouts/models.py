"""The commission ledger: what each partner has earned, line by line, never edited.

A line is written once and stays as written: a correction is a new line (a difference after an
amount change, a reversal for a clawback, a manual adjustment), never an edit. The database
holds to that itself: a trigger (migration 0002) refuses to delete a line or to change any of
its money fields, whatever code asks.

Every line that an event creates comes from the programs calculator (this app never computes
commission): it keeps the rule-set version and the calculator's explanation, so any amount can
be explained. Creating money twice is the worst bug, so every line has a key that is unique per
tenant, and every processed event has a LedgerSource row that is unique per tenant: a handler
run twice, or twice at once, finds its key taken and writes nothing.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel
from partners.choices import BankAccountType
from partners.validators import (
    validate_account_holder_kana,
    validate_account_number,
    validate_bank_code,
    validate_branch_code,
)
from payouts.calendar import MONTH_END, Calendar
from payouts.figures import Withholding


class SourceOutcome(models.TextChoices):
    """What processing an event came to (kept so that staff can see why a deal paid nothing)."""

    LINES = "lines", _("Commission booked")
    NOTHING_DUE = "nothing_due", _("The rules pay nothing for this event")
    NO_CONTRACT = "no_contract", _("No contract of the partner in this program on that date")
    NO_RULE_SET = "no_rule_set", _("The partner's tier has no commission rule set")
    NOT_APPLICABLE = "not_applicable", _("Not a partner deal of a program")
    ERROR = "error", _("The rules could not be applied")


class LedgerSource(TenantModel):
    """One event the ledger has processed ("deal 12 won"): the unit of idempotency. It is
    inserted in the same transaction as the event's lines, so its key either exists with all
    of them or does not exist at all."""

    key = models.CharField(max_length=120)
    deal = models.ForeignKey(
        "deals.Deal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event_on = models.DateField(_("event date"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=SourceOutcome.choices)
    message = models.CharField(_("message"), max_length=500, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger source")
        verbose_name_plural = _("ledger sources")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="ledger_source_key"),
        ]
        indexes = [models.Index(fields=["tenant", "deal"], name="ledger_source_deal")]

    def __str__(self) -> str:
        return self.key


class LineKind(models.TextChoices):
    ACCRUAL = "accrual", _("Commission")
    RECURRING = "recurring", _("Recurring commission")
    DIFFERENCE = "difference", _("Amount change")
    REVERSAL = "reversal", _("Clawback")
    ADJUSTMENT = "adjustment", _("Manual adjustment")


class LineStatus(models.TextChoices):
    """Where a line stands. Accrued and payable follow from the holding period (payable from
    `payable_from`); on statement and paid come with the statements."""

    ACCRUED = "accrued", _("Accrued")
    PAYABLE = "payable", _("Payable")
    ON_STATEMENT = "on_statement", _("On statement")
    PAID = "paid", _("Paid")


# The columns the append-only trigger guards: a line's money and what it is about.
IMMUTABLE_COLUMNS = (
    "tenant_id",
    "key",
    "kind",
    "partner_id",
    "rep_id",
    "deal_id",
    "source_id",
    "reverses_id",
    "amount",
    "currency",
    "rule_set_version_id",
    "explanation",
    "description",
    "accrued_on",
    "booked_on",
    "payable_from",
    "created_at",
    "created_by_id",
)


class LedgerLine(TenantModel):
    """One commission amount for one partner (positive, or negative for a clawback)."""

    key = models.CharField(max_length=160, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="ledger_lines",
        verbose_name=_("partner"),
    )
    # The rep the line credits, when the rule credits a person (the rep who registered).
    rep = models.ForeignKey(
        "partners.PartnerRep",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rep"),
    )
    deal = models.ForeignKey(
        "deals.Deal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deal"),
    )
    source = models.ForeignKey(
        LedgerSource, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    # A reversal names the line it takes back; a line is reversed at most once.
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("reverses"),
    )
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3)
    rule_set_version = models.ForeignKey(
        "programs.CommissionRuleSetVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rule set version"),
    )
    # The calculator's Explanation as data (programs.commission.calculator.Explanation).
    explanation = models.JSONField(default=dict, blank=True)
    # A manual adjustment's reason, or what a reversal takes back.
    description = models.CharField(_("description"), max_length=500, blank=True)
    accrued_on = models.DateField(_("accrual date"))
    # The day that decides the line's payout period: the accrual date, or, when that date's
    # period was already closed, the first day of the next open one (a late correction never
    # changes a closed period). The database refuses a line booked into a closed period.
    booked_on = models.DateField(_("booked in the period of"))
    payable_from = models.DateField(_("payable from"))
    created_at = models.DateTimeField(_("booked at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        ordering = ["-accrued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="ledger_line_key"),
            models.UniqueConstraint(
                fields=["tenant", "reverses"],
                condition=models.Q(reverses__isnull=False),
                name="ledger_line_reversed_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(amount=0) | ~models.Q(kind="adjustment"),
                name="ledger_adjustment_not_zero",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "partner", "accrued_on"], name="ledger_line_partner"),
            models.Index(fields=["tenant", "deal"], name="ledger_line_deal"),
            models.Index(fields=["tenant", "accrued_on"], name="ledger_line_date"),
            models.Index(fields=["tenant", "booked_on"], name="ledger_line_booked"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.kind} {self.amount} {self.currency}"

    def status_on(self, today: datetime.date) -> str:
        return LineStatus.PAYABLE if self.payable_from <= today else LineStatus.ACCRUED


# --- The payout calendar and its periods ----------------------------------------------------


class TaxRounding(models.TextChoices):
    """How consumption tax is rounded, once per tax rate per statement (domain.md §5)."""

    DOWN = "down", _("Round down (切り捨て)")
    HALF_UP = "half_up", _("Round half up (四捨五入)")
    UP = "up", _("Round up (切り上げ)")


validate_consignor_code = RegexValidator(
    r"^[0-9]{10}$",
    _("A consignor code has 10 digits (the bank gives it with the transfer service)."),
)

DAY_CHOICES = [(MONTH_END, _("Month end"))] + [(day, str(day)) for day in range(1, 29)]


class PayoutSettings(TenantModel):
    """A tenant's payout calendar and the rules of its statements (one row per tenant; the
    defaults until finance saves its own)."""

    closing_day = models.PositiveSmallIntegerField(
        _("closing day"), choices=DAY_CHOICES, default=MONTH_END
    )
    payment_months = models.PositiveSmallIntegerField(
        _("payment month"),
        choices=[(1, _("The next month")), (2, _("The month after next"))],
        default=1,
    )
    payment_day = models.PositiveSmallIntegerField(
        _("payment day"), choices=DAY_CHOICES, default=MONTH_END
    )
    deemed_confirmation_days = models.PositiveSmallIntegerField(
        _("deemed confirmed after (days)"),
        default=10,
        help_text=_("A statement without objection is deemed confirmed after this many days."),
    )
    second_approval_over = models.DecimalField(
        _("second approver above"),
        max_digits=18,
        decimal_places=3,
        default=1_000_000,
        help_text=_("A statement whose net payment exceeds this needs a second approver."),
    )
    tax_rounding = models.CharField(
        _("consumption tax rounding"),
        max_length=8,
        choices=TaxRounding.choices,
        default=TaxRounding.DOWN,
    )
    # The originator of the bank-transfer file (全銀 総合振込): the consignor code the bank gave
    # the tenant, its name in half-width kana and the account the transfers are paid from.
    transfer_consignor_code = models.CharField(
        _("consignor code"), max_length=10, blank=True, validators=[validate_consignor_code]
    )
    transfer_consignor_name = models.CharField(
        _("consignor name (half-width kana)"),
        max_length=40,
        blank=True,
        validators=[validate_account_holder_kana],
    )
    transfer_bank_code = models.CharField(
        _("bank code"), max_length=4, blank=True, validators=[validate_bank_code]
    )
    transfer_branch_code = models.CharField(
        _("branch code"), max_length=3, blank=True, validators=[validate_branch_code]
    )
    transfer_account_type = models.CharField(
        _("account type"),
        max_length=16,
        choices=BankAccountType.choices,
        default=BankAccountType.ORDINARY,
    )
    transfer_account_number = models.CharField(
        _("account number"), max_length=7, blank=True, validators=[validate_account_number]
    )
    # The last statement number issued: the next issue takes this + 1 under a row lock, in the
    # transaction that issues, so numbers are unique and have no gaps.
    last_statement_number = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payout settings")
        verbose_name_plural = _("payout settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="payout_settings_tenant")]

    def __str__(self) -> str:
        return f"payout settings of {self.tenant_id}"

    @property
    def calendar(self) -> Calendar:
        return Calendar(
            closing_day=self.closing_day,
            payment_months=self.payment_months,
            payment_day=self.payment_day,
        )


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PayoutPeriod(TenantModel):
    """One payout period (締め期間): the lines booked on its days are paid on `pays_on`. Closed,
    it is locked: no line is booked into it any more (a trigger refuses one)."""

    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("closing date"))
    pays_on = models.DateField(_("payment date"))
    status = models.CharField(
        _("status"), max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the worker was last asked to make the period's statements (closing asks, and so
    # does finance's button): the list shows it until the statements are there.
    statements_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("payout period")
        verbose_name_plural = _("payout periods")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "starts_on"], name="payout_period_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="payout_period_order"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "ends_on"], name="payout_period_end"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return self.status == PeriodStatus.CLOSED


# --- Partners' payout profiles and statements ----------------------------------------------


class PartnerPayoutProfile(TenantModel):
    """How a partner is paid: its withholding category (individuals), whether it adds
    consumption tax, and a 外交員's monthly salary (the formula deducts it). A partner without
    a profile is paid with the defaults: no withholding, consumption tax at the standard rate."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    withholding = models.CharField(
        _("withholding"), max_length=8, choices=Withholding.choices, default=Withholding.NONE
    )
    adds_consumption_tax = models.BooleanField(_("adds consumption tax"), default=True)
    monthly_salary = models.DecimalField(
        _("salary paid each month"),
        max_digits=18,
        decimal_places=3,
        default=0,
        help_text=_("Only for a commission salesperson (外交員): deducted as the formula says."),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payout profile")
        verbose_name_plural = _("payout profiles")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "partner"], name="payout_profile_partner")
        ]

    def __str__(self) -> str:
        return f"payout profile of {self.partner_id}"


def statement_pdf_path(statement: Statement, filename: str) -> str:
    """Under the tenant, in a directory named by a random token: only the download view, which
    checks who asks, serves it."""
    return f"statements/{statement.tenant_id}/{secrets.token_urlsafe(24)}/statement.pdf"


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")


# Issued statements: numbered, frozen, and what the partner sees.
ISSUED_STATUSES = (StatementStatus.ISSUED, StatementStatus.PAID)


class PartnerResponse(models.TextChoices):
    """What the partner said of an issued statement (the portal), or the deemed confirmation
    once the tenant's days pass without an objection."""

    NONE = "", _("Awaiting the partner")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    DEEMED = "deemed", _("Deemed confirmed")


class Statement(TenantModel):
    """A partner's payout statement for one period (支払通知書): its lines and every figure,
    stored as computed. One per partner and period (revision 0), enforced by the database; a
    correction after issue is a new revision that names the one it corrects."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="statements"
    )
    period = models.ForeignKey(PayoutPeriod, on_delete=models.PROTECT, related_name="statements")
    revision = models.PositiveSmallIntegerField(default=0)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.DecimalField(_("amount before tax"), max_digits=18, decimal_places=3)
    # [{"rate": "10", "base": "…", "tax": "…"}]: one entry per consumption-tax rate.
    taxes = models.JSONField(default=list)
    tax = models.DecimalField(_("consumption tax"), max_digits=18, decimal_places=3)
    gross = models.DecimalField(_("amount with tax"), max_digits=18, decimal_places=3)
    withholding = models.DecimalField(_("withholding tax"), max_digits=18, decimal_places=3)
    withholding_category = models.CharField(max_length=8, choices=Withholding.choices)
    carried_in = models.DecimalField(_("carried from before"), max_digits=18, decimal_places=3)
    net_payable = models.DecimalField(_("net payable"), max_digits=18, decimal_places=3)
    carried_out = models.DecimalField(_("carried forward"), max_digits=18, decimal_places=3)
    # The partner's registration (T-number) as it stood when the statement was made.
    recipient_registration_number = models.CharField(max_length=14, blank=True)
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    second_approved_at = models.DateTimeField(_("second approval at"), null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Issued: the number (unique and gap-free per tenant), the date, the PDF and its SHA-256.
    # From then on the database refuses any change to the figures, the number or the PDF.
    number = models.CharField(_("statement number"), max_length=20, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8, blank=True)
    pdf = models.FileField(upload_to=statement_pdf_path, max_length=500, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # A correction: why it was made, and what the statements it corrects already paid (the
    # transfer is the difference).
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    settled_before = models.DecimalField(
        _("paid on the corrected statement"), max_digits=18, decimal_places=3, default=0
    )
    # Paid: the value date and the bank's reference, recorded by finance.
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The partner's confirmation or dispute (with its comment), or the deemed confirmation.
    response = models.CharField(
        _("partner's response"),
        max_length=10,
        choices=PartnerResponse.choices,
        default=PartnerResponse.NONE,
        blank=True,
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response_comment = models.TextField(_("comment"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-period__starts_on", "partner__legal_name", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner", "period", "revision"], name="statement_one_per_period"
            ),
            models.CheckConstraint(condition=models.Q(net_payable__gte=0), name="statement_net"),
            models.CheckConstraint(
                condition=models.Q(settled_before__gte=0), name="statement_settled_before"
            ),
            # A statement is corrected once: the correction is corrected in turn, if need be.
            models.UniqueConstraint(
                fields=["tenant", "corrects"],
                condition=models.Q(corrects__isnull=False),
                name="statement_corrected_once",
            ),
            models.UniqueConstraint(
                fields=["tenant", "number"],
                condition=~models.Q(number=""),
                name="statement_number",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "period", "status"], name="statement_period"),
            models.Index(fields=["tenant", "partner"], name="statement_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.period_id} r{self.revision}"

    @property
    def is_issued(self) -> bool:
        return self.status in ISSUED_STATUSES

    @property
    def transfer_amount(self) -> Decimal:
        """What the bank transfer pays: the net, less what the corrected statements paid."""
        return max(self.net_payable - self.settled_before, Decimal(0))


class StatementLine(TenantModel):
    """A ledger line on a statement. A ledger line is on one statement at most (unique), so
    nothing is paid twice."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    ledger_line = models.ForeignKey(LedgerLine, on_delete=models.PROTECT, related_name="+")
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "ledger_line"], name="statement_line_once")
        ]
        indexes = [models.Index(fields=["tenant", "statement"], name="statement_line_statement")]
