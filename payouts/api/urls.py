"""Routes of the payouts API (mounted by payouts/urls.py, namespace "payouts")."""

from django.urls import path

from payouts.api import ledger, statements

STATEMENT = "api/v1/statements/<int:statement_id>/"

urlpatterns = [
    path("api/v1/ledger-lines/", ledger.LedgerLineListView.as_view(), name="api_ledger_line_list"),
    path(
        "api/v1/ledger-lines/<int:line_id>/",
        ledger.LedgerLineDetailView.as_view(),
        name="api_ledger_line_detail",
    ),
    path("api/v1/statements/", statements.StatementListView.as_view(), name="api_statement_list"),
    path(STATEMENT, statements.StatementDetailView.as_view(), name="api_statement_detail"),
    path(STATEMENT + "pdf/", statements.StatementPdfView.as_view(), name="api_statement_pdf"),
    path(
        "api/v1/payout-periods/<int:period_id>/statements.csv",
        statements.PeriodStatementsCsvView.as_view(),
        name="api_period_statements_csv",
    ),
]
