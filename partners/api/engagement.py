"""The engagement API: activities (staff only; they are the vendor's own notes). An activity
is changed only by whoever logged it or a vendor admin (or an API key)."""

import django_filters
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from partners.api.common import PermByMethodMixin, ServiceCreateMixin, ServiceUpdateMixin
from partners.choices import ActivityKind
from partners.models import Activity, Partner
from partners.selectors import api_reads as api_selectors
from partners.services import engagement as engagement_services

KIND_HELP = format_lazy(_("One of: {kinds}."), kinds=", ".join(ActivityKind.values))


class ActivityOutSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=ActivityKind.choices, read_only=True, help_text=KIND_HELP
    )
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
    partner = serializers.PrimaryKeyRelatedField(queryset=api_selectors.no_choices(Partner))
    kind = serializers.ChoiceField(
        choices=ActivityKind.choices,
        help_text=KIND_HELP,
        error_messages={"invalid_choice": _("Choose a valid kind of activity.")},
    )
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
            self.fields["partner"].queryset = api_selectors.partner_choices(tenant=tenant)


class ActivityChangeSerializer(ActivityInSerializer):
    """A correction to a logged activity; attendee lists, when given, replace the old ones.
    An activity stays with its partner."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["partner"]


class ActivityFilter(django_filters.FilterSet):
    occurred_from = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_to = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")
    partner = IdFilter(field_name="partner_id")
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)

    class Meta:
        model = Activity
        fields: list[str] = []


class ActivityQuerysetMixin(PermByMethodMixin, TenantQuerysetMixin):
    model = Activity

    def tenant_queryset(self, tenant):
        return api_selectors.api_activities(tenant=tenant)


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
