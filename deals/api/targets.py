"""The target-accounts API: list, create, read, and move through the funnel.

Staff read with DealsPerm.VIEW (all partners, filter by partner and milestone) and write with
DealsPerm.MANAGE (creating for the partner named in the body). Partner users (DealsPerm.REGISTER)
only ever see and write their own partner's accounts: the partner comes from their login.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from deals.models import Milestone, TargetAccount
from deals.permissions import DealsPerm
from deals.selectors import targets as selectors
from deals.services import targets as services
from deals.services.milestones import allowed_moves
from deals.services.targets import TARGET_FIELDS
from partners.api.common import SAFE_METHODS, is_portal, portal_partner, raise_drf, request_actor
from partners.models import Partner
from partners.selectors.api_reads import no_choices

# What a partner user may record on its own accounts; the by-name request and the agreement
# are the vendor's steps.
PORTAL_MOVES = (Milestone.ACTION_DONE, Milestone.MEETING_HELD, Milestone.DROPPED, Milestone.LISTED)


# Choice sets another field of the schema already names (the partners API's industries and
# customer segments, the account's own milestone) are plain strings here, their codes in the
# help text: one enum per choice set keeps the schema free of naming warnings. The service
# validates them (full_clean names the field).
INDUSTRY_HELP = _("An industry code of the partners app (e.g. manufacturing, retail).")
SIZE_HELP = _("A customer-size code (e.g. small, mid, enterprise).")


def _code_field(help_text, **kwargs):
    return serializers.CharField(max_length=32, allow_blank=True, help_text=help_text, **kwargs)


class TargetAccountOutSerializer(serializers.ModelSerializer):
    industry = _code_field(INDUSTRY_HELP, read_only=True)
    size = _code_field(SIZE_HELP, read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    rep_name = serializers.CharField(source="rep.full_name", read_only=True, default="")

    class Meta:
        model = TargetAccount
        fields = [
            "id",
            "partner",
            "partner_name",
            "rep",
            "rep_name",
            *TARGET_FIELDS,
            "milestone",
            "milestone_at",
            "drop_reason",
            "created_at",
        ]


class TargetAccountInSerializer(serializers.ModelSerializer):
    """The typed fields; the service validates them (full_clean) and the name's uniqueness."""

    partner = serializers.PrimaryKeyRelatedField(
        queryset=no_choices(Partner),
        required=False,
        help_text=_("Staff only: the partner the account is listed for."),
    )
    industry = _code_field(INDUSTRY_HELP, required=False)
    size = _code_field(SIZE_HELP, required=False)

    class Meta:
        model = TargetAccount
        fields = ["partner", *TARGET_FIELDS]

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tenant is not None:
            # SECURITY(tenant): a partner id in the body resolves inside this tenant only.
            self.fields["partner"].queryset = selectors.partner_choices(tenant=tenant)

    def get_validators(self):
        return []


class MoveInSerializer(serializers.Serializer):
    to = serializers.CharField(
        max_length=16,
        help_text=_("The milestone to move to: one of the account's milestone codes."),
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    drop_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


class TargetAccountFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id")
    milestone = django_filters.ChoiceFilter(choices=Milestone.choices)

    class Meta:
        model = TargetAccount
        fields: list[str] = []


class _TargetAccess:
    """Permission by audience and method, and the queryset of what the caller may see."""

    model = TargetAccount

    @property
    def required_perm(self):
        if is_portal(self.request):
            return DealsPerm.REGISTER
        if self.request.method in SAFE_METHODS:
            return DealsPerm.VIEW
        return DealsPerm.MANAGE

    def own_partner(self) -> Partner | None:
        """The portal user's own partner (404 when the login is linked to none)."""
        if not is_portal(self.request):
            return None
        partner = portal_partner(self.request)
        if partner is None:
            raise Http404
        return partner

    def tenant_queryset(self, tenant):
        # SECURITY(tenant): partner users see their own partner's accounts only.
        return selectors.target_accounts(
            tenant=tenant, partner=self.own_partner(), newest_first=True
        )


class TargetAccountListView(_TargetAccess, TenantQuerysetMixin, generics.ListCreateAPIView):
    serializer_class = TargetAccountOutSerializer
    filterset_class = TargetAccountFilter
    ordering_fields = ["created_at", "milestone_at"]

    @extend_schema(request=TargetAccountInSerializer, responses={201: TargetAccountOutSerializer})
    def post(self, request, *args, **kwargs):
        tenant = request._request.tenant
        serializer = TargetAccountInSerializer(data=request.data, tenant=tenant)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        chosen = fields.pop("partner", None)
        partner = self.own_partner()
        rep = None
        if partner is not None:
            rep = selectors.own_rep(
                tenant=tenant,
                partner=partner,
                membership=getattr(request._request, "membership", None),
            )
        elif chosen is None:
            raise ValidationError({"partner": [_("Choose the partner the account is for.")]})
        else:
            partner = chosen
        try:
            account = services.target_account_create(
                tenant=tenant, actor=request_actor(request), partner=partner, rep=rep, **fields
            )
        except DjangoValidationError as error:
            raise_drf(error)
        return Response(TargetAccountOutSerializer(account).data, status=status.HTTP_201_CREATED)


class TargetAccountDetailView(_TargetAccess, TenantQuerysetMixin, generics.RetrieveAPIView):
    serializer_class = TargetAccountOutSerializer
    lookup_url_kwarg = "target_account_id"


class AllowedMovesSerializer(serializers.Serializer):
    milestone = serializers.CharField(help_text=_("Where the account stands now."))
    allowed = serializers.ListField(
        child=serializers.CharField(), help_text=_("The milestones it may move to.")
    )


class TargetAccountMoveView(_TargetAccess, TenantQuerysetMixin, generics.GenericAPIView):
    """GET: where the account may move (for this caller). POST {to, note, drop_reason}: one
    milestone move; an illegal one answers 400 saying where the account stands and where it
    cannot go."""

    serializer_class = TargetAccountOutSerializer

    @extend_schema(responses={200: AllowedMovesSerializer})
    def get(self, request, *args, target_account_id: int, **kwargs):
        account = generics.get_object_or_404(self.get_queryset(), pk=target_account_id)
        allowed = allowed_moves(account.milestone)
        if is_portal(request):
            allowed = tuple(m for m in allowed if m in PORTAL_MOVES)
        return Response({"milestone": account.milestone, "allowed": list(allowed)})

    @extend_schema(request=MoveInSerializer, responses={200: TargetAccountOutSerializer})
    def post(self, request, *args, target_account_id: int, **kwargs):
        tenant = request._request.tenant
        account = generics.get_object_or_404(self.get_queryset(), pk=target_account_id)
        body = MoveInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        to = body.validated_data["to"]
        partner = self.own_partner()
        if partner is not None and to not in PORTAL_MOVES:
            raise ValidationError(
                {"to": [_("The vendor records this step; you cannot set it here.")]}
            )
        try:
            services.target_accounts_move(
                tenant=tenant,
                actor=request_actor(request),
                account_ids=[account.pk],
                to_milestone=to,
                note=body.validated_data["note"],
                drop_reason=body.validated_data["drop_reason"],
                partner=partner,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise_drf(error)
            raise ValidationError({"to": error.messages}) from error
        account.refresh_from_db()
        return Response(TargetAccountOutSerializer(account).data)
