"""What the programs API's read areas share: the partner user's own rep, whether they read
for the whole company, and leaving out what only staff see."""

from django.http import Http404
from django.utils import timezone
from rest_framework import serializers

from accounts.api_auth import request_role
from accounts.api_schema import TenantQuerysetMixin
from accounts.roles import Perm, role_has_perm
from partners.access import rep_for_membership
from partners.api.common import is_portal
from programs.permissions import ProgramsPerm


def portal_rep(request):
    """The partner user's own rep, or 404 (a login linked to no partner reads nothing)."""
    # SECURITY(tenant): the partner comes from the login, never from the request.
    rep = rep_for_membership(getattr(request._request, "membership", None))
    if rep is None:
        raise Http404
    return rep


def reads_company(request) -> bool:
    """A partner admin (ProgramsPerm.PORTAL_COMPANY) reads every rep's rows of the company,
    as on the portal's pages; any other partner user only their own."""
    return role_has_perm(request_role(request), ProgramsPerm.PORTAL_COMPANY)


def reads_as_portal(view) -> bool:
    """The request is a partner user's (False while the schema is generated)."""
    request = getattr(view, "request", None)
    if request is None or getattr(view, "swagger_fake_view", False):
        return False
    return is_portal(request)


class OptionalMethodField(serializers.SerializerMethodField):
    """A SerializerMethodField the schema does not require: for fields one audience never
    receives (staff-only, partner-only). Output only: it is never written."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Read-only fields are required in the response schema; these are left out for one
        # audience, so they must not be.
        self.read_only = False
        self.required = False


class StaffOnlyFieldsMixin:
    """For output serializers: `staff_only_fields` are left out unless the context says that
    staff read (`portal` False), `portal_only_fields` the other way round. Declare such
    fields `required=False` (OptionalMethodField for computed ones), so the schema does not
    promise them to everyone. Leaving the staff
    fields out is the default, so a serializer used without a context shows a partner
    nothing of the vendor's."""

    staff_only_fields: tuple[str, ...] = ()
    portal_only_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        portal = self.context.get("portal", True)
        for name in self.staff_only_fields if portal else self.portal_only_fields:
            data.pop(name, None)
        return data


class ProgramsReadMixin(TenantQuerysetMixin):
    """Staff need ProgramsPerm.VIEW, partner users Perm.PORTAL_VIEW; the serializers learn
    whether a partner user reads (`portal`) and the request's tenant."""

    @property
    def required_perm(self):
        return Perm.PORTAL_VIEW if is_portal(self.request) else ProgramsPerm.VIEW

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["portal"] = reads_as_portal(self)
        request = getattr(self, "request", None)
        context["tenant"] = getattr(getattr(request, "_request", None), "tenant", None)
        context["today"] = timezone.localdate()
        return context
