"""The payouts app's permissions, registered with the kernel in PayoutsConfig.ready()."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class PayoutsPerm(models.TextChoices):
    VIEW = "payouts.view", _("See the commission ledger, payout periods and statements")
    # Booking money by hand: finance's decision, audited.
    MANAGE = "payouts.manage", _("Book commission adjustments and run payouts")


GRANTS: dict[str, set[str]] = {
    Role.VENDOR_ADMIN: {PayoutsPerm.VIEW, PayoutsPerm.MANAGE},
    Role.FINANCE: {PayoutsPerm.VIEW, PayoutsPerm.MANAGE},
    Role.PARTNER_MANAGER: {PayoutsPerm.VIEW},
}


def register() -> None:
    from accounts.registry import registry

    registry.register_permissions(
        labels={perm.value: perm.label for perm in PayoutsPerm}, grants=GRANTS
    )
