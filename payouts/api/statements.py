"""The statements API: payout statements listed and read (figures, tax per rate, lines), the
finance actions (approve, issue, record the payment), the partner's confirmation or dispute,
and the downloads (a statement's PDF, a period's statements as CSV).

Staff read with PayoutsPerm.VIEW and act with PayoutsPerm.MANAGE; the actions name statements
in the body and go through the services, which take all of them or none and change nothing
twice. A partner admin (PayoutsPerm.PORTAL_COMPANY) reads the company's issued and paid
statements only, downloads their PDFs and confirms or disputes them; a partner rep reads no
statement (it shows the whole company's commission).
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_filters import IdFilter
from accounts.pdf import pdf_download
from partners.api.common import raise_drf, request_actor
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
from payouts.services import statements as services

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
        help_text=gettext_lazy(
            "Staff only: the second approver, above the second-approval amount."
        ),
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


# --- Finance's actions ---------------------------------------------------------------------------


class StatementIdsInSerializer(serializers.Serializer):
    statements = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=500,
        help_text=gettext_lazy("The ids of the statements: all of them are taken, or none."),
    )

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def validate_statements(self, ids):
        ids = list(dict.fromkeys(ids))
        # SECURITY(tenant): ids resolve inside this tenant; another tenant's are unknown.
        unknown = selectors_api.unknown_statement_ids(tenant=self.tenant, statement_ids=ids)
        if unknown:
            raise ValidationError(
                ngettext(
                    "No statement of this organization has the id %(ids)s.",
                    "No statements of this organization have the ids %(ids)s.",
                    len(unknown),
                )
                % {"ids": ", ".join(str(pk) for pk in unknown)}
            )
        return ids


class MarkPaidInSerializer(StatementIdsInSerializer):
    paid_on = serializers.DateField(help_text=gettext_lazy("The value date of the transfer."))
    reference = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("The bank's reference of the transfer."),
    )


class ApproveOutSerializer(serializers.Serializer):
    approved = serializers.IntegerField(help_text=gettext_lazy("Statements now approved."))
    awaiting_second_approval = serializers.IntegerField(
        help_text=gettext_lazy(
            "Statements above the second-approval amount that a second person must approve."
        )
    )
    statements = StatementOutSerializer(many=True)


class IssueOutSerializer(serializers.Serializer):
    queued = serializers.IntegerField(
        help_text=gettext_lazy(
            "Statements handed to the worker to be issued (already issued ones are not "
            "issued again); their number and PDF follow."
        )
    )
    statements = StatementOutSerializer(many=True)


class MarkPaidOutSerializer(serializers.Serializer):
    paid = serializers.IntegerField(
        help_text=gettext_lazy("Statements recorded as paid now (a paid one stays as it was).")
    )
    statements = StatementOutSerializer(many=True)


def _raise_action_error(error: DjangoValidationError):
    """A service's refusal as a 400: its fields as named; a refusal of the whole lot (which
    names the statement and its partner) under `statements`."""
    if hasattr(error, "error_dict"):
        raise ValidationError(error.message_dict) from error
    raise ValidationError({"statements": error.messages}) from error


class StatementActionView(APIView):
    """POST: one finance action on the statements named in the body (PayoutsPerm.MANAGE)."""

    required_perm = PayoutsPerm.MANAGE
    in_serializer_class = StatementIdsInSerializer
    success_status = status.HTTP_200_OK

    def act(self, *, tenant, actor, data: dict) -> dict:
        raise NotImplementedError

    def post(self, request, tenant_slug):
        tenant = request._request.tenant
        serializer = self.in_serializer_class(data=request.data, tenant=tenant)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = self.act(tenant=tenant, actor=request_actor(request), data=data)
        except DjangoValidationError as error:
            _raise_action_error(error)
        statements = selectors_api.statements_by_ids(
            tenant=tenant, statement_ids=data["statements"]
        )
        body = {
            **result,
            "statements": StatementOutSerializer(
                statements, many=True, context={"portal": False}
            ).data,
        }
        return Response(body, status=self.success_status)


class StatementsApproveView(StatementActionView):
    """Approve draft statements, all or none. Above the tenant's amount a statement needs a
    second person: the first approval leaves it a draft that waits for them."""

    @extend_schema(request=StatementIdsInSerializer, responses=ApproveOutSerializer)
    def post(self, request, tenant_slug):
        return super().post(request, tenant_slug)

    def act(self, *, tenant, actor, data):
        if actor is None:
            # The four-eyes rule counts people: an API key is no one.
            raise PermissionDenied(_("A person approves statements: sign in to approve them."))
        done = services.statements_approve(
            tenant=tenant, actor=actor, statement_ids=data["statements"]
        )
        return {"approved": done["approved"], "awaiting_second_approval": done["first"]}


class StatementsIssueView(StatementActionView):
    """Issue approved statements in the worker (a number and a PDF each), all or none;
    answers 202 at once with the statements as they stand."""

    success_status = status.HTTP_202_ACCEPTED

    @extend_schema(request=StatementIdsInSerializer, responses={202: IssueOutSerializer})
    def post(self, request, tenant_slug):
        return super().post(request, tenant_slug)

    def act(self, *, tenant, actor, data):
        queued = services.statements_issue_request(
            tenant=tenant, actor=actor, statement_ids=data["statements"]
        )
        return {"queued": queued}


class StatementsMarkPaidView(StatementActionView):
    """Record the bank's payment of issued statements (value date and reference), all or
    none; a paid statement stays paid as it was."""

    in_serializer_class = MarkPaidInSerializer

    @extend_schema(request=MarkPaidInSerializer, responses=MarkPaidOutSerializer)
    def post(self, request, tenant_slug):
        return super().post(request, tenant_slug)

    def act(self, *, tenant, actor, data):
        paid = services.statements_mark_paid(
            tenant=tenant,
            actor=actor,
            statement_ids=data["statements"],
            paid_on=data["paid_on"],
            reference=data["reference"],
        )
        return {"paid": paid}


# --- The partner's response ---------------------------------------------------------------------

DECISIONS = [
    ("confirm", gettext_lazy("Confirm the statement")),
    ("dispute", gettext_lazy("Dispute the statement (say why in the comment)")),
]


class RespondInSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=DECISIONS)
    comment = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Required to dispute: what is wrong with the statement."),
    )


class StatementRespondView(APIView):
    """POST: the partner admin confirms an issued statement of the company, or disputes it
    with a comment (PayoutsPerm.PORTAL_COMPANY). A dispute may be withdrawn by confirming; a
    confirmation is final."""

    required_perm = PayoutsPerm.PORTAL_COMPANY

    @extend_schema(request=RespondInSerializer, responses=StatementDetailOutSerializer)
    def post(self, request, tenant_slug, statement_id):
        tenant = request._request.tenant
        partner = portal_scope(request).partner
        # SECURITY(tenant): the company's own issued statements only; any other answers 404.
        own = selectors_api.api_statements(tenant=tenant, portal=True, own=partner)
        statement = generics.get_object_or_404(own, pk=statement_id)
        serializer = RespondInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.statement_respond(
                tenant=tenant,
                actor=request_actor(request),
                partner=partner,
                statement_id=statement.pk,
                confirm=data["decision"] == "confirm",
                comment=data["comment"],
            )
        except DjangoValidationError as error:
            raise_drf(error)
        statement = generics.get_object_or_404(own, pk=statement.pk)
        context = {"portal": True, "tenant": tenant}
        return Response(StatementDetailOutSerializer(statement, context=context).data)


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
