"""The partners app's REST API: partners, reps, prospects and activities of the tenant.

Who sees what:
- staff (PARTNERS_VIEW) read everything of their tenant; PARTNERS_MANAGE writes;
- partner users (portal roles, session only) read their own partner and its reps; nothing
  else. Their writes are refused: the portal pages are their way to edit;
- bank fields (FINANCE_ONLY_FIELDS) appear for FINANCE_FIELDS_VIEW, or for a partner admin
  reading their own partner;
- prospects and activities are staff-only (activities are the vendor's own notes); an
  activity is changed only by whoever logged it or a vendor admin (or an API key).
Writes go through the services; another tenant's or partner's object answers 404.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api_auth import request_role
from accounts.api_schema import TenantQuerysetMixin
from accounts.models import Membership
from accounts.roles import PORTAL_ROLES, Perm, role_has_perm
from partners.access import partner_for_membership
from partners.choices import (
    ActivityKind,
    PartnerStatus,
    Prefecture,
    Priority,
    ProspectSource,
    ProspectStage,
)
from partners.models import (
    FINANCE_ONLY_FIELDS,
    Activity,
    LostReason,
    Partner,
    PartnerRep,
    PartnerType,
    Prospect,
)
from partners.permissions import PartnersPerm
from partners.services import directory as directory_services
from partners.services import engagement as engagement_services
from partners.services import recruitment as recruitment_services
from partners.validators import search_key

# --- helpers ----------------------------------------------------------------------------------

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _is_portal(request) -> bool:
    return request_role(request) in PORTAL_ROLES


def _portal_partner(request) -> Partner | None:
    return partner_for_membership(getattr(request._request, "membership", None))


def _raise_drf(error: DjangoValidationError):
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
            if self.portal_readable and _is_portal(self.request):
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
                tenant=tenant, actor=_actor(request), fields=dict(serializer.validated_data)
            )
        except DjangoValidationError as error:
            _raise_drf(error)
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
                actor=_actor(request),
                instance=instance,
                fields=dict(serializer.validated_data),
            )
        except DjangoValidationError as error:
            _raise_drf(error)
        return Response(self.get_serializer(updated).data)


# --- partners ---------------------------------------------------------------------------------


# Fields whose choice set another field already names in the schema are plain strings here
# (one enum per choice set keeps the schema free of naming warnings): the codes are listed
# in their help text.
PREFECTURES_HELP = _("Prefecture codes (JIS X 0401), e.g. 13 for Tokyo.")


def _prefectures_field(**kwargs):
    return serializers.ListField(
        child=serializers.CharField(max_length=2), help_text=PREFECTURES_HELP, **kwargs
    )


class PartnerOutSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    prefectures = _prefectures_field(read_only=True)
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
            "corporate_number",
            "entity_kind",
            "partner_type",
            "partner_type_name",
            "industries",
            "customer_segments",
            "prefectures",
            "employee_count",
            "sales_headcount",
            "other_vendor_products_count",
            "products_handled",
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
            "website",
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


class CompanyInSerializer(serializers.ModelSerializer):
    """The write side of a partner or prospect: its partner type and owner resolve inside the
    tenant; the service validates the rest (full_clean), so no serializer validators run."""

    partner_type = serializers.PrimaryKeyRelatedField(
        queryset=PartnerType.objects.none(), allow_null=True, required=False
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Membership.objects.none(), allow_null=True, required=False
    )
    prefectures = _prefectures_field(required=False)

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tenant is not None:
            # SECURITY(tenant): ids in the body resolve inside this tenant only.
            self.fields["partner_type"].queryset = PartnerType.objects.filter(tenant=tenant)
            self.fields["owner"].queryset = directory_services.owner_queryset(tenant)

    def get_validators(self):
        return []


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

    partner_type = django_filters.NumberFilter(field_name="partner_type_id")
    owner = django_filters.NumberFilter(field_name="owner_id")
    status = django_filters.ChoiceFilter(choices=PartnerStatus.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    prefecture = django_filters.ChoiceFilter(choices=Prefecture.choices)

    class Meta:
        model = Partner
        fields: list[str] = []

    def search(self, queryset, name, value):
        key = search_key(value)
        return queryset.filter(search_text__contains=key) if key else queryset


class PartnerQuerysetMixin(PermByMethodMixin, TenantQuerysetMixin):
    model = Partner
    portal_readable = True

    def tenant_queryset(self, tenant):
        queryset = Partner.objects.filter(tenant=tenant).select_related(
            "partner_type", "owner__user"
        )
        if _is_portal(self.request):
            # SECURITY(tenant): a partner user sees their own company only.
            own = _portal_partner(self.request)
            queryset = queryset.filter(pk=own.pk) if own is not None else queryset.none()
        return queryset.order_by("legal_name_kana", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        request = self.request
        role = request_role(request)
        if role_has_perm(role, Perm.FINANCE_FIELDS_VIEW):
            context["show_bank"] = lambda partner: True
        elif role_has_perm(role, PartnersPerm.COMPANY_MANAGE):
            own = _portal_partner(request)
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


def _actor(request):
    """The person behind a write; an API key writes with no person (the log names the key)."""
    user = request.user
    return user if getattr(user, "pk", None) else None


# --- reps -------------------------------------------------------------------------------------


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
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.none())

    class Meta:
        model = PartnerRep
        fields = ["partner", *directory_services.REP_FIELDS]
        validators = []

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tenant is not None:
            self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant)

    def get_validators(self):
        return []


class RepFilter(django_filters.FilterSet):
    partner = django_filters.NumberFilter(field_name="partner_id")
    is_active = django_filters.BooleanFilter()
    is_reachable = django_filters.BooleanFilter()

    class Meta:
        model = PartnerRep
        fields: list[str] = []


class RepQuerysetMixin(PermByMethodMixin, TenantQuerysetMixin):
    model = PartnerRep
    portal_readable = True

    def tenant_queryset(self, tenant):
        queryset = PartnerRep.objects.filter(tenant=tenant)
        if _is_portal(self.request):
            # SECURITY(tenant): a partner user sees their own company's reps only.
            own = _portal_partner(self.request)
            queryset = queryset.filter(partner=own) if own is not None else queryset.none()
        return queryset.order_by("full_name", "pk")


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


# --- prospects (staff only) -------------------------------------------------------------------


class ProspectOutSerializer(serializers.ModelSerializer):
    prefectures = _prefectures_field(read_only=True)

    class Meta:
        model = Prospect
        fields = [
            "id",
            "company_name",
            "company_name_kana",
            "corporate_number",
            "entity_kind",
            "website",
            "partner_type",
            "industries",
            "customer_segments",
            "prefectures",
            "employee_count",
            "sales_headcount",
            "products_handled",
            "contact_name",
            "contact_name_kana",
            "contact_email",
            "contact_phone",
            "contact_department",
            "contact_title",
            "source",
            "stage",
            "stage_changed_at",
            "lost_reason",
            "lost_note",
            "owner",
            "partner",
            "created_at",
        ]


class ProspectInSerializer(CompanyInSerializer):
    """A new prospect; it starts in the "sourced" stage."""

    class Meta:
        model = Prospect
        fields = list(recruitment_services.PROSPECT_FIELDS)


class ProspectChangeSerializer(ProspectInSerializer):
    """A change to a prospect. A new `stage` moves it (to "lost" with a `lost_reason` from
    the tenant's list); signing, which creates the partner, happens on the prospect's page."""

    stage = serializers.CharField(
        required=False, help_text=_("sourced, contacted, meeting, proposal or lost.")
    )
    lost_reason = serializers.PrimaryKeyRelatedField(
        queryset=LostReason.objects.none(), allow_null=True, required=False
    )
    lost_note = serializers.CharField(required=False, allow_blank=True, max_length=300)

    class Meta(ProspectInSerializer.Meta):
        fields = [*ProspectInSerializer.Meta.fields, "stage", "lost_reason", "lost_note"]

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, tenant=tenant, **kwargs)
        if tenant is not None:
            # SECURITY(tenant): a lost reason of another tenant is no choice here.
            self.fields["lost_reason"].queryset = LostReason.objects.filter(tenant=tenant)


class ProspectFilter(django_filters.FilterSet):
    owner = django_filters.NumberFilter(field_name="owner_id")
    partner_type = django_filters.NumberFilter(field_name="partner_type_id")
    stage = django_filters.ChoiceFilter(choices=ProspectStage.choices)
    source = django_filters.ChoiceFilter(choices=ProspectSource.choices)

    class Meta:
        model = Prospect
        fields: list[str] = []


class ProspectQuerysetMixin(PermByMethodMixin, TenantQuerysetMixin):
    model = Prospect

    def tenant_queryset(self, tenant):
        return Prospect.objects.filter(tenant=tenant).order_by("-created_at", "pk")


@extend_schema_view(
    get=extend_schema(responses=ProspectOutSerializer),
    post=extend_schema(request=ProspectInSerializer, responses={201: ProspectOutSerializer}),
)
class ProspectListView(ProspectQuerysetMixin, ServiceCreateMixin, generics.ListCreateAPIView):
    serializer_class = ProspectOutSerializer
    in_serializer_class = ProspectInSerializer
    filterset_class = ProspectFilter
    ordering_fields = ["created_at", "stage_changed_at", "company_name"]

    def service_create(self, *, tenant, actor, fields):
        return recruitment_services.prospect_create(tenant=tenant, actor=actor, **fields)


@extend_schema_view(
    get=extend_schema(responses=ProspectOutSerializer),
    put=extend_schema(request=ProspectChangeSerializer, responses=ProspectOutSerializer),
    patch=extend_schema(request=ProspectChangeSerializer, responses=ProspectOutSerializer),
)
class ProspectDetailView(ProspectQuerysetMixin, ServiceUpdateMixin, generics.RetrieveUpdateAPIView):
    serializer_class = ProspectOutSerializer
    in_serializer_class = ProspectChangeSerializer
    lookup_url_kwarg = "prospect_id"

    def service_update(self, *, tenant, actor, instance, fields):
        return recruitment_services.prospect_change(
            tenant=tenant,
            actor=actor,
            prospect=instance,
            to_stage=fields.pop("stage", instance.stage),
            lost_reason=fields.pop("lost_reason", None),
            lost_note=fields.pop("lost_note", ""),
            fields=fields,
        )


# --- activities (staff only) ------------------------------------------------------------------


KIND_HELP = format_lazy(_("One of: {kinds}."), kinds=", ".join(ActivityKind.values))


class ActivityOutSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    staff_attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    rep_attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "partner",
            "kind",
            "occurred_on",
            "staff_attendees",
            "rep_attendees",
            "notes",
            "next_action",
            "next_action_due",
            "created_at",
        ]


class ActivityInSerializer(serializers.Serializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.none())
    kind = serializers.CharField(help_text=KIND_HELP)
    occurred_on = serializers.DateField()
    staff_attendee_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    rep_attendee_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    next_action = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )
    next_action_due = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tenant is not None:
            self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant)

    def validate_kind(self, value):
        if value not in ActivityKind.values:
            raise ValidationError(_("Choose a valid kind of activity."))
        return value


class ActivityChangeSerializer(ActivityInSerializer):
    """A correction to a logged activity; attendee lists, when given, replace the old ones.
    An activity stays with its partner."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["partner"]


class ActivityFilter(django_filters.FilterSet):
    occurred_from = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_to = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")
    partner = django_filters.NumberFilter(field_name="partner_id")
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)

    class Meta:
        model = Activity
        fields: list[str] = []


class ActivityQuerysetMixin(PermByMethodMixin, TenantQuerysetMixin):
    model = Activity

    def tenant_queryset(self, tenant):
        return (
            Activity.objects.filter(tenant=tenant)
            .prefetch_related("staff_attendees", "rep_attendees")
            .order_by("-occurred_on", "-pk")
        )


@extend_schema_view(
    get=extend_schema(responses=ActivityOutSerializer),
    post=extend_schema(request=ActivityInSerializer, responses={201: ActivityOutSerializer}),
)
class ActivityListView(ActivityQuerysetMixin, ServiceCreateMixin, generics.ListCreateAPIView):
    serializer_class = ActivityOutSerializer
    in_serializer_class = ActivityInSerializer
    filterset_class = ActivityFilter
    ordering_fields = ["occurred_on", "created_at"]

    def service_create(self, *, tenant, actor, fields):
        return engagement_services.activity_log(tenant=tenant, actor=actor, **fields)


@extend_schema_view(
    get=extend_schema(responses=ActivityOutSerializer),
    put=extend_schema(request=ActivityChangeSerializer, responses=ActivityOutSerializer),
    patch=extend_schema(request=ActivityChangeSerializer, responses=ActivityOutSerializer),
)
class ActivityDetailView(ActivityQuerysetMixin, ServiceUpdateMixin, generics.RetrieveUpdateAPIView):
    serializer_class = ActivityOutSerializer
    in_serializer_class = ActivityChangeSerializer
    lookup_url_kwarg = "activity_id"

    def service_update(self, *, tenant, actor, instance, fields):
        # A person's own membership decides whether they may change it; a key has none.
        membership = getattr(self.request._request, "membership", None) if actor else None
        return engagement_services.activity_update(
            tenant=tenant, actor=actor, membership=membership, activity=instance, fields=fields
        )


__all__ = [
    "ActivityDetailView",
    "ActivityListView",
    "PartnerDetailView",
    "PartnerListView",
    "ProspectDetailView",
    "ProspectListView",
    "RepDetailView",
    "RepListView",
]
