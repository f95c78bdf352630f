"""The audit log: written inside the transaction of the change it records."""

from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, Tenant, User
from accounts.tenancy import request_meta


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
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=getattr(actor, "email", "") or request_meta.get().principal,
        action=action,
        object_type=target._meta.label_lower if target is not None else target_type,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:254] if target is not None else "",
        changes=changes or {},
        ip_address=request_meta.get().ip_address,
    )


def field_changes(instance: models.Model, fields: list[str], new: dict[str, Any]) -> dict:
    """{field: [old, new]} for the fields whose value changes, as JSON-safe strings."""
    changed = {}
    for name in fields:
        if name not in new:
            continue
        old_value = getattr(instance, name)
        if old_value != new[name]:
            changed[name] = [str(old_value), str(new[name])]
    return changed


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
