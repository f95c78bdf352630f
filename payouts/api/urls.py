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
    path(
        "api/v1/statements/approve/",
        statements.StatementsApproveView.as_view(),
        name="api_statements_approve",
    ),
    path(
        "api/v1/statements/issue/",
        statements.StatementsIssueView.as_view(),
        name="api_statements_issue",
    ),
    path(
        "api/v1/statements/mark-paid/",
        statements.StatementsMarkPaidView.as_view(),
        name="api_statements_mark_paid",
    ),
    path(STATEMENT, statements.StatementDetailView.as_view(), name="api_statement_detail"),
    path(
        STATEMENT + "respond/",
        statements.StatementRespondView.as_view(),
        name="api_statement_respond",
    ),
    path(STATEMENT + "pdf/", statements.StatementPdfView.as_view(), name="api_statement_pdf"),
    path(
        "api/v1/payout-periods/<int:period_id>/statements.csv",
        statements.PeriodStatementsCsvView.as_view(),
        name="api_period_statements_csv",
    ),
]
