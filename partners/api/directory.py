"""The directory API: partners and their reps.

Staff (PARTNERS_VIEW) read everything of their tenant; PARTNERS_MANAGE writes. Partner users
(portal roles, session only) read their own partner and its reps and nothing else; their writes
are refused, the portal pages are their way to edit. Bank fields (FINANCE_ONLY_FIELDS) appear for
FINANCE_FIELDS_VIEW, or for a partner admin reading their own partner.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from accounts.api_auth import request_role
from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from accounts.roles import Perm, role_has_perm
from partners.api.common import (
    CompanyInSerializer,
    PermByMethodMixin,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    is_portal,
    portal_partner,
    prefectures_field,
)
from partners.choices import PartnerStatus, Prefecture, Priority
from partners.models import COMPANY_FIELDS, FINANCE_ONLY_FIELDS, Partner, PartnerRep
from partners.permissions import PartnersPerm
from partners.selectors import api_reads as api_selectors
from partners.services import directory as directory_services


class PartnerOutSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    prefectures = prefectures_field(read_only=True)
    suggested_priority = serializers.CharField(
        read_only=True, help_text=_("A, B, C or D as the scoring suggests; empty when none.")
    )
    # null when the partner has no type / no owner: the schema must say so (allow_null).
    partner_type_name = serializers.CharField(
        source="partner_type.name", default=None, allow_null=True, read_only=True
    )
    owner_email = serializers.EmailField(
        source="owner.user.email", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "legal_name",
            "legal_name_kana",
            "display_name",
            *COMPANY_FIELDS,
            "partner_type",
            "partner_type_name",
            "other_vendor_products_count",
            "status",
            "status_since",
            "owner",
            "owner_email",
            "priority",
            "suggested_priority",
            "postal_code",
            "prefecture",
            "city",
            "street_address",
            "building",
            "registration_number",
            *FINANCE_ONLY_FIELDS,
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {name: {"required": False} for name in FINANCE_ONLY_FIELDS}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("show_bank", lambda partner: False)(instance):
            for name in FINANCE_ONLY_FIELDS:
                data.pop(name, None)
        return data


class PartnerInSerializer(CompanyInSerializer):
    """What a client may set; bank fields need FINANCE_FIELDS_VIEW."""

    class Meta:
        model = Partner
        fields = [
            name
            for name in directory_services.PARTNER_FIELDS
            if name not in ("partner_type", "owner")
        ] + ["partner_type", "owner", "status"]
        extra_kwargs = {"legal_name": {"required": True}}


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search name, reading or number"))

    partner_type = IdFilter(field_name="partner_type_id")
    owner = IdFilter(field_name="owner_id")
    status = django_filters.ChoiceFilter(choices=PartnerStatus.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    prefecture = django_filters.ChoiceFilter(choices=Prefecture.choices)

    class Meta:
        model = Partner
        fields: list[str] = []

    def search(self, queryset, name, value):
        return api_selectors.api_partner_search(queryset, value)


class PartnerQuerysetMixin(PermByMethodMixin, TenantQuerysetMixin):
    model = Partner
    portal_readable = True

    def tenant_queryset(self, tenant):
        portal = is_portal(self.request)
        own = portal_partner(self.request) if portal else None
        return api_selectors.api_partners(tenant=tenant, portal=portal, own=own)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        request = self.request
        role = request_role(request)
        if role_has_perm(role, Perm.FINANCE_FIELDS_VIEW):
            context["show_bank"] = lambda partner: True
        elif role_has_perm(role, PartnersPerm.COMPANY_MANAGE):
            own = portal_partner(request)
            context["show_bank"] = lambda partner: own is not None and partner.pk == own.pk
        return context

    def _check_bank_write(self, data):
        if any(name in data for name in FINANCE_ONLY_FIELDS) and not role_has_perm(
            request_role(self.request), Perm.FINANCE_FIELDS_VIEW
        ):
            raise ValidationError({"bank_code": [_("Only finance may change the bank account.")]})


@extend_schema_view(
    get=extend_schema(responses=PartnerOutSerializer),
    post=extend_schema(request=PartnerInSerializer, responses={201: PartnerOutSerializer}),
)
class PartnerListView(PartnerQuerysetMixin, ServiceCreateMixin, generics.ListCreateAPIView):
    serializer_class = PartnerOutSerializer
    in_serializer_class = PartnerInSerializer
    filterset_class = PartnerFilter
    ordering_fields = ["legal_name_kana", "priority", "status", "created_at", "updated_at"]

    def service_create(self, *, tenant, actor, fields):
        self._check_bank_write(fields)
        return directory_services.partner_create(tenant=tenant, actor=actor, **fields)


@extend_schema_view(
    get=extend_schema(responses=PartnerOutSerializer),
    put=extend_schema(request=PartnerInSerializer, responses=PartnerOutSerializer),
    patch=extend_schema(request=PartnerInSerializer, responses=PartnerOutSerializer),
)
class PartnerDetailView(PartnerQuerysetMixin, ServiceUpdateMixin, generics.RetrieveUpdateAPIView):
    serializer_class = PartnerOutSerializer
    in_serializer_class = PartnerInSerializer
    lookup_url_kwarg = "partner_id"

    def service_update(self, *, tenant, actor, instance, fields):
        self._check_bank_write(fields)
        fields.pop("status", None)  # status changes have their own history (staff pages)
        return directory_services.partner_update(
            tenant=tenant, actor=actor, partner=instance, fields=fields
        )


class RepOutSerializer(serializers.ModelSerializer):
    has_portal_login = serializers.SerializerMethodField()

    class Meta:
        model = PartnerRep
        fields = [
            "id",
            "partner",
            "full_name",
            "full_name_kana",
            "email",
            "phone",
            "department",
            "title",
            "is_reachable",
            "is_active",
            "left_on",
            "has_portal_login",
            "created_at",
        ]

    def get_has_portal_login(self, rep) -> bool:
        return rep.membership_id is not None


class RepInSerializer(serializers.ModelSerializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=api_selectors.no_choices(Partner))

    class Meta:
        model = PartnerRep
        fields = ["partner", *directory_services.REP_FIELDS]
        validators = []

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tenant is not None:
            self.fields["partner"].queryset = api_selectors.partner_choices(tenant=tenant)

    def get_validators(self):
        return []


class RepFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id")
    is_active = django_filters.BooleanFilter()
    is_reachable = django_filters.BooleanFilter()

    class Meta:
        model = PartnerRep
        fields: list[str] = []


class RepQuerysetMixin(PermByMethodMixin, TenantQuerysetMixin):
    model = PartnerRep
    portal_readable = True

    def tenant_queryset(self, tenant):
        portal = is_portal(self.request)
        own = portal_partner(self.request) if portal else None
        return api_selectors.api_reps(tenant=tenant, portal=portal, own=own)


@extend_schema_view(
    get=extend_schema(responses=RepOutSerializer),
    post=extend_schema(request=RepInSerializer, responses={201: RepOutSerializer}),
)
class RepListView(RepQuerysetMixin, ServiceCreateMixin, generics.ListCreateAPIView):
    serializer_class = RepOutSerializer
    in_serializer_class = RepInSerializer
    filterset_class = RepFilter
    ordering_fields = ["full_name", "created_at"]

    def service_create(self, *, tenant, actor, fields):
        partner = fields.pop("partner")
        return directory_services.rep_create(tenant=tenant, actor=actor, partner=partner, **fields)


@extend_schema_view(
    get=extend_schema(responses=RepOutSerializer),
    put=extend_schema(request=RepInSerializer, responses=RepOutSerializer),
    patch=extend_schema(request=RepInSerializer, responses=RepOutSerializer),
)
class RepDetailView(RepQuerysetMixin, ServiceUpdateMixin, generics.RetrieveUpdateAPIView):
    serializer_class = RepOutSerializer
    in_serializer_class = RepInSerializer
    lookup_url_kwarg = "rep_id"

    def service_update(self, *, tenant, actor, instance, fields):
        if fields.pop("partner", instance.partner) != instance.partner:
            raise ValidationError({"partner": [_("A rep cannot move to another partner.")]})
        return directory_services.rep_update(
            tenant=tenant, actor=actor, rep=instance, fields=fields
        )
