"""One set of writes for every tenant's ordered label list (OrderedLabel: partner types, lost
reasons): add at the end, rename, delete when unused, seed the usual labels. Each list is
described once by a LabelList; partner_type_* and lost_reason_* in the area services are thin
wrappers with the signatures their callers know. Callers wrap these in their own @service."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from accounts.audit import audit_record
from accounts.models import Tenant, User
from partners.models import OrderedLabel


@dataclass(frozen=True)
class LabelList:
    model: type[OrderedLabel]
    # Audit actions are "<action>.created", ".renamed", ".deleted".
    action: str
    max_length: int
    empty_message: Any
    too_long_message: Any
    taken_message: Any
    other_tenant_message: Any
    # The reverse relation whose rows keep a label from being deleted, and what to say then.
    used_by: str
    in_use_message: Callable[[str, int], str]
    # Lost reasons are typed free-hand: runs of spaces inside collapse. Partner type names are
    # only trimmed (as they always were).
    collapse_spaces: bool = False
    # Lost reasons log a deletion as label -> "", partner types as the name they had.
    deletion_as_change: bool = False

    @property
    def field(self) -> str:
        return self.model.label_field


def label_clean(spec: LabelList, *, tenant: Tenant, label: str, exclude_pk: int | None = None):
    """The label as stored, or a ValidationError on the label field: empty, too long, or taken
    in this tenant's list ignoring case."""
    label = " ".join((label or "").split()) if spec.collapse_spaces else (label or "").strip()
    if not label:
        raise ValidationError({spec.field: str(spec.empty_message)})
    if len(label) > spec.max_length:
        raise ValidationError({spec.field: str(spec.too_long_message)})
    taken = spec.model.objects.filter(tenant=tenant, **{f"{spec.field}__iexact": label})
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({spec.field: str(spec.taken_message)})
    return label


def _next_position(spec: LabelList, tenant: Tenant) -> int:
    last = spec.model.objects.filter(tenant=tenant).order_by("-position").first()
    return (last.position + 1) if last else 0


def label_create(
    spec: LabelList, *, tenant: Tenant, actor: User | None, label: str, **extra: Any
) -> OrderedLabel:
    """A new label at the end of the list; `extra` are the list's other columns."""
    label = label_clean(spec, tenant=tenant, label=label)
    item = spec.model.objects.create(
        tenant=tenant, position=_next_position(spec, tenant), **{spec.field: label}, **extra
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action=f"{spec.action}.created",
        target=item,
        changes={spec.field: label},
    )
    return item


def label_rename(
    spec: LabelList, *, tenant: Tenant, actor: User | None, item: OrderedLabel, label: str
) -> OrderedLabel:
    if item.tenant_id != tenant.pk:
        raise ValidationError(str(spec.other_tenant_message))
    label = label_clean(spec, tenant=tenant, label=label, exclude_pk=item.pk)
    old = getattr(item, spec.field)
    if old == label:
        return item
    setattr(item, spec.field, label)
    item.save(update_fields=[spec.field])
    audit_record(
        tenant=tenant,
        actor=actor,
        action=f"{spec.action}.renamed",
        target=item,
        changes={spec.field: [old, label]},
    )
    return item


def label_delete(spec: LabelList, *, tenant: Tenant, actor: User | None, item: OrderedLabel):
    """Delete a label nothing uses; one in use stays (rename it instead)."""
    if item.tenant_id != tenant.pk:
        raise ValidationError(str(spec.other_tenant_message))
    label = getattr(item, spec.field)
    used = getattr(item, spec.used_by).filter(tenant=tenant).count()
    if used:
        raise ValidationError(spec.in_use_message(label, used))
    audit_record(
        tenant=tenant,
        actor=actor,
        action=f"{spec.action}.deleted",
        target=item,
        changes={spec.field: [label, ""] if spec.deletion_as_change else label},
    )
    item.delete()


def labels_seed(spec: LabelList, *, tenant: Tenant, labels: list[str]) -> int:
    """Give a tenant with an empty list these labels in this order; returns how many were
    created (0 when it has a list). Concurrent calls create each label once (unique label per
    tenant, conflicts ignored)."""
    if spec.model.objects.filter(tenant=tenant).exists():
        return 0
    created = spec.model.objects.bulk_create(
        [
            spec.model(tenant=tenant, position=position, **{spec.field: label})
            for position, label in enumerate(labels)
        ],
        ignore_conflicts=True,
    )
    return len(created)
