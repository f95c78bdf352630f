"""The recruitment API: prospects (staff only). A change may move a prospect between stages;
signing, which creates the partner, happens on the prospect's page."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from partners.api.common import (
    CompanyInSerializer,
    PermByMethodMixin,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    prefectures_field,
)
from partners.choices import ProspectSource, ProspectStage
from partners.models import COMPANY_FIELDS, LostReason, Prospect
from partners.selectors import api_reads as api_selectors
from partners.services import recruitment as recruitment_services


class ProspectOutSerializer(serializers.ModelSerializer):
    prefectures = prefectures_field(read_only=True)

    class Meta:
        model = Prospect
        fields = [
            "id",
            "company_name",
            "company_name_kana",
            *COMPANY_FIELDS,
            "partner_type",
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

    # Signing creates the partner and happens on the prospect's page, so it is no choice here.
    stage = serializers.ChoiceField(
        choices=[c for c in ProspectStage.choices if c[0] != ProspectStage.SIGNED],
        required=False,
        help_text=_("sourced, contacted, meeting, proposal or lost."),
    )
    lost_reason = serializers.PrimaryKeyRelatedField(
        queryset=api_selectors.no_choices(LostReason), allow_null=True, required=False
    )
    lost_note = serializers.CharField(required=False, allow_blank=True, max_length=300)

    class Meta(ProspectInSerializer.Meta):
        fields = [*ProspectInSerializer.Meta.fields, "stage", "lost_reason", "lost_note"]

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, tenant=tenant, **kwargs)
        if tenant is not None:
            # SECURITY(tenant): a lost reason of another tenant is no choice here.
            self.fields["lost_reason"].queryset = api_selectors.lost_reason_choices(tenant=tenant)


class ProspectFilter(django_filters.FilterSet):
    owner = IdFilter(field_name="owner_id")
    partner_type = IdFilter(field_name="partner_type_id")
    stage = django_filters.ChoiceFilter(choices=ProspectStage.choices)
    source = django_filters.ChoiceFilter(choices=ProspectSource.choices)

    class Meta:
        model = Prospect
        fields: list[str] = []


class ProspectQuerysetMixin(PermByMethodMixin, TenantQuerysetMixin):
    model = Prospect

    def tenant_queryset(self, tenant):
        return api_selectors.api_prospects(tenant=tenant)


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
