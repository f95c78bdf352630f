"""The tenant's pipeline stages: the built-ins seeded for every tenant, and who may move a deal.

The built-in stages and their exit criteria are where a new tenant starts; it renames them,
edits their criteria, reorders them and adds stages of its own (services below). A built-in
is known by its code, so the pipeline can find "won" or "registered" whatever the tenant
calls it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.audit import stored_actor
from accounts.models import Tenant, User
from deals import signals
from deals.models import Deal, DealStage, DealStageChange, StageCode, StageKind

# code -> (kind, exit criteria), in pipeline order.
BUILT_IN_STAGES = {
    StageCode.REGISTERED: (
        StageKind.OPEN,
        _("The partner has registered the customer, the contact and the expected amount."),
    ),
    StageCode.APPROVED: (
        StageKind.OPEN,
        _("The vendor has checked for conflicts and approved the registration."),
    ),
    StageCode.MEETING_SET: (
        StageKind.OPEN,
        _("A first meeting with the customer's decision maker has a date."),
    ),
    StageCode.MEETING_HELD: (
        StageKind.OPEN,
        _("The meeting took place and the customer's need is confirmed."),
    ),
    StageCode.PROPOSAL: (
        StageKind.OPEN,
        _("A proposal with price and schedule has been sent to the customer."),
    ),
    StageCode.WON: (StageKind.WON, _("The customer has signed.")),
    StageCode.LOST: (StageKind.LOST, _("The customer declined; the reason is recorded.")),
}


def deal_stages_seed(*, tenant: Tenant) -> int:
    """Give the tenant every built-in stage it lacks, after its own; returns how many were
    created. Idempotent and safe when two run at once (the code is unique per tenant); a name
    the tenant already uses for a stage of its own is left to that stage."""
    existing = list(DealStage.objects.filter(tenant=tenant).values_list("code", "name"))
    codes = {code for code, _name in existing}
    names = {name.casefold() for _code, name in existing}
    position = len(existing)
    rows = []
    with translation.override(tenant.default_language or None):
        for code, (kind, criteria) in BUILT_IN_STAGES.items():
            name = str(code.label)
            if code in codes or name.casefold() in names:
                continue
            rows.append(
                DealStage(
                    tenant=tenant,
                    code=code,
                    name=name,
                    kind=kind,
                    exit_criteria=str(criteria),
                    position=position,
                )
            )
            position += 1
    if not rows:
        return 0
    return len(DealStage.objects.bulk_create(rows, ignore_conflicts=True))


def stage_by_code(*, tenant: Tenant, code: str) -> DealStage:
    """The tenant's built-in stage `code`, seeding the built-ins first if a tenant predates
    them (the data migration gives existing tenants theirs; this is the belt to its braces)."""
    stage = DealStage.objects.filter(tenant=tenant, code=code).first()
    if stage is None:
        deal_stages_seed(tenant=tenant)
        stage = DealStage.objects.get(tenant=tenant, code=code)
    return stage


def deal_stage_set(
    *,
    tenant: Tenant,
    actor: User | None,
    deal: Deal,
    stage: DealStage,
    note: str = "",
    lost_reason: str = "",
    at: datetime.datetime | None = None,
) -> DealStageChange:
    """Put a (locked) deal into `stage` and record the move; the one writer of a deal's stage.

    It keeps the won and lost dates in step and tells subscribers after commit (won, lost,
    meeting held). Who may move a deal and which moves make sense are the callers' rules (the
    pipeline's and review's services); this only refuses what is never right: another tenant's
    stage, the stage the deal is already in, a lost stage without a reason. Call inside a
    transaction with the deal locked (select_for_update)."""
    if stage.tenant_id != tenant.pk or deal.tenant_id != tenant.pk:
        # SECURITY(tenant): a deal moves only between its own tenant's stages.
        raise ValidationError(gettext("This stage belongs to another tenant."))
    if deal.stage_id == stage.pk:
        raise ValidationError(
            {"stage": gettext("The deal is already at “%(stage)s”.") % {"stage": stage.name}}
        )
    lost_reason = lost_reason.strip()
    if stage.kind == StageKind.LOST and not lost_reason:
        raise ValidationError({"lost_reason": gettext("Say why the deal was lost.")})
    moved_at = at or timezone.now()
    moved_on = timezone.localtime(moved_at).date()
    from_stage_id = deal.stage_id
    was_won = deal.won_on is not None
    change = DealStageChange.objects.create(
        tenant=tenant,
        deal=deal,
        from_stage_id=from_stage_id,
        to_stage=stage,
        changed_at=moved_at,
        changed_by=stored_actor(actor),
        note=note[:500],
    )
    deal.stage = stage
    deal.stage_changed_at = moved_at
    fields = ["stage", "stage_changed_at", "updated_at"]
    if stage.kind == StageKind.WON:
        deal.won_on, deal.lost_on, deal.lost_reason = moved_on, None, ""
        fields += ["won_on", "lost_on", "lost_reason"]
    elif stage.kind == StageKind.LOST:
        deal.lost_on, deal.lost_reason = moved_on, lost_reason[:300]
        fields += ["lost_on", "lost_reason"]
    elif deal.won_on is not None or deal.lost_on is not None:
        # Reopened: back in an open stage, neither won nor lost any more.
        deal.won_on = deal.lost_on = None
        deal.lost_reason = ""
        fields += ["won_on", "lost_on", "lost_reason"]
    deal.updated_at = timezone.now()
    deal.save(update_fields=fields)

    deal_id = deal.pk
    if stage.kind == StageKind.WON and not was_won:
        transaction.on_commit(
            lambda: signals.deal_won.send(
                sender=Deal, tenant=tenant, deal_id=deal_id, won_on=moved_on
            )
        )
    elif stage.kind == StageKind.LOST:
        transaction.on_commit(
            lambda: signals.deal_lost.send(
                sender=Deal, tenant=tenant, deal_id=deal_id, lost_on=moved_on, was_won=was_won
            )
        )
    elif stage.code == StageCode.MEETING_HELD:
        transaction.on_commit(
            lambda: signals.deal_meeting_held.send(
                sender=Deal, tenant=tenant, deal_id=deal_id, held_on=moved_on
            )
        )
    return change
