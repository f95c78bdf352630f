"""The ledger API: commission lines, listed with filters and read one by one with the
explanation the calculator stored and the rule-set version that produced them.

Staff with PayoutsPerm.VIEW read every line of the tenant. A partner admin reads the company's
lines, a partner rep only the lines that credit them; neither sees who booked a line.
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import generics, serializers

from accounts.api_filters import IdFilter
from payouts import selectors_api
from payouts.api.common import (
    PayoutsReadMixin,
    PortalScope,
    StaffOnlyFieldsMixin,
    portal_scope,
    reads_as_portal,
)
from payouts.models import LedgerLine, LineKind, LineStatus


class LedgerLineOutSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    rep_name = serializers.CharField(
        source="rep.full_name", default=None, allow_null=True, read_only=True
    )
    deal_customer_name = serializers.CharField(
        source="deal.customer_name", default=None, allow_null=True, read_only=True
    )
    status = serializers.ChoiceField(
        source="line_status",
        choices=LineStatus.choices,
        read_only=True,
        help_text=_(
            "Accrued during the holding period, payable from `payable_from` on, on statement "
            "once a statement holds it, paid once that statement is paid. A partner user's "
            "lines count issued statements only."
        ),
    )
    rule_set_version_number = serializers.IntegerField(
        source="rule_set_version.number", default=None, allow_null=True, read_only=True
    )
    # Staff only (left out for partner users, so not required in the schema).
    key = serializers.CharField(
        required=False, help_text=_("Staff only: the line's unique booking key.")
    )
    created_by_email = serializers.EmailField(
        source="created_by.email",
        default=None,
        allow_null=True,
        help_text=_("Staff only: who booked the line by hand (none for a line from an event)."),
    )

    staff_only_fields = ("key", "created_by_email")

    class Meta:
        model = LedgerLine
        fields = [
            "id",
            "kind",
            "status",
            "partner",
            "partner_name",
            "rep",
            "rep_name",
            "deal",
            "deal_customer_name",
            "reverses",
            "amount",
            "currency",
            "description",
            "accrued_on",
            "booked_on",
            "payable_from",
            "rule_set_version",
            "rule_set_version_number",
            "created_at",
            "key",
            "created_by_email",
        ]


class RuleSetVersionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    effective_from = serializers.DateField()
    rule_set = serializers.IntegerField(source="rule_set_id")
    rule_set_name = serializers.CharField(source="rule_set.name")


class LedgerLineDetailOutSerializer(LedgerLineOutSerializer):
    explanation = serializers.JSONField(
        read_only=True,
        help_text=_(
            "How the calculator arrived at the amount, as stored with the line: the rule set "
            "and version, the rule, its base, rate, brackets, cap, split and rounding. Empty "
            "for a manual adjustment."
        ),
    )
    rule_set_version_detail = RuleSetVersionRefSerializer(
        source="rule_set_version", read_only=True, allow_null=True
    )

    class Meta(LedgerLineOutSerializer.Meta):
        fields = [*LedgerLineOutSerializer.Meta.fields, "explanation", "rule_set_version_detail"]


class LedgerLineFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id")
    rep = IdFilter(field_name="rep_id")
    deal = IdFilter(field_name="deal_id")
    kind = django_filters.ChoiceFilter(choices=LineKind.choices)
    status = django_filters.ChoiceFilter(field_name="line_status", choices=LineStatus.choices)
    accrued_from = django_filters.DateFilter(
        field_name="accrued_on", lookup_expr="gte", label=_("Accrued on or after")
    )
    accrued_to = django_filters.DateFilter(
        field_name="accrued_on", lookup_expr="lte", label=_("Accrued on or before")
    )

    class Meta:
        model = LedgerLine
        fields: list[str] = []


class LedgerReadMixin(PayoutsReadMixin):
    model = LedgerLine

    def tenant_queryset(self, tenant):
        portal = reads_as_portal(self)
        scope = portal_scope(self.request) if portal else PortalScope(partner=None, rep=None)
        return selectors_api.api_ledger_lines(
            tenant=tenant,
            today=timezone.localdate(),
            portal=portal,
            own=scope.partner,
            rep=scope.rep,
        )


class LedgerLineListView(LedgerReadMixin, generics.ListAPIView):
    serializer_class = LedgerLineOutSerializer
    filterset_class = LedgerLineFilter
    ordering_fields = ["accrued_on", "booked_on", "amount"]


class LedgerLineDetailView(LedgerReadMixin, generics.RetrieveAPIView):
    serializer_class = LedgerLineDetailOutSerializer
    lookup_url_kwarg = "line_id"
