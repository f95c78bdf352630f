"""The deals app's permissions, registered with the kernel in DealsConfig.ready()."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class DealsPerm(models.TextChoices):
    VIEW = "deals.view", _("See target accounts, deal registrations and the pipeline")
    # Working the funnel and the pipeline: by-name requests, milestones, stage moves, direct deals.
    MANAGE = "deals.manage", _("Work target accounts and deals, enter direct deals")
    # Approving a registration grants the partner the customer: a decision, audited.
    REVIEW = "deals.review", _("Review deal registrations and protection extensions")
    STAGES_MANAGE = "deals.stages.manage", _("Edit the pipeline stages and their exit criteria")
    # Portal: a partner's reps register deals and submit target accounts for their company.
    REGISTER = "deals.register", _("Register deals and submit target accounts")


GRANTS: dict[str, set[str]] = {
    Role.VENDOR_ADMIN: {
        DealsPerm.VIEW,
        DealsPerm.MANAGE,
        DealsPerm.REVIEW,
        DealsPerm.STAGES_MANAGE,
    },
    Role.PARTNER_MANAGER: {DealsPerm.VIEW, DealsPerm.MANAGE, DealsPerm.REVIEW},
    Role.FINANCE: {DealsPerm.VIEW},
    Role.VIEWER: {DealsPerm.VIEW},
    Role.PARTNER_ADMIN: {DealsPerm.REGISTER},
    Role.PARTNER_REP: {DealsPerm.REGISTER},
}


def register() -> None:
    from accounts.registry import registry

    registry.register_permissions(
        labels={perm.value: perm.label for perm in DealsPerm}, grants=GRANTS
    )
