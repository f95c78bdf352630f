"""The commission API: rule sets and their versions (read), and the calculator.

Staff with ProgramsPerm.VIEW read; partner users have no access (their commission will reach
them through statements). The calculator prices a hypothetical event with a rule set and
answers the lines with their explanation as data; it writes nothing.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from programs.commission import CommissionEvent, EventError, EventKind, SplitRole
from programs.models import CommissionRuleSet, CommissionRuleSetVersion
from programs.permissions import ProgramsPerm
from programs.selectors import commission as selectors


class RuleSetOutSerializer(serializers.ModelSerializer):
    program_name = serializers.CharField(source="program.name", read_only=True)
    version_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = CommissionRuleSet
        fields = [
            "id",
            "program",
            "program_name",
            "name",
            "description",
            "currency",
            "version_count",
            "created_at",
        ]


class VersionOutSerializer(serializers.ModelSerializer):
    rules = serializers.JSONField(
        read_only=True,
        help_text=_('The rules as stored: a list of objects, each with a "kind".'),
    )
    created_by_email = serializers.EmailField(
        source="created_by.email", default=None, allow_null=True, read_only=True
    )
    is_used = serializers.BooleanField(read_only=True)

    class Meta:
        model = CommissionRuleSetVersion
        fields = [
            "id",
            "rule_set",
            "number",
            "effective_from",
            "rules",
            "holding_days",
            "clawback_days",
            "note",
            "created_by_email",
            "created_at",
            "first_used_at",
            "is_used",
        ]


class RuleSetFilter(django_filters.FilterSet):
    program = IdFilter(field_name="program_id")

    class Meta:
        model = CommissionRuleSet
        fields: list[str] = []


class VersionFilter(django_filters.FilterSet):
    rule_set = IdFilter(field_name="rule_set_id")
    program = IdFilter(field_name="rule_set__program_id")

    class Meta:
        model = CommissionRuleSetVersion
        fields: list[str] = []


class ReadPermMixin:
    required_perm = ProgramsPerm.VIEW


class RuleSetListView(ReadPermMixin, TenantQuerysetMixin, generics.ListAPIView):
    model = CommissionRuleSet
    serializer_class = RuleSetOutSerializer
    filterset_class = RuleSetFilter
    ordering_fields = ["name", "created_at"]

    def tenant_queryset(self, tenant):
        return selectors.rule_sets(tenant=tenant)


class RuleSetDetailView(ReadPermMixin, TenantQuerysetMixin, generics.RetrieveAPIView):
    model = CommissionRuleSet
    serializer_class = RuleSetOutSerializer
    lookup_url_kwarg = "rule_set_id"

    def tenant_queryset(self, tenant):
        return selectors.rule_sets(tenant=tenant)


class VersionListView(ReadPermMixin, TenantQuerysetMixin, generics.ListAPIView):
    model = CommissionRuleSetVersion
    serializer_class = VersionOutSerializer
    filterset_class = VersionFilter
    ordering_fields = ["effective_from", "number"]

    def tenant_queryset(self, tenant):
        return selectors.versions_with_rule_sets(tenant=tenant)


class VersionDetailView(ReadPermMixin, TenantQuerysetMixin, generics.RetrieveAPIView):
    model = CommissionRuleSetVersion
    serializer_class = VersionOutSerializer
    lookup_url_kwarg = "version_id"

    def tenant_queryset(self, tenant):
        return selectors.versions_with_rule_sets(tenant=tenant)


AMOUNT = {"max_digits": 18, "decimal_places": 3, "min_value": 0}


class CalculatorInSerializer(serializers.Serializer):
    rule_set = serializers.PrimaryKeyRelatedField(queryset=selectors.no_rule_sets())
    event_kind = serializers.ChoiceField(choices=EventKind.choices, default=EventKind.DEAL_WON)
    date = serializers.DateField()
    amount = serializers.DecimalField(default=0, **AMOUNT)
    mrr = serializers.DecimalField(default=0, **AMOUNT)
    product = serializers.CharField(default="", allow_blank=True, max_length=100)
    cumulative_fy_revenue_before = serializers.DecimalField(default=0, **AMOUNT)
    partner_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=SplitRole.choices),
        default=list,
        max_length=2,
        help_text=_("The roles of the partners in the deal, the main partner first (at most two)."),
    )

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tenant is not None:
            # SECURITY(tenant): the rule set resolves inside this tenant only.
            self.fields["rule_set"].queryset = selectors.rule_sets(tenant=tenant)

    def validate_partner_roles(self, roles):
        if len(set(roles)) != len(roles):
            raise ValidationError(_("Each role appears once."))
        return roles


class BracketPartSerializer(serializers.Serializer):
    lower = serializers.DecimalField(max_digits=21, decimal_places=4)
    upper = serializers.DecimalField(max_digits=21, decimal_places=4, allow_null=True)
    rate = serializers.DecimalField(max_digits=9, decimal_places=4)
    portion = serializers.DecimalField(max_digits=21, decimal_places=4)
    amount = serializers.CharField(help_text=_("Exact, before rounding."))


class ExplanationSerializer(serializers.Serializer):
    rule_set_id = serializers.IntegerField()
    rule_set_name = serializers.CharField()
    version_id = serializers.IntegerField()
    version_number = serializers.IntegerField()
    effective_from = serializers.DateField()
    rule_index = serializers.IntegerField()
    kind = serializers.CharField()
    event_kind = serializers.CharField()
    currency = serializers.CharField()
    base_kind = serializers.CharField(help_text=_("deal_amount, mrr or event (a fixed fee)."))
    base = serializers.CharField(allow_null=True)
    rate = serializers.CharField(allow_null=True)
    fixed_amount = serializers.CharField(allow_null=True)
    brackets = BracketPartSerializer(many=True)
    cumulative_before = serializers.CharField(allow_null=True)
    cap = serializers.CharField(allow_null=True)
    is_cap_applied = serializers.BooleanField()
    spiff_name = serializers.CharField()
    spiff_product = serializers.CharField()
    spiff_min_amount = serializers.CharField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    months = serializers.IntegerField(allow_null=True)
    unrounded = serializers.CharField()
    rule_amount = serializers.CharField()
    rounding = serializers.CharField()
    rounding_rule = serializers.CharField()
    role = serializers.CharField()
    share = serializers.CharField(allow_null=True)
    is_remainder_role = serializers.BooleanField()
    remainder = serializers.CharField()
    payable_on = serializers.DateField()
    clawback_until = serializers.DateField(allow_null=True)


class LineSerializer(serializers.Serializer):
    rule_index = serializers.IntegerField()
    kind = serializers.CharField()
    role = serializers.CharField()
    amount = serializers.CharField()
    currency = serializers.CharField()
    month = serializers.IntegerField(allow_null=True)
    explanation = ExplanationSerializer()


CalculatorOutSerializer = inline_serializer(
    name="CommissionCalculation",
    fields={
        "rule_set": serializers.IntegerField(),
        "version_number": serializers.IntegerField(allow_null=True),
        "currency": serializers.CharField(),
        "total": serializers.CharField(),
        "lines": LineSerializer(many=True),
    },
)


@extend_schema_view(
    post=extend_schema(request=CalculatorInSerializer, responses={200: CalculatorOutSerializer})
)
class CalculatorView(ReadPermMixin, APIView):
    """POST a hypothetical event; the answer is each line the rule set would pay and why.
    Nothing is written, and no version is marked as used."""

    def post(self, request, *args, **kwargs):
        tenant = request._request.tenant
        serializer = CalculatorInSerializer(data=request.data, tenant=tenant)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rule_set = data["rule_set"]
        event = CommissionEvent(
            kind=data["event_kind"],
            date=data["date"],
            currency=rule_set.currency,
            amount=data["amount"],
            mrr=data["mrr"],
            product=data["product"],
            cumulative_fy_revenue_before=data["cumulative_fy_revenue_before"],
            partners={role: None for role in data["partner_roles"]},
        )
        try:
            result = selectors.commission_preview(tenant=tenant, rule_set=rule_set, event=event)
        except EventError as error:
            fields = {"partners": "partner_roles", "currency": "rule_set"}
            raise ValidationError(
                {fields.get(key, key): [message] for key, message in error.errors.items()}
            ) from error
        return Response(
            {
                "rule_set": rule_set.pk,
                "version_number": result.version.number if result.version else None,
                "currency": rule_set.currency,
                "total": format(result.total, "f"),
                "lines": [
                    {
                        "rule_index": line.rule_index,
                        "kind": line.kind,
                        "role": line.role,
                        "amount": format(line.amount, "f"),
                        "currency": line.currency,
                        "month": line.month,
                        "explanation": line.explanation.as_data(),
                    }
                    for line in result.lines
                ],
            }
        )
