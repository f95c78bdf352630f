"""The payouts app's routes inside a tenant (mounted under /<tenant_slug>/, namespace "payouts")."""

from django.urls import include, path

from payouts.views import periods, portal, staff, statements

STATEMENT = "portal/statements/<int:statement_id>/"

urlpatterns = [
    path("payouts/ledger/", staff.ledger_list, name="ledger_list"),
    path("payouts/ledger/<int:line_id>/", staff.ledger_line_detail, name="ledger_line"),
    path("payouts/ledger/adjust/", staff.adjustment_create, name="adjustment_create"),
    path("payouts/periods/", periods.period_list, name="period_list"),
    path("payouts/periods/<int:period_id>/close/", periods.period_close, name="period_close"),
    path("payouts/periods/<int:period_id>/reopen/", periods.period_reopen, name="period_reopen"),
    path(
        "payouts/periods/<int:period_id>/statements/",
        statements.period_statements_generate,
        name="period_statements_generate",
    ),
    path("payouts/statements/", statements.statement_list, name="statement_list"),
    path(
        "payouts/statements/approve/",
        statements.statements_bulk_approve,
        name="statements_bulk_approve",
    ),
    path(
        "payouts/statements/issue/",
        statements.statements_bulk_issue,
        name="statements_bulk_issue",
    ),
    path(
        "payouts/statements/paid/",
        statements.statements_bulk_paid,
        name="statements_bulk_paid",
    ),
    path("payouts/statements/<int:statement_id>/", statements.statement_detail, name="statement"),
    path(
        "payouts/statements/<int:statement_id>/paid/",
        statements.statement_paid,
        name="statement_paid",
    ),
    path(
        "payouts/statements/<int:statement_id>/correct/",
        statements.statement_correct,
        name="statement_correct",
    ),
    path(
        "payouts/statements/<int:statement_id>/approve/",
        statements.statement_approve,
        name="statement_approve",
    ),
    path(
        "payouts/statements/<int:statement_id>/regenerate/",
        statements.statement_regenerate,
        name="statement_regenerate",
    ),
    path(
        "payouts/statements/<int:statement_id>/issue/",
        statements.statement_issue,
        name="statement_issue",
    ),
    path(
        "payouts/statements/<int:statement_id>/pdf/",
        statements.statement_pdf,
        name="statement_pdf",
    ),
    # The REST API: the ledger and the statements (payouts/api/).
    path("", include("payouts.api.urls")),
    path(
        "payouts/partners/<int:partner_id>/payout-profile/",
        statements.partner_payout_profile,
        name="partner_payout_profile",
    ),
    path("settings/payout-calendar/", periods.payout_calendar, name="payout_calendar"),
    path(
        "settings/payout-calendar/transfer/",
        periods.transfer_originator,
        name="transfer_originator",
    ),
    path("payouts/periods/<int:period_id>/zengin/", periods.period_zengin, name="period_zengin"),
    path(
        "payouts/periods/<int:period_id>/statements.csv",
        periods.period_statements_csv,
        name="period_statements_csv",
    ),
    path(
        "payouts/periods/<int:period_id>/lines.csv",
        periods.period_lines_csv,
        name="period_lines_csv",
    ),
    path("payouts/annual/", periods.annual_report, name="annual_report"),
    path(
        "payouts/partners/<int:partner_id>/ledger/",
        staff.partner_ledger,
        name="partner_ledger",
    ),
    # The partner portal: my commissions, and the company's statements (its partner admin).
    path("portal/commissions/", portal.portal_commissions, name="portal_commissions"),
    path(
        "portal/commissions/<int:line_id>/",
        portal.portal_commission,
        name="portal_commission",
    ),
    path("portal/statements/", portal.portal_statements, name="portal_statements"),
    path(STATEMENT, portal.portal_statement, name="portal_statement"),
    path(STATEMENT + "statement.pdf", portal.portal_statement_pdf, name="portal_statement_pdf"),
    path(STATEMENT + "confirm/", portal.portal_statement_confirm, name="portal_statement_confirm"),
    path(STATEMENT + "dispute/", portal.portal_statement_dispute, name="portal_statement_dispute"),
]
