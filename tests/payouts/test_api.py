"""The payouts API: ledger lines and statements read by staff, by a partner admin (the
company's only, issued statements only) and by a partner rep (the lines crediting them only);
finance's actions (approve, issue in the worker, record the payment), each taking all or none
and changing nothing twice; the partner's confirmation and dispute; the PDF and CSV downloads;
another tenant's or partner's object answering 404 and staying as it was; flat query counts;
the paths in the OpenAPI schema."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.roles import Role
from accounts.tenancy import tenant_context
from accounts.urls_helpers import tenant_reverse
from payouts.models import (
    LedgerLine,
    LineKind,
    PartnerResponse,
    Statement,
    StatementLine,
    StatementStatus,
)
from payouts.services import ledger as ledger_services
from tests.factories.accounts import ApiKeyFactory
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.payouts import (
    STAND_IN_PDF,
    IssuedStatementFactory,
    LedgerLineFactory,
    PayoutPeriodFactory,
    StatementFactory,
)
from tests.payouts.test_statement_issue import approved

D = Decimal
JSON = {"content_type": "application/json"}


def url(tenant, name, **kwargs):
    return tenant_reverse(tenant, f"payouts:{name}", **kwargs)


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def fetch(model, pk):
    with scopes_disabled():
        return model.objects.get(pk=pk)


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


@pytest.fixture
def other_partner(tenant):
    return PartnerFactory(tenant=tenant)


@pytest.fixture
def partner_admin(partner):
    membership, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    return membership


@pytest.fixture
def partner_rep(partner):
    """(membership, rep) of a salesperson of `partner`."""
    return portal_membership_for(partner, role=Role.PARTNER_REP)


@pytest.fixture
def finance(finance_member, client_for):
    return client_for(finance_member)


# --- Ledger lines --------------------------------------------------------------------------------


def test_staff_list_every_line_and_filter_by_partner_kind_status_and_date(
    tenant, partner, other_partner, finance
):
    today = timezone.localdate()
    payable = {"payable_from": today - datetime.timedelta(days=1)}
    may = LedgerLineFactory(partner=partner, accrued_on=datetime.date(2026, 5, 1), **payable)
    june = LedgerLineFactory(
        partner=partner, accrued_on=datetime.date(2026, 6, 1), kind=LineKind.ACCRUAL, **payable
    )
    held = LedgerLineFactory(
        partner=other_partner,
        accrued_on=datetime.date(2026, 5, 20),
        payable_from=today + datetime.timedelta(days=30),
    )
    path = url(tenant, "api_ledger_line_list")

    assert ids(finance.get(path)) == {may.pk, june.pk, held.pk}
    assert ids(finance.get(path, {"partner": other_partner.pk})) == {held.pk}
    assert ids(finance.get(path, {"kind": "accrual"})) == {june.pk}
    assert ids(finance.get(path, {"status": "accrued"})) == {held.pk}
    assert ids(finance.get(path, {"status": "payable"})) == {may.pk, june.pk}
    window = {"accrued_from": "2026-05-10", "accrued_to": "2026-05-31"}
    assert ids(finance.get(path, window)) == {held.pk}
    refused = finance.get(path, {"status": "settled", "accrued_from": "May"})
    assert refused.status_code == 400 and {"status", "accrued_from"} <= set(refused.json())


def test_a_line_shows_the_stored_explanation_and_its_rule_set_version(
    tenant, book, finance_member, fresh_client_for
):
    membership, rep = portal_membership_for(book.partner, role=Role.PARTNER_REP)
    deal = book.deal(rep=rep)
    with tenant_context(tenant):
        ledger_services.ledger_deal_won(
            tenant=tenant, deal_id=deal.pk, today=datetime.date(2026, 6, 15)
        )
    with scopes_disabled():
        line = LedgerLine.objects.get(deal=deal, kind=LineKind.ACCRUAL)
    path = url(tenant, "api_ledger_line_detail", line_id=line.pk)

    staff = fresh_client_for(finance_member).get(path).json()
    own = fresh_client_for(membership).get(path).json()

    # 10 % of ¥1,000,000 (tests/payouts/conftest.py RULES).
    assert staff["amount"] == "100000.000" and staff["rep"] == rep.pk
    assert staff["explanation"]["kind"] == "percentage"
    assert staff["explanation"]["version_number"] == book.version.number
    assert staff["rule_set_version"] == book.version.pk
    assert staff["rule_set_version_detail"] == {
        "id": book.version.pk,
        "number": book.version.number,
        "effective_from": "2026-01-01",
        "rule_set": book.version.rule_set_id,
        "rule_set_name": book.version.rule_set.name,
    }
    assert staff["key"] and "created_by_email" in staff
    assert own["explanation"] == staff["explanation"]
    assert "key" not in own and "created_by_email" not in own


def test_a_partner_admin_reads_the_companys_lines_only_without_internal_fields(
    tenant, partner, other_partner, partner_admin, partner_rep, fresh_client_for
):
    _membership, rep = partner_rep
    company = LedgerLineFactory(partner=partner)
    reps = LedgerLineFactory(partner=partner, rep=rep)
    theirs = LedgerLineFactory(partner=other_partner)
    client = fresh_client_for(partner_admin)

    listed = client.get(url(tenant, "api_ledger_line_list"))
    # A partner id in the query names nothing outside the company.
    probing = client.get(url(tenant, "api_ledger_line_list"), {"partner": other_partner.pk})
    foreign = client.get(url(tenant, "api_ledger_line_detail", line_id=theirs.pk))

    assert ids(listed) == {company.pk, reps.pk}
    assert ids(probing) == set()
    assert foreign.status_code == 404
    for row in listed.json()["results"]:
        assert "created_by_email" not in row and "key" not in row


def test_a_partner_rep_reads_only_the_lines_crediting_them(
    tenant, partner, partner_rep, fresh_client_for
):
    membership, rep = partner_rep
    _colleague_membership, colleague = portal_membership_for(partner, role=Role.PARTNER_REP)
    mine = LedgerLineFactory(partner=partner, rep=rep)
    colleagues = LedgerLineFactory(partner=partner, rep=colleague)
    company = LedgerLineFactory(partner=partner)
    client = fresh_client_for(membership)

    assert ids(client.get(url(tenant, "api_ledger_line_list"))) == {mine.pk}
    for other in (colleagues, company):
        detail = client.get(url(tenant, "api_ledger_line_detail", line_id=other.pk))
        assert detail.status_code == 404
    assert client.get(url(tenant, "api_ledger_line_detail", line_id=mine.pk)).status_code == 200


def month(tenant, number):
    """A closed payout period of 2026's month `number` (day 28 as its end will do here)."""
    return PayoutPeriodFactory(
        tenant=tenant,
        starts_on=datetime.date(2026, number, 1),
        ends_on=datetime.date(2026, number, 28),
        pays_on=datetime.date(2026, number + 1, 28),
        status="closed",
    )


def test_a_lines_status_follows_its_statement_and_a_partner_never_sees_a_draft(
    tenant, partner, partner_admin, finance, fresh_client_for
):
    today = timezone.localdate()
    payable = today - datetime.timedelta(days=1)
    on_draft, on_issued, on_paid = (
        LedgerLineFactory(partner=partner, accrued_on=datetime.date(2026, 1, day))
        for day in (1, 2, 3)
    )
    statements = (
        StatementFactory(partner=partner, period=month(tenant, 4)),
        IssuedStatementFactory(partner=partner, period=month(tenant, 3)),
        IssuedStatementFactory(
            partner=partner, period=month(tenant, 2), status=StatementStatus.PAID
        ),
    )
    with scopes_disabled():
        for statement, line in zip(statements, (on_draft, on_issued, on_paid), strict=True):
            StatementLine.objects.create(
                tenant=tenant, statement=statement, ledger_line=line, tax_rate=D(10)
            )
    path = url(tenant, "api_ledger_line_list")

    def statuses(client, **query):
        rows = client.get(path, query).json()["results"]
        return {row["id"]: row["status"] for row in rows}

    staff = statuses(finance)
    own = statuses(fresh_client_for(partner_admin))

    assert on_draft.payable_from <= payable
    assert [staff[line.pk] for line in (on_draft, on_issued, on_paid)] == [
        "on_statement",
        "on_statement",
        "paid",
    ]
    # The partner has not seen the draft: its line is still payable for them.
    assert [own[line.pk] for line in (on_draft, on_issued, on_paid)] == [
        "payable",
        "on_statement",
        "paid",
    ]
    assert set(statuses(finance, status="paid")) == {on_paid.pk}


def test_a_portal_login_linked_to_no_partner_reads_no_line(
    tenant, partner, partner_rep_member, fresh_client_for
):
    LedgerLineFactory(partner=partner)

    response = fresh_client_for(partner_rep_member).get(url(tenant, "api_ledger_line_list"))

    assert ids(response) == set()


def test_another_tenants_line_answers_404(tenant, other_tenant, finance):
    foreign = LedgerLineFactory(partner=PartnerFactory(tenant=other_tenant))

    response = finance.get(url(tenant, "api_ledger_line_detail", line_id=foreign.pk))
    listed = finance.get(url(tenant, "api_ledger_line_list"), {"partner": foreign.partner_id})

    assert response.status_code == 404 and "detail" in response.json()
    assert ids(listed) == set()


def test_a_viewer_without_payouts_view_is_refused(tenant, viewer_member, client_for):
    response = client_for(viewer_member).get(url(tenant, "api_ledger_line_list"))

    assert response.status_code == 403


# --- Statements: reading -------------------------------------------------------------------------


def test_staff_list_statements_of_every_status_and_filter_them(
    tenant, partner, other_partner, finance
):
    april = PayoutPeriodFactory(tenant=tenant, status="closed")
    march = PayoutPeriodFactory(
        tenant=tenant,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
        pays_on=datetime.date(2026, 4, 30),
        status="closed",
    )
    draft = StatementFactory(partner=partner, period=april)
    issued = IssuedStatementFactory(partner=other_partner, period=april)
    earlier = StatementFactory(partner=partner, period=march, status=StatementStatus.APPROVED)
    path = url(tenant, "api_statement_list")

    assert ids(finance.get(path)) == {draft.pk, issued.pk, earlier.pk}
    assert ids(finance.get(path, {"period": march.pk})) == {earlier.pk}
    assert ids(finance.get(path, {"status": "issued"})) == {issued.pk}
    assert ids(finance.get(path, {"partner": partner.pk})) == {draft.pk, earlier.pk}
    row = next(r for r in finance.get(path).json()["results"] if r["id"] == issued.pk)
    assert (row["net_payable"], row["number"], row["period_starts_on"]) == (
        "11000.000",
        issued.number,
        "2026-04-01",
    )


def test_a_partner_admin_lists_the_companys_issued_and_paid_statements_only(
    tenant, partner, other_partner, partner_admin, fresh_client_for
):
    period = PayoutPeriodFactory(tenant=tenant, status="closed")
    StatementFactory(partner=partner, period=period)  # draft
    StatementFactory(partner=partner, period=period, revision=1, status=StatementStatus.APPROVED)
    issued = IssuedStatementFactory(partner=partner, period=period, revision=2)
    paid = IssuedStatementFactory(
        partner=partner,
        period=period,
        revision=3,
        status=StatementStatus.PAID,
        paid_on=datetime.date(2026, 6, 1),
        payment_reference="FB-0601",
    )
    IssuedStatementFactory(partner=other_partner, period=period)
    client = fresh_client_for(partner_admin)

    listed = client.get(url(tenant, "api_statement_list"))
    drafts = client.get(url(tenant, "api_statement_list"), {"status": "draft"})

    assert ids(listed) == {issued.pk, paid.pk}
    assert ids(drafts) == set()
    row = next(r for r in listed.json()["results"] if r["id"] == paid.pk)
    assert (row["paid_on"], row["payment_reference"]) == ("2026-06-01", "FB-0601")
    assert "approved_by_email" not in row and "generated_at" not in row


def test_a_partner_rep_reads_no_statement(tenant, partner, partner_rep, fresh_client_for):
    membership, _rep = partner_rep
    issued = IssuedStatementFactory(partner=partner)
    client = fresh_client_for(membership)

    listed = client.get(url(tenant, "api_statement_list"))
    detail = client.get(url(tenant, "api_statement_detail", statement_id=issued.pk))
    pdf = client.get(url(tenant, "api_statement_pdf", statement_id=issued.pk))

    assert (listed.status_code, detail.status_code, pdf.status_code) == (403, 403, 403)


def test_a_statement_shows_its_figures_taxes_lines_and_number(
    tenant, finance_member, fresh_client_for
):
    statement = approved(tenant, lines=2)
    with scopes_disabled():
        Statement.objects.filter(pk=statement.pk).update(
            status=StatementStatus.ISSUED,
            number="000042",
            issued_on=datetime.date(2026, 5, 8),
            taxes=[{"rate": "10", "base": "20000", "tax": "2000"}],
        )
        partner = statement.partner
    membership, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    path = url(tenant, "api_statement_detail", statement_id=statement.pk)

    staff = fresh_client_for(finance_member).get(path).json()
    own = fresh_client_for(membership).get(path).json()

    assert (staff["subtotal"], staff["tax"], staff["gross"]) == (
        "20000.000",
        "2000.000",
        "22000.000",
    )
    assert staff["taxes"] == [{"rate": "10", "base": "20000", "tax": "2000"}]
    assert (staff["number"], staff["issued_on"], staff["status"]) == (
        "000042",
        "2026-05-08",
        "issued",
    )
    assert [line["amount"] for line in staff["lines"]] == ["10000.000", "10000.000"]
    assert [line["description"] for line in staff["lines"]] == ["紹介料 1", "紹介料 2"]
    assert staff["lines"][0]["tax_rate"] == "10.00"
    assert "approved_by_email" in staff
    assert own["lines"] == staff["lines"] and own["number"] == "000042"
    assert "approved_by_email" not in own and "second_approved_at" not in own


def test_another_partners_or_tenants_statement_answers_404(
    tenant, other_tenant, other_partner, partner_admin, finance, fresh_client_for
):
    foreign = IssuedStatementFactory(partner=PartnerFactory(tenant=other_tenant))
    theirs = IssuedStatementFactory(partner=other_partner)
    admin = fresh_client_for(partner_admin)

    for name in ("api_statement_detail", "api_statement_pdf"):
        assert finance.get(url(tenant, name, statement_id=foreign.pk)).status_code == 404
        assert admin.get(url(tenant, name, statement_id=theirs.pk)).status_code == 404


def test_the_statement_lists_run_the_same_queries_at_two_sizes(
    tenant, partner, finance_member, partner_admin, fresh_client_for
):
    staff = fresh_client_for(finance_member)
    admin = fresh_client_for(partner_admin)
    months = iter(range(1, 13))

    def count(client, statements):
        for _ in range(statements):
            month = next(months)
            period = PayoutPeriodFactory(
                tenant=tenant,
                starts_on=datetime.date(2025, month, 1),
                ends_on=datetime.date(2025, month, 28),
                pays_on=datetime.date(2025, month, 28),
                status="closed",
            )
            IssuedStatementFactory(partner=partner, period=period)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(tenant, "api_statement_list")).status_code == 200
        return len(queries)

    assert count(staff, 1) == count(staff, 4)
    assert count(admin, 1) == count(admin, 4)


def test_the_ledger_list_runs_the_same_queries_at_two_sizes(
    tenant, book, finance_member, fresh_client_for
):
    staff = fresh_client_for(finance_member)

    def count(client, lines):
        for _ in range(lines):
            LedgerLineFactory(
                partner=book.partner,
                rep=book.rep,
                deal=book.deal(),
                rule_set_version=book.version,
                created_by=finance_member.user,
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(tenant, "api_ledger_line_list")).status_code == 200
        return len(queries)

    assert count(staff, 2) == count(staff, 12)
    admin, _rep = portal_membership_for(book.partner, role=Role.PARTNER_ADMIN)
    portal = fresh_client_for(admin)
    assert count(portal, 2) == count(portal, 12)


# --- Finance's actions -----------------------------------------------------------------------


def post(client, path, body):
    return client.post(path, body, **JSON)


def test_approving_approves_the_drafts_and_a_second_call_changes_nothing(
    tenant, partner, other_partner, finance
):
    drafts = [StatementFactory(partner=p) for p in (partner, other_partner)]
    body = {"statements": [s.pk for s in drafts]}

    response = post(finance, url(tenant, "api_statements_approve"), body)
    with scopes_disabled():
        approved_at = [Statement.objects.get(pk=s.pk).approved_at for s in drafts]
    again = post(finance, url(tenant, "api_statements_approve"), body)

    assert response.status_code == 200, response.json()
    assert response.json()["approved"] == 2
    assert response.json()["awaiting_second_approval"] == 0
    assert {row["status"] for row in response.json()["statements"]} == {"approved"}
    assert again.status_code == 400 and "statements" in again.json()
    with scopes_disabled():
        assert [Statement.objects.get(pk=s.pk).approved_at for s in drafts] == approved_at


def test_approving_is_all_or_nothing(tenant, partner, other_partner, finance):
    draft = StatementFactory(partner=partner)
    done = StatementFactory(partner=other_partner, status=StatementStatus.APPROVED)

    response = post(
        finance, url(tenant, "api_statements_approve"), {"statements": [draft.pk, done.pk]}
    )

    assert response.status_code == 400
    assert "not a draft" in response.json()["statements"][0]
    assert fetch(Statement, draft.pk).status == StatementStatus.DRAFT


def test_a_large_statement_waits_for_a_second_approver(
    tenant, partner, finance_member, member_factory, fresh_client_for
):
    large = StatementFactory(partner=partner, net_payable=D(2_000_000), gross=D(2_000_000))
    body = {"statements": [large.pk]}
    first = fresh_client_for(finance_member)
    second = fresh_client_for(member_factory(tenant, Role.FINANCE))

    once = post(first, url(tenant, "api_statements_approve"), body)
    same_person = post(first, url(tenant, "api_statements_approve"), body)
    other_person = post(second, url(tenant, "api_statements_approve"), body)

    assert once.json()["awaiting_second_approval"] == 1
    assert once.json()["statements"][0]["status"] == "draft"
    assert same_person.status_code == 400 and "second person" in same_person.json()["statements"][0]
    assert other_person.json()["approved"] == 1
    assert fetch(Statement, large.pk).status == StatementStatus.APPROVED


def test_issuing_answers_202_and_the_worker_issues_once(
    tenant, finance, django_capture_on_commit_callbacks
):
    statement = approved(tenant)
    body = {"statements": [statement.pk]}

    with django_capture_on_commit_callbacks(execute=True):
        response = post(finance, url(tenant, "api_statements_issue"), body)
    issued = fetch(Statement, statement.pk)
    with django_capture_on_commit_callbacks(execute=True):
        again = post(finance, url(tenant, "api_statements_issue"), body)

    assert response.status_code == 202, response.json()
    # The answer comes before the worker: the statement as it stood, approved.
    assert response.json()["queued"] == 1
    assert response.json()["statements"][0]["status"] == "approved"
    assert issued.status == StatementStatus.ISSUED and issued.number
    assert again.status_code == 202 and again.json()["queued"] == 0
    assert again.json()["statements"][0]["number"] == issued.number
    assert fetch(Statement, statement.pk).pdf_sha256 == issued.pdf_sha256

    pdf = finance.get(url(tenant, "api_statement_pdf", statement_id=statement.pk))
    content = b"".join(pdf.streaming_content)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == issued.pdf_sha256
    assert f"statement-{issued.number}.pdf" in pdf["Content-Disposition"]


def test_issuing_a_draft_refuses_the_lot_and_queues_nothing(
    tenant, partner, finance, django_capture_on_commit_callbacks
):
    ready = StatementFactory(partner=partner, status=StatementStatus.APPROVED)
    draft = StatementFactory(partner=PartnerFactory(tenant=tenant))

    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            finance, url(tenant, "api_statements_issue"), {"statements": [ready.pk, draft.pk]}
        )

    assert response.status_code == 400 and "approve it first" in response.json()["statements"][0]
    assert fetch(Statement, ready.pk).status == StatementStatus.APPROVED


def test_recording_the_payment_once(tenant, partner, finance):
    statement = IssuedStatementFactory(partner=partner)
    path = url(tenant, "api_statements_mark_paid")

    paid = post(
        finance, path, {"statements": [statement.pk], "paid_on": "2026-06-01", "reference": "FB-1"}
    )
    again = post(
        finance, path, {"statements": [statement.pk], "paid_on": "2026-06-02", "reference": "FB-2"}
    )

    assert paid.status_code == 200 and paid.json()["paid"] == 1
    assert paid.json()["statements"][0]["status"] == "paid"
    assert again.status_code == 200 and again.json()["paid"] == 0
    stored = fetch(Statement, statement.pk)
    assert (stored.status, stored.paid_on, stored.payment_reference) == (
        StatementStatus.PAID,
        datetime.date(2026, 6, 1),
        "FB-1",
    )


def test_payment_errors_name_the_field(tenant, partner, finance):
    issued = IssuedStatementFactory(partner=partner)
    draft = StatementFactory(partner=PartnerFactory(tenant=tenant))
    path = url(tenant, "api_statements_mark_paid")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    missing = post(finance, path, {"statements": [issued.pk]})
    future = post(finance, path, {"statements": [issued.pk], "paid_on": tomorrow})
    long_reference = post(
        finance,
        path,
        {"statements": [issued.pk], "paid_on": "2026-06-01", "reference": "R" * 65},
    )
    not_issued = post(finance, path, {"statements": [draft.pk], "paid_on": "2026-06-01"})
    empty = post(finance, path, {"statements": [], "paid_on": "2026-06-01"})

    assert missing.status_code == 400 and set(missing.json()) == {"paid_on"}
    assert future.status_code == 400 and "future" in future.json()["paid_on"][0]
    assert long_reference.status_code == 400 and set(long_reference.json()) == {"reference"}
    assert not_issued.status_code == 400 and "not issued yet" in not_issued.json()["statements"][0]
    assert empty.status_code == 400 and set(empty.json()) == {"statements"}
    assert fetch(Statement, issued.pk).status == StatementStatus.ISSUED


@pytest.mark.parametrize(
    "name, body",
    [
        ("api_statements_approve", {}),
        ("api_statements_issue", {}),
        ("api_statements_mark_paid", {"paid_on": "2026-06-01"}),
    ],
)
def test_an_action_on_another_tenants_statement_is_refused_and_changes_nothing(
    tenant, other_tenant, partner, finance, django_capture_on_commit_callbacks, name, body
):
    with scopes_disabled():
        foreign_partner = PartnerFactory(tenant=other_tenant)
        # Each one ready for the action: a draft, an approved one, an issued one.
        foreign = {
            "api_statements_approve": lambda: StatementFactory(partner=foreign_partner),
            "api_statements_issue": lambda: StatementFactory(
                partner=foreign_partner, status=StatementStatus.APPROVED
            ),
            "api_statements_mark_paid": lambda: IssuedStatementFactory(partner=foreign_partner),
        }[name]()
    own = StatementFactory(partner=partner)
    before = fetch(Statement, foreign.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(finance, url(tenant, name), {**body, "statements": [own.pk, foreign.pk]})

    assert response.status_code == 400
    assert str(foreign.pk) in response.json()["statements"][0]
    after = fetch(Statement, foreign.pk)
    assert (after.status, after.approved_at, after.number, after.paid_on) == (
        before.status,
        before.approved_at,
        before.number,
        before.paid_on,
    )
    assert fetch(Statement, own.pk).status == StatementStatus.DRAFT


@pytest.mark.parametrize(
    "name", ["api_statements_approve", "api_statements_issue", "api_statements_mark_paid"]
)
def test_partner_users_and_readers_cannot_act(
    tenant, partner, partner_admin, manager_member, fresh_client_for, name
):
    statement = IssuedStatementFactory(partner=partner)
    body = {"statements": [statement.pk], "paid_on": "2026-06-01"}

    for membership in (partner_admin, manager_member):
        response = post(fresh_client_for(membership), url(tenant, name), body)
        assert response.status_code == 403, membership.role
    assert fetch(Statement, statement.pk).status == StatementStatus.ISSUED


def test_an_api_key_reads_but_only_a_person_approves(tenant, other_tenant, partner):
    draft = StatementFactory(partner=partner)
    ApiKeyFactory(tenant=tenant, secret="alpha0000-payouts-api-key-secret", role=Role.FINANCE)
    key = Client(HTTP_AUTHORIZATION="Api-Key prm_alpha0000-payouts-api-key-secret")

    listed = key.get(url(tenant, "api_statement_list"))
    approve = post(key, url(tenant, "api_statements_approve"), {"statements": [draft.pk]})
    elsewhere = post(key, url(other_tenant, "api_statements_approve"), {"statements": [draft.pk]})

    assert ids(listed) == {draft.pk}
    assert approve.status_code == 403 and "person" in approve.json()["detail"]
    assert elsewhere.status_code == 401
    assert fetch(Statement, draft.pk).status == StatementStatus.DRAFT


# --- The partner's response ----------------------------------------------------------------------


def respond(client, tenant, statement, **body):
    return post(client, url(tenant, "api_statement_respond", statement_id=statement.pk), body)


def test_the_partner_admin_disputes_then_confirms_an_issued_statement(
    tenant, partner, partner_admin, fresh_client_for
):
    statement = IssuedStatementFactory(partner=partner)
    client = fresh_client_for(partner_admin)

    no_comment = respond(client, tenant, statement, decision="dispute")
    disputed = respond(client, tenant, statement, decision="dispute", comment="Deal 12 is missing")
    twice = respond(client, tenant, statement, decision="dispute", comment="Still missing")
    confirmed = respond(client, tenant, statement, decision="confirm")
    final = respond(client, tenant, statement, decision="dispute", comment="Changed my mind")

    assert no_comment.status_code == 400 and set(no_comment.json()) == {"comment"}
    assert disputed.status_code == 200 and disputed.json()["response"] == "disputed"
    assert disputed.json()["response_comment"] == "Deal 12 is missing"
    assert "approved_by_email" not in disputed.json()
    assert twice.status_code == 400 and "non_field_errors" in twice.json()
    assert confirmed.status_code == 200 and confirmed.json()["response"] == "confirmed"
    assert final.status_code == 400
    assert fetch(Statement, statement.pk).response == PartnerResponse.CONFIRMED


def test_a_response_to_another_partners_or_an_unissued_statement_answers_404(
    tenant, partner, other_partner, partner_admin, fresh_client_for
):
    theirs = IssuedStatementFactory(partner=other_partner)
    draft = StatementFactory(partner=partner)
    client = fresh_client_for(partner_admin)

    for statement in (theirs, draft):
        response = respond(client, tenant, statement, decision="confirm")
        assert response.status_code == 404
        assert fetch(Statement, statement.pk).response == PartnerResponse.NONE


def test_another_tenants_statement_answers_404_to_a_response(
    tenant, other_tenant, partner_admin, fresh_client_for
):
    foreign = IssuedStatementFactory(partner=PartnerFactory(tenant=other_tenant))

    response = respond(fresh_client_for(partner_admin), tenant, foreign, decision="confirm")

    assert response.status_code == 404
    assert fetch(Statement, foreign.pk).response == PartnerResponse.NONE


def test_staff_and_reps_do_not_respond_for_the_partner(
    tenant, partner, partner_rep, finance_member, fresh_client_for
):
    statement = IssuedStatementFactory(partner=partner)
    rep_membership, _rep = partner_rep

    for membership in (finance_member, rep_membership):
        response = respond(fresh_client_for(membership), tenant, statement, decision="confirm")
        assert response.status_code == 403, membership.role
    assert fetch(Statement, statement.pk).response == PartnerResponse.NONE


# --- Downloads ----------------------------------------------------------------------------------


def test_the_pdf_is_served_to_staff_and_the_own_partner_admin_when_intact(
    tenant, partner, partner_admin, finance, fresh_client_for
):
    statement = IssuedStatementFactory(partner=partner)
    path = url(tenant, "api_statement_pdf", statement_id=statement.pk)

    staff = finance.get(path)
    own = fresh_client_for(partner_admin).get(path, HTTP_ACCEPT="application/pdf")

    for response in (staff, own):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == STAND_IN_PDF


def test_a_tampered_pdf_or_a_draft_answers_404(tenant, partner, finance):
    tampered = IssuedStatementFactory(partner=partner)
    # The database refuses a change to an issued statement: the file is what can change.
    with open(tampered.pdf.path, "wb") as stored:
        stored.write(STAND_IN_PDF.replace(b"stand-in", b"forgery!"))
    draft = StatementFactory(partner=PartnerFactory(tenant=tenant))

    for statement in (tampered, draft):
        response = finance.get(url(tenant, "api_statement_pdf", statement_id=statement.pk))
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_the_periods_statements_csv_is_for_staff(
    tenant, other_tenant, partner, partner_admin, finance, fresh_client_for
):
    statement = IssuedStatementFactory(partner=partner)
    path = url(tenant, "api_period_statements_csv", period_id=statement.period_id)
    with scopes_disabled():
        foreign = PayoutPeriodFactory(tenant=other_tenant)

    response = finance.get(path)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    refused = fresh_client_for(partner_admin).get(path)
    elsewhere = finance.get(url(tenant, "api_period_statements_csv", period_id=foreign.pk))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "statements-202604.csv" in response["Content-Disposition"]
    assert text.splitlines()[0].startswith('"Statement number",')
    assert statement.number in text and "11000" in text
    assert refused.status_code == 403
    assert elsewhere.status_code == 404


# --- The OpenAPI schema ---------------------------------------------------------------------------


def test_the_schema_documents_the_payouts_api(tenant, manager_member, client_for):
    response = client_for(manager_member).get(f"/{tenant.slug}/api/v1/schema/?format=json")
    schema = response.json()
    prefix = "/{tenant_slug}/api/v1/"

    paths = {
        "ledger-lines/": {"get"},
        "ledger-lines/{line_id}/": {"get"},
        "statements/": {"get"},
        "statements/{statement_id}/": {"get"},
        "statements/approve/": {"post"},
        "statements/issue/": {"post"},
        "statements/mark-paid/": {"post"},
        "statements/{statement_id}/respond/": {"post"},
        "statements/{statement_id}/pdf/": {"get"},
        "payout-periods/{period_id}/statements.csv": {"get"},
    }
    for path, methods in paths.items():
        assert methods <= set(schema["paths"][prefix + path]), path
    issue = schema["paths"][prefix + "statements/issue/"]["post"]
    assert "202" in issue["responses"]
    pdf = schema["paths"][prefix + "statements/{statement_id}/pdf/"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]
    components = schema["components"]["schemas"]
    # Fields partner users never get are not promised to them.
    assert "created_by_email" not in components["LedgerLineOut"].get("required", [])
    assert "approved_by_email" not in components["StatementOut"].get("required", [])
    assert components["LedgerLineStatusEnum"]["enum"] == [
        "accrued",
        "payable",
        "on_statement",
        "paid",
    ]
