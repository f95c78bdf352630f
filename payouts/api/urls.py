"""Routes of the payouts API (mounted by payouts/urls.py, namespace "payouts")."""

from django.urls import path

from payouts.api import ledger

urlpatterns = [
    path("api/v1/ledger-lines/", ledger.LedgerLineListView.as_view(), name="api_ledger_line_list"),
    path(
        "api/v1/ledger-lines/<int:line_id>/",
        ledger.LedgerLineDetailView.as_view(),
        name="api_ledger_line_detail",
    ),
]
