"""The statements API: payout statements listed and read (figures, tax per rate, lines), and
the downloads (a statement's PDF, a period's statements as CSV).

Staff read with PayoutsPerm.VIEW. A partner admin (PayoutsPerm.PORTAL_COMPANY) reads the
company's issued and paid statements only and downloads their PDFs; a partner rep reads no
statement (it shows the whole company's commission).
"""

import django_filters
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from accounts.api_filters import IdFilter
from accounts.pdf import pdf_download
from payouts import exports, selectors, selectors_api
from payouts.api.common import (
    CsvRenderer,
    PayoutsReadMixin,
    PdfRenderer,
    StaffOnlyFieldsMixin,
    portal_scope,
    reads_as_portal,
)
from payouts.models import LineKind, Statement, StatementLine, StatementStatus
from payouts.permissions import PayoutsPerm

# --- Reading ----------------------------------------------------------------------------------


class TaxPartSerializer(serializers.Serializer):
    rate = serializers.CharField(help_text=gettext_lazy("The consumption-tax rate in percent."))
    base = serializers.CharField(help_text=gettext_lazy("The amount taxed at this rate."))
    tax = serializers.CharField(help_text=gettext_lazy("The tax, rounded once for this rate."))


class StatementOutSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    period_starts_on = serializers.DateField(source="period.starts_on", read_only=True)
    period_ends_on = serializers.DateField(source="period.ends_on", read_only=True)
    pays_on = serializers.DateField(source="period.pays_on", read_only=True)
    taxes = TaxPartSerializer(many=True, read_only=True)
    transfer_amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=3,
        read_only=True,
        help_text=gettext_lazy(
            "What the bank transfer pays: the net, less what the corrected statements paid."
        ),
    )
    # Staff only (left out for partner users, so not required in the schema).
    generated_at = serializers.DateTimeField(
        required=False, help_text=gettext_lazy("Staff only: when the figures were made.")
    )
    approved_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=gettext_lazy("Staff only.")
    )
    approved_by_email = serializers.EmailField(
        source="approved_by.email",
        default=None,
        allow_null=True,
        help_text=gettext_lazy("Staff only: the (first) approver."),
    )
    second_approved_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=gettext_lazy("Staff only.")
    )
    second_approved_by_email = serializers.EmailField(
        source="second_approved_by.email",
        default=None,
        allow_null=True,
        help_text=gettext_lazy("Staff only: the second approver, above the tenant's amount."),
    )

    staff_only_fields = (
        "generated_at",
        "approved_at",
        "approved_by_email",
        "second_approved_at",
        "second_approved_by_email",
    )

    class Meta:
        model = Statement
        fields = [
            "id",
            "partner",
            "partner_name",
            "period",
            "period_starts_on",
            "period_ends_on",
            "pays_on",
            "revision",
            "corrects",
            "correction_reason",
            "status",
            "currency",
            "subtotal",
            "taxes",
            "tax",
            "gross",
            "withholding",
            "withholding_category",
            "carried_in",
            "net_payable",
            "settled_before",
            "transfer_amount",
            "carried_out",
            "recipient_registration_number",
            "number",
            "issued_on",
            "paid_on",
            "payment_reference",
            "response",
            "responded_at",
            "response_comment",
            "generated_at",
            "approved_at",
            "approved_by_email",
            "second_approved_at",
            "second_approved_by_email",
        ]


class StatementLineOutSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(source="ledger_line.kind", choices=LineKind.choices)
    accrued_on = serializers.DateField(source="ledger_line.accrued_on")
    deal = serializers.IntegerField(source="ledger_line.deal_id", allow_null=True)
    deal_customer_name = serializers.CharField(
        source="ledger_line.deal.customer_name", default=None, allow_null=True
    )
    rep = serializers.IntegerField(source="ledger_line.rep_id", allow_null=True)
    rep_name = serializers.CharField(
        source="ledger_line.rep.full_name", default=None, allow_null=True
    )
    description = serializers.CharField(source="ledger_line.description")
    amount = serializers.DecimalField(source="ledger_line.amount", max_digits=18, decimal_places=3)
    currency = serializers.CharField(source="ledger_line.currency")

    class Meta:
        model = StatementLine
        fields = [
            "ledger_line",
            "kind",
            "accrued_on",
            "deal",
            "deal_customer_name",
            "rep",
            "rep_name",
            "description",
            "amount",
            "currency",
            "tax_rate",
        ]


class StatementDetailOutSerializer(StatementOutSerializer):
    lines = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The ledger lines the statement pays (a correction states those of the statement "
            "it corrects)."
        )
    )

    class Meta(StatementOutSerializer.Meta):
        fields = [*StatementOutSerializer.Meta.fields, "lines"]

    @extend_schema_field(StatementLineOutSerializer(many=True))
    def get_lines(self, statement):
        tenant = self.context["tenant"]
        lines = selectors.statement_lines(tenant=tenant, statement=statement)
        return StatementLineOutSerializer(lines, many=True).data


class StatementFilter(django_filters.FilterSet):
    period = IdFilter(field_name="period_id")
    partner = IdFilter(field_name="partner_id")
    status = django_filters.ChoiceFilter(choices=StatementStatus.choices)

    class Meta:
        model = Statement
        fields: list[str] = []


class StatementReadMixin(PayoutsReadMixin):
    model = Statement
    portal_perm = PayoutsPerm.PORTAL_COMPANY

    def tenant_queryset(self, tenant):
        portal = reads_as_portal(self)
        own = portal_scope(self.request).partner if portal else None
        return selectors_api.api_statements(tenant=tenant, portal=portal, own=own)


class StatementListView(StatementReadMixin, generics.ListAPIView):
    serializer_class = StatementOutSerializer
    filterset_class = StatementFilter
    ordering_fields = ["net_payable", "issued_on", "number"]


class StatementDetailView(StatementReadMixin, generics.RetrieveAPIView):
    serializer_class = StatementDetailOutSerializer
    lookup_url_kwarg = "statement_id"


# --- Downloads ----------------------------------------------------------------------------------


class StatementPdfView(StatementReadMixin, generics.GenericAPIView):
    """The issued statement's PDF exactly as it was frozen: its SHA-256 is checked before it
    is served, and a statement without an intact PDF answers 404."""

    renderer_classes = [PdfRenderer, JSONRenderer]
    filter_backends: list = []
    lookup_url_kwarg = "statement_id"

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, tenant_slug, statement_id):
        statement = self.get_object()
        if (
            not statement.is_issued
            or not statement.pdf
            or not selectors.statement_pdf_intact(statement)
        ):
            raise Http404
        return pdf_download(statement.pdf, filename=selectors.statement_pdf_filename(statement))


class PeriodStatementsCsvView(APIView):
    """The period's statements as CSV for the accounting system (every revision, its figures
    as stored): staff with PayoutsPerm.VIEW."""

    required_perm = PayoutsPerm.VIEW
    renderer_classes = [CsvRenderer, JSONRenderer]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, tenant_slug, period_id):
        tenant = request._request.tenant
        period = selectors.payout_period_get(tenant=tenant, period_id=period_id)
        response = StreamingHttpResponse(
            exports.statements_csv(tenant=tenant, period=period),
            content_type="text/csv; charset=utf-8",
        )
        filename = f"statements-{period.starts_on:%Y%m}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
