"""Writes of program terms versions and partner contracts.

Keyword-only, tenant explicit, every related object checked against the tenant, audited in the
same transaction. Validation errors name the field they concern. A contract is created as a
draft, activated (which sends `contract_started` on commit), renewed into the next contract
(once: one renewal per contract, a unique key on `renewed_from`) and ended; its signed PDF
may be uploaded and replaced.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services as account_services
from accounts.audit import audit_record, register_action_labels
from accounts.models import Tenant, User
from accounts.transactions import service
from accounts.urls_helpers import tenant_reverse
from partners.models import Partner
from programs.commission.calculator import add_months
from programs.models import ContractStatus, PartnerContract, Program, ProgramTerms, Tier
from programs.signals import contract_started

register_action_labels(
    {
        "program_terms.created": gettext_lazy("Program terms version added"),
        "contract.created": gettext_lazy("Contract created"),
        "contract.activated": gettext_lazy("Contract activated"),
        "contract.ended": gettext_lazy("Contract ended"),
        "contract.renewed": gettext_lazy("Contract renewed"),
        "contract.document_uploaded": gettext_lazy("Signed contract uploaded"),
    }
)

DEFAULT_MAX_PDF_BYTES = 10 * 1024 * 1024


def max_pdf_bytes() -> int:
    return int(getattr(settings, "PRM_CONTRACT_PDF_MAX_BYTES", DEFAULT_MAX_PDF_BYTES))


def _same_tenant(tenant: Tenant, obj, field: str) -> None:
    if obj is None or obj.tenant_id != tenant.pk:
        # SECURITY(tenant): an object of another tenant is no choice here.
        raise ValidationError({field: _("Choose one of this organization's own.")})


# --- Terms versions ---------------------------------------------------------------------------


def terms_current_on(*, tenant: Tenant, program: Program, day: datetime.date):
    """The program's terms version in force on `day` (None if none yet)."""
    return (
        ProgramTerms.objects.filter(tenant=tenant, program=program, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


@service
def terms_create(
    *,
    tenant: Tenant,
    actor: User | None,
    program: Program,
    effective_from: datetime.date,
    title: str,
    body: str,
) -> ProgramTerms:
    _same_tenant(tenant, program, "program")
    program = Program.objects.select_for_update().get(tenant=tenant, pk=program.pk)
    if effective_from < timezone.localdate():
        raise ValidationError({"effective_from": _("The effective date cannot be in the past.")})
    versions = ProgramTerms.objects.filter(tenant=tenant, program=program)
    if versions.filter(effective_from=effective_from).exists():
        raise ValidationError({"effective_from": _("A version already takes effect on this date.")})
    last = versions.order_by("-number").values_list("number", flat=True).first() or 0
    terms = ProgramTerms(
        tenant=tenant,
        program=program,
        number=last + 1,
        effective_from=effective_from,
        title=" ".join((title or "").split()),
        body=body or "",
        created_by=actor,
    )
    terms.full_clean(exclude=["tenant", "created_by"], validate_constraints=False)
    terms.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="program_terms.created",
        target=terms,
        changes={"number": str(terms.number), "effective_from": effective_from.isoformat()},
    )
    return terms


# --- Contracts --------------------------------------------------------------------------------


def default_end(program: Program, starts_on: datetime.date) -> datetime.date:
    return add_months(starts_on, program.default_term_months or 12) - datetime.timedelta(days=1)


def _check_overlap(
    tenant: Tenant,
    partner: Partner,
    program: Program,
    starts_on: datetime.date,
    ends_on: datetime.date,
    exclude_pk: int | None = None,
) -> None:
    overlapping = PartnerContract.objects.filter(
        tenant=tenant,
        partner=partner,
        program=program,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    ).exclude(status=ContractStatus.ENDED, ended_on__lt=starts_on)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if overlapping.exists():
        raise ValidationError(
            {"starts_on": _("This partner already has a contract for this program in this term.")}
        )


@service
def contract_create(
    *,
    tenant: Tenant,
    actor: User | None,
    partner: Partner,
    program: Program,
    tier: Tier,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    auto_renew: bool = True,
    note: str = "",
) -> PartnerContract:
    _same_tenant(tenant, partner, "partner")
    _same_tenant(tenant, program, "program")
    _same_tenant(tenant, tier, "tier")
    if tier.program_id != program.pk:
        raise ValidationError({"tier": _("Choose a tier of this program.")})
    if program.is_archived:
        raise ValidationError({"program": _("This program is archived.")})
    starts_on = starts_on or timezone.localdate()
    ends_on = ends_on or default_end(program, starts_on)
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("The term must end after it starts.")})
    # Serialise creations for one partner: two submits at once cannot both pass the check.
    Partner.objects.select_for_update().filter(tenant=tenant, pk=partner.pk).first()
    _check_overlap(tenant, partner, program, starts_on, ends_on)
    contract = PartnerContract.objects.create(
        tenant=tenant,
        partner=partner,
        program=program,
        tier=tier,
        starts_on=starts_on,
        ends_on=ends_on,
        auto_renew=auto_renew,
        terms=terms_current_on(tenant=tenant, program=program, day=starts_on),
        note=note or "",
        created_by=actor,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contract.created",
        target=contract,
        changes={
            "partner": str(partner),
            "program": str(program),
            "tier": str(tier),
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return contract


def _locked(tenant: Tenant, contract: PartnerContract) -> PartnerContract:
    if contract.tenant_id != tenant.pk:
        raise ValidationError(_("This contract belongs to another organization."))
    return PartnerContract.objects.select_for_update().get(tenant=tenant, pk=contract.pk)


def _status_change(tenant, actor, contract, old, action) -> None:
    audit_record(
        tenant=tenant,
        actor=actor,
        action=action,
        target=contract,
        changes={"status": [str(old), str(contract.status)]},
    )


@service
def contract_activate(
    *, tenant: Tenant, actor: User | None, contract: PartnerContract
) -> PartnerContract:
    contract = _locked(tenant, contract)
    if contract.status != ContractStatus.DRAFT:
        raise ValidationError(_("Only a draft contract can be activated."))
    old = contract.status
    contract.status = ContractStatus.ACTIVE
    contract.updated_at = timezone.now()
    contract.save(update_fields=["status", "updated_at"])
    _status_change(tenant, actor, contract, old, "contract.activated")
    transaction.on_commit(
        lambda: contract_started.send(sender=PartnerContract, tenant=tenant, contract=contract)
    )
    return contract


@service
def contract_end(
    *,
    tenant: Tenant,
    actor: User | None,
    contract: PartnerContract,
    on: datetime.date | None = None,
) -> PartnerContract:
    """End a contract (the page asks for confirmation first). Ending an ended one changes
    nothing."""
    contract = _locked(tenant, contract)
    if contract.status == ContractStatus.ENDED:
        return contract
    old = contract.status
    contract.status = ContractStatus.ENDED
    contract.ended_on = on or timezone.localdate()
    contract.updated_at = timezone.now()
    contract.save(update_fields=["status", "ended_on", "updated_at"])
    _status_change(tenant, actor, contract, old, "contract.ended")
    return contract


@service
def contract_renew(
    *, tenant: Tenant, actor: User | None, contract: PartnerContract
) -> PartnerContract:
    """The next contract, a draft starting the day after this one ends, with the terms then
    current and the same tier. Renewing twice returns the same renewal."""
    contract = _locked(tenant, contract)
    existing = PartnerContract.objects.filter(tenant=tenant, renewed_from=contract).first()
    if existing is not None:
        return existing
    if contract.status == ContractStatus.DRAFT:
        raise ValidationError(_("A draft contract cannot be renewed: activate it first."))
    if (
        contract.status == ContractStatus.ENDED
        and contract.ended_on
        and (contract.ended_on < contract.ends_on)
    ):
        raise ValidationError(_("This contract was ended early: it cannot be renewed."))
    program = contract.program
    starts_on = contract.ends_on + datetime.timedelta(days=1)
    ends_on = default_end(program, starts_on)
    renewal = PartnerContract.objects.create(
        tenant=tenant,
        partner=contract.partner,
        program=program,
        tier=contract.tier,
        starts_on=starts_on,
        ends_on=ends_on,
        auto_renew=contract.auto_renew,
        terms=terms_current_on(tenant=tenant, program=program, day=starts_on),
        renewed_from=contract,
        created_by=actor,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contract.renewed",
        target=renewal,
        changes={
            "renewed_from": str(contract),
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return renewal


def _refuse_oversize(name: str, size: int) -> None:
    if size > max_pdf_bytes():
        raise ValidationError(
            {
                "signed_document": _(
                    "“%(name)s” is larger than %(size)s MB: upload a smaller file."
                )
                % {"name": name, "size": max_pdf_bytes() // (1024 * 1024)}
            }
        )


def _check_pdf(name: str, content: bytes) -> None:
    _refuse_oversize(name, len(content))
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
        raise ValidationError(
            {
                "signed_document": _("“%(name)s” is not a PDF file: upload the signed PDF.")
                % {"name": name}
            }
        )


@service
def contract_upload_signed(
    *, tenant: Tenant, actor: User | None, contract: PartnerContract, upload
) -> PartnerContract:
    """Store the signed PDF, replacing the previous one. Anything but a PDF is refused and
    nothing changes."""
    name = (getattr(upload, "name", "") or "contract.pdf").rsplit("/", 1)[-1][:255]
    size = getattr(upload, "size", None)
    if size is not None and size > max_pdf_bytes():
        _refuse_oversize(name, size)
    upload.seek(0)
    content = upload.read()
    _check_pdf(name, content)
    contract = _locked(tenant, contract)
    previous = contract.signed_document.name if contract.signed_document else ""
    contract.signed_document.save("signed.pdf", ContentFile(content), save=False)
    contract.signed_document_name = name
    contract.signed_uploaded_at = timezone.now()
    contract.signed_uploaded_by = actor
    contract.updated_at = timezone.now()
    contract.save(
        update_fields=[
            "signed_document",
            "signed_document_name",
            "signed_uploaded_at",
            "signed_uploaded_by",
            "updated_at",
        ]
    )
    if previous:
        storage = contract.signed_document.storage
        transaction.on_commit(lambda: storage.delete(previous))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contract.document_uploaded",
        target=contract,
        changes={"signed_document": name},
    )
    return contract


# --- The daily renewal run --------------------------------------------------------------------

EXPIRING_DAYS = 60
REMINDER_DAYS = (60, 30)
AUTO_RENEW_DAYS = 30


def _reminder_enqueue(tenant: Tenant, contract: PartnerContract, days: int) -> bool:
    owner = contract.partner.owner
    if owner is None or not owner.is_active or not owner.user.email:
        return False
    language = owner.user.language or tenant.default_language or settings.LANGUAGE_CODE
    with translation.override(language):
        values = {
            "tenant": tenant.name,
            "partner": contract.partner.name,
            "program": contract.program.name,
            "days": days,
            "ends_on": formats.date_format(contract.ends_on, "DATE_FORMAT"),
        }
        subject = _("[%(tenant)s] Contract of %(partner)s ends in %(days)s days") % values
        body = (
            _("The contract of %(partner)s for the program %(program)s ends on %(ends_on)s.")
            % values
        )
        body += "\n\n" + (
            _("It renews automatically.")
            if contract.auto_renew
            else _("It does not renew automatically: renew or end it on its page.")
        )
        page = tenant_reverse(tenant, "programs:contract_detail", contract_id=contract.pk)
        body += "\n\n" + _("The contract: %(url)s") % {"url": settings.PRM_SITE_URL + page}
    account_services.email_enqueue(
        tenant=tenant,
        to=owner.user.email,
        subject=subject,
        body_text=body,
        purpose="contract_reminder",
    )
    return True


@service
def contracts_daily_run(*, tenant: Tenant, today: datetime.date) -> dict[str, int]:
    """End contracts past their end, start renewals whose day has come, mark contracts within
    60 days of their end as expiring, send the owner's 60- and 30-day reminders (once each)
    and renew auto-renewing contracts at 30 days. Running it again the same day changes
    nothing more. Returns what it did, by kind."""
    done = {"ended": 0, "activated": 0, "expiring": 0, "reminded": 0, "renewed": 0}
    current = (ContractStatus.ACTIVE, ContractStatus.EXPIRING)
    contracts = PartnerContract.objects.filter(tenant=tenant).select_related(
        "partner__owner__user", "program"
    )
    for contract in contracts.filter(status__in=current, ends_on__lt=today):
        contract_end.nested(tenant=tenant, actor=None, contract=contract, on=contract.ends_on)
        done["ended"] += 1
    for contract in contracts.filter(
        status=ContractStatus.DRAFT, renewed_from__isnull=False, starts_on__lte=today
    ):
        contract_activate.nested(tenant=tenant, actor=None, contract=contract)
        done["activated"] += 1
    horizon = today + datetime.timedelta(days=EXPIRING_DAYS)
    done["expiring"] = contracts.filter(
        status=ContractStatus.ACTIVE, ends_on__lte=horizon, ends_on__gte=today
    ).update(status=ContractStatus.EXPIRING, updated_at=timezone.now())
    for contract in contracts.filter(status=ContractStatus.EXPIRING).select_for_update(
        of=("self",)
    ):
        left = (contract.ends_on - today).days
        fields = []
        if left <= 30 and contract.reminded_30_on is None:
            if _reminder_enqueue(tenant, contract, 30):
                done["reminded"] += 1
            contract.reminded_30_on = today
            # A contract first seen inside 30 days gets one reminder, not two.
            contract.reminded_60_on = contract.reminded_60_on or today
            fields = ["reminded_30_on", "reminded_60_on"]
        elif left <= 60 and contract.reminded_60_on is None:
            if _reminder_enqueue(tenant, contract, 60):
                done["reminded"] += 1
            contract.reminded_60_on = today
            fields = ["reminded_60_on"]
        if fields:
            contract.save(update_fields=fields)
        if (
            contract.auto_renew
            and left <= AUTO_RENEW_DAYS
            and not PartnerContract.objects.filter(tenant=tenant, renewed_from=contract).exists()
        ):
            contract_renew.nested(tenant=tenant, actor=None, contract=contract)
            done["renewed"] += 1
    return done
