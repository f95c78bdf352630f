"""Routes of the insights app: a partner's scorecard, its partner-page tab and its QBR (page,
and PDF through a job)."""

from django.urls import path

from insights.views import scorecards

PARTNER = "insights/partners/<int:partner_id>/"

urlpatterns = [
    path(PARTNER, scorecards.partner_scorecard_page, name="partner_scorecard"),
    path(PARTNER + "tab/", scorecards.partner_scorecard_tab, name="partner_scorecard_tab"),
    path(PARTNER + "qbr/", scorecards.partner_qbr, name="partner_qbr"),
    # POST: the PDF as a job for the worker; its page, progress fragment and download.
    path(PARTNER + "qbr.pdf", scorecards.partner_qbr_pdf, name="partner_qbr_pdf"),
    path("insights/qbr-pdfs/<int:export_id>/", scorecards.qbr_job, name="qbr_job"),
    path(
        "insights/qbr-pdfs/<int:export_id>/progress/",
        scorecards.qbr_job_progress,
        name="qbr_job_progress",
    ),
    path(
        "insights/qbr-pdfs/<int:export_id>/download/",
        scorecards.qbr_download,
        name="qbr_download",
    ),
]
