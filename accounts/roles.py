"""Roles and what each may do: the one place that decides it (tested as a matrix)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VENDOR_ADMIN = "vendor_admin", _("Vendor admin")
    PARTNER_MANAGER = "partner_manager", _("Partner manager")
    FINANCE = "finance", _("Finance")
    VIEWER = "viewer", _("Viewer")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_REP = "partner_rep", _("Partner rep")


STAFF_ROLES = frozenset({Role.VENDOR_ADMIN, Role.PARTNER_MANAGER, Role.FINANCE, Role.VIEWER})
PORTAL_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_REP})
# Roles that move money or permissions must protect their login with a second factor.
MFA_REQUIRED_ROLES = frozenset({Role.VENDOR_ADMIN, Role.FINANCE})


class Perm(models.TextChoices):
    STAFF_AREA_VIEW = "staff_area.view", _("Use the staff area")
    PORTAL_VIEW = "portal.view", _("Use the partner portal")
    TENANT_SETTINGS_MANAGE = "tenant_settings.manage", _("Change tenant settings")
    MEMBERS_VIEW = "members.view", _("See members")
    MEMBERS_MANAGE = "members.manage", _("Invite, change and deactivate members")
    AUDIT_VIEW = "audit.view", _("Read the audit log")
    API_KEYS_MANAGE = "api_keys.manage", _("Create and revoke API keys")
    SYSTEM_STATUS_VIEW = "system_status.view", _("See the system status")
    # The kernel's own permissions; each app registers its own (partners/permissions.py,
    # payouts/permissions.py, ...).
    FINANCE_FIELDS_VIEW = "finance_fields.view", _("See bank and tax details")


_STAFF_READ = {Perm.STAFF_AREA_VIEW, Perm.MEMBERS_VIEW}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.VENDOR_ADMIN: frozenset(
        _STAFF_READ
        | {
            Perm.TENANT_SETTINGS_MANAGE,
            Perm.MEMBERS_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.API_KEYS_MANAGE,
            Perm.SYSTEM_STATUS_VIEW,
        }
    ),
    Role.PARTNER_MANAGER: frozenset(_STAFF_READ),
    Role.FINANCE: frozenset(_STAFF_READ | {Perm.FINANCE_FIELDS_VIEW}),
    Role.VIEWER: frozenset(_STAFF_READ),
    Role.PARTNER_ADMIN: frozenset({Perm.PORTAL_VIEW}),
    Role.PARTNER_REP: frozenset({Perm.PORTAL_VIEW}),
}


def role_permissions(role: str) -> frozenset[str]:
    """The kernel's grants plus those the apps registered (accounts/registry.py)."""
    from accounts.registry import registry

    return ROLE_PERMISSIONS.get(role, frozenset()) | registry.granted_perms(role)


def role_has_perm(role: str, perm: str) -> bool:
    return perm in role_permissions(role)
