"""Routes of the insights app: a partner's scorecard, its partner-page tab and its QBR."""

from django.urls import path

from insights.views import scorecards

PARTNER = "insights/partners/<int:partner_id>/"

urlpatterns = [
    path(PARTNER, scorecards.partner_scorecard_page, name="partner_scorecard"),
    path(PARTNER + "tab/", scorecards.partner_scorecard_tab, name="partner_scorecard_tab"),
    path(PARTNER + "qbr/", scorecards.partner_qbr, name="partner_qbr"),
    path(PARTNER + "qbr.pdf", scorecards.partner_qbr_pdf, name="partner_qbr_pdf"),
]
