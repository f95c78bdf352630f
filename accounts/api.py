"""The kernel's REST API: who am I, and the members of the tenant."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.api_auth import ApiKeyUser, request_role
from accounts.api_schema import TenantQuerysetMixin
from accounts.models import Membership
from accounts.roles import Perm, role_permissions


class TenantOutSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    base_currency = serializers.CharField()
    time_zone = serializers.CharField()
    default_language = serializers.CharField()


class MeOutSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["user", "api_key"])
    email = serializers.EmailField(allow_blank=True)
    full_name = serializers.CharField(allow_blank=True)
    role = serializers.CharField()
    permissions = serializers.ListField(child=serializers.CharField())
    tenant = TenantOutSerializer()


class MeView(APIView):
    """The caller as the API sees it: a person's membership, or an API key's role."""

    @extend_schema(responses=MeOutSerializer, operation_id="me_retrieve")
    def get(self, request, tenant_slug):
        role = request_role(request)
        is_key = isinstance(request.user, ApiKeyUser)
        data = {
            "kind": "api_key" if is_key else "user",
            "email": "" if is_key else request.user.email,
            "full_name": request.user.api_key.name if is_key else request.user.full_name,
            "role": role,
            "permissions": sorted(role_permissions(role)),
            "tenant": request._request.tenant,
        }
        return Response(MeOutSerializer(data).data)


class MemberOutSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "is_active", "created_at"]


class MemberListView(TenantQuerysetMixin, generics.ListAPIView):
    model = Membership
    serializer_class = MemberOutSerializer
    required_perm = Perm.MEMBERS_VIEW
    filterset_fields = ["role", "is_active"]
    ordering_fields = ["created_at", "role"]

    def tenant_queryset(self, tenant):
        return selectors.api_member_queryset(tenant=tenant)


class MemberDetailView(TenantQuerysetMixin, generics.RetrieveAPIView):
    model = Membership
    serializer_class = MemberOutSerializer
    required_perm = Perm.MEMBERS_VIEW
    lookup_url_kwarg = "membership_id"

    def tenant_queryset(self, tenant):
        return selectors.api_member_queryset(tenant=tenant)


class TenantSwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI for the tenant in the URL: its schema lives under the same tenant."""

    url_name = "api_schema"

    def _get_schema_url(self, request):
        return reverse("api_schema", kwargs={"tenant_slug": self.kwargs["tenant_slug"]})
