"""Every non-trivial read of the kernel. Tenant explicit; a miss is a 404."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django_scopes import scopes_disabled

from accounts.models import ApiKey, AuditEvent, Invitation, Membership, Tenant, User


def memberships_for_user(*, user: User) -> list[Membership]:
    """Every active membership of one person, across tenants (tenant picker and switcher).

    SECURITY(tenant): crosses tenants on purpose, filtered to the person's own rows; the RLS
    policy `own_rows_readable` allows exactly these rows and nothing else.
    """
    if not user.is_authenticated:
        return []
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("tenant")
            .order_by("tenant__name")
        )


def membership_for(*, tenant: Tenant, user: User) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(tenant=tenant, user=user).first()


def membership_get(*, tenant: Tenant, membership_id: int) -> Membership:
    membership = (
        Membership.objects.filter(tenant=tenant, pk=membership_id).select_related("user").first()
    )
    if membership is None:
        raise Http404
    return membership


def member_list(
    *, tenant: Tenant, search: str = "", role: str = "", status: str = "", ordering: str = ""
) -> QuerySet[Membership]:
    queryset = Membership.objects.filter(tenant=tenant).select_related("user")
    if search:
        queryset = queryset.filter(
            Q(user__email__icontains=search) | Q(user__full_name__icontains=search)
        )
    if role:
        queryset = queryset.filter(role=role)
    if status == "active":
        queryset = queryset.filter(is_active=True)
    elif status == "inactive":
        queryset = queryset.filter(is_active=False)
    allowed = {"email": "user__email", "role": "role", "joined": "created_at"}
    field = allowed.get(ordering.lstrip("-"), "user__email")
    return queryset.order_by(("-" if ordering.startswith("-") else "") + field, "pk")


def api_member_queryset(*, tenant: Tenant) -> QuerySet[Membership]:
    """The tenant's memberships for the API (DRF filters, orders and paginates them)."""
    return Membership.objects.filter(tenant=tenant).select_related("user").order_by("pk")


def invitation_list_pending(*, tenant: Tenant) -> list[Invitation]:
    invitations = Invitation.objects.filter(
        tenant=tenant, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at")
    return [invitation for invitation in invitations if not invitation.is_expired]


def user_exists_with_email(*, email: str) -> bool:
    """Whether an account already uses `email` (any case): an invitation to it is accepted by
    signing in, not by creating a second account."""
    return User.objects.filter(email__iexact=email).exists()


def invitation_get(*, tenant: Tenant, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(tenant=tenant, pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


def audit_event_list(
    *,
    tenant: Tenant,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    date_from=None,
    date_to=None,
) -> QuerySet[AuditEvent]:
    queryset = AuditEvent.objects.filter(tenant=tenant)
    if action:
        queryset = queryset.filter(action=action)
    if actor:
        queryset = queryset.filter(actor_label__icontains=actor)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if date_from:
        queryset = queryset.filter(created_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(created_at__date__lte=date_to)
    return queryset.order_by("-created_at", "-id")


def audit_action_choices(*, tenant: Tenant) -> list[str]:
    return list(
        AuditEvent.objects.filter(tenant=tenant)
        .values_list("action", flat=True)
        .distinct()
        .order_by("action")
    )


def api_key_list(*, tenant: Tenant) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(tenant=tenant).order_by("revoked_at", "-created_at")


def api_key_get(*, tenant: Tenant, api_key_id: int) -> ApiKey:
    api_key = ApiKey.objects.filter(tenant=tenant, pk=api_key_id).first()
    if api_key is None:
        raise Http404
    return api_key
