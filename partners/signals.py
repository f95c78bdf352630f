"""Receivers of kernel signals (connected in PartnersConfig.ready)."""

from partners.services.portal import rep_link_membership


def link_rep_on_invitation_accepted(sender, tenant, invitation, membership, **kwargs) -> None:
    """Runs inside the acceptance transaction: the invited rep gets the new portal login."""
    rep_link_membership(tenant=tenant, invitation=invitation, membership=membership)
