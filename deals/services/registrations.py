"""Deal registration by a partner's rep, its review by staff, protection and its extension.

A registration starts pending in the built-in "registered" stage; conflicts are found and
stored at once and again at review. Approval grants the partner the customer until
`protected_until` (tenant-local today + the program's protection days) and moves the deal to
the "approved" stage; rejection and "duplicate" end the claim. Every decision is a DealEvent,
an audit event and an e-mail to the registering rep (through the kernel's outbox, in the
rep's language). A daily job expires protections that have run out.
"""

import datetime
import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts import services as account_services
from accounts.audit import audit_record, register_action_labels, stored_actor
from accounts.models import CURRENCY_CHOICES, Tenant, User
from accounts.money import quantize
from accounts.transactions import service
from accounts.urls_helpers import tenant_reverse
from deals.models import (
    Deal,
    DealEvent,
    DealEventKind,
    ExtensionStatus,
    Milestone,
    ProtectionExtension,
    RegistrationKey,
    RegistrationStatus,
    StageCode,
    TargetAccount,
)
from deals.names import deal_keys
from deals.services.conflicts import conflicts_refresh
from deals.services.milestones import milestone_move
from deals.services.stages import deal_stage_set, stage_by_code
from partners.models import Partner, PartnerRep
from partners.validators import validate_corporate_number
from programs.models import Program
from programs.selectors.terms import CURRENT, partner_terms_accepted

register_action_labels(
    {
        "deal.registered": gettext_lazy("Deal registered"),
        "deal.approved": gettext_lazy("Deal registration approved"),
        "deal.rejected": gettext_lazy("Deal registration rejected"),
        "deal.duplicate": gettext_lazy("Deal registration marked as duplicate"),
        "deal.extension_requested": gettext_lazy("Protection extension requested"),
        "deal.extension_approved": gettext_lazy("Protection extension approved"),
        "deal.extension_refused": gettext_lazy("Protection extension refused"),
        "deal.protection_expired": gettext_lazy("Deal protection expired"),
    }
)

# The fields a registration takes (the form's, the API's and the idempotency hash's).
REGISTRATION_FIELDS = (
    "program",
    "target_account",
    "customer_name",
    "corporate_number",
    "web_domain",
    "contact_name",
    "contact_email",
    "product",
    "amount_one_time",
    "amount_monthly",
    "currency",
    "expected_close_on",
    "notes",
)


def registration_programs(*, tenant: Tenant, partner: Partner):
    """The programs the partner may register deals in: those of its current contracts."""
    return (
        Program.objects.filter(
            tenant=tenant,
            contracts__partner=partner,
            contracts__status__in=CURRENT,
        )
        .distinct()
        .order_by("name", "id")
    )


def open_target_accounts(*, tenant: Tenant, partner: Partner):
    """The partner's target accounts a deal may be registered from (open, no deal yet)."""
    return (
        TargetAccount.objects.filter(tenant=tenant, partner=partner)
        .exclude(milestone__in=(Milestone.CONVERTED, Milestone.DROPPED))
        .filter(deals__isnull=True)
        .order_by("company_name", "id")
    )


def _amount(value, field: str, currency: str) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        amount = quantize(value, currency)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount.")}) from None
    if amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    return amount


def _validated(*, tenant: Tenant, partner: Partner, fields: dict) -> dict:
    errors: dict[str, str] = {}
    program = fields.get("program")
    if program is None:
        errors["program"] = _("Choose the program.")
    elif (
        program.tenant_id != tenant.pk
        or not registration_programs(tenant=tenant, partner=partner).filter(pk=program.pk).exists()
    ):
        errors["program"] = _("Your company has no current contract in this program.")
    elif not partner_terms_accepted(tenant=tenant, partner=partner, program=program):
        errors["program"] = _(
            "Your company has not accepted the terms of this program yet: a partner admin "
            "accepts them under “Programs” before deals can be registered."
        )
    target = fields.get("target_account")
    if target is not None and (
        target.tenant_id != tenant.pk
        or target.partner_id != partner.pk
        or not open_target_accounts(tenant=tenant, partner=partner).filter(pk=target.pk).exists()
    ):
        errors["target_account"] = _("This target account is not open for a registration.")
    name = (fields.get("customer_name") or "").strip()
    if not name and target is not None:
        name = target.company_name
    if not name:
        errors["customer_name"] = _("Enter the customer's company name.")
    elif not deal_keys(customer_name=name, web_domain="", contact_email="")["customer_name_key"]:
        errors["customer_name"] = _("Enter the company's name, not only its legal form.")
    corporate_number = (fields.get("corporate_number") or "").strip()
    if not corporate_number and target is not None:
        corporate_number = target.corporate_number
    if corporate_number:
        try:
            validate_corporate_number(corporate_number)
        except ValidationError as error:
            errors["corporate_number"] = " ".join(error.messages)
    currency = (fields.get("currency") or tenant.base_currency or "JPY").strip().upper()
    if currency not in dict(CURRENCY_CHOICES):
        errors["currency"] = _("Choose one of the currencies offered.")
        currency = tenant.base_currency or "JPY"
    amounts = {}
    for field_name in ("amount_one_time", "amount_monthly"):
        try:
            amounts[field_name] = _amount(fields.get(field_name), field_name, currency)
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if len(amounts) == 2 and not any(amounts.values()):
        errors["amount_one_time"] = _("Enter a one-time or a monthly amount (or both).")
    if errors:
        raise ValidationError(errors)
    return {
        "program": program,
        "target_account": target,
        "customer_name": name[:200],
        "corporate_number": corporate_number,
        "web_domain_typed": (fields.get("web_domain") or "").strip(),
        "contact_name": (fields.get("contact_name") or "").strip()[:150],
        "contact_email": (fields.get("contact_email") or "").strip()
        or (target.contact_email if target is not None else ""),
        "product": (fields.get("product") or "").strip()[:200],
        "currency": currency,
        "expected_close_on": fields.get("expected_close_on"),
        "notes": (fields.get("notes") or "").strip()[:5000],
        **amounts,
    }


def _rep_of(*, tenant: Tenant, partner: Partner, actor: User | None) -> PartnerRep | None:
    if actor is None:
        return None
    return PartnerRep.objects.filter(
        tenant=tenant, partner=partner, membership__user=actor, is_active=True
    ).first()


@service
def deal_register(*, tenant: Tenant, actor: User | None, partner: Partner, **fields) -> Deal:
    """Register a deal for `partner` (the rep's own company: never taken from a request body).

    Refused with a message naming the field when something is missing or wrong, or when the
    partner has not accepted the program's terms. Returns the pending deal, its conflicts
    stored."""
    return _register(tenant=tenant, actor=actor, partner=partner, fields=fields)


def _register(*, tenant: Tenant, actor: User | None, partner: Partner, fields: dict) -> Deal:
    if partner.tenant_id != tenant.pk:
        raise ValidationError(_("This partner belongs to another tenant."))
    unknown = set(fields) - set(REGISTRATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown registration fields: {sorted(unknown)}")
    data = _validated(tenant=tenant, partner=partner, fields=fields)
    person = stored_actor(actor)
    now = timezone.now()
    stage = stage_by_code(tenant=tenant, code=StageCode.REGISTERED)
    web_domain_typed = data.pop("web_domain_typed")
    deal = Deal(
        tenant=tenant,
        partner=partner,
        rep=_rep_of(tenant=tenant, partner=partner, actor=person),
        owner=partner.owner,
        registration_status=RegistrationStatus.PENDING,
        registered_at=now,
        registered_by=person,
        stage=stage,
        stage_changed_at=now,
        created_at=now,
        updated_at=now,
        **data,
        **deal_keys(
            customer_name=data["customer_name"],
            web_domain=web_domain_typed,
            contact_email=data["contact_email"],
        ),
    )
    deal.full_clean(exclude=["stage", "owner", "rep", "partner", "program", "target_account"])
    deal.save()
    # The first line of its stage history: from nowhere into "registered".
    from deals.models import DealStageChange

    DealStageChange.objects.create(
        tenant=tenant, deal=deal, from_stage=None, to_stage=stage, changed_at=now, changed_by=person
    )
    DealEvent.objects.create(
        tenant=tenant, deal=deal, kind=DealEventKind.REGISTERED, at=now, by=person
    )
    if data["target_account"] is not None:
        milestone_move(
            tenant=tenant,
            actor=person,
            target_account=data["target_account"],
            to_milestone=Milestone.CONVERTED,
            note=_("Registered as deal #%(id)s") % {"id": deal.pk},
            at=now,
        )
    matches = conflicts_refresh(tenant=tenant, deal=deal)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal.registered",
        target=deal,
        changes={
            "partner": str(partner),
            "program": str(data["program"]),
            "customer_name": deal.customer_name,
            "conflicts": len(matches),
        },
    )
    return deal


# --- Idempotent registration (the API's Idempotency-Key) -------------------------------------


def body_sha256(fields: dict) -> str:
    """A stable digest of a registration body: model instances by id, everything as text."""
    plain = {}
    for name in REGISTRATION_FIELDS:
        value = fields.get(name)
        if hasattr(value, "pk"):
            value = value.pk
        plain[name] = "" if value is None else str(value)
    return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()


class IdempotencyMismatch(Exception):
    """The key was used before with another body."""


def _replay(*, tenant: Tenant, user: User, key: str, digest: str) -> Deal | None:
    row = (
        RegistrationKey.objects.filter(tenant=tenant, user=user, key=key)
        .select_related("deal")
        .first()
    )
    if row is None:
        return None
    if row.body_sha256 != digest:
        raise IdempotencyMismatch
    return row.deal


def deal_register_once(
    *, tenant: Tenant, actor: User, partner: Partner, key: str, **fields
) -> tuple[Deal, bool]:
    """Register under an `Idempotency-Key`: (the deal, whether this call created it).

    The key row is written in the registration's transaction; a concurrent twin with the same
    key blocks on the unique index until the first commits, then fails its insert, rolls back
    its own deal and answers with the winner's. The same key with another body raises
    IdempotencyMismatch."""
    digest = body_sha256(fields)
    existing = _replay(tenant=tenant, user=actor, key=key, digest=digest)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic(durable=True):
            deal = _register(tenant=tenant, actor=actor, partner=partner, fields=fields)
            RegistrationKey.objects.create(
                tenant=tenant, user=actor, key=key, body_sha256=digest, deal=deal
            )
    except IntegrityError:
        existing = _replay(tenant=tenant, user=actor, key=key, digest=digest)
        if existing is None:
            raise
        return existing, False
    return deal, True


# --- Notifications ------------------------------------------------------------------------------


def _notify_rep(
    *, tenant: Tenant, deal: Deal, subject: str, lines: list[str], purpose: str
) -> bool:
    """E-mail the registering rep (their login's address, else the rep's) through the outbox,
    in their language. `subject` and `lines` are msgids with %(name)s placeholders."""
    user = deal.registered_by
    address = (user.email if user is not None else "") or (deal.rep.email if deal.rep else "")
    if not address:
        return False
    language = (
        (user.language if user is not None else "")
        or tenant.default_language
        or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        values = {
            "tenant": tenant.name,
            "customer": deal.customer_name,
            "until": formats.date_format(deal.protected_until, "DATE_FORMAT")
            if deal.protected_until
            else "",
            "reason": deal.review_reason,
        }
        page = tenant_reverse(tenant, "deals:portal_deal_detail", deal_id=deal.pk)
        body = "\n\n".join(_(line) % values for line in lines)
        body += "\n\n" + _("The deal: %(url)s") % {"url": settings.PRM_SITE_URL + page}
        account_services.email_enqueue(
            tenant=tenant,
            to=address,
            subject=_(subject) % values,
            body_text=body,
            purpose=purpose,
        )
    return True


# Marked for translation here; translated in the recipient's language in _notify_rep.
MAIL = {
    "approved": (
        gettext_noop("[%(tenant)s] Your deal registration for %(customer)s is approved"),
        [
            gettext_noop(
                "Your registration of %(customer)s is approved. It is protected until %(until)s."
            )
        ],
    ),
    "rejected": (
        gettext_noop("[%(tenant)s] Your deal registration for %(customer)s is rejected"),
        [
            gettext_noop("Your registration of %(customer)s is rejected."),
            gettext_noop("Reason: %(reason)s"),
        ],
    ),
    "duplicate": (
        gettext_noop("[%(tenant)s] Your deal registration for %(customer)s is a duplicate"),
        [
            gettext_noop(
                "Your registration of %(customer)s was found to duplicate an earlier "
                "registration of the same customer."
            ),
            gettext_noop("Reason: %(reason)s"),
        ],
    ),
    "extension_approved": (
        gettext_noop("[%(tenant)s] Protection of %(customer)s extended"),
        [gettext_noop("Your request is approved: %(customer)s is now protected until %(until)s.")],
    ),
    "extension_refused": (
        gettext_noop("[%(tenant)s] Protection extension for %(customer)s refused"),
        [
            gettext_noop("Your request to extend the protection of %(customer)s is refused."),
            gettext_noop("Its protection still ends on %(until)s."),
        ],
    ),
    "expired": (
        gettext_noop("[%(tenant)s] Protection of %(customer)s has expired"),
        [
            gettext_noop(
                "The protection of your registration of %(customer)s ended on %(until)s. The "
                "customer is open for registration again."
            )
        ],
    ),
}


def _mail(tenant: Tenant, deal: Deal, which: str) -> bool:
    subject, lines = MAIL[which]
    return _notify_rep(
        tenant=tenant, deal=deal, subject=subject, lines=lines, purpose=f"deal_{which}"
    )


# --- Review -------------------------------------------------------------------------------------


def _locked_pending(tenant: Tenant, deal: Deal) -> Deal:
    if deal.tenant_id != tenant.pk:
        # SECURITY(tenant): only the tenant's own deal is reviewed.
        raise ValidationError(_("This deal belongs to another tenant."))
    locked = (
        Deal.objects.select_for_update(of=("self",))
        .select_related("program", "registered_by", "rep")
        .get(tenant=tenant, pk=deal.pk)
    )
    if locked.registration_status != RegistrationStatus.PENDING:
        raise ValidationError(
            _("This registration was already decided: it is “%(status)s”.")
            % {"status": locked.get_registration_status_display()}
        )
    return locked


def _decided(tenant, actor, deal, status, reason, kind, action, data=None) -> None:
    now = timezone.now()
    deal.registration_status = status
    deal.reviewed_at = now
    deal.reviewed_by = stored_actor(actor)
    deal.review_reason = reason[:500]
    deal.updated_at = now
    deal.save(
        update_fields=[
            "registration_status",
            "reviewed_at",
            "reviewed_by",
            "review_reason",
            "duplicate_of",
            "protected_until",
            "updated_at",
        ]
    )
    DealEvent.objects.create(
        tenant=tenant, deal=deal, kind=kind, at=now, by=stored_actor(actor), data=data or {}
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action=action,
        target=deal,
        changes={"status": status, **(data or {})},
    )


@service
def deal_approve(*, tenant: Tenant, actor: User, deal: Deal, note: str = "") -> Deal:
    """Approve a pending registration: protected until today + the program's protection days,
    the deal moves to the "approved" stage. A second click finds it decided and is refused."""
    deal = _locked_pending(tenant, deal)
    conflicts_refresh(tenant=tenant, deal=deal)
    days = deal.program.protection_days if deal.program is not None else 90
    deal.protected_until = timezone.localdate() + datetime.timedelta(days=days)
    _decided(
        tenant,
        actor,
        deal,
        RegistrationStatus.APPROVED,
        note.strip(),
        DealEventKind.APPROVED,
        "deal.approved",
        {"protected_until": deal.protected_until.isoformat()},
    )
    approved = stage_by_code(tenant=tenant, code=StageCode.APPROVED)
    if deal.stage_id != approved.pk:
        deal_stage_set(tenant=tenant, actor=stored_actor(actor), deal=deal, stage=approved)
    _mail(tenant, deal, "approved")
    return deal


@service
def deal_reject(*, tenant: Tenant, actor: User, deal: Deal, reason: str) -> Deal:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the registration is rejected.")})
    deal = _locked_pending(tenant, deal)
    _decided(
        tenant,
        actor,
        deal,
        RegistrationStatus.REJECTED,
        reason,
        DealEventKind.REJECTED,
        "deal.rejected",
        {"reason": reason[:500]},
    )
    _mail(tenant, deal, "rejected")
    return deal


@service
def deal_mark_duplicate(
    *, tenant: Tenant, actor: User, deal: Deal, original_id: int | str | None, reason: str = ""
) -> Deal:
    """Mark a pending registration as a duplicate of another deal of the tenant."""
    try:
        original_id = int(original_id)
    except (TypeError, ValueError):
        raise ValidationError({"duplicate_of": _("Choose the deal it duplicates.")}) from None
    if original_id == deal.pk:
        raise ValidationError({"duplicate_of": _("A deal cannot duplicate itself.")})
    original = Deal.objects.filter(tenant=tenant, pk=original_id).first()
    if original is None:
        raise ValidationError(
            {"duplicate_of": _("There is no deal #%(id)s.") % {"id": original_id}}
        )
    deal = _locked_pending(tenant, deal)
    deal.duplicate_of = original
    reason = (reason or "").strip() or _("Duplicate of deal #%(id)s") % {"id": original.pk}
    _decided(
        tenant,
        actor,
        deal,
        RegistrationStatus.DUPLICATE,
        reason,
        DealEventKind.MARKED_DUPLICATE,
        "deal.duplicate",
        {"duplicate_of": original.pk},
    )
    _mail(tenant, deal, "duplicate")
    return deal


@service
def deal_recheck(*, tenant: Tenant, deal: Deal) -> list:
    """Refresh the deal's stored matches (the review page's "re-check")."""
    if deal.tenant_id != tenant.pk:
        raise ValidationError(_("This deal belongs to another tenant."))
    return conflicts_refresh(tenant=tenant, deal=deal)


# --- Protection extensions ---------------------------------------------------------------------


@service
def extension_request(
    *,
    tenant: Tenant,
    actor: User,
    partner: Partner,
    deal: Deal,
    requested_until: datetime.date | None,
    reason: str,
) -> ProtectionExtension:
    """The rep asks to extend an approved, still protected deal of their own company."""
    if deal.tenant_id != tenant.pk or deal.partner_id != partner.pk:
        raise ValidationError(_("This deal belongs to another partner."))
    deal = Deal.objects.select_for_update(of=("self",)).get(tenant=tenant, pk=deal.pk)
    today = timezone.localdate()
    if deal.registration_status != RegistrationStatus.APPROVED or deal.protected_until is None:
        raise ValidationError(_("Only an approved registration's protection can be extended."))
    if deal.protected_until < today:
        raise ValidationError(_("The protection has already ended."))
    errors = {}
    if requested_until is None:
        errors["requested_until"] = _("Enter the date to extend the protection to.")
    elif requested_until <= deal.protected_until:
        errors["requested_until"] = _("Choose a date after the current end, %(until)s.") % {
            "until": formats.date_format(deal.protected_until, "DATE_FORMAT")
        }
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the protection should be extended.")
    if errors:
        raise ValidationError(errors)
    if ProtectionExtension.objects.filter(
        tenant=tenant, deal=deal, status=ExtensionStatus.PENDING
    ).exists():
        raise ValidationError(
            _("An extension request for this deal is already awaiting a decision.")
        )
    person = stored_actor(actor)
    try:
        with transaction.atomic():
            extension = ProtectionExtension.objects.create(
                tenant=tenant,
                deal=deal,
                requested_until=requested_until,
                reason=reason[:500],
                requested_by=person,
            )
    except IntegrityError:
        raise ValidationError(
            _("An extension request for this deal is already awaiting a decision.")
        ) from None
    DealEvent.objects.create(
        tenant=tenant,
        deal=deal,
        kind=DealEventKind.EXTENSION_REQUESTED,
        by=person,
        data={"requested_until": requested_until.isoformat(), "reason": reason[:500]},
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal.extension_requested",
        target=deal,
        changes={"requested_until": requested_until.isoformat()},
    )
    return extension


@service
def extension_decide(
    *, tenant: Tenant, actor: User, extension: ProtectionExtension, approve: bool, note: str = ""
) -> ProtectionExtension:
    """Staff approve (the protection moves to the requested date) or refuse (with a note)."""
    if extension.tenant_id != tenant.pk:
        raise ValidationError(_("This request belongs to another tenant."))
    extension = ProtectionExtension.objects.select_for_update().get(tenant=tenant, pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the extension is refused.")})
    deal = (
        Deal.objects.select_for_update(of=("self",))
        .select_related("registered_by", "rep")
        .get(tenant=tenant, pk=extension.deal_id)
    )
    if approve and deal.registration_status != RegistrationStatus.APPROVED:
        raise ValidationError(
            _("The deal is “%(status)s”: only an approved deal's protection can be extended.")
            % {"status": deal.get_registration_status_display()}
        )
    now = timezone.now()
    person = stored_actor(actor)
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_at = now
    extension.decided_by = person
    extension.decision_note = note[:500]
    extension.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    data = {"requested_until": extension.requested_until.isoformat(), "note": note[:500]}
    if approve:
        data["previous_until"] = deal.protected_until.isoformat() if deal.protected_until else ""
        deal.protected_until = extension.requested_until
        deal.updated_at = now
        deal.save(update_fields=["protected_until", "updated_at"])
    DealEvent.objects.create(
        tenant=tenant,
        deal=deal,
        kind=DealEventKind.EXTENSION_APPROVED if approve else DealEventKind.EXTENSION_REFUSED,
        at=now,
        by=person,
        data=data,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal.extension_approved" if approve else "deal.extension_refused",
        target=deal,
        changes=data,
    )
    _mail(tenant, deal, "extension_approved" if approve else "extension_refused")
    return extension


# --- The daily job -------------------------------------------------------------------------------


@service
def protections_expire(*, tenant: Tenant, today: datetime.date) -> int:
    """Approved deals whose protection ended before `today` (the tenant's date) become
    EXPIRED, each with its event and an e-mail to the rep; pending extension requests of
    them are refused. Running it again changes nothing more. Returns how many expired."""
    deals = list(
        Deal.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            tenant=tenant,
            registration_status=RegistrationStatus.APPROVED,
            protected_until__lt=today,
        )
        .select_related("registered_by", "rep")
        .order_by("id")
    )
    now = timezone.now()
    for deal in deals:
        deal.registration_status = RegistrationStatus.EXPIRED
        deal.updated_at = now
        deal.save(update_fields=["registration_status", "updated_at"])
        DealEvent.objects.create(
            tenant=tenant,
            deal=deal,
            kind=DealEventKind.PROTECTION_EXPIRED,
            at=now,
            data={"protected_until": deal.protected_until.isoformat()},
        )
        ProtectionExtension.objects.filter(
            tenant=tenant, deal=deal, status=ExtensionStatus.PENDING
        ).update(
            status=ExtensionStatus.REFUSED,
            decided_at=now,
            decision_note=_("The protection expired before a decision."),
        )
        audit_record(tenant=tenant, actor=None, action="deal.protection_expired", target=deal)
        _mail(tenant, deal, "expired")
    return len(deals)
