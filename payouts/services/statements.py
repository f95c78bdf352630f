"""Writes of payout statements: generation (one task per partner per period), regeneration
of a draft, and approval (a second approver above the tenant's amount).

One statement per partner and period is the database's rule (a unique key), and a ledger line
is on one statement at most (another unique key): two workers generating the same period, or a
retried task, make one statement with each line once. A statement holds the partner's lines
booked up to the period's closing date and payable by then that no statement holds yet, so a
line in its holding period waits for a later statement.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, register_action_labels, stored_actor
from accounts.models import Tenant, User
from accounts.money import money_format
from accounts.pdf import render_pdf
from accounts.transactions import service
from partners.choices import EntityKind
from partners.models import Partner
from payouts.figures import STANDARD_TAX_RATE, Withholding, statement_figures
from payouts.models import (
    LedgerLine,
    PartnerPayoutProfile,
    PayoutPeriod,
    PayoutSettings,
    Statement,
    StatementLine,
    StatementStatus,
)
from payouts.selectors import payout_settings, statement_document

register_action_labels(
    {
        "statement.approved": gettext_lazy("Statement approved"),
        "statement.second_approved": gettext_lazy("Statement approved by a second approver"),
        "payout_profile.changed": gettext_lazy("Partner's payout profile changed"),
        "statement.issued": gettext_lazy("Statement issued"),
    }
)

ZERO = Decimal(0)


def _payable(tenant: Tenant, period: PayoutPeriod, currency: str):
    """Lines a statement of `period` may take: booked and payable by its closing date, in the
    currency, on no statement yet."""
    return LedgerLine.objects.filter(
        tenant=tenant,
        currency=currency,
        booked_on__lte=period.ends_on,
        payable_from__lte=period.ends_on,
    ).exclude(Exists(StatementLine.objects.filter(tenant=tenant, ledger_line=OuterRef("pk"))))


def open_lines(*, tenant: Tenant, partner_id: int, period: PayoutPeriod, currency: str):
    """The partner's lines a statement of `period` takes."""
    return _payable(tenant, period, currency).filter(partner_id=partner_id)


def partners_to_pay(*, tenant: Tenant, period_id: int) -> list[int]:
    """The partners with lines for the period's statements, or a draft to regenerate (none
    while the period is open)."""
    period = PayoutPeriod.objects.filter(tenant=tenant, pk=period_id).first()
    if period is None or not period.is_closed:
        return []
    with_lines = (
        _payable(tenant, period, tenant.base_currency)
        .order_by()
        .values_list("partner_id", flat=True)
        .distinct()
    )
    drafts = Statement.objects.filter(
        tenant=tenant, period=period, status=StatementStatus.DRAFT
    ).values_list("partner_id", flat=True)
    return sorted(set(with_lines) | set(drafts))


def _carried_in(tenant: Tenant, partner_id: int, period: PayoutPeriod) -> Decimal:
    """What the partner's latest statement of an earlier period carried forward (≤ 0)."""
    previous = (
        Statement.objects.filter(
            tenant=tenant, partner_id=partner_id, period__starts_on__lt=period.starts_on
        )
        .order_by("-period__starts_on", "-revision")
        .values_list("carried_out", flat=True)
        .first()
    )
    return previous or ZERO


def _profile(tenant: Tenant, partner_id: int) -> PartnerPayoutProfile:
    return PartnerPayoutProfile.objects.filter(
        tenant=tenant, partner_id=partner_id
    ).first() or PartnerPayoutProfile(tenant=tenant, partner_id=partner_id)


@service
def statement_generate(*, tenant: Tenant, period_id: int, partner_id: int) -> Statement | None:
    """The partner's statement of a closed period: made, or remade while it is a draft (an
    approved or issued statement never changes). None when there is nothing to state."""
    period = PayoutPeriod.objects.filter(tenant=tenant, pk=period_id).first()
    partner = Partner.objects.filter(tenant=tenant, pk=partner_id).first()
    if period is None or partner is None:
        return None
    if not period.is_closed:
        raise ValidationError(_("Statements are made once the period is closed."))
    existing = (
        Statement.objects.select_for_update()
        .filter(tenant=tenant, partner=partner, period=period, revision=0)
        .first()
    )
    if existing is not None and existing.status != StatementStatus.DRAFT:
        return existing
    if existing is not None:
        StatementLine.objects.filter(tenant=tenant, statement=existing).delete()
    currency = tenant.base_currency
    lines = list(
        open_lines(tenant=tenant, partner_id=partner.pk, period=period, currency=currency)
        .order_by("accrued_on", "id")
        .values_list("pk", "amount")
    )
    if not lines and existing is None:
        return None
    profile = _profile(tenant, partner.pk)
    rate = STANDARD_TAX_RATE if profile.adds_consumption_tax else ZERO
    total = sum((amount for _pk, amount in lines), ZERO)
    # Withholding is for individuals only: a company (one-person companies included) has none.
    is_person = partner.entity_kind == EntityKind.INDIVIDUAL
    withholding = profile.withholding if is_person else Withholding.NONE
    figures = statement_figures(
        amounts_by_rate={rate: total} if lines else {},
        currency=currency,
        tax_rounding=payout_settings(tenant=tenant).tax_rounding,
        withholding=withholding,
        carried_in=_carried_in(tenant, partner.pk, period),
        salary_this_month=profile.monthly_salary,
    )
    values = {
        "status": StatementStatus.DRAFT,
        "currency": currency,
        "subtotal": figures.subtotal,
        "taxes": [
            {
                "rate": format(part.rate, "f"),
                "base": format(part.base, "f"),
                "tax": format(part.tax, "f"),
            }
            for part in figures.taxes
        ],
        "tax": figures.tax,
        "gross": figures.gross,
        "withholding": figures.withholding,
        "withholding_category": withholding,
        "carried_in": figures.carried_in,
        "net_payable": figures.net_payable,
        "carried_out": figures.carried_out,
        "recipient_registration_number": partner.registration_number,
        "generated_at": timezone.now(),
        "approved_at": None,
        "approved_by": None,
    }
    if existing is not None:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        statement = existing
    else:
        try:
            with transaction.atomic():
                statement = Statement.objects.create(
                    tenant=tenant, partner=partner, period=period, revision=0, **values
                )
        except IntegrityError:
            # Another worker made it a moment ago (it committed before this insert could).
            return Statement.objects.get(tenant=tenant, partner=partner, period=period, revision=0)
    StatementLine.objects.bulk_create(
        [
            StatementLine(tenant=tenant, statement=statement, ledger_line_id=pk, tax_rate=rate)
            for pk, _amount in lines
        ]
    )
    return statement


# --- Approval -----------------------------------------------------------------------------------


def needs_second_approval(tenant: Tenant, statement: Statement) -> bool:
    return statement.net_payable > payout_settings(tenant=tenant).second_approval_over


def _approve_one(tenant: Tenant, actor: User, statement: Statement) -> str:
    """Approve one locked statement; returns what happened ("approved" or "first")."""
    if statement.status != StatementStatus.DRAFT:
        raise ValidationError(
            _("The statement of %(partner)s is not a draft any more.")
            % {"partner": statement.partner}
        )
    user = stored_actor(actor)
    if user is None:
        raise ValidationError(_("Sign in to approve statements."))
    now = timezone.now()
    if needs_second_approval(tenant, statement):
        if statement.approved_by_id is None:
            statement.approved_by, statement.approved_at = user, now
            statement.save(update_fields=["approved_by", "approved_at"])
            return "first"
        if statement.approved_by_id == user.pk:
            raise ValidationError(
                _(
                    "The statement of %(partner)s pays more than %(limit)s: a second person "
                    "must approve it."
                )
                % {
                    "partner": statement.partner,
                    "limit": money_format(
                        payout_settings(tenant=tenant).second_approval_over, statement.currency
                    ),
                }
            )
        statement.second_approved_by, statement.second_approved_at = user, now
        statement.status = StatementStatus.APPROVED
        statement.save(update_fields=["second_approved_by", "second_approved_at", "status"])
        return "approved"
    statement.approved_by, statement.approved_at = user, now
    statement.status = StatementStatus.APPROVED
    statement.save(update_fields=["approved_by", "approved_at", "status"])
    return "approved"


@service
def statements_approve(*, tenant: Tenant, actor: User, statement_ids: list[int]) -> dict[str, int]:
    """Approve the statements, all or none: one that cannot be approved refuses the lot with
    a message naming its partner. Returns how many were approved and how many now wait for a
    second approver."""
    statements = list(
        Statement.objects.select_for_update(of=("self",))
        .select_related("partner")
        .filter(tenant=tenant, pk__in=statement_ids)
        .order_by("pk")
    )
    if len(statements) != len(set(statement_ids)) or not statements:
        raise ValidationError(_("Choose statements of this organization."))
    done = {"approved": 0, "first": 0}
    for statement in statements:
        outcome = _approve_one(tenant, actor, statement)
        done[outcome] += 1
        audit_record(
            tenant=tenant,
            actor=actor,
            action=(
                "statement.second_approved"
                if statement.second_approved_by_id is not None
                else "statement.approved"
            ),
            target=statement,
            changes={
                "net_payable": format(statement.net_payable, "f"),
                "status": statement.status,
            },
        )
    return done


# --- Partners' payout profiles --------------------------------------------------------------


@service
def payout_profile_save(
    *,
    tenant: Tenant,
    actor: User | None,
    partner: Partner,
    withholding: str,
    adds_consumption_tax: bool,
    monthly_salary,
) -> PartnerPayoutProfile:
    """How the partner is paid, audited (it changes what is withheld and paid)."""
    if partner.tenant_id != tenant.pk:
        # SECURITY(tenant): only a partner of this tenant.
        raise ValidationError({"partner": _("Choose a partner of this organization.")})
    errors = {}
    if withholding not in Withholding.values:
        errors["withholding"] = _("Choose a withholding category from the list.")
    elif withholding != Withholding.NONE and partner.entity_kind != EntityKind.INDIVIDUAL:
        errors["withholding"] = _(
            "Only individuals have income tax withheld: this partner is a company."
        )
    salary = Decimal(str(monthly_salary or 0))
    if salary < 0:
        errors["monthly_salary"] = _("Enter an amount of zero or more.")
    if errors:
        raise ValidationError(errors)
    profile = PartnerPayoutProfile.objects.select_for_update().filter(
        tenant=tenant, partner=partner
    ).first() or PartnerPayoutProfile(tenant=tenant, partner=partner)
    before = {
        "withholding": profile.withholding,
        "adds_consumption_tax": profile.adds_consumption_tax,
        "monthly_salary": profile.monthly_salary,
    }
    profile.withholding = withholding
    profile.adds_consumption_tax = adds_consumption_tax
    profile.monthly_salary = salary
    profile.updated_at = timezone.now()
    profile.save()
    after = {
        "withholding": withholding,
        "adds_consumption_tax": adds_consumption_tax,
        "monthly_salary": salary,
    }
    changes = {k: [str(before[k]), str(v)] for k, v in after.items() if before[k] != v}
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="payout_profile.changed",
            target=profile,
            changes=changes,
        )
    return profile


# --- Issue ----------------------------------------------------------------------------------


PDF_TEMPLATE = "payouts/pdf/statement.html"


def statement_language(tenant: Tenant) -> str:
    """Statements are in the tenant's language (Japanese by default); partners have none yet."""
    return tenant.default_language or "ja"


@service
def statement_issue(*, tenant: Tenant, statement_id: int, actor_id: int | None = None):
    """Issue an approved statement: the next number (a row lock on the tenant's counter, in
    this transaction, so numbers have no gaps), today's date, the PDF rendered and frozen with
    its SHA-256. Harmless to repeat: an issued statement is returned as it is."""
    statement = (
        Statement.objects.select_for_update(of=("self",))
        .select_related("partner", "period")
        .filter(tenant=tenant, pk=statement_id)
        .first()
    )
    if statement is None:
        return None
    if statement.status in (StatementStatus.ISSUED, StatementStatus.PAID):
        return statement
    if statement.status != StatementStatus.APPROVED:
        raise ValidationError(_("Only an approved statement is issued."))
    counter, _created = PayoutSettings.objects.select_for_update().get_or_create(tenant=tenant)
    counter.last_statement_number += 1
    counter.save(update_fields=["last_statement_number"])
    statement.number = f"{counter.last_statement_number:06d}"
    statement.issued_on = timezone.localdate()
    statement.issued_at = timezone.now()
    statement.issued_by_id = actor_id
    statement.language = statement_language(tenant)
    pdf = render_pdf(
        PDF_TEMPLATE,
        statement_document(tenant=tenant, statement=statement),
        language=statement.language,
    )
    statement.pdf.save("statement.pdf", ContentFile(pdf), save=False)
    statement.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    statement.status = StatementStatus.ISSUED
    statement.save()
    audit_record(
        tenant=tenant,
        actor=None,
        action="statement.issued",
        target=statement,
        changes={
            "number": statement.number,
            "net_payable": format(statement.net_payable, "f"),
            "sha256": statement.pdf_sha256,
        },
    )
    return statement
