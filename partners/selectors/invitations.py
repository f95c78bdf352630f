"""Reads for the vendor's portal invitations."""

from accounts.models import Tenant
from partners.models import Partner, PartnerRep


def portal_invite_candidate(*, tenant: Tenant, partner: Partner) -> PartnerRep | None:
    """The rep to offer the partner's first portal login to: the first active rep with an
    e-mail address and no login (after signing a prospect, its contact person)."""
    return (
        PartnerRep.objects.filter(
            tenant=tenant, partner=partner, is_active=True, membership__isnull=True
        )
        .exclude(email="")
        .order_by("created_at", "id")
        .first()
    )
