"""Which partner a portal request acts for."""

from django.http import Http404

from accounts.models import Membership
from partners.models import Partner, PartnerRep


def partner_for_membership(membership: Membership | None) -> Partner | None:
    """The partner company a portal login belongs to (through its rep), or None."""
    if membership is None or not membership.is_portal_role:
        return None
    # SECURITY(tenant): a rep who left keeps their row (history) but not their company.
    rep = (
        PartnerRep.objects.filter(
            tenant_id=membership.tenant_id, membership=membership, is_active=True
        )
        .select_related("partner")
        .first()
    )
    return rep.partner if rep is not None else None


def portal_partner(request) -> Partner:
    """The requesting portal user's own partner; 404 when the login is linked to none.

    SECURITY(tenant): every portal query filters by this partner; never take a partner id
    from the URL or the body for a portal user.
    """
    partner = partner_for_membership(getattr(request, "membership", None))
    if partner is None:
        raise Http404
    return partner
