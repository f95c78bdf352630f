"""Writes of the pipeline: moving a deal between stages, its amount after winning, churn,
attribution, and the vendor's direct deals.

Who may move a deal depends on its program (issue: the vendor for referral deals, the partner
in the portal for reseller deals, either for agency deals); `deal_movers` is that rule, in one
place. The stage itself is only ever written by `deal_stage_set` (deals/services/stages.py).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, register_action_labels, stored_actor
from accounts.models import Membership, Tenant, User
from accounts.money import quantize
from accounts.transactions import service
from deals import signals
from deals.models import (
    AttributionRole,
    Deal,
    DealEvent,
    DealEventKind,
    DealStage,
    DealStageChange,
    RegistrationStatus,
    StageCode,
    StageKind,
)
from deals.names import deal_keys
from deals.services.stages import deal_stage_set, stage_by_code
from partners.models import Partner
from programs.models import ContractKind, PartnerRole

register_action_labels(
    {
        "deal.moved": gettext_lazy("Deal moved to another stage"),
        "deal.amount_changed": gettext_lazy("Deal amount changed after winning"),
        "deal.churned": gettext_lazy("Deal churned"),
        "deal.attribution_changed": gettext_lazy("Deal attribution changed"),
        "deal.direct_created": gettext_lazy("Direct deal entered"),
    }
)

VENDOR = "vendor"
PARTNER = "partner"

# Registrations that have not (or no longer) earned a place in the pipeline.
NOT_MOVABLE = {
    RegistrationStatus.PENDING: gettext_lazy(
        "The registration is awaiting review: approve it before moving the deal."
    ),
    RegistrationStatus.REJECTED: gettext_lazy("The registration was rejected: it cannot move."),
    RegistrationStatus.DUPLICATE: gettext_lazy(
        "The registration is a duplicate of another deal: move that one instead."
    ),
    RegistrationStatus.EXPIRED: gettext_lazy(
        "The deal's protection has expired: it no longer moves in the pipeline."
    ),
}


def deal_movers(deal: Deal) -> frozenset[str]:
    """Who moves the deal: VENDOR, PARTNER or both.

    By the program's contract type: referral → the vendor (the partner only introduces);
    reseller → the partner (it sells and closes itself); agency → either (it sets the first
    meeting, the vendor closes). Other and custom types follow the program's partner role
    (introduces → vendor, sets the meeting → either, closes → partner). A direct deal, and a
    registration without a program, are the vendor's."""
    program = deal.program
    if deal.partner_id is None or program is None:
        return frozenset({VENDOR})
    code = program.contract_type.code
    if code == ContractKind.REFERRAL:
        return frozenset({VENDOR})
    if code == ContractKind.RESELLER:
        return frozenset({PARTNER})
    if code == ContractKind.AGENCY:
        return frozenset({VENDOR, PARTNER})
    role = program.partner_role
    if role == PartnerRole.INTRODUCES:
        return frozenset({VENDOR})
    if role == PartnerRole.SETS_MEETING:
        return frozenset({VENDOR, PARTNER})
    return frozenset({PARTNER})


def _locked(tenant: Tenant, deal: Deal) -> Deal:
    if deal.tenant_id != tenant.pk:
        # SECURITY(tenant): only the tenant's own deal is ever written.
        raise ValidationError(_("This deal belongs to another tenant."))
    return (
        Deal.objects.select_for_update(of=("self",))
        .select_related("program__contract_type", "stage")
        .get(tenant=tenant, pk=deal.pk)
    )


@service
def deal_move(
    *,
    tenant: Tenant,
    actor: User | None,
    deal: Deal,
    stage: DealStage,
    by: str,
    partner: Partner | None = None,
    note: str = "",
    lost_reason: str = "",
) -> DealStageChange:
    """Move a deal to `stage` as `by` (VENDOR for staff, PARTNER for a partner user, who must
    pass their own `partner`). Refused with a message: a registration that is not approved,
    a mover the program does not allow, the built-in "registered" or "approved" stages (review
    puts a deal there), a lost stage without a reason."""
    locked = _locked(tenant, deal)
    if by == PARTNER and (partner is None or locked.partner_id != partner.pk):
        # SECURITY(tenant): a partner user moves only its own partner's deals.
        raise ValidationError(_("This deal belongs to another partner."))
    if locked.registration_status in NOT_MOVABLE:
        raise ValidationError(str(NOT_MOVABLE[locked.registration_status]))
    if by not in deal_movers(locked):
        raise ValidationError(
            _("Your partner moves this deal in the portal.")
            if by == VENDOR
            else _("The vendor moves deals of this program.")
        )
    if stage.code in (StageCode.REGISTERED, StageCode.APPROVED) and locked.partner_id:
        raise ValidationError(
            {"stage": _("Review decides when a registration is registered or approved.")}
        )
    if stage.tenant_id != tenant.pk:
        raise ValidationError({"stage": _("Choose one of this organization's own stages.")})
    old_stage = locked.stage
    change = deal_stage_set(
        tenant=tenant, actor=actor, deal=locked, stage=stage, note=note, lost_reason=lost_reason
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal.moved",
        target=locked,
        changes={"stage": [old_stage.name, stage.name], "by": by},
    )
    deal.stage, deal.stage_changed_at = locked.stage, locked.stage_changed_at
    deal.won_on, deal.lost_on = locked.won_on, locked.lost_on
    return change


def _amount(value, field: str, currency: str) -> Decimal:
    try:
        amount = quantize(Decimal(str(value)), currency)
    except (ArithmeticError, ValueError) as error:
        raise ValidationError({field: _("Enter an amount.")}) from error
    if amount < 0:
        raise ValidationError({field: _("An amount cannot be negative.")})
    return amount


@service
def deal_amount_change(
    *,
    tenant: Tenant,
    actor: User | None,
    deal: Deal,
    amount_one_time,
    amount_monthly,
    reason: str,
) -> DealEvent:
    """Change the amount of a won deal: a history line and, after commit, `deal_amount_changed`
    (payouts books the difference). Before winning, the amount is simply edited."""
    locked = _locked(tenant, deal)
    if locked.won_on is None:
        raise ValidationError(_("Only a won deal's amount is changed this way."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the amount changed.")})
    new_one_time = _amount(amount_one_time, "amount_one_time", locked.currency)
    new_monthly = _amount(amount_monthly, "amount_monthly", locked.currency)
    old_one_time, old_monthly = locked.amount_one_time, locked.amount_monthly
    if (new_one_time, new_monthly) == (old_one_time, old_monthly):
        raise ValidationError(_("The amounts are the ones the deal already has."))
    event = DealEvent.objects.create(
        tenant=tenant,
        deal=locked,
        kind=DealEventKind.AMOUNT_CHANGED,
        by=stored_actor(actor),
        data={
            "old_one_time": str(old_one_time),
            "new_one_time": str(new_one_time),
            "old_monthly": str(old_monthly),
            "new_monthly": str(new_monthly),
            "reason": reason[:500],
        },
    )
    locked.amount_one_time, locked.amount_monthly = new_one_time, new_monthly
    locked.updated_at = timezone.now()
    locked.save(update_fields=["amount_one_time", "amount_monthly", "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal.amount_changed",
        target=locked,
        changes={
            "amount_one_time": [str(old_one_time), str(new_one_time)],
            "amount_monthly": [str(old_monthly), str(new_monthly)],
        },
    )
    deal_id = locked.pk
    transaction.on_commit(
        lambda: signals.deal_amount_changed.send(
            sender=Deal,
            tenant=tenant,
            deal_id=deal_id,
            change_id=event.pk,
            old_one_time=old_one_time,
            new_one_time=new_one_time,
            old_monthly=old_monthly,
            new_monthly=new_monthly,
        )
    )
    return event


@service
def deal_churn(
    *, tenant: Tenant, actor: User | None, deal: Deal, churned_on: datetime.date, reason: str = ""
) -> DealEvent:
    """The customer of a won deal cancelled: once (a second churn is refused)."""
    locked = _locked(tenant, deal)
    if locked.won_on is None:
        raise ValidationError(_("Only a won deal can churn."))
    if locked.churned_on is not None:
        raise ValidationError(_("This deal has already churned."))
    if churned_on < locked.won_on:
        raise ValidationError({"churned_on": _("A deal cannot churn before it was won.")})
    if churned_on > timezone.localdate():
        raise ValidationError({"churned_on": _("The churn date cannot be in the future.")})
    locked.churned_on = churned_on
    locked.updated_at = timezone.now()
    locked.save(update_fields=["churned_on", "updated_at"])
    event = DealEvent.objects.create(
        tenant=tenant,
        deal=locked,
        kind=DealEventKind.CHURNED,
        by=stored_actor(actor),
        data={"churned_on": churned_on.isoformat(), "reason": reason.strip()[:500]},
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal.churned",
        target=locked,
        changes={"churned_on": [None, churned_on.isoformat()]},
    )
    deal.churned_on = churned_on
    deal_id = locked.pk
    transaction.on_commit(
        lambda: signals.deal_churned.send(
            sender=Deal, tenant=tenant, deal_id=deal_id, churned_on=churned_on
        )
    )
    return event


@service
def deal_attribution_set(
    *,
    tenant: Tenant,
    actor: User | None,
    deal: Deal,
    second_partner: Partner | None,
    second_partner_role: str = "",
) -> Deal:
    """The second partner of a deal and its part (or none): same tenant, not the deal's own
    partner, a role when there is a partner."""
    locked = _locked(tenant, deal)
    if second_partner is not None:
        if second_partner.tenant_id != tenant.pk:
            raise ValidationError(
                {"second_partner": _("Choose one of this organization's own partners.")}
            )
        if second_partner.pk == locked.partner_id:
            raise ValidationError(
                {"second_partner": _("The second partner cannot be the deal's own partner.")}
            )
        if second_partner_role not in AttributionRole.values:
            raise ValidationError({"second_partner_role": _("Choose the second partner's role.")})
    else:
        second_partner_role = ""
    old = [locked.second_partner_id, locked.second_partner_role]
    locked.second_partner = second_partner
    locked.second_partner_role = second_partner_role
    locked.updated_at = timezone.now()
    locked.save(update_fields=["second_partner", "second_partner_role", "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal.attribution_changed",
        target=locked,
        changes={
            "second_partner": [old[0], second_partner.pk if second_partner else None],
            "second_partner_role": [old[1], second_partner_role],
        },
    )
    deal.second_partner, deal.second_partner_role = second_partner, second_partner_role
    return locked


DIRECT_FIELDS = (
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


def direct_deal_build(
    *,
    tenant: Tenant,
    actor: User | None,
    owner: Membership | None,
    stage: DealStage | None,
    won_on: datetime.date | None = None,
    **fields,
) -> Deal:
    """A validated, unsaved direct deal (the form, the API and the CSV import share it)."""
    unknown = set(fields) - set(DIRECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown direct deal fields: {sorted(unknown)}")
    if owner is not None and (owner.tenant_id != tenant.pk or not owner.is_staff_role):
        raise ValidationError({"owner": _("Choose one of this organization's own staff.")})
    stage = stage or stage_by_code(tenant=tenant, code=StageCode.APPROVED)
    if stage.tenant_id != tenant.pk:
        raise ValidationError({"stage": _("Choose one of this organization's own stages.")})
    if stage.code == StageCode.REGISTERED:
        raise ValidationError({"stage": _("A direct deal starts after registration.")})
    if stage.kind == StageKind.LOST:
        raise ValidationError({"stage": _("Enter a lost deal from its page, with the reason.")})
    currency = (fields.get("currency") or tenant.base_currency).upper()
    deal = Deal(
        tenant=tenant,
        partner=None,
        registration_status=RegistrationStatus.DIRECT,
        owner=owner,
        stage=stage,
        registered_by=stored_actor(actor),
        **{**fields, "currency": currency},
    )
    for field in ("amount_one_time", "amount_monthly"):
        setattr(deal, field, _amount(getattr(deal, field) or 0, field, currency))
    if deal.amount_one_time == 0 and deal.amount_monthly == 0:
        raise ValidationError(
            {"amount_one_time": _("Enter a one-time amount, a monthly amount or both.")}
        )
    for key, value in deal_keys(
        customer_name=deal.customer_name,
        web_domain=deal.web_domain,
        contact_email=deal.contact_email,
    ).items():
        setattr(deal, key, value)
    if stage.kind == StageKind.WON:
        deal.won_on = won_on or timezone.localdate()
        if deal.won_on > timezone.localdate():
            raise ValidationError({"won_on": _("A won date cannot be in the future.")})
    elif won_on is not None:
        raise ValidationError({"won_on": _("Only a won deal has a won date.")})
    deal.full_clean(exclude=["tenant", "customer_name_key", "contact_email_domain"])
    return deal


def direct_deal_save(*, tenant: Tenant, actor: User | None, deal: Deal) -> Deal:
    """Store a built direct deal with its first history line; inside the caller's
    transaction. Signals: a deal entered as won is won (payouts books nothing for it, having
    no partner, but insights counts it)."""
    deal.save()
    DealStageChange.objects.create(
        tenant=tenant,
        deal=deal,
        from_stage=None,
        to_stage=deal.stage,
        changed_by=stored_actor(actor),
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal.direct_created",
        target=deal,
        changes={"customer_name": [None, deal.customer_name], "stage": [None, deal.stage.name]},
    )
    if deal.won_on is not None:
        deal_id, won_on = deal.pk, deal.won_on
        transaction.on_commit(
            lambda: signals.deal_won.send(
                sender=Deal, tenant=tenant, deal_id=deal_id, won_on=won_on
            )
        )
    return deal


@service
def direct_deal_create(
    *,
    tenant: Tenant,
    actor: User | None,
    owner: Membership | None = None,
    stage: DealStage | None = None,
    won_on: datetime.date | None = None,
    **fields,
) -> Deal:
    """Enter one of the vendor's own deals (no partner): the direct side of the revenue mix."""
    deal = direct_deal_build(
        tenant=tenant, actor=actor, owner=owner, stage=stage, won_on=won_on, **fields
    )
    return direct_deal_save(tenant=tenant, actor=actor, deal=deal)
