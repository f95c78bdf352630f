"""What the payouts API's areas share: who reads what, and the downloads' renderers.

Staff read with PayoutsPerm.VIEW and act with PayoutsPerm.MANAGE. Partner users read their
own partner's rows only, the partner coming from their login: a partner admin
(PayoutsPerm.PORTAL_COMPANY) the company's commission and its issued statements, a partner
rep (PayoutsPerm.PORTAL_VIEW) only the commission that credits them. Fields for the vendor's
eyes only (who booked or approved) never reach a partner user.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework import renderers

from accounts.api_auth import request_role
from accounts.api_schema import TenantQuerysetMixin
from accounts.roles import role_has_perm
from partners.access import rep_for_membership
from partners.api.common import is_portal
from partners.models import Partner, PartnerRep
from payouts.permissions import PayoutsPerm


@dataclass(frozen=True)
class PortalScope:
    """What a partner user reads: their partner's rows (none when the login is linked to no
    partner), and only those crediting `rep` when it is set."""

    partner: Partner | None
    rep: PartnerRep | None


def portal_scope(request) -> PortalScope:
    # SECURITY(tenant): the partner and rep come from the login, never from the request.
    rep = rep_for_membership(getattr(request._request, "membership", None))
    if rep is None:
        return PortalScope(partner=None, rep=None)
    if role_has_perm(request_role(request), PayoutsPerm.PORTAL_COMPANY):
        return PortalScope(partner=rep.partner, rep=None)
    return PortalScope(partner=rep.partner, rep=rep)


def reads_as_portal(view) -> bool:
    """The request is a partner user's (False while the schema is generated)."""
    request = getattr(view, "request", None)
    if request is None or getattr(view, "swagger_fake_view", False):
        return False
    return is_portal(request)


class PayoutsReadMixin(TenantQuerysetMixin):
    """`required_perm` by audience: staff need `staff_perm`, partner users `portal_perm`. The
    serializers learn whether a partner user reads (`portal`) and the request's tenant."""

    staff_perm = PayoutsPerm.VIEW
    portal_perm = PayoutsPerm.PORTAL_VIEW

    @property
    def required_perm(self):
        return self.portal_perm if is_portal(self.request) else self.staff_perm

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["portal"] = reads_as_portal(self)
        request = getattr(self, "request", None)
        context["tenant"] = getattr(getattr(request, "_request", None), "tenant", None)
        return context


class StaffOnlyFieldsMixin:
    """For output serializers: `staff_only_fields` are left out unless the context says that
    staff read (`portal` False). Leaving them out is the default, so a serializer used without
    a context shows a partner nothing of the vendor's."""

    staff_only_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("portal", True):
            for name in self.staff_only_fields:
                data.pop(name, None)
        return data


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the view answers the stored file."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CsvRenderer(renderers.BaseRenderer):
    """Lets a client ask for `Accept: text/csv`; the view streams the file."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data
