"""The partners app's permissions: registered with the kernel (accounts/registry.py) in
PartnersConfig.ready(), so the kernel never names them. The codes are stored nowhere but in
code (role grants), so they can be renamed freely; the API lists them to a key's holder."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class PartnersPerm(models.TextChoices):
    VIEW = "partners.view", _("See partners")
    MANAGE = "partners.manage", _("Create and change partners")
    COMPANY_MANAGE = (
        "partner_company.manage",
        _("Manage one's own partner company and its reps in the portal"),
    )


GRANTS: dict[str, set[str]] = {
    Role.VENDOR_ADMIN: {PartnersPerm.VIEW, PartnersPerm.MANAGE},
    Role.PARTNER_MANAGER: {PartnersPerm.VIEW, PartnersPerm.MANAGE},
    Role.FINANCE: {PartnersPerm.VIEW},
    Role.VIEWER: {PartnersPerm.VIEW},
    Role.PARTNER_ADMIN: {PartnersPerm.COMPANY_MANAGE},
}


def register() -> None:
    from accounts.registry import registry

    registry.register_permissions(
        labels={perm.value: perm.label for perm in PartnersPerm}, grants=GRANTS
    )
