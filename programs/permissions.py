"""The programs app's permissions, registered with the kernel in ProgramsConfig.ready()."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class ProgramsPerm(models.TextChoices):
    VIEW = "programs.view", _("See programs, tiers, commission rules and contracts")
    MANAGE = "programs.manage", _("Create and change programs, tiers and contracts")
    # Commission rules create money: finance may change them too, a partner manager may not
    # without a vendor admin (the rule-set editor is audited either way).
    COMMISSION_MANAGE = "programs.commission.manage", _("Create commission rule set versions")
    # Accepting a program's terms binds the partner company: its partner admin does it.
    TERMS_ACCEPT = "programs.terms.accept", _("Accept program terms for the partner company")
    # The partner admin sees every rep's certifications of the company; a rep only their own.
    PORTAL_COMPANY = "programs.portal.company", _("See the partner company's certifications")


GRANTS: dict[str, set[str]] = {
    Role.VENDOR_ADMIN: {ProgramsPerm.VIEW, ProgramsPerm.MANAGE, ProgramsPerm.COMMISSION_MANAGE},
    Role.PARTNER_MANAGER: {ProgramsPerm.VIEW, ProgramsPerm.MANAGE},
    Role.FINANCE: {ProgramsPerm.VIEW, ProgramsPerm.COMMISSION_MANAGE},
    Role.VIEWER: {ProgramsPerm.VIEW},
    Role.PARTNER_ADMIN: {ProgramsPerm.TERMS_ACCEPT, ProgramsPerm.PORTAL_COMPANY},
}


def register() -> None:
    from accounts.registry import registry

    registry.register_permissions(
        labels={perm.value: perm.label for perm in ProgramsPerm}, grants=GRANTS
    )
