"""The deals API of the registrations area: registration (with an `Idempotency-Key`), the
list and detail of deals, the review actions and protection extensions.

Partner users read their own partner's deals only and register for their own partner;
staff read every deal of the tenant (filters) and review.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from deals.models import Deal, ProtectionExtension, RegistrationStatus
from deals.permissions import DealsPerm
from deals.selectors import registrations as selectors
from deals.services import registrations as services
from partners.api.common import is_portal, portal_partner, raise_drf, request_actor

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class DealOutSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True, default=None)
    program_name = serializers.CharField(source="program.name", read_only=True, default=None)
    stage_name = serializers.CharField(source="stage.name", read_only=True)

    class Meta:
        model = Deal
        fields = [
            "id",
            "partner",
            "partner_name",
            "program",
            "program_name",
            "rep",
            "target_account",
            "customer_name",
            "corporate_number",
            "web_domain",
            "contact_name",
            "contact_email",
            "product",
            "amount_one_time",
            "amount_monthly",
            "currency",
            "expected_close_on",
            "notes",
            "registration_status",
            "registered_at",
            "reviewed_at",
            "review_reason",
            "duplicate_of",
            "protected_until",
            "stage",
            "stage_name",
        ]


class DealRegisterInSerializer(serializers.Serializer):
    program = serializers.IntegerField()
    target_account = serializers.IntegerField(required=False, allow_null=True)
    customer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    corporate_number = serializers.CharField(max_length=13, required=False, allow_blank=True)
    web_domain = serializers.CharField(max_length=253, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    product = serializers.CharField(max_length=200, required=False, allow_blank=True)
    amount_one_time = serializers.DecimalField(
        max_digits=14, decimal_places=3, min_value=0, required=False
    )
    amount_monthly = serializers.DecimalField(
        max_digits=14, decimal_places=3, min_value=0, required=False
    )
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    expected_close_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    def resolved(self, *, tenant, partner) -> dict:
        """The service's fields: ids resolve inside the tenant and the partner, or fail by name."""
        data = dict(self.validated_data)
        program = selectors.registration_program_get(
            tenant=tenant, partner=partner, program_id=data["program"]
        )
        if program is None:
            raise serializers.ValidationError(
                {"program": [_("Your company has no current contract in this program.")]}
            )
        data["program"] = program
        target_id = data.get("target_account")
        if target_id is not None:
            target = selectors.open_target_account_get(
                tenant=tenant, partner=partner, target_id=target_id
            )
            if target is None:
                raise serializers.ValidationError(
                    {"target_account": [_("This target account is not open for a registration.")]}
                )
            data["target_account"] = target
        return data


class DealFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id")
    program = IdFilter(field_name="program_id")
    registration_status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices)

    class Meta:
        model = Deal
        fields: list[str] = []


class DealsPermMixin(TenantQuerysetMixin):
    model = Deal

    @property
    def required_perm(self):
        if is_portal(self.request) or self.request.method not in SAFE_METHODS:
            return DealsPerm.REGISTER
        return DealsPerm.VIEW

    def tenant_queryset(self, tenant):
        portal = is_portal(self.request)
        own = portal_partner(self.request) if portal else None
        return selectors.api_deals(tenant=tenant, portal=portal, own=own)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The same key and body register one deal however often they are sent.",
)


@extend_schema_view(
    get=extend_schema(responses=DealOutSerializer),
    post=extend_schema(
        request=DealRegisterInSerializer,
        responses={201: DealOutSerializer, 200: DealOutSerializer},
        parameters=[IDEMPOTENCY_KEY],
    ),
)
class DealListView(DealsPermMixin, generics.ListCreateAPIView):
    serializer_class = DealOutSerializer
    filterset_class = DealFilter
    ordering_fields = ["registered_at", "protected_until"]

    def create(self, request, *args, **kwargs):
        tenant = request._request.tenant
        partner = portal_partner(request)
        actor = request_actor(request)
        if partner is None or actor is None:
            raise PermissionDenied(_("Only a partner's rep registers deals."))
        serializer = DealRegisterInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = serializer.resolved(tenant=tenant, partner=partner)
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if len(key) > 200:
            return Response(
                {"detail": _("The Idempotency-Key header is longer than 200 characters.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            if key:
                deal, created = services.deal_register_once(
                    tenant=tenant, actor=actor, partner=partner, key=key, **fields
                )
            else:
                deal = services.deal_register(tenant=tenant, actor=actor, partner=partner, **fields)
                created = True
        except services.IdempotencyMismatch:
            return Response(
                {
                    "detail": _(
                        "This Idempotency-Key was already used with a different body: send "
                        "the same body again, or use a new key for a new registration."
                    )
                },
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        except DjangoValidationError as error:
            raise_drf(error)
        return Response(
            DealOutSerializer(deal).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DealDetailView(DealsPermMixin, generics.RetrieveAPIView):
    serializer_class = DealOutSerializer
    lookup_url_kwarg = "deal_id"


# --- Review actions ---------------------------------------------------------------------------


class ReviewInSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    duplicate_of = serializers.IntegerField(required=False, allow_null=True)


class ReviewActionView(TenantQuerysetMixin, APIView):
    """POST: one review decision on a deal of the tenant (staff with DealsPerm.REVIEW)."""

    required_perm = DealsPerm.REVIEW
    model = Deal
    action = ""

    def tenant_queryset(self, tenant):
        return selectors.tenant_deals(tenant=tenant)

    @extend_schema(request=ReviewInSerializer, responses=DealOutSerializer)
    def post(self, request, tenant_slug, deal_id):
        tenant = request._request.tenant
        deal = selectors.staff_deal_get(tenant=tenant, deal_id=deal_id)
        serializer = ReviewInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = request_actor(request)
        try:
            if self.action == "approve":
                deal = services.deal_approve(
                    tenant=tenant, actor=actor, deal=deal, note=data.get("note", "")
                )
            elif self.action == "reject":
                deal = services.deal_reject(
                    tenant=tenant, actor=actor, deal=deal, reason=data.get("reason", "")
                )
            else:
                deal = services.deal_mark_duplicate(
                    tenant=tenant,
                    actor=actor,
                    deal=deal,
                    original_id=data.get("duplicate_of"),
                    reason=data.get("reason", ""),
                )
        except DjangoValidationError as error:
            raise_drf(error)
        return Response(
            DealOutSerializer(selectors.staff_deal_get(tenant=tenant, deal_id=deal.pk)).data
        )


class DealApproveView(ReviewActionView):
    action = "approve"


class DealRejectView(ReviewActionView):
    action = "reject"


class DealDuplicateView(ReviewActionView):
    action = "duplicate"


# --- Protection extensions --------------------------------------------------------------------


class ExtensionOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProtectionExtension
        fields = [
            "id",
            "deal",
            "requested_until",
            "reason",
            "requested_at",
            "status",
            "decided_at",
            "decision_note",
        ]


class ExtensionRequestInSerializer(serializers.Serializer):
    requested_until = serializers.DateField()
    reason = serializers.CharField(max_length=500)


@extend_schema_view(
    get=extend_schema(responses=ExtensionOutSerializer),
    post=extend_schema(
        request=ExtensionRequestInSerializer, responses={201: ExtensionOutSerializer}
    ),
)
class DealExtensionListView(DealsPermMixin, generics.ListCreateAPIView):
    """A deal's extension requests; POST: the deal's rep asks for one (partner users)."""

    serializer_class = ExtensionOutSerializer
    pagination_class = None

    def _deal(self):
        return generics.get_object_or_404(
            DealsPermMixin.tenant_queryset(self, self.request._request.tenant),
            pk=self.kwargs["deal_id"],
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.no_extensions()
        deal = self._deal()
        return selectors.deal_extensions(tenant=deal.tenant, deal=deal)

    def create(self, request, *args, **kwargs):
        tenant = request._request.tenant
        partner = portal_partner(request)
        if partner is None:
            raise PermissionDenied(_("Only the deal's partner asks for an extension."))
        deal = self._deal()
        serializer = ExtensionRequestInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            extension = services.extension_request(
                tenant=tenant,
                actor=request_actor(request),
                partner=partner,
                deal=deal,
                **serializer.validated_data,
            )
        except DjangoValidationError as error:
            raise_drf(error)
        return Response(ExtensionOutSerializer(extension).data, status=status.HTTP_201_CREATED)


class ExtensionDecideInSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ExtensionDecideView(TenantQuerysetMixin, APIView):
    required_perm = DealsPerm.REVIEW
    model = ProtectionExtension

    def tenant_queryset(self, tenant):
        return selectors.tenant_extensions(tenant=tenant)

    @extend_schema(request=ExtensionDecideInSerializer, responses=ExtensionOutSerializer)
    def post(self, request, tenant_slug, extension_id):
        tenant = request._request.tenant
        extension = selectors.extension_get(tenant=tenant, extension_id=extension_id)
        serializer = ExtensionDecideInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            extension = services.extension_decide(
                tenant=tenant,
                actor=request_actor(request),
                extension=extension,
                approve=serializer.validated_data["decision"] == "approve",
                note=serializer.validated_data.get("note", ""),
            )
        except DjangoValidationError as error:
            raise_drf(error)
        return Response(ExtensionOutSerializer(extension).data)
