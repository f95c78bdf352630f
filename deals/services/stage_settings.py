"""Writes of the tenant's pipeline stages: add, edit (name, exit criteria), reorder, delete.

A built-in stage (a code) can be renamed and its criteria edited but not deleted, nor its kind
changed: review and the pipeline find "registered", "approved", "won" by their codes. A stage
any deal has ever been in stays (its history names it)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.audit import audit_record, register_action_labels
from accounts.models import Tenant, User
from accounts.transactions import service
from deals.models import DealStage, DealStageChange, StageKind

register_action_labels(
    {
        "deal_stage.created": gettext_lazy("Pipeline stage added"),
        "deal_stage.updated": gettext_lazy("Pipeline stage changed"),
        "deal_stage.moved": gettext_lazy("Pipeline stage moved"),
        "deal_stage.deleted": gettext_lazy("Pipeline stage deleted"),
    }
)

NAME_LENGTH = 100


def _clean_name(*, tenant: Tenant, name: str, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    if len(name) > NAME_LENGTH:
        raise ValidationError({"name": _("Use at most 100 characters.")})
    taken = DealStage.objects.filter(tenant=tenant, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": _("A stage with this name already exists.")})
    return name


def _clean_criteria(criteria: str) -> str:
    criteria = (criteria or "").strip()
    if len(criteria) > 2000:
        raise ValidationError({"exit_criteria": _("Use at most 2000 characters.")})
    return criteria


def _own(tenant: Tenant, stage: DealStage) -> DealStage:
    if stage.tenant_id != tenant.pk:
        # SECURITY(tenant): only the tenant's own stages are ever written.
        raise ValidationError(_("This stage belongs to another tenant."))
    return DealStage.objects.select_for_update().get(tenant=tenant, pk=stage.pk)


@service
def deal_stage_create(
    *, tenant: Tenant, actor: User | None, name: str, kind: str, exit_criteria: str = ""
) -> DealStage:
    """A stage of the tenant's own, placed before the first won or lost stage when it is an
    open one (the end of the pipeline stays its outcomes), else at the end."""
    if kind not in StageKind.values:
        raise ValidationError({"kind": _("Choose open, won or lost.")})
    name = _clean_name(tenant=tenant, name=name)
    criteria = _clean_criteria(exit_criteria)
    stages = list(
        DealStage.objects.select_for_update().filter(tenant=tenant).order_by("position", "id")
    )
    if kind == StageKind.OPEN:
        first_outcome = next(
            (i for i, s in enumerate(stages) if s.kind != StageKind.OPEN), len(stages)
        )
    else:
        first_outcome = len(stages)
    try:
        with transaction.atomic():
            stage = DealStage.objects.create(
                tenant=tenant, name=name, kind=kind, exit_criteria=criteria, position=0
            )
    except IntegrityError as error:
        # Two people adding the same name at once: the unique key answers the second one.
        raise ValidationError({"name": _("A stage with this name already exists.")}) from error
    stages.insert(first_outcome, stage)
    _renumber(stages)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal_stage.created",
        target=stage,
        changes={"name": [None, name], "kind": [None, kind]},
    )
    return stage


def _renumber(stages: list[DealStage]) -> None:
    for position, stage in enumerate(stages):
        if stage.position != position:
            stage.position = position
            DealStage.objects.filter(pk=stage.pk).update(position=position)


@service
def deal_stage_update(
    *, tenant: Tenant, actor: User | None, stage: DealStage, name: str, exit_criteria: str
) -> DealStage:
    locked = _own(tenant, stage)
    new_name = _clean_name(tenant=tenant, name=name, exclude_pk=locked.pk)
    criteria = _clean_criteria(exit_criteria)
    changes = {}
    if new_name != locked.name:
        changes["name"] = [locked.name, new_name]
    if criteria != locked.exit_criteria:
        changes["exit_criteria"] = [locked.exit_criteria, criteria]
    if not changes:
        return locked
    locked.name, locked.exit_criteria = new_name, criteria
    try:
        with transaction.atomic():
            locked.save(update_fields=["name", "exit_criteria"])
    except IntegrityError as error:
        raise ValidationError({"name": _("A stage with this name already exists.")}) from error
    audit_record(
        tenant=tenant, actor=actor, action="deal_stage.updated", target=locked, changes=changes
    )
    return locked


@service
def deal_stage_move(*, tenant: Tenant, actor: User | None, stage: DealStage, up: bool) -> DealStage:
    """One place up or down."""
    _own(tenant, stage)
    stages = list(
        DealStage.objects.select_for_update().filter(tenant=tenant).order_by("position", "id")
    )
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    other = index - 1 if up else index + 1
    if other < 0 or other >= len(stages):
        raise ValidationError(
            _("This stage is already first.") if up else _("This stage is already last.")
        )
    stages[index], stages[other] = stages[other], stages[index]
    _renumber(stages)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal_stage.moved",
        target=stage,
        changes={"position": [index, other]},
    )
    return stage


@service
def deal_stage_delete(*, tenant: Tenant, actor: User | None, stage: DealStage) -> None:
    locked = _own(tenant, stage)
    if locked.code:
        raise ValidationError(_("A built-in stage cannot be deleted; rename it instead."))
    used = locked.deals.filter(tenant=tenant).count()
    if used:
        raise ValidationError(
            ngettext(
                "“%(name)s” is the stage of %(count)d deal: move it first.",
                "“%(name)s” is the stage of %(count)d deals: move them first.",
                used,
            )
            % {"name": locked.name, "count": used}
        )
    if DealStageChange.objects.filter(
        Q(from_stage=locked) | Q(to_stage=locked), tenant=tenant
    ).exists():
        raise ValidationError(
            _("“%(name)s” is in the history of deals: rename it instead.") % {"name": locked.name}
        )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal_stage.deleted",
        target=locked,
        changes={"name": locked.name},
    )
    locked.delete()
    _renumber(list(DealStage.objects.filter(tenant=tenant).order_by("position", "id")))
