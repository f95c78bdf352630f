"""The KPI snapshot API: the stored rows with the metrics a client asks for.

Staff (InsightsPerm.VIEW) read every row of the tenant. A partner user (InsightsPerm.
PORTAL_VIEW) reads only what their login's partner owns, the partner coming from the login:
the partner admin (InsightsPerm.PORTAL_COMPANY) the partner's own rows and its reps' rows, a
rep their own rep rows. The tenant's, the programs' and other partners' rows are never in a
partner user's list, and answer 404 on the detail route like a missing row; the cadence
metrics (the vendor's contact plan, which follows the partner's priority) are staff only.
"""

from decimal import Decimal

import django_filters
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from accounts.api_auth import request_role
from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from accounts.roles import role_has_perm
from insights.metrics import DAYS, METRICS, PERCENT
from insights.models import MEASURES, KpiSnapshot, PeriodKind, SubjectKind
from insights.permissions import InsightsPerm
from insights.selectors.portal import STAFF_ONLY_METRICS, portal_snapshots
from insights.selectors.snapshots import snapshot_queryset
from partners.access import rep_for_membership
from partners.api.common import is_portal

RATIO_PLACES = Decimal("0.0001")

# Lazy, so the schema describes the parameter in its reader's language.
METRIC_PARAMETER = OpenApiParameter(
    "metric",
    OpenApiTypes.STR,
    description=lazy(
        lambda: (
            gettext(
                "Comma-separated metric codes to return under `metrics` (default: every metric "
                "the caller may read). Codes: %(codes)s."
            )
            % {"codes": ", ".join(METRICS)}
        ),
        str,
    )(),
)

METRICS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "number", "nullable": True},
    "description": str(
        _(
            "{code: value} for the metrics asked for. Shares are fractions (0.25 is 25 %), "
            "money is in the tenant's base currency, lead times in days; null when a ratio "
            "has no denominator."
        )
    ),
}


def _reads_as_portal(request) -> bool:
    return request is not None and is_portal(request)


def _readable_metrics(portal: bool) -> list[str]:
    return [code for code in METRICS if not (portal and code in STAFF_ONLY_METRICS)]


def metric_codes(raw: str, *, portal: bool) -> list[str]:
    """The codes of the `metric` parameter, in the order given; every readable one when
    empty. An unknown code (or a staff-only one for a partner user) is refused with 400."""
    readable = _readable_metrics(portal)
    if not raw.strip():
        return readable
    codes = [code.strip() for code in raw.split(",") if code.strip()]
    unknown = sorted(set(codes) - set(readable))
    if unknown:
        raise ValidationError({"metric": [_("Unknown metric: %s.") % ", ".join(unknown)]})
    return list(dict.fromkeys(codes))


def _json_value(value, unit: str):
    # A ratio's long tail of digits says nothing; four places keep 0.1 % apart.
    if isinstance(value, Decimal) and unit in (PERCENT, DAYS):
        return value.quantize(RATIO_PLACES)
    return value


class KpiSnapshotOutSerializer(serializers.ModelSerializer):
    partner = serializers.IntegerField(
        source="partner_id",
        allow_null=True,
        read_only=True,
        help_text=_("The partner of a partner or rep row; null for the tenant and programs."),
    )
    metrics = serializers.SerializerMethodField()

    class Meta:
        model = KpiSnapshot
        fields = [
            "id",
            "period_kind",
            "period_start",
            "subject_kind",
            "subject_id",
            "partner",
            "computed_at",
            "metrics",
        ]

    @extend_schema_field(METRICS_SCHEMA)
    def get_metrics(self, snapshot) -> dict:
        codes = self.context.get("metric_codes") or _readable_metrics(True)
        row = {code: getattr(snapshot, code) for code in MEASURES}
        return {code: _json_value(METRICS[code].compute(row), METRICS[code].unit) for code in codes}


class KpiSnapshotFilter(django_filters.FilterSet):
    subject_kind = django_filters.ChoiceFilter(choices=SubjectKind.choices)
    subject_id = IdFilter(field_name="subject_id")
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices)
    period_start = django_filters.DateFilter(field_name="period_start")
    period_from = django_filters.DateFilter(
        field_name="period_start",
        lookup_expr="gte",
        label=_("Periods starting on or after this date."),
    )
    period_to = django_filters.DateFilter(
        field_name="period_start",
        lookup_expr="lte",
        label=_("Periods starting on or before this date."),
    )

    class Meta:
        model = KpiSnapshot
        fields: list[str] = []


# The range reads `from` and `to` (Python keywords, hence renamed after the class is built).
KpiSnapshotFilter.base_filters["from"] = KpiSnapshotFilter.base_filters.pop("period_from")
KpiSnapshotFilter.base_filters["to"] = KpiSnapshotFilter.base_filters.pop("period_to")


class KpiSnapshotReadMixin(TenantQuerysetMixin):
    model = KpiSnapshot
    serializer_class = KpiSnapshotOutSerializer
    filterset_class = KpiSnapshotFilter

    @property
    def required_perm(self):
        return InsightsPerm.PORTAL_VIEW if is_portal(self.request) else InsightsPerm.VIEW

    def tenant_queryset(self, tenant):
        if not is_portal(self.request):
            return snapshot_queryset(tenant=tenant)
        # SECURITY(tenant): the partner and the rep come from the login, never the request.
        rep = rep_for_membership(getattr(self.request._request, "membership", None))
        if rep is None:
            return portal_snapshots(tenant=tenant, partner=None, rep=None)
        company = role_has_perm(request_role(self.request), InsightsPerm.PORTAL_COMPANY)
        return portal_snapshots(tenant=tenant, partner=rep.partner, rep=None if company else rep)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        request = getattr(self, "request", None)
        if request is not None and not getattr(self, "swagger_fake_view", False):
            context["metric_codes"] = metric_codes(
                request.query_params.get("metric", ""), portal=_reads_as_portal(request)
            )
        return context


@extend_schema(parameters=[METRIC_PARAMETER])
class KpiSnapshotListView(KpiSnapshotReadMixin, generics.ListAPIView):
    """KPI snapshot rows, newest period first, filtered by subject, period and period range,
    each with the metrics asked for."""

    ordering_fields = ["period_start", "computed_at"]

    def list(self, request, *args, **kwargs):
        # Refuse an unknown metric before any row is read.
        metric_codes(request.query_params.get("metric", ""), portal=_reads_as_portal(request))
        return super().list(request, *args, **kwargs)


@extend_schema(parameters=[METRIC_PARAMETER])
class KpiSnapshotDetailView(KpiSnapshotReadMixin, generics.RetrieveAPIView):
    """One snapshot row; a row the caller may not read answers 404 like a missing one."""

    lookup_url_kwarg = "snapshot_id"
