"""The content library API: assets (read) and the view log (a partner user records a view or
download; staff read the log).

Staff read every asset of the tenant with ProgramsPerm.VIEW. A partner user (Perm.PORTAL_VIEW)
reads only what their partner's programs and tiers may see, the partner coming from the login;
any other asset answers 404, in the URL and in a recorded view's body alike. What only staff
see (archived flag, visibility, version count) is left out for partner users.
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from accounts.roles import Perm
from partners.api.common import is_portal
from programs.api.common import portal_rep
from programs.models import (
    Asset,
    AssetAction,
    AssetCategory,
    AssetLanguage,
    AssetVersion,
    AssetView,
)
from programs.permissions import ProgramsPerm
from programs.selectors import asset_views as view_selectors
from programs.selectors import library as selectors
from programs.selectors import library_portal as portal_selectors
from programs.selectors.visibility import partner_placement
from programs.services.asset_views import asset_view_record


class VersionOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssetVersion
        fields = ["id", "number", "file_name", "content_type", "size", "uploaded_at"]


class AssetOutSerializer(serializers.ModelSerializer):
    current_version = serializers.SerializerMethodField()
    program_ids = serializers.SerializerMethodField(
        help_text=gettext_lazy("Staff only: the programs it is shown to (none: every partner).")
    )

    class Meta:
        model = Asset
        fields = [
            "id",
            "title",
            "description",
            "category",
            "language",
            "kind",
            "url",
            "current_version",
            "created_at",
            "is_archived",
            "program_ids",
        ]

    staff_only_fields = ("is_archived", "program_ids")

    @extend_schema(responses=VersionOutSerializer)
    def get_current_version(self, asset) -> dict | None:
        version = self.context["current_versions"].get(asset.pk)
        return VersionOutSerializer(version).data if version is not None else None

    def get_program_ids(self, asset) -> list[int]:
        if self.context.get("portal", True):
            return []  # left out below; the portal's queryset does not load them
        return [program.pk for program in asset.programs.all()]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("portal", True):
            for name in self.staff_only_fields:
                data.pop(name, None)
        return data


class AssetFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=AssetCategory.choices)
    language = django_filters.ChoiceFilter(choices=AssetLanguage.choices)

    class Meta:
        model = Asset
        fields: list[str] = []


class AssetReadMixin(TenantQuerysetMixin):
    model = Asset
    serializer_class = AssetOutSerializer
    filterset_class = AssetFilter

    @property
    def required_perm(self):
        return Perm.PORTAL_VIEW if is_portal(self.request) else ProgramsPerm.VIEW

    def tenant_queryset(self, tenant):
        if is_portal(self.request):
            rep = portal_rep(self.request)
            placement = partner_placement(tenant=tenant, partner=rep.partner)
            return portal_selectors.portal_assets(
                tenant=tenant, placement=placement, today=timezone.localdate()
            )
        return selectors.asset_list(tenant=tenant, archived=None)

    def get_serializer(self, *args, **kwargs):
        assets = args[0] if args else kwargs.get("instance")
        if assets is not None:
            assets = [assets] if isinstance(assets, Asset) else list(assets)
            kwargs["context"] = {
                **self.get_serializer_context(),
                "portal": is_portal(self.request),
                "current_versions": selectors.current_versions(
                    tenant=self.request._request.tenant, assets=assets
                ),
            }
        return super().get_serializer(*args, **kwargs)


class AssetListView(AssetReadMixin, generics.ListAPIView):
    """The library: staff see every asset (archived included), a partner user what their
    partner may see."""

    ordering_fields = ["created_at", "title"]


class AssetDetailView(AssetReadMixin, generics.RetrieveAPIView):
    lookup_url_kwarg = "asset_id"


class AssetViewOutSerializer(serializers.ModelSerializer):
    version_number = serializers.IntegerField(source="version.number", default=None)

    class Meta:
        model = AssetView
        fields = [
            "id",
            "asset",
            "version",
            "version_number",
            "partner",
            "rep",
            "membership",
            "action",
            "viewed_at",
        ]


class AssetViewInSerializer(serializers.Serializer):
    asset = serializers.IntegerField(min_value=1)
    action = serializers.ChoiceField(choices=AssetAction.choices, default=AssetAction.VIEW)


class AssetViewFilter(django_filters.FilterSet):
    asset = IdFilter(field_name="asset_id")
    partner = IdFilter(field_name="partner_id")
    rep = IdFilter(field_name="rep_id")
    action = django_filters.ChoiceFilter(choices=AssetAction.choices)
    since = django_filters.IsoDateTimeFilter(field_name="viewed_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="viewed_at", lookup_expr="lt")

    class Meta:
        model = AssetView
        fields: list[str] = []


class AssetViewListView(TenantQuerysetMixin, generics.ListCreateAPIView):
    """GET (staff, ProgramsPerm.VIEW): the view log, newest first, filtered by asset, partner,
    rep, action and time. POST (a partner user only; staff get 403): record that they viewed
    or downloaded an asset their partner may see, for a client that shows the material
    itself (the portal's pages record their own)."""

    model = AssetView
    serializer_class = AssetViewOutSerializer
    filterset_class = AssetViewFilter
    ordering_fields = ["viewed_at"]

    @property
    def required_perm(self):
        if self.request.method == "POST":
            return Perm.PORTAL_VIEW
        return ProgramsPerm.VIEW

    def tenant_queryset(self, tenant):
        return view_selectors.view_log(tenant=tenant)

    @extend_schema(request=AssetViewInSerializer, responses={201: AssetViewOutSerializer})
    def post(self, request, tenant_slug):
        tenant = request._request.tenant
        serializer = AssetViewInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rep = portal_rep(request)
        placement = partner_placement(tenant=tenant, partner=rep.partner)
        # SECURITY(tenant): another tenant's or another tier's asset answers 404.
        asset = portal_selectors.portal_asset_get(
            tenant=tenant, placement=placement, asset_id=serializer.validated_data["asset"]
        )
        view = asset_view_record(
            tenant=tenant,
            asset=asset,
            rep=rep,
            membership=request._request.membership,
            action=serializer.validated_data["action"],
            version=portal_selectors.current_version(tenant=tenant, asset=asset),
        )
        return Response(AssetViewOutSerializer(view).data, status=status.HTTP_201_CREATED)
