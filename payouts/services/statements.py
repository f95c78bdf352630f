"""Writes of payout statements: generation (one task per partner per period), regeneration
of a draft, and approval (a second approver above the tenant's amount).

One statement per partner and period is the database's rule (a unique key), and a ledger line
is on one statement at most (another unique key): two workers generating the same period, or a
retried task, make one statement with each line once. A statement holds the partner's lines
booked up to the period's closing date and payable by then that no statement holds yet, so a
line in its holding period waits for a later statement.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
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
    ISSUED_STATUSES,
    LedgerLine,
    PartnerPayoutProfile,
    PartnerResponse,
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
        "statement.paid": gettext_lazy("Statement paid"),
        "statement.corrected": gettext_lazy("Correction of a statement made"),
        "statement.confirmed": gettext_lazy("Statement confirmed by the partner"),
        "statement.disputed": gettext_lazy("Statement disputed by the partner"),
        "statement.deemed_confirmed": gettext_lazy("Statements deemed confirmed"),
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
    """What the partner's latest statement of an earlier period carried forward (≤ 0): the
    first one made, or its latest correction once that is issued."""
    previous = (
        Statement.objects.filter(
            Q(revision=0) | Q(status__in=ISSUED_STATUSES),
            tenant=tenant,
            partner_id=partner_id,
            period__starts_on__lt=period.starts_on,
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


def _figures(tenant: Tenant, partner: Partner, *, amounts: list[Decimal], carried_in: Decimal):
    """The tax rate of the partner's lines and a statement's figures for them, from the
    partner's payout profile and details as they stand now."""
    profile = _profile(tenant, partner.pk)
    rate = STANDARD_TAX_RATE if profile.adds_consumption_tax else ZERO
    # Withholding is for individuals only: a company (one-person companies included) has none.
    is_person = partner.entity_kind == EntityKind.INDIVIDUAL
    withholding = profile.withholding if is_person else Withholding.NONE
    figures = statement_figures(
        amounts_by_rate={rate: sum(amounts, ZERO)} if amounts else {},
        currency=tenant.base_currency,
        tax_rounding=payout_settings(tenant=tenant).tax_rounding,
        withholding=withholding,
        carried_in=carried_in,
        salary_this_month=profile.monthly_salary,
    )
    return rate, {
        "status": StatementStatus.DRAFT,
        "currency": tenant.base_currency,
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
    rate, values = _figures(
        tenant,
        partner,
        amounts=[amount for _pk, amount in lines],
        carried_in=_carried_in(tenant, partner.pk, period),
    )
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


def _chosen(tenant: Tenant, statement_ids: list[int], *, lock: bool) -> list[Statement]:
    """The chosen statements of this tenant in id order (locked for the caller's transaction
    when `lock`), or a refusal when any id is not one of them: a bulk action is all or none."""
    statements = Statement.objects.select_related("partner").filter(
        tenant=tenant, pk__in=statement_ids
    )
    if lock:
        statements = statements.select_for_update(of=("self",))
    chosen = list(statements.order_by("pk"))
    if len(chosen) != len(set(statement_ids)) or not chosen:
        raise ValidationError(_("Choose statements of this organization."))
    return chosen


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
    statements = _chosen(tenant, statement_ids, lock=True)
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
        .select_related("partner", "period", "corrects")
        .filter(tenant=tenant, pk=statement_id)
        .first()
    )
    if statement is None:
        return None
    if statement.is_issued:
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


@service
def statements_issue_request(*, tenant: Tenant, actor: User, statement_ids: list[int]) -> int:
    """Issue approved statements in the worker, one task each (a PDF takes about a second), all
    or none: a statement that is not approved refuses the lot with its partner's name. Already
    issued ones are left as they are, so a second click issues nothing twice."""
    from payouts.tasks import statement_issue_task

    statements = _chosen(tenant, statement_ids, lock=False)
    waiting = [statement for statement in statements if not statement.is_issued]
    for statement in waiting:
        if statement.status != StatementStatus.APPROVED:
            raise ValidationError(
                _("The statement of %(partner)s is not approved yet: approve it first.")
                % {"partner": statement.partner}
            )
    actor_id = getattr(stored_actor(actor), "pk", None)
    for statement in waiting:
        statement_issue_task.delay(
            tenant_id=tenant.pk, statement_id=statement.pk, actor_id=actor_id
        )
    return len(waiting)


# --- Payment ----------------------------------------------------------------------------------


def _superseded(tenant: Tenant, statement: Statement) -> bool:
    return Statement.objects.filter(tenant=tenant, corrects=statement).exists()


@service
def statements_mark_paid(
    *,
    tenant: Tenant,
    actor: User,
    statement_ids: list[int],
    paid_on,
    reference: str,
) -> int:
    """Record the transfer of issued statements (the value date and the bank's reference),
    all or none; a paid statement stays paid. A statement with a correction is not paid: the
    correction is."""
    reference = " ".join((reference or "").split())
    errors = {}
    if paid_on is None:
        errors["paid_on"] = _("Enter the date the bank paid.")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("The payment date cannot be in the future.")
    if len(reference) > 64:
        errors["reference"] = _("The bank reference has at most 64 characters.")
    if errors:
        raise ValidationError(errors)
    statements = _chosen(tenant, statement_ids, lock=True)
    unpaid = [statement for statement in statements if statement.status != StatementStatus.PAID]
    for statement in unpaid:
        if statement.status != StatementStatus.ISSUED:
            raise ValidationError(
                _("The statement of %(partner)s is not issued yet: only an issued one is paid.")
                % {"partner": statement.partner}
            )
        if _superseded(tenant, statement):
            raise ValidationError(
                _(
                    "Statement %(number)s of %(partner)s has a correction: pay the correction "
                    "instead."
                )
                % {"number": statement.number, "partner": statement.partner}
            )
    user, now = stored_actor(actor), timezone.now()
    for statement in unpaid:
        statement.status = StatementStatus.PAID
        statement.paid_on, statement.payment_reference = paid_on, reference
        statement.paid_at, statement.paid_by = now, user
        statement.save(
            update_fields=["status", "paid_on", "payment_reference", "paid_at", "paid_by"]
        )
        audit_record(
            tenant=tenant,
            actor=actor,
            action="statement.paid",
            target=statement,
            changes={
                "number": statement.number,
                "amount": format(statement.transfer_amount, "f"),
                "paid_on": paid_on.isoformat(),
                "reference": reference,
            },
        )
    return len(unpaid)


# --- Correction -------------------------------------------------------------------------------


@service
def statement_correct(
    *, tenant: Tenant, actor: User, statement_id: int, reason: str
) -> Statement | None:
    """A correction of an issued statement: a new draft revision of the same partner and
    period that names the one it corrects, its figures made again from the same ledger lines
    with the partner's details and payout profile as they stand now. What the corrected
    statement paid is deducted from the transfer (an overpayment is carried forward). The
    issued statement and its PDF stay as they are. One correction per statement (a database
    key): a second click returns the first correction."""
    original = (
        Statement.objects.select_for_update(of=("self",))
        .select_related("partner", "period")
        .filter(tenant=tenant, pk=statement_id)
        .first()
    )
    if original is None:
        return None
    existing = Statement.objects.filter(tenant=tenant, corrects=original).first()
    if existing is not None:
        return existing
    reason = " ".join((reason or "").split())
    if not original.is_issued:
        raise ValidationError(
            _("Only an issued statement is corrected: make a draft again from the ledger.")
        )
    if not reason:
        raise ValidationError({"reason": _("Say what the correction corrects.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("The reason has at most 500 characters.")})
    amounts = list(
        StatementLine.objects.filter(
            tenant=tenant,
            statement__partner=original.partner_id,
            statement__period=original.period_id,
            statement__revision=0,
        ).values_list("ledger_line__amount", flat=True)
    )
    _rate, values = _figures(
        tenant, original.partner, amounts=amounts, carried_in=original.carried_in
    )
    settled = original.settled_before + (
        original.transfer_amount if original.status == StatementStatus.PAID else ZERO
    )
    overpaid = settled - values["net_payable"]
    if overpaid > 0:
        # Paid more than the corrected figures: recovered from the partner's next statement.
        values["carried_out"] -= overpaid
    try:
        with transaction.atomic():
            correction = Statement.objects.create(
                tenant=tenant,
                partner=original.partner,
                period=original.period,
                revision=original.revision + 1,
                corrects=original,
                correction_reason=reason,
                settled_before=settled,
                **values,
            )
    except IntegrityError:
        return Statement.objects.get(tenant=tenant, corrects=original)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="statement.corrected",
        target=correction,
        changes={
            "corrects": original.number,
            "reason": reason,
            "net_payable": [format(original.net_payable, "f"), format(correction.net_payable, "f")],
        },
    )
    return correction


# --- The partner's response ---------------------------------------------------------------------


@service
def statement_respond(
    *, tenant: Tenant, actor: User, partner: Partner, statement_id: int, confirm: bool, comment: str
) -> Statement:
    """The partner admin confirms an issued statement or disputes it with a comment. A dispute
    may be withdrawn by confirming; a confirmation is final."""
    statement = (
        Statement.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, partner=partner, pk=statement_id)
        .first()
    )
    if statement is None or not statement.is_issued:
        # SECURITY(partner): only the partner's own issued statements.
        raise ValidationError(_("Choose an issued statement of your company."))
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": _("The comment has at most 2,000 characters.")})
    if statement.response in (PartnerResponse.CONFIRMED, PartnerResponse.DEEMED):
        raise ValidationError(_("This statement is confirmed already."))
    if not confirm and not comment:
        raise ValidationError({"comment": _("Say what is wrong with the statement.")})
    if not confirm and statement.response == PartnerResponse.DISPUTED:
        raise ValidationError(_("This statement is disputed already: finance will answer."))
    statement.response = PartnerResponse.CONFIRMED if confirm else PartnerResponse.DISPUTED
    statement.response_comment = comment
    statement.responded_at, statement.responded_by = timezone.now(), stored_actor(actor)
    statement.save(update_fields=["response", "response_comment", "responded_at", "responded_by"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="statement.confirmed" if confirm else "statement.disputed",
        target=statement,
        changes={"number": statement.number, "comment": comment},
    )
    return statement


def statements_deem_confirmed(*, tenant: Tenant, today) -> int:
    """The daily job: issued statements without a response once the tenant's days have passed
    since issue are deemed confirmed (the clause printed on each statement). One UPDATE;
    harmless to repeat."""
    days = payout_settings(tenant=tenant).deemed_confirmation_days
    cutoff = today - datetime.timedelta(days=days)
    due = Statement.objects.filter(
        tenant=tenant,
        status__in=ISSUED_STATUSES,
        response=PartnerResponse.NONE,
        issued_on__lt=cutoff,
    )
    numbers = list(due.values_list("pk", "number"))
    if not numbers:
        return 0
    now = timezone.now()
    with transaction.atomic():
        count = due.filter(pk__in=[pk for pk, _number in numbers]).update(
            response=PartnerResponse.DEEMED, responded_at=now
        )
        audit_record(
            tenant=tenant,
            actor=None,
            action="statement.deemed_confirmed",
            target=None,
            changes={"numbers": [number for _pk, number in numbers], "days": days},
        )
    return count
