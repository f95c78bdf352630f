"""Reads for the partner portal: what a tenant lets partner admins change."""

from accounts.models import Tenant
from partners.choices import PortalProfileGroup
from partners.models import FINANCE_ONLY_FIELDS, PortalSettings

# The Partner fields behind each group a tenant may open to partner admins.
PROFILE_GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    PortalProfileGroup.ADDRESS: ("postal_code", "prefecture", "city", "street_address", "building"),
    PortalProfileGroup.WEBSITE: ("website",),
    PortalProfileGroup.REGISTRATION_NUMBER: ("registration_number",),
    PortalProfileGroup.BANK_ACCOUNT: FINANCE_ONLY_FIELDS,
}


def portal_editable_groups(*, tenant: Tenant) -> list[str]:
    """The groups partner admins of `tenant` may change; every group until the tenant says."""
    settings = PortalSettings.objects.filter(tenant=tenant).first()
    if settings is None:
        return list(PortalProfileGroup.values)
    return [group for group in PortalProfileGroup.values if group in settings.editable_profile]


def portal_editable_fields(*, tenant: Tenant) -> tuple[str, ...]:
    """The Partner fields partner admins of `tenant` may change, in form order."""
    groups = portal_editable_groups(tenant=tenant)
    return tuple(name for group in groups for name in PROFILE_GROUP_FIELDS[group])
