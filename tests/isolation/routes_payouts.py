"""Isolation registry entries for the payouts app (the commission ledger)."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {
    "payouts:ledger_list": Route("staff"),
    "payouts:ledger_line": Route("staff", objects={"line_id": "ledger_line"}),
    # GET here: a booking names its partner in the body; tests/payouts/test_ledger_views.py
    # proves another tenant's partner is refused and nothing is booked.
    "payouts:adjustment_create": Route("staff"),
    "payouts:partner_ledger": Route("staff", objects={"partner_id": "partner"}),
}

ROUTES.update(
    {
        "payouts:period_list": Route("staff"),
        # An open period of April 2026 (ended, so it may be closed) and a closed one of March.
        "payouts:period_close": Route(
            "staff", ("GET", "POST"), objects={"period_id": "payout_period"}
        ),
        "payouts:period_reopen": Route(
            "staff",
            ("GET", "POST"),
            objects={"period_id": "closed_period"},
            post={"reason": "Isolation check"},
        ),
        # Settings › Payout calendar names no object (GET here; the views' tests save it).
        "payouts:payout_calendar": Route("staff"),
    }
)

ROUTES.update(
    {
        "payouts:period_statements_generate": Route(
            "staff", ("POST",), objects={"period_id": "closed_period"}
        ),
        "payouts:statement_list": Route("staff"),
        # POST names statements in its body: tests/payouts/test_statements_views.py proves
        # another tenant's statement is refused and nothing is approved.
        "payouts:statements_bulk_approve": Route("staff", ("POST",)),
        "payouts:statement": Route("staff", objects={"statement_id": "statement"}),
        "payouts:statement_approve": Route(
            "staff", ("POST",), objects={"statement_id": "statement"}
        ),
        "payouts:statement_regenerate": Route(
            "staff", ("POST",), objects={"statement_id": "statement"}
        ),
        # GET here: saving writes a profile row, not the partner; tests/payouts/
        # test_statements_views.py proves another tenant's partner answers 404 to a POST.
        "payouts:partner_payout_profile": Route("staff", objects={"partner_id": "partner"}),
    }
)

ROUTES.update(
    {
        "payouts:statement_issue": Route(
            "staff", ("POST",), objects={"statement_id": "approved_statement"}
        ),
        "payouts:statement_pdf": Route("staff", objects={"statement_id": "issued_statement"}),
    }
)

ROUTES.update(
    {
        # POST names statements in its body, like the bulk approval: tests/payouts/
        # test_statement_payment.py proves another tenant's statement is refused and unchanged.
        "payouts:statements_bulk_issue": Route("staff", ("POST",)),
        "payouts:statements_bulk_paid": Route("staff", ("POST",)),
        "payouts:statement_paid": Route(
            "staff",
            ("POST",),
            objects={"statement_id": "issued_statement"},
            post={"paid_on": "2026-04-30", "reference": "ISOLATION-1"},
        ),
        # GET here: the POST writes a new statement, not the one in the URL; tests/payouts/
        # test_statement_payment.py proves another tenant's statement answers 404 to it.
        "payouts:statement_correct": Route("staff", objects={"statement_id": "issued_statement"}),
    }
)

ROUTES.update(
    {
        # The tenant's own settings row (no object in the URL): the views' tests save it.
        "payouts:transfer_originator": Route("staff", ("GET", "POST")),
        "payouts:period_zengin": Route("staff", objects={"period_id": "closed_period"}),
        "payouts:period_statements_csv": Route("staff", objects={"period_id": "closed_period"}),
        "payouts:period_lines_csv": Route("staff", objects={"period_id": "closed_period"}),
        "payouts:annual_report": Route("staff"),
    }
)
