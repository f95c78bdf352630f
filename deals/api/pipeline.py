"""The deals API of the pipeline area: the stages, the pipeline list for staff, a stage
move (staff, or a partner user for its own partner's deals where the program lets the partner
move them) and a direct deal entered by staff."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from deals.models import Deal, DealStage, RegistrationStatus
from deals.permissions import DealsPerm
from deals.selectors import pipeline as selectors
from deals.services import pipeline as services
from partners.api.common import is_portal, portal_partner, raise_drf, request_actor


class StageOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = DealStage
        fields = ["id", "name", "code", "kind", "exit_criteria", "position"]


class StageListView(TenantQuerysetMixin, generics.ListAPIView):
    required_perm = DealsPerm.VIEW
    model = DealStage
    serializer_class = StageOutSerializer
    pagination_class = None

    def tenant_queryset(self, tenant):
        return selectors.stage_list(tenant=tenant)


class PipelineDealOutSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True, default=None)
    program_name = serializers.CharField(source="program.name", read_only=True, default=None)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    stage_kind = serializers.CharField(source="stage.kind", read_only=True)

    class Meta:
        model = Deal
        fields = [
            "id",
            "partner",
            "partner_name",
            "program",
            "program_name",
            "rep",
            "second_partner",
            "second_partner_role",
            "owner",
            "customer_name",
            "product",
            "amount_one_time",
            "amount_monthly",
            "currency",
            "expected_close_on",
            "registration_status",
            "stage",
            "stage_name",
            "stage_kind",
            "stage_changed_at",
            "won_on",
            "lost_on",
            "lost_reason",
            "churned_on",
        ]


class PipelineFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id")
    rep = IdFilter(field_name="rep_id")
    program = IdFilter(field_name="program_id")
    stage = IdFilter(field_name="stage_id")
    owner = IdFilter(field_name="owner_id")
    registration_status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices)
    direct = django_filters.BooleanFilter(field_name="partner", lookup_expr="isnull")
    expected_close_after = django_filters.DateFilter(
        field_name="expected_close_on", lookup_expr="gte"
    )
    expected_close_before = django_filters.DateFilter(
        field_name="expected_close_on", lookup_expr="lte"
    )

    class Meta:
        model = Deal
        fields: list[str] = []


class PipelineListView(TenantQuerysetMixin, generics.ListAPIView):
    """The tenant's pipeline (rejected and duplicate registrations left out), for staff."""

    required_perm = DealsPerm.VIEW
    model = Deal
    serializer_class = PipelineDealOutSerializer
    filterset_class = PipelineFilter
    ordering_fields = ["stage_changed_at", "expected_close_on", "registered_at"]

    def tenant_queryset(self, tenant):
        return selectors.pipeline_deals(tenant=tenant)


class StageMoveInSerializer(serializers.Serializer):
    stage = serializers.IntegerField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    lost_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DealStageMoveView(TenantQuerysetMixin, APIView):
    """POST: move a deal to another stage. Staff move deals the vendor moves; a partner user
    moves its own partner's deals the partner moves; an illegal move answers 400 with why."""

    model = Deal

    @property
    def required_perm(self):
        return DealsPerm.REGISTER if is_portal(self.request) else DealsPerm.MANAGE

    def tenant_queryset(self, tenant):
        return selectors.pipeline_deals(tenant=tenant, include_out_of_pipeline=True)

    @extend_schema(request=StageMoveInSerializer, responses=PipelineDealOutSerializer)
    def post(self, request, tenant_slug, deal_id):
        tenant = request._request.tenant
        portal = is_portal(request)
        partner = portal_partner(request) if portal else None
        if portal and partner is None:
            raise Http404
        deal = selectors.pipeline_deal_get(
            tenant=tenant, deal_id=deal_id, partner_id=partner.pk if partner else None
        )
        serializer = StageMoveInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        stage = selectors.stage_of_tenant(tenant=tenant, stage_id=data["stage"])
        if stage is None:
            raise serializers.ValidationError(
                {"stage": [_("Choose one of this organization's own stages.")]}
            )
        try:
            services.deal_move(
                tenant=tenant,
                actor=request_actor(request),
                deal=deal,
                stage=stage,
                by=services.PARTNER if portal else services.VENDOR,
                partner=partner,
                note=data.get("note", ""),
                lost_reason=data.get("lost_reason", ""),
            )
        except DjangoValidationError as error:
            raise_drf(error)
        return Response(
            PipelineDealOutSerializer(
                selectors.pipeline_deal_get(tenant=tenant, deal_id=deal.pk)
            ).data
        )


class DirectDealInSerializer(serializers.Serializer):
    customer_name = serializers.CharField(max_length=200)
    corporate_number = serializers.CharField(max_length=13, required=False, allow_blank=True)
    web_domain = serializers.CharField(max_length=253, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    product = serializers.CharField(max_length=200, required=False, allow_blank=True)
    amount_one_time = serializers.DecimalField(
        max_digits=14, decimal_places=3, min_value=0, required=False, default=0
    )
    amount_monthly = serializers.DecimalField(
        max_digits=14, decimal_places=3, min_value=0, required=False, default=0
    )
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    expected_close_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    stage = serializers.IntegerField(required=False, allow_null=True)
    won_on = serializers.DateField(required=False, allow_null=True)
    owner = serializers.IntegerField(required=False, allow_null=True)


class DirectDealCreateView(APIView):
    """POST: enter one of the vendor's own deals (staff with DealsPerm.MANAGE)."""

    required_perm = DealsPerm.MANAGE

    @extend_schema(request=DirectDealInSerializer, responses={201: PipelineDealOutSerializer})
    def post(self, request, tenant_slug):
        tenant = request._request.tenant
        serializer = DirectDealInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        stage_id, owner_id = data.pop("stage", None), data.pop("owner", None)
        stage = owner = None
        if stage_id is not None:
            stage = selectors.stage_of_tenant(tenant=tenant, stage_id=stage_id, allow_lost=False)
            if stage is None:
                raise serializers.ValidationError(
                    {"stage": [_("Choose one of this organization's own stages.")]}
                )
        if owner_id is not None:
            owner = selectors.staff_owner_get(tenant=tenant, membership_id=owner_id)
            if owner is None:
                raise serializers.ValidationError(
                    {"owner": [_("Choose one of this organization's own staff.")]}
                )
        try:
            deal = services.direct_deal_create(
                tenant=tenant, actor=request_actor(request), stage=stage, owner=owner, **data
            )
        except DjangoValidationError as error:
            raise_drf(error)
        return Response(
            PipelineDealOutSerializer(
                selectors.pipeline_deal_get(tenant=tenant, deal_id=deal.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )
