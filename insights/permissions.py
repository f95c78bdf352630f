"""The insights app's permissions, registered with the kernel in InsightsConfig.ready()."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class InsightsPerm(models.TextChoices):
    VIEW = "insights.view", _("See the KPI dashboards, rep analytics and partner scorecards")
    # The targets the dashboards measure against (the partner share of revenue).
    MANAGE = "insights.manage", _("Set the KPI targets")
    # Portal: a rep sees their own figures; the partner admin sees the company's and its reps'.
    PORTAL_VIEW = "insights.portal.view", _("See one's own results in the portal")
    PORTAL_COMPANY = (
        "insights.portal.company",
        _("See the company's results and its reps' activity in the portal"),
    )


GRANTS: dict[str, set[str]] = {
    Role.VENDOR_ADMIN: {InsightsPerm.VIEW, InsightsPerm.MANAGE},
    Role.PARTNER_MANAGER: {InsightsPerm.VIEW},
    Role.FINANCE: {InsightsPerm.VIEW},
    Role.VIEWER: {InsightsPerm.VIEW},
    Role.PARTNER_ADMIN: {InsightsPerm.PORTAL_VIEW, InsightsPerm.PORTAL_COMPANY},
    Role.PARTNER_REP: {InsightsPerm.PORTAL_VIEW},
}


def register() -> None:
    from accounts.registry import registry

    registry.register_permissions(
        labels={perm.value: perm.label for perm in InsightsPerm}, grants=GRANTS
    )
