"""Writes of a tenant's contract types: the six built-ins seeded, plus the tenant's own.

The list is an ordered label list like partners' partner types, so the generic label-list
services do the work (partners/services/label_lists.py); this module only says how contract
types differ: each built-in row carries its code, and a type in use names the programs that
use it when someone tries to delete it.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from accounts.audit import register_action_labels
from accounts.models import Tenant, User
from accounts.transactions import service
from partners.services import label_lists
from partners.templatetags.partners_lists import join_list
from programs.models import ContractKind, ContractType

register_action_labels(
    {
        "contract_type.created": gettext_lazy("Contract type added"),
        "contract_type.renamed": gettext_lazy("Contract type renamed"),
        "contract_type.deleted": gettext_lazy("Contract type deleted"),
    }
)

CONTRACT_TYPES = label_lists.LabelList(
    model=ContractType,
    action="contract_type",
    max_length=100,
    empty_message=gettext_lazy("Enter a name."),
    too_long_message=gettext_lazy("Use at most 100 characters."),
    taken_message=gettext_lazy("A contract type with this name already exists."),
    other_tenant_message=gettext_lazy("This contract type belongs to another tenant."),
    used_by="programs",
    # contract_type_delete names the programs before label_delete counts them; this stays
    # as the list's answer should the count ever be reached.
    in_use_message=lambda name, count: (
        translation.ngettext(
            "“%(name)s” is the contract type of %(count)d program: change it there first.",
            "“%(name)s” is the contract type of %(count)d programs: change them first.",
            count,
        )
        % {"name": name, "count": count}
    ),
)


def _built_in_names(tenant: Tenant) -> dict[str, str]:
    """code -> the built-in's name in the tenant's language (what a new tenant starts with)."""
    with translation.override(tenant.default_language or None):
        return {kind.value: str(kind.label) for kind in ContractKind}


def contract_types_seed(*, tenant: Tenant) -> int:
    """Give the tenant every built-in contract type it lacks, after its own; returns how many
    were created. Idempotent and safe when two run at once: a built-in is known by its code
    (unique per tenant), and a name the tenant already uses for a type of its own is left to
    that type (the built-in is then not added under the same name)."""
    existing = list(ContractType.objects.filter(tenant=tenant).values_list("code", "name"))
    codes = {code for code, _name in existing}
    names = {name.casefold() for _code, name in existing}
    position = len(existing)
    rows = []
    for code, name in _built_in_names(tenant).items():
        if code in codes or name.casefold() in names:
            continue
        rows.append(ContractType(tenant=tenant, code=code, name=name, position=position))
        position += 1
    if not rows:
        return 0
    created = ContractType.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


@service
def contract_types_ensure_defaults(*, tenant: Tenant) -> int:
    """contract_types_seed as a unit of work of its own (demo data, a tenant set up later)."""
    return contract_types_seed(tenant=tenant)


@service
def contract_type_create(*, tenant: Tenant, actor: User | None, name: str) -> ContractType:
    try:
        with transaction.atomic():
            return label_lists.label_create(CONTRACT_TYPES, tenant=tenant, actor=actor, label=name)
    except IntegrityError as error:
        # Two people adding the same name at once: the unique key answers the second one.
        raise ValidationError({"name": str(CONTRACT_TYPES.taken_message)}) from error


@service
def contract_type_rename(
    *, tenant: Tenant, actor: User | None, contract_type: ContractType, name: str
) -> ContractType:
    try:
        with transaction.atomic():
            return label_lists.label_rename(
                CONTRACT_TYPES, tenant=tenant, actor=actor, item=contract_type, label=name
            )
    except IntegrityError as error:
        raise ValidationError({"name": str(CONTRACT_TYPES.taken_message)}) from error


# How many program names a refusal lists before it says "and N more".
IN_USE_NAMES_SHOWN = 5


@service
def contract_type_delete(*, tenant: Tenant, actor: User | None, contract_type: ContractType):
    """Delete a contract type no program uses; one in use stays, and the refusal names the
    programs (archived ones too: they keep their type) so the person knows where to look."""
    if contract_type.tenant_id != tenant.pk:
        raise ValidationError(str(CONTRACT_TYPES.other_tenant_message))
    # Locked, so a program created meanwhile with this type cannot slip past the check.
    ContractType.objects.select_for_update().filter(tenant=tenant, pk=contract_type.pk).first()
    names = list(
        contract_type.programs.filter(tenant=tenant).order_by("name").values_list("name", flat=True)
    )
    if names:
        shown = join_list(names[:IN_USE_NAMES_SHOWN])
        more = len(names) - IN_USE_NAMES_SHOWN
        message = translation.ngettext(
            "“%(name)s” is used by the program %(programs)s: give it another contract type first.",
            "“%(name)s” is used by the programs %(programs)s: give them another contract type "
            "first.",
            len(names),
        ) % {"name": contract_type.name, "programs": shown}
        if more > 0:
            message += " " + (
                translation.ngettext("(and %(count)d more)", "(and %(count)d more)", more)
                % {"count": more}
            )
        raise ValidationError(message)
    label_lists.label_delete(CONTRACT_TYPES, tenant=tenant, actor=actor, item=contract_type)
