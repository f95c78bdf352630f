"""The audit log: written inside the transaction of the change it records.

`changes` holds, per field name, either `[old, new]` (an update: only fields that changed)
or a single value (a created object's values, or a fact such as `count: 12`). Values are
stored as written (choice codes, "True"/"False"); `audit_change_rows` turns them into labels
in the reader's language when the log is shown.
"""

import datetime
from typing import Any

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, Tenant, User
from accounts.tenancy import request_meta


def stored_actor(actor: User | None) -> User | None:
    """The user a row records as who did it: None for the system (a task, a command) and for
    an anonymous request. One rule for the audit log and every `..._by` column."""
    return actor if actor is not None and actor.is_authenticated else None


def audit_record(
    *,
    tenant: Tenant,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        tenant=tenant,
        actor=stored_actor(actor),
        actor_label=getattr(actor, "email", "") or request_meta.get().principal,
        action=action,
        object_type=target._meta.label_lower if target is not None else target_type,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:254] if target is not None else "",
        changes=changes or {},
        ip_address=request_meta.get().ip_address,
    )


def audit_value(value: Any) -> Any:
    """A field value as the log stores it: JSON-safe text, lists kept as lists, no "None"."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [audit_value(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def field_changes(instance: models.Model, fields: list[str], new: dict[str, Any]) -> dict:
    """{field: [old, new]} for the fields whose value really changes (an empty value and
    None are the same thing here), as JSON-safe values."""
    changed = {}
    for name in fields:
        if name not in new:
            continue
        old_value, new_value = audit_value(getattr(instance, name)), audit_value(new[name])
        if old_value != new_value:
            changed[name] = [old_value, new_value]
    return changed


def created_values(instance: models.Model, fields: list[str] | tuple[str, ...]) -> dict:
    """{field: value} of a new object, leaving out empty fields: what the log shows for it."""
    values = {}
    for name in fields:
        value = audit_value(getattr(instance, name))
        if value not in ("", []):
            values[name] = value
    return values


def masked(changes: dict, names: tuple[str, ...] | list[str]) -> dict:
    """The same changes with the values of `names` hidden: the log says that a bank detail
    changed, never what it is."""
    return {name: (["***", "***"] if name in names else value) for name, value in changes.items()}


# Labels of keys that are no model field (facts such as the number of imported rows).
_KEY_LABELS: dict[str, Promise | str] = {
    "count": _("count"),
    "changed_on": _("date"),
    "email": _("e-mail address"),
}

# Keys that are no field of the event's object but whose values are a kernel field's codes:
# a partner's "invited to the portal" event records the invitee's role.
_KEY_FIELDS: dict[str, tuple[str, str]] = {
    "role": ("accounts.membership", "role"),
}


def register_key_labels(labels: dict[str, Promise | str]) -> None:
    _KEY_LABELS.update(labels)


def _model_field(object_type: str, name: str) -> models.Field | None:
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _is_pair(field: models.Field | None, value: Any) -> bool:
    if not isinstance(value, list) or len(value) != 2:
        return False
    if isinstance(field, ArrayField):
        # A list is this field's value; an update holds two lists.
        return all(isinstance(item, list) for item in value)
    return True


def _value_label(field: models.Field | None, value: Any) -> str:
    if value in ("", None, []):
        return "—"
    if isinstance(value, list):
        return ", ".join(_value_label(field, item) for item in value)
    if isinstance(field, ArrayField):
        field = field.base_field
    if field is not None and field.choices:
        labels = {str(code): label for code, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(field, models.BooleanField) or value in ("True", "False"):
        if str(value) in ("True", "False"):
            return gettext("Yes") if str(value) == "True" else gettext("No")
    return str(value)


def audit_change_rows(event: AuditEvent) -> list[dict[str, str]]:
    """The event's changes as the reader sees them: field labels (verbose names) and value
    labels (choice labels, yes/no) in the active language; `old` is None for a single value
    (a created object's value or a fact)."""
    rows = []
    for name, value in (event.changes or {}).items():
        field = _model_field(event.object_type, name)
        if field is None and name in _KEY_FIELDS:
            field = _model_field(*_KEY_FIELDS[name])
        if field is not None and hasattr(field, "verbose_name"):
            label = str(field.verbose_name)
        else:
            label = str(_KEY_LABELS.get(name, name.replace("_", " ")))
        label = label[:1].upper() + label[1:]
        if _is_pair(field, value):
            old, new = (_value_label(field, item) for item in value)
            rows.append({"label": label, "old": old, "new": new})
        else:
            rows.append({"label": label, "old": None, "new": _value_label(field, value)})
    return rows


# What each action code means to a reader of the audit log. Apps above the kernel add theirs
# with register_action_labels() when they load (AppConfig.ready).
_ACTION_LABELS: dict[str, Promise | str] = {
    "api_key.created": _("API key created"),
    "api_key.revoked": _("API key revoked"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.revoked": _("Invitation withdrawn"),
    "invitation.sent": _("Invitation sent"),
    "membership.deactivated": _("Member deactivated"),
    "membership.reactivated": _("Member reactivated"),
    "membership.role_changed": _("Role changed"),
    "tenant.settings_changed": _("Tenant settings changed"),
}


def register_action_labels(labels: dict[str, Promise | str]) -> None:
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """The translated label of an action code; the code itself when none is registered."""
    return str(_ACTION_LABELS.get(action, action))
