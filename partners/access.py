"""Which partner a portal request acts for."""

from django.http import Http404

from accounts.models import Membership
from partners.models import Partner, PartnerRep


def rep_for_membership(membership: Membership | None) -> PartnerRep | None:
    """The active rep a portal login is linked to (with its partner), or None."""
    if membership is None or not membership.is_portal_role:
        return None
    # SECURITY(tenant): a rep who left keeps their row (history) but not their company.
    return (
        PartnerRep.objects.filter(
            tenant_id=membership.tenant_id, membership=membership, is_active=True
        )
        .select_related("partner")
        .first()
    )


def partner_for_membership(membership: Membership | None) -> Partner | None:
    """The partner company a portal login belongs to (through its rep), or None."""
    rep = rep_for_membership(membership)
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


def portal_rep(request) -> PartnerRep:
    """The requesting portal user's own rep (its `partner` loaded): for pages that show a rep
    what credits them; 404 when the login is linked to none, like portal_partner."""
    rep = rep_for_membership(getattr(request, "membership", None))
    if rep is None:
        raise Http404
    return rep
