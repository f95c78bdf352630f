"""What the scorecard pages and the quarterly business review (QBR) show about one partner, and
the QBR as a PDF the worker renders: the kernel's export job runs `QbrExporter`
(accounts/exports.py), so a double click reuses the job, the page shows its progress, and only
the person who asked downloads the file."""

from collections.abc import Callable

from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import register_action_labels
from accounts.exports import ExportDocument, ExportRefused, register_exporter
from accounts.models import Tenant
from accounts.pdf import render_pdf_pages
from insights.forms import KpiFilterForm, period_label
from insights.metrics import METRICS
from insights.models import PeriodKind
from insights.permissions import InsightsPerm
from insights.selectors.scorecard import (
    TREND_KPIS,
    Scorecard,
    partner_scorecard,
    qbr_filter,
    scorecard_partner_get,
)
from insights.selectors.snapshots import KpiFilter
from partners.models import Partner

KEY_PEOPLE_SHOWN = 10
QBR_KIND = "partner_qbr"
QBR_PDF_TEMPLATE = "insights/qbr/qbr_pdf.html"

register_action_labels({"insights.qbr_exported": gettext_lazy("QBR downloaded as PDF")})


def scorecard_context(tenant: Tenant, scorecard: Scorecard, form=None) -> dict:
    """The template context of the scorecard page, its tab and the QBR (page and PDF)."""
    kpi_filter = scorecard.kpi_filter
    distribution = scorecard.distribution
    kind = kpi_filter.period_kind
    return {
        "nav": "partners",
        "tenant": tenant,
        "form": form,
        "partner": scorecard.partner,
        "scorecard": scorecard,
        "distribution": distribution,
        "kpi_filter": kpi_filter,
        "query": kpi_filter.query_string(),
        "period_label": period_label(tenant, kind, kpi_filter.period_start),
        "previous_label": period_label(tenant, kind, scorecard.previous_start),
        "trend_kpis": [METRICS[code] for code in TREND_KPIS],
        "trend_rows": [
            {
                "start": point.start,
                "label": period_label(tenant, kind, point.start),
                "values": [(METRICS[code], point.kpi[code]) for code in TREND_KPIS],
            }
            for point in scorecard.trend
        ],
        "performing": distribution.performing[:KEY_PEOPLE_SHOWN],
        "support": distribution.support[:KEY_PEOPLE_SHOWN],
        "band_totals": distribution.band_totals(),
        "requirement_labels": {
            "meetings_held": _("Meetings held"),
            "won_deals": _("Won deals"),
            "revenue": _("Revenue"),
            "certified_reps": _("Certified reps"),
        },
    }


def qbr_form(tenant: Tenant, data: QueryDict | None) -> KpiFilterForm:
    """The QBR's one filter: which fiscal quarter."""
    return KpiFilterForm(
        data or None,
        tenant=tenant,
        default_kind=PeriodKind.QUARTER,
        kinds=(PeriodKind.QUARTER,),
        slices=False,
    )


def qbr_context(tenant: Tenant, partner: Partner, form: KpiFilterForm) -> dict:
    scorecard = partner_scorecard(
        tenant=tenant,
        partner=partner,
        kpi_filter=qbr_filter(tenant, form.kpi_filter()),
        today=timezone.localdate(),
    )
    context = scorecard_context(tenant, scorecard, form)
    context["generated_on"] = timezone.localdate()
    return context


class QbrExporter:
    """A partner's QBR as a PDF, written by the worker (a cold WeasyPrint render of its pages
    takes more than a second)."""

    kind = QBR_KIND
    perm = InsightsPerm.VIEW
    parameters = ("partner", "period", "start")
    audit_action = "insights.qbr_exported"
    content_type = "application/pdf"

    def filters(self, *, tenant: Tenant, query: QueryDict) -> tuple[Partner, KpiFilter]:
        try:
            partner = scorecard_partner_get(tenant=tenant, partner_id=int(query.get("partner")))
        except (TypeError, ValueError, Http404) as error:
            raise ExportRefused(_("This partner does not exist.")) from error
        form = qbr_form(tenant, query)
        if not form.is_valid():
            raise ExportRefused(_("The quarter asked for is not valid."))
        return partner, qbr_filter(tenant, form.kpi_filter())

    def filename(self, *, tenant: Tenant, filters, stamp: str) -> str:
        partner, kpi_filter = filters
        return f"qbr-{partner.pk}-{kpi_filter.period_start:%Y%m}.pdf"

    def document(
        self, *, tenant: Tenant, filters, may: Callable[[str], bool], language: str
    ) -> ExportDocument:
        partner, kpi_filter = filters
        query = QueryDict(mutable=True)
        query.update({"period": PeriodKind.QUARTER, "start": kpi_filter.period_start.isoformat()})
        context = qbr_context(tenant, partner, qbr_form(tenant, query))
        content, pages = render_pdf_pages(QBR_PDF_TEMPLATE, context, language=language)
        return ExportDocument(content=content, pages=pages)


def register() -> None:
    register_exporter(QbrExporter())
