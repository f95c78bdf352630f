"""What the partners API's areas share: permission by method, service-backed create and update,
the portal user's own partner, and the company write serializer of partners and prospects."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api_auth import request_role
from accounts.models import Membership
from accounts.roles import PORTAL_ROLES, Perm
from partners.access import partner_for_membership
from partners.models import Partner, PartnerType
from partners.permissions import PartnersPerm
from partners.selectors import api_reads as api_selectors
from partners.services import directory as directory_services

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_portal(request) -> bool:
    return request_role(request) in PORTAL_ROLES


def portal_partner(request) -> Partner | None:
    return partner_for_membership(getattr(request._request, "membership", None))


def raise_drf(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        raise ValidationError(error.message_dict) from error
    raise ValidationError({"non_field_errors": error.messages}) from error


class PermByMethodMixin:
    """`required_perm` for IsTenantMember: reading needs `read_perm`, writing `write_perm`.

    Views with `portal_readable` let partner users read (their queryset is their partner's).
    """

    read_perm = PartnersPerm.VIEW
    write_perm = PartnersPerm.MANAGE
    portal_readable = False

    @property
    def required_perm(self):
        if self.request.method in SAFE_METHODS:
            if self.portal_readable and is_portal(self.request):
                return Perm.PORTAL_VIEW
            return self.read_perm
        return self.write_perm


class ServiceCreateMixin:
    """POST for a list view: `in_serializer_class` validates the body (ids resolve inside the
    tenant), `service_create` writes through the app's service, and the view's output
    serializer answers 201. A service's ValidationError becomes a 400 naming the field."""

    in_serializer_class: type[serializers.Serializer]

    def service_create(self, *, tenant, actor, fields: dict):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        tenant = request._request.tenant
        serializer = self.in_serializer_class(data=request.data, tenant=tenant)
        serializer.is_valid(raise_exception=True)
        try:
            created = self.service_create(
                tenant=tenant, actor=request_actor(request), fields=dict(serializer.validated_data)
            )
        except DjangoValidationError as error:
            raise_drf(error)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)


class ServiceUpdateMixin:
    """PUT/PATCH for a detail view: the object comes from the view's tenant (and partner)
    queryset, `in_serializer_class` validates the body, `service_update` writes through the
    app's service, and the view's output serializer answers. A service's ValidationError
    becomes a 400 naming the field."""

    in_serializer_class: type[serializers.Serializer]

    def service_update(self, *, tenant, actor, instance, fields: dict):
        raise NotImplementedError

    def update(self, request, *args, **kwargs):
        tenant = request._request.tenant
        instance = self.get_object()
        serializer = self.in_serializer_class(
            instance, data=request.data, partial=kwargs.pop("partial", False), tenant=tenant
        )
        serializer.is_valid(raise_exception=True)
        try:
            updated = self.service_update(
                tenant=tenant,
                actor=request_actor(request),
                instance=instance,
                fields=dict(serializer.validated_data),
            )
        except DjangoValidationError as error:
            raise_drf(error)
        return Response(self.get_serializer(updated).data)


def request_actor(request):
    """The person behind a write; an API key writes with no person (the log names the key)."""
    user = request.user
    return user if getattr(user, "pk", None) else None


# Fields whose choice set another field already names in the schema are plain strings here
# (one enum per choice set keeps the schema free of naming warnings): the codes are listed
# in their help text.
PREFECTURES_HELP = _("Prefecture codes (JIS X 0401), e.g. 13 for Tokyo.")


def prefectures_field(**kwargs):
    return serializers.ListField(
        child=serializers.CharField(max_length=2), help_text=PREFECTURES_HELP, **kwargs
    )


class CompanyInSerializer(serializers.ModelSerializer):
    """The write side of a partner or prospect: its partner type and owner resolve inside the
    tenant; the service validates the rest (full_clean), so no serializer validators run."""

    partner_type = serializers.PrimaryKeyRelatedField(
        queryset=api_selectors.no_choices(PartnerType), allow_null=True, required=False
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=api_selectors.no_choices(Membership), allow_null=True, required=False
    )
    prefectures = prefectures_field(required=False)

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tenant is not None:
            # SECURITY(tenant): ids in the body resolve inside this tenant only.
            self.fields["partner_type"].queryset = api_selectors.partner_type_choices(tenant=tenant)
            self.fields["owner"].queryset = directory_services.owner_queryset(tenant)

    def get_validators(self):
        return []
