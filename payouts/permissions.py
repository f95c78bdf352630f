"""The payouts app's permissions, registered with the kernel in PayoutsConfig.ready()."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class PayoutsPerm(models.TextChoices):
    VIEW = "payouts.view", _("See the commission ledger, payout periods and statements")
    # Booking money by hand: finance's decision, audited.
    MANAGE = "payouts.manage", _("Book commission adjustments and run payouts")
    # Portal: a rep sees the commission that credits them; the partner admin sees the whole
    # company's, its statements, and confirms or disputes them for the company.
    PORTAL_VIEW = "payouts.portal.view", _("See one's own commission in the portal")
    PORTAL_COMPANY = (
        "payouts.portal.company",
        _("See the company's commission and statements in the portal, confirm or dispute them"),
    )


GRANTS: dict[str, set[str]] = {
    Role.VENDOR_ADMIN: {PayoutsPerm.VIEW, PayoutsPerm.MANAGE},
    Role.FINANCE: {PayoutsPerm.VIEW, PayoutsPerm.MANAGE},
    Role.PARTNER_MANAGER: {PayoutsPerm.VIEW},
    Role.PARTNER_ADMIN: {PayoutsPerm.PORTAL_VIEW, PayoutsPerm.PORTAL_COMPANY},
    Role.PARTNER_REP: {PayoutsPerm.PORTAL_VIEW},
}


def register() -> None:
    from accounts.registry import registry

    registry.register_permissions(
        labels={perm.value: perm.label for perm in PayoutsPerm}, grants=GRANTS
    )
