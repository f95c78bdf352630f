"""Reads for the partner portal: what a tenant lets partner admins change."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Invitation, Tenant
from partners.choices import PortalProfileGroup
from partners.models import FINANCE_ONLY_FIELDS, Partner, PartnerRep, PortalSettings

# The Partner fields behind each group a tenant may open to partner admins.
PROFILE_GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    PortalProfileGroup.ADDRESS: ("postal_code", "prefecture", "city", "street_address", "building"),
    PortalProfileGroup.WEBSITE: ("website",),
    PortalProfileGroup.REGISTRATION_NUMBER: ("registration_number",),
    PortalProfileGroup.BANK_ACCOUNT: FINANCE_ONLY_FIELDS,
}


# SECURITY(finance): until a tenant chooses, partner admins may correct their address, website
# and T-number, but not the bank account payouts go to: opening that is the tenant's decision.
DEFAULT_EDITABLE_GROUPS: tuple[str, ...] = tuple(
    group for group in PortalProfileGroup.values if group != PortalProfileGroup.BANK_ACCOUNT
)


def portal_editable_groups(*, tenant: Tenant) -> list[str]:
    """The groups partner admins of `tenant` may change; the defaults until the tenant says."""
    settings = PortalSettings.objects.filter(tenant=tenant).first()
    if settings is None:
        return list(DEFAULT_EDITABLE_GROUPS)
    return [group for group in PortalProfileGroup.values if group in settings.editable_profile]


def portal_editable_fields(*, tenant: Tenant) -> tuple[str, ...]:
    """The Partner fields partner admins of `tenant` may change, in form order."""
    groups = portal_editable_groups(tenant=tenant)
    return tuple(name for group in groups for name in PROFILE_GROUP_FIELDS[group])


def pending_invitation_emails(*, tenant: Tenant, emails: list[str]) -> set[str]:
    """Which of `emails` (lower-cased) hold an invitation to `tenant` that can still be
    accepted: the portal shows those reps as "invitation pending"."""
    if not emails:
        return set()
    open_invitations = Invitation.objects.filter(
        tenant=tenant,
        email__in=[email.lower() for email in emails],
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return {email.lower() for email in open_invitations.values_list("email", flat=True)}


def portal_company_reps(*, tenant: Tenant, partner: Partner) -> QuerySet[PartnerRep]:
    # SECURITY(tenant): this tenant's reps of the requesting user's own partner only; the
    # caller passes the partner resolved from the portal user's membership, never from the URL.
    return PartnerRep.objects.filter(tenant=tenant, partner=partner).select_related("membership")


def portal_rep_summary(*, tenant: Tenant, partner: Partner) -> dict[str, int]:
    """The company page's rep counts, in one query: active, active with a login, left."""
    return portal_company_reps(tenant=tenant, partner=partner).aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        with_login=Count("pk", filter=Q(is_active=True, membership__is_active=True)),
        left=Count("pk", filter=Q(is_active=False)),
    )


def portal_rep_list(
    *, tenant: Tenant, partner: Partner, status: str = "active", search: str = ""
) -> QuerySet[PartnerRep]:
    """The portal's rep list: `status` "active", "left" or anything else for all; `search`
    matches name, e-mail or department. Active reps first, then by name."""
    reps = portal_company_reps(tenant=tenant, partner=partner)
    if status == "active":
        reps = reps.filter(is_active=True)
    elif status == "left":
        reps = reps.filter(is_active=False)
    if search:
        reps = reps.filter(
            Q(full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(department__icontains=search)
        )
    return reps.order_by("-is_active", "full_name", "pk")
