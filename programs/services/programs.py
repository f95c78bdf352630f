"""Writes of programs and their tiers.

Keyword-only, tenant explicit, every related object checked against the tenant, audited in the
same transaction. Validation errors name the field they concern. Tiers are ordered by
`position` (0 is the lowest); a higher tier never asks for less than a lower one, so a partner
climbs the tiers by doing more, never by doing something else.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record, created_values, field_changes, register_action_labels
from accounts.models import Tenant, User
from accounts.money import money_format
from accounts.transactions import service
from programs.models import Program, Tier
from programs.selectors.programs import tier_usage_count

register_action_labels(
    {
        "program.created": gettext_lazy("Program created"),
        "program.updated": gettext_lazy("Program updated"),
        "program.visibility_changed": gettext_lazy("Program made public or internal"),
        "program.archived": gettext_lazy("Program archived"),
        "tier.created": gettext_lazy("Tier added"),
        "tier.updated": gettext_lazy("Tier updated"),
        "tier.moved": gettext_lazy("Tier moved"),
        "tier.deleted": gettext_lazy("Tier deleted"),
    }
)

PROGRAM_FIELDS = (
    "name",
    "description",
    "contract_type",
    "partner_role",
    "kpi",
    "default_term_months",
    "protection_days",
    "quota_text",
    "penalty_text",
    "is_public",
)
TIER_FIELDS = (
    "name",
    "window_months",
    "min_meetings_held",
    "min_won_deals",
    "min_revenue",
    "min_certified_reps",
    "rule_set",
    "discount_rate",
    "other_benefits",
)
# The minimums a partner must reach over the window: they may only grow from tier to tier.
REQUIREMENT_FIELDS = ("min_meetings_held", "min_won_deals", "min_revenue", "min_certified_reps")


def _check_known(fields: dict[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what} fields: {', '.join(unknown)}")


def _clean_name(fields: dict[str, Any]) -> None:
    if "name" in fields:
        fields["name"] = " ".join((fields["name"] or "").split())


# --- Programs ---------------------------------------------------------------------------------


def _check_program_related(tenant: Tenant, fields: dict[str, Any]) -> None:
    contract_type = fields.get("contract_type")
    if contract_type is not None and contract_type.tenant_id != tenant.pk:
        # SECURITY(tenant): a contract type of another tenant is no choice here.
        raise ValidationError({"contract_type": _("Choose a contract type of this tenant.")})


def _check_program_name(tenant: Tenant, name: str, exclude_pk: int | None = None) -> None:
    taken = Program.objects.filter(tenant=tenant, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": _program_name_taken(name)})


def _program_name_taken(name: str) -> str:
    return _("A program named “%(name)s” already exists: choose another name.") % {"name": name}


def _save_program(program: Program) -> None:
    program.full_clean(exclude=["tenant"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            program.save()
    except IntegrityError as error:
        # Two submits of the same name at once: the unique key lets one through.
        raise ValidationError({"name": _program_name_taken(program.name)}) from error


@service
def program_create(*, tenant: Tenant, actor: User | None, **fields) -> Program:
    _check_known(fields, PROGRAM_FIELDS, "program")
    _clean_name(fields)
    _check_program_related(tenant, fields)
    program = Program(tenant=tenant, **fields)
    if program.name:
        _check_program_name(tenant, program.name)
    _save_program(program)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="program.created",
        target=program,
        changes=created_values(program, PROGRAM_FIELDS),
    )
    return program


def _locked_program(tenant: Tenant, program: Program) -> Program:
    if program.tenant_id != tenant.pk:
        raise ValidationError(_("This program belongs to another tenant."))
    return Program.objects.select_for_update().get(tenant=tenant, pk=program.pk)


def _refuse_archived(program: Program) -> None:
    if program.is_archived:
        raise ValidationError(archived_message(program))


def archived_message(program: Program) -> str:
    return _("“%(name)s” is archived: it cannot be changed.") % {"name": program.name}


@service
def program_update(
    *, tenant: Tenant, actor: User | None, program: Program, fields: dict[str, Any]
) -> Program:
    _check_known(fields, PROGRAM_FIELDS, "program")
    fields = dict(fields)
    _clean_name(fields)
    _check_program_related(tenant, fields)
    program = _locked_program(tenant, program)
    _refuse_archived(program)
    changes = field_changes(program, list(fields), fields)
    if not changes:
        return program
    if "name" in changes:
        _check_program_name(tenant, fields["name"], exclude_pk=program.pk)
    for name, value in fields.items():
        setattr(program, name, value)
    program.updated_at = timezone.now()
    _save_program(program)
    visibility = changes.pop("is_public", None)
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="program.updated", target=program, changes=changes
        )
    if visibility is not None:
        # Public programs are offered to every new partner: who changed that is its own event.
        audit_record(
            tenant=tenant,
            actor=actor,
            action="program.visibility_changed",
            target=program,
            changes={"is_public": visibility},
        )
    return program


@service
def program_archive(*, tenant: Tenant, actor: User | None, program: Program) -> Program:
    """Archive a program: it leaves the lists of programs to offer and cannot be changed; its
    tiers, rule sets and (later) contracts stay as they are, so nothing of its history is lost.
    Archiving an archived program changes nothing."""
    program = _locked_program(tenant, program)
    if program.is_archived:
        return program
    program.is_archived = True
    program.updated_at = timezone.now()
    program.save(update_fields=["is_archived", "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="program.archived",
        target=program,
        changes={"is_archived": ["False", "True"]},
    )
    return program


# --- Tiers ------------------------------------------------------------------------------------


def _check_tier_related(tenant: Tenant, program: Program, fields: dict[str, Any]) -> None:
    rule_set = fields.get("rule_set")
    if rule_set is None:
        return
    if rule_set.tenant_id != tenant.pk or rule_set.program_id != program.pk:
        # SECURITY(tenant): another tenant's rule set fails here too, with the same words.
        raise ValidationError(
            {
                "rule_set": _("Choose a commission rule set of the program “%(program)s”.")
                % {"program": program}
            }
        )


def _requirement_text(tier: Tier, name: str, currency: str) -> str:
    value = getattr(tier, name)
    if name == "min_revenue":
        return money_format(value, currency, locale=translation.get_language())
    return str(value)


def _check_requirement_order(tiers: list[Tier], *, edited: Tier | None, currency: str) -> None:
    """Refuse an order (lowest tier first) in which a requirement goes down. The error names
    the edited tier's field; a move (edited None), which changes no field, is refused as a
    whole."""
    errors: dict[str, str] = {}
    for lower, higher in zip(tiers, tiers[1:], strict=False):
        for name in REQUIREMENT_FIELDS:
            if getattr(higher, name) >= getattr(lower, name):
                continue
            label = Tier._meta.get_field(name).verbose_name
            values = {
                "field": label,
                "lower": lower.name,
                "higher": higher.name,
                "lower_value": _requirement_text(lower, name, currency),
                "higher_value": _requirement_text(higher, name, currency),
            }
            if edited is None:
                raise ValidationError(
                    _(
                        "This order would make “%(higher)s” require less than the lower tier "
                        "“%(lower)s” (%(field)s: %(higher_value)s against %(lower_value)s): "
                        "a higher tier's requirements must not decrease."
                    )
                    % values
                )
            if higher is edited:
                errors.setdefault(
                    name,
                    _(
                        "At least %(lower_value)s: the lower tier “%(lower)s” requires "
                        "%(lower_value)s, and a higher tier's requirements must not decrease."
                    )
                    % values,
                )
            elif lower is edited:
                errors.setdefault(
                    name,
                    _(
                        "At most %(higher_value)s: the higher tier “%(higher)s” requires "
                        "%(higher_value)s, and a higher tier's requirements must not decrease."
                    )
                    % values,
                )
    if errors:
        raise ValidationError(errors)


def _program_tiers(tenant: Tenant, program: Program) -> list[Tier]:
    """The program's tiers, lowest first, locked: tier writes of one program queue up."""
    return list(
        Tier.objects.select_for_update()
        .filter(tenant=tenant, program=program)
        .order_by("position", "id")
    )


def _check_tier_name(tiers: list[Tier], name: str, exclude_pk: int | None = None) -> None:
    if any(t.name.casefold() == name.casefold() and t.pk != exclude_pk for t in tiers):
        raise ValidationError(
            {"name": _("This program already has a tier named “%(name)s”.") % {"name": name}}
        )


def _clean_tier(tier: Tier) -> None:
    # Field rules only: names and order within the program are checked above, with messages.
    tier.full_clean(
        exclude=["tenant", "program"], validate_unique=False, validate_constraints=False
    )


def _save_tier(tier: Tier) -> None:
    try:
        with transaction.atomic():
            tier.save()
    except IntegrityError as error:
        raise ValidationError(
            {"name": _("This program already has a tier named “%(name)s”.") % {"name": tier.name}}
        ) from error


def _touch(tenant: Tenant, program: Program) -> None:
    """A tier change is a change of its program: the list's "updated" column shows it."""
    Program.objects.filter(tenant=tenant, pk=program.pk).update(updated_at=timezone.now())


def _tier_audit_values(tier: Tier) -> dict:
    values = created_values(tier, TIER_FIELDS)
    values["position"] = str(tier.position)
    return values


@service
def tier_create(*, tenant: Tenant, actor: User | None, program: Program, **fields) -> Tier:
    """A new tier above the program's highest one."""
    _check_known(fields, TIER_FIELDS, "tier")
    _clean_name(fields)
    program = _locked_program(tenant, program)
    _refuse_archived(program)
    _check_tier_related(tenant, program, fields)
    tiers = _program_tiers(tenant, program)
    if fields.get("name"):
        _check_tier_name(tiers, fields["name"])
    position = (tiers[-1].position + 1) if tiers else 0
    tier = Tier(tenant=tenant, program=program, position=position, **fields)
    _clean_tier(tier)
    _check_requirement_order([*tiers, tier], edited=tier, currency=tenant.base_currency)
    _save_tier(tier)
    _touch(tenant, program)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="tier.created",
        target=tier,
        changes={"program": program.name, **_tier_audit_values(tier)},
    )
    return tier


def _locked_tier(tenant: Tenant, tier: Tier) -> tuple[Program, list[Tier], Tier]:
    if tier.tenant_id != tenant.pk:
        raise ValidationError(_("This tier belongs to another tenant."))
    program = _locked_program(tenant, tier.program)
    _refuse_archived(program)
    tiers = _program_tiers(tenant, program)
    current = next((t for t in tiers if t.pk == tier.pk), None)
    if current is None:
        raise ValidationError(_("This tier no longer exists."))
    return program, tiers, current


@service
def tier_update(*, tenant: Tenant, actor: User | None, tier: Tier, fields: dict[str, Any]) -> Tier:
    _check_known(fields, TIER_FIELDS, "tier")
    fields = dict(fields)
    _clean_name(fields)
    program, tiers, tier = _locked_tier(tenant, tier)
    _check_tier_related(tenant, program, fields)
    changes = field_changes(tier, list(fields), fields)
    if not changes:
        return tier
    if "name" in changes:
        _check_tier_name(tiers, fields["name"], exclude_pk=tier.pk)
    for name, value in fields.items():
        setattr(tier, name, value)
    _clean_tier(tier)
    _check_requirement_order(tiers, edited=tier, currency=tenant.base_currency)
    _save_tier(tier)
    _touch(tenant, program)
    audit_record(tenant=tenant, actor=actor, action="tier.updated", target=tier, changes=changes)
    return tier


def _renumber(tenant: Tenant, tiers: list[Tier]) -> None:
    """Give `tiers` the positions 0, 1, 2… in list order. The unique (program, position) key is
    checked row by row, so the tiers first step aside to positions no tier holds."""
    if not tiers:
        return
    queryset = Tier.objects.filter(tenant=tenant, pk__in=[t.pk for t in tiers])
    offset = max(t.position for t in tiers) + len(tiers) + 1
    queryset.update(position=F("position") + offset)
    queryset.update(position=Case(*[When(pk=t.pk, then=Value(i)) for i, t in enumerate(tiers)]))
    for i, t in enumerate(tiers):
        t.position = i


@service
def tier_move(*, tenant: Tenant, actor: User | None, tier: Tier, direction: str) -> Tier:
    """Move a tier one step "up" (towards the highest) or "down"; at an end, nothing moves.
    The new order must keep requirements from decreasing."""
    if direction not in ("up", "down"):
        raise ValueError(f"unknown direction {direction!r}")
    program, tiers, tier = _locked_tier(tenant, tier)
    index = tiers.index(tier)
    target = index + 1 if direction == "up" else index - 1
    if not 0 <= target < len(tiers):
        return tier
    old_position = tier.position
    order = list(tiers)
    order[index], order[target] = order[target], order[index]
    _check_requirement_order(order, edited=None, currency=tenant.base_currency)
    _renumber(tenant, order)
    _touch(tenant, program)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="tier.moved",
        target=tier,
        changes={"position": [str(old_position), str(tier.position)]},
    )
    return tier


@service
def tier_delete(*, tenant: Tenant, actor: User | None, tier: Tier) -> None:
    """Delete a tier nothing uses (contracts will, see tier_usage_count); the tiers above it
    move down one place, so positions stay 0, 1, 2…"""
    program, tiers, tier = _locked_tier(tenant, tier)
    used = tier_usage_count(tenant=tenant, tier=tier)
    if used:
        raise ValidationError(
            translation.ngettext(
                "“%(name)s” is used by %(count)d contract: it cannot be deleted.",
                "“%(name)s” is used by %(count)d contracts: it cannot be deleted.",
                used,
            )
            % {"name": tier.name, "count": used}
        )
    values = _tier_audit_values(tier)
    pk = tier.pk
    tier.delete()
    tier.pk = pk  # the audit event names the row that was deleted
    audit_record(
        tenant=tenant,
        actor=actor,
        action="tier.deleted",
        target=tier,
        changes={"program": program.name, **values},
    )
    _renumber(tenant, [t for t in tiers if t.pk != pk])
    _touch(tenant, program)
