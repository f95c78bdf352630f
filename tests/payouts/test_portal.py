"""The partner portal's commission pages: a rep reads the lines crediting them, the partner
admin the whole company's; a line's status as the partner sees it (accrued, payable, on
statement, paid) and its explanation without the vendor's internals; the company's issued
statements (never a draft), the PDF served only as issued, confirmation and dispute through
the pages; another partner's line or statement answers 404; queries flat; the daily deemed
confirmation."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.roles import Role
from accounts.tenancy import tenant_context
from accounts.urls_helpers import tenant_reverse
from payouts.models import (
    LedgerLine,
    PartnerResponse,
    PayoutSettings,
    Statement,
    StatementLine,
    StatementStatus,
)
from payouts.services import ledger as ledger_services
from payouts.tasks import statements_deem_confirmed_task
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.payouts import (
    IssuedStatementFactory,
    LedgerLineFactory,
    PayoutPeriodFactory,
    StatementFactory,
)
from tests.payouts.conftest import make_book
from tests.payouts.test_statement_issue import approved, issue

D = Decimal


@pytest.fixture
def company(tenant):
    """A partner with its partner admin, two reps with portal logins, and another partner."""
    partner = PartnerFactory(tenant=tenant, legal_name="株式会社ミナト商事")
    admin, _admin_rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    hana, hana_rep = portal_membership_for(partner, role=Role.PARTNER_REP, full_name="Hana Sato")
    _ken, ken_rep = portal_membership_for(partner, role=Role.PARTNER_REP, full_name="Ken Ito")
    return {
        "partner": partner,
        "admin": admin,
        "hana": hana,
        "hana_rep": hana_rep,
        "ken_rep": ken_rep,
        "other": PartnerFactory(tenant=tenant),
    }


def url(tenant, name, **kwargs):
    return tenant_reverse(tenant, f"payouts:{name}", **kwargs)


def period(tenant, month, **fields):
    start = datetime.date(2026, month, 1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return PayoutPeriodFactory(
        tenant=tenant, starts_on=start, ends_on=end, pays_on=end, status="closed", **fields
    )


def stated(statement, *lines):
    with scopes_disabled():
        for line in lines:
            StatementLine.objects.create(
                tenant=statement.tenant, statement=statement, ledger_line=line, tax_rate=D(10)
            )


def lines_on(html: str) -> int:
    return html.count('data-testid="commission-line"')


# --- My commissions ---------------------------------------------------------------------------


def test_a_rep_sees_only_the_lines_crediting_them(tenant, company, fresh_client_for):
    mine = LedgerLineFactory(partner=company["partner"], rep=company["hana_rep"], amount=D(7000))
    theirs = LedgerLineFactory(partner=company["partner"], rep=company["ken_rep"], amount=D(5000))
    LedgerLineFactory(partner=company["partner"], rep=None, amount=D(3000))
    LedgerLineFactory(partner=company["other"], amount=D(900))
    rep_client = fresh_client_for(company["hana"])

    html = rep_client.get(url(tenant, "portal_commissions")).content.decode()
    own = rep_client.get(url(tenant, "portal_commission", line_id=mine.pk))
    colleagues = rep_client.get(url(tenant, "portal_commission", line_id=theirs.pk))

    assert lines_on(html) == 1 and f'data-line="{mine.pk}"' in html
    assert "¥7,000" in html and "¥5,000" not in html and "¥15,000" not in html
    assert own.status_code == 200
    assert colleagues.status_code == 404


def test_the_partner_admin_sees_the_whole_companys_lines_with_totals(
    tenant, company, fresh_client_for
):
    today = timezone.localdate()
    LedgerLineFactory(partner=company["partner"], rep=company["hana_rep"], amount=D(7000))
    LedgerLineFactory(partner=company["partner"], rep=company["ken_rep"], amount=D(5000))
    LedgerLineFactory(
        partner=company["partner"],
        amount=D(2000),
        payable_from=today + datetime.timedelta(days=30),
    )
    LedgerLineFactory(partner=company["other"], amount=D(900))

    html = (
        fresh_client_for(company["admin"]).get(url(tenant, "portal_commissions")).content.decode()
    )

    assert lines_on(html) == 3
    assert "Hana Sato" in html and "Ken Ito" in html and "¥900" not in html
    totals = html[html.index('data-testid="commission-totals"') :]
    assert 'data-testid="total-accrued">¥2,000<' in totals
    assert 'data-testid="total-payable">¥12,000<' in totals
    assert 'data-testid="total-paid">¥0<' in totals


def test_a_lines_status_follows_the_statements_the_partner_has_seen(
    tenant, company, fresh_client_for
):
    partner = company["partner"]
    today = timezone.localdate()
    accrued = LedgerLineFactory(partner=partner, payable_from=today + datetime.timedelta(days=9))
    payable = LedgerLineFactory(partner=partner, amount=D(1000))
    on_draft = LedgerLineFactory(partner=partner, amount=D(2000))
    on_issued = LedgerLineFactory(partner=partner, amount=D(4000))
    paid = LedgerLineFactory(partner=partner, amount=D(8000))
    stated(StatementFactory(partner=partner, period=period(tenant, 1)), on_draft)
    stated(IssuedStatementFactory(partner=partner, period=period(tenant, 2)), on_issued)
    stated(
        IssuedStatementFactory(
            partner=partner,
            period=period(tenant, 3),
            status=StatementStatus.PAID,
            paid_on=datetime.date(2026, 4, 30),
            paid_at=timezone.now(),
        ),
        paid,
    )
    client = fresh_client_for(company["admin"])
    page = url(tenant, "portal_commissions")

    html = client.get(page).content.decode()
    only_paid = client.get(page, {"status": "paid"}).content.decode()
    only_payable = client.get(page, {"status": "payable"}).content.decode()

    def status_of(line):
        start = html.index(f'data-line="{line.pk}"')
        return html[start:].split('data-status="', 1)[1].split('"', 1)[0]

    assert [status_of(line) for line in (accrued, payable, on_draft, on_issued, paid)] == [
        "accrued",
        "payable",
        "payable",  # a draft is finance's: the partner has not seen it
        "on_statement",
        "paid",
    ]
    assert lines_on(only_paid) == 1 and f'data-line="{paid.pk}"' in only_paid
    assert lines_on(only_payable) == 2
    assert 'data-testid="total-payable">¥7,000<' in html  # payable, on a draft, on an issued
    assert 'data-testid="total-paid">¥8,000<' in html


def test_a_line_shows_its_explanation_without_the_vendors_internals(tenant, fresh_client_for):
    book = make_book(tenant)
    book.rep.full_name = "Mika Mori"
    book.rep.save(update_fields=["full_name"])
    admin, _rep = portal_membership_for(book.partner, role=Role.PARTNER_ADMIN)
    staff = UserFactory(full_name="Finance Person Fujita")
    deal = book.deal(customer_name="株式会社カスタマー")
    with tenant_context(tenant):
        ledger_services.ledger_deal_won(
            tenant=tenant, deal_id=deal.pk, today=datetime.date(2026, 6, 15)
        )
    with scopes_disabled():
        won = LedgerLine.objects.get(deal=deal)
    adjustment = LedgerLineFactory(
        partner=book.partner, created_by=staff, description="Goodwill for the fair"
    )
    client = fresh_client_for(admin)

    explained = client.get(url(tenant, "portal_commission", line_id=won.pk)).content.decode()
    by_hand = client.get(url(tenant, "portal_commission", line_id=adjustment.pk)).content.decode()

    assert "10 % of the deal amount ¥1,000,000" in explained
    assert "株式会社カスタマー" in explained and "Mika Mori" in explained
    assert f"/{tenant.slug}/portal/deals/{deal.pk}/" in explained
    assert "Goodwill for the fair" in by_hand and 'data-testid="no-explanation"' in by_hand
    for html in (explained, by_hand):
        assert "Finance Person Fujita" not in html and staff.email not in html
        assert f"/{tenant.slug}/payouts/" not in html  # no link into the staff pages


def test_an_empty_ledger_says_where_commission_comes_from(tenant, company, fresh_client_for):
    LedgerLineFactory(partner=company["partner"], rep=company["ken_rep"])

    rep_page = fresh_client_for(company["hana"]).get(url(tenant, "portal_commissions"))

    assert 'data-testid="commissions-empty"' in rep_page.content.decode()


def test_another_partners_line_answers_404(tenant, company, fresh_client_for):
    theirs = LedgerLineFactory(partner=company["other"])

    response = fresh_client_for(company["admin"]).get(
        url(tenant, "portal_commission", line_id=theirs.pk)
    )

    assert response.status_code == 404


# --- My statements --------------------------------------------------------------------------


def test_only_issued_and_paid_statements_of_the_partner_are_listed(
    tenant, company, fresh_client_for
):
    partner = company["partner"]
    draft = StatementFactory(partner=partner, period=period(tenant, 1))
    approved_one = StatementFactory(partner=partner, period=period(tenant, 2), status="approved")
    issued = IssuedStatementFactory(partner=partner, period=period(tenant, 3), net_payable=D(22000))
    theirs = IssuedStatementFactory(partner=company["other"], period=period(tenant, 3))
    client = fresh_client_for(company["admin"])

    html = client.get(url(tenant, "portal_statements")).content.decode()

    assert html.count('data-testid="portal-statement"') == 1
    assert f'data-statement="{issued.pk}"' in html and "¥22,000" in html
    assert "Awaiting your confirmation" in html
    for hidden in (draft, approved_one, theirs):
        for name in ("portal_statement", "portal_statement_pdf", "portal_statement_confirm"):
            assert client.get(url(tenant, name, statement_id=hidden.pk)).status_code == 404


def test_the_statement_page_shows_its_figures_lines_and_the_deemed_clause(
    tenant, company, fresh_client_for
):
    with scopes_disabled():
        PayoutSettings.objects.create(tenant=tenant, deemed_confirmation_days=7)
    line = LedgerLineFactory(partner=company["partner"], description="紹介料 4月")
    statement = IssuedStatementFactory(partner=company["partner"], period=period(tenant, 4))
    stated(statement, line)

    html = (
        fresh_client_for(company["admin"])
        .get(url(tenant, "portal_statement", statement_id=statement.pk))
        .content.decode()
    )

    assert "Consumption tax 10 %" in html and "¥11,000" in html
    assert html.count('data-testid="statement-line"') == 1 and "紹介料 4月" in html
    assert "If we receive no objection within 7 days of its issue, it is deemed confirmed." in html
    assert url(tenant, "portal_statement_pdf", statement_id=statement.pk) in html
    assert 'data-testid="statement-confirm"' in html and 'data-testid="dispute-form"' in html


def test_a_rep_does_not_reach_the_statements(tenant, company, fresh_client_for):
    statement = IssuedStatementFactory(partner=company["partner"], period=period(tenant, 4))
    client = fresh_client_for(company["hana"])

    home = client.get(tenant_reverse(tenant, "portal_home")).content.decode()

    assert url(tenant, "portal_statements") not in home
    assert url(tenant, "portal_commissions") in home
    assert client.get(url(tenant, "portal_statements")).status_code == 403
    assert client.get(url(tenant, "portal_statement", statement_id=statement.pk)).status_code == 403
    confirm = client.post(url(tenant, "portal_statement_confirm", statement_id=statement.pk))
    assert confirm.status_code == 403
    with scopes_disabled():
        assert Statement.objects.get(pk=statement.pk).response == PartnerResponse.NONE


def test_the_partner_admin_confirms_a_statement_once(tenant, company, fresh_client_for):
    statement = IssuedStatementFactory(partner=company["partner"], period=period(tenant, 4))
    client = fresh_client_for(company["admin"])
    confirm = url(tenant, "portal_statement_confirm", statement_id=statement.pk)

    response = client.post(confirm)
    page = client.get(response["Location"]).content.decode()
    again = client.post(confirm)

    assert response.status_code == 302
    assert response["Location"] == url(tenant, "portal_statement", statement_id=statement.pk)
    assert "is confirmed" in page and 'data-response="confirmed"' in page
    assert 'data-testid="statement-confirm"' not in page  # nothing left to answer
    assert again.status_code == 400
    assert "This statement is confirmed already." in again.content.decode()
    with scopes_disabled():
        statement.refresh_from_db()
        assert AuditEvent.objects.filter(action="statement.confirmed").count() == 1
    assert statement.response == PartnerResponse.CONFIRMED
    assert statement.responded_by == company["admin"].user


def test_a_dispute_without_a_comment_names_the_field_and_changes_nothing(
    tenant, company, fresh_client_for
):
    statement = IssuedStatementFactory(partner=company["partner"], period=period(tenant, 4))
    client = fresh_client_for(company["admin"])

    response = client.post(
        url(tenant, "portal_statement_dispute", statement_id=statement.pk), {"comment": "  "}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="comment"' in html and "Say what is wrong with the statement." in html
    with scopes_disabled():
        assert Statement.objects.get(pk=statement.pk).response == PartnerResponse.NONE


def test_a_dispute_is_sent_with_its_comment_and_withdrawn_by_confirming(
    tenant, company, fresh_client_for
):
    statement = IssuedStatementFactory(partner=company["partner"], period=period(tenant, 4))
    client = fresh_client_for(company["admin"])
    page = url(tenant, "portal_statement", statement_id=statement.pk)

    disputed = client.post(
        url(tenant, "portal_statement_dispute", statement_id=statement.pk),
        {"comment": "The deal of 株式会社キタ is missing."},
    )
    after_dispute = client.get(page).content.decode()
    with scopes_disabled():
        statement.refresh_from_db()
    dispute_state = (statement.response, statement.response_comment)
    again = client.post(
        url(tenant, "portal_statement_dispute", statement_id=statement.pk),
        {"comment": "Still missing."},
    )
    client.post(url(tenant, "portal_statement_confirm", statement_id=statement.pk))

    assert disputed.status_code == 302 and disputed["Location"] == page
    assert dispute_state == (PartnerResponse.DISPUTED, "The deal of 株式会社キタ is missing.")
    assert "The deal of 株式会社キタ is missing." in after_dispute
    assert 'data-testid="statement-confirm"' in after_dispute  # withdrawing stays possible
    assert 'data-testid="dispute-form"' not in after_dispute
    assert again.status_code == 400 and "disputed already" in again.content.decode()
    with scopes_disabled():
        assert Statement.objects.get(pk=statement.pk).response == PartnerResponse.CONFIRMED


def test_another_partners_statement_answers_404_and_stays_unanswered(
    tenant, company, fresh_client_for
):
    theirs = IssuedStatementFactory(partner=company["other"], period=period(tenant, 4))
    client = fresh_client_for(company["admin"])

    answers = [
        client.get(url(tenant, "portal_statement", statement_id=theirs.pk)).status_code,
        client.get(url(tenant, "portal_statement_pdf", statement_id=theirs.pk)).status_code,
        client.post(url(tenant, "portal_statement_confirm", statement_id=theirs.pk)).status_code,
        client.post(
            url(tenant, "portal_statement_dispute", statement_id=theirs.pk), {"comment": "x"}
        ).status_code,
    ]

    assert answers == [404, 404, 404, 404]
    with scopes_disabled():
        assert Statement.objects.get(pk=theirs.pk).response == PartnerResponse.NONE


def test_a_correction_is_announced_and_linked_once_issued(tenant, company, fresh_client_for):
    partner = company["partner"]
    april = period(tenant, 4)
    original = IssuedStatementFactory(partner=partner, period=april)
    correction = StatementFactory(
        partner=partner, period=april, revision=1, corrects=original, correction_reason="Wrong T"
    )
    client = fresh_client_for(company["admin"])
    page = url(tenant, "portal_statement", statement_id=original.pk)

    while_draft = client.get(page).content.decode()
    with scopes_disabled():
        Statement.objects.filter(pk=correction.pk).update(
            status=StatementStatus.ISSUED, number="900001", issued_on=timezone.localdate()
        )
    once_issued = client.get(page).content.decode()
    listed = client.get(url(tenant, "portal_statements")).content.decode()
    corrected = client.get(url(tenant, "portal_statement", statement_id=correction.pk))

    assert "We are correcting this statement" in while_draft
    assert url(tenant, "portal_statement", statement_id=correction.pk) not in while_draft
    assert url(tenant, "portal_statement", statement_id=correction.pk) in once_issued
    assert "No. 900001" in once_issued
    assert 'data-testid="statement-confirm"' not in once_issued  # answer the correction instead
    assert listed.count('data-testid="portal-statement"') == 2
    assert 'data-testid="statement-corrected"' in listed
    assert "Wrong T" in corrected.content.decode()
    assert 'data-testid="statement-confirm"' in corrected.content.decode()


@pytest.fixture
def ja_tenant(db):
    from tests.factories.accounts import TenantFactory

    return TenantFactory(slug="gamma", name="ガンマ", default_language="ja")


def test_the_pdf_is_downloaded_as_issued_and_never_once_changed(ja_tenant, fresh_client_for):
    statement = issue(ja_tenant, approved(ja_tenant))
    admin, _rep = portal_membership_for(statement.partner, role=Role.PARTNER_ADMIN)
    client = fresh_client_for(admin)
    pdf = url(ja_tenant, "portal_statement_pdf", statement_id=statement.pk)

    response = client.get(pdf)
    body = b"".join(response.streaming_content)
    with open(statement.pdf.path, "ab") as stored:
        stored.write(b"tampered")
    tampered = client.get(pdf)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == statement.pdf_sha256
    assert tampered.status_code == 404


# --- Queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "hana"])
def test_the_commission_list_runs_the_same_queries_at_two_sizes(
    tenant, company, fresh_client_for, who
):
    partner = company["partner"]
    client = fresh_client_for(company[who])
    page = url(tenant, "portal_commissions")
    months = iter(range(1, 13))

    def add(count):
        month = next(months)
        statement = IssuedStatementFactory(partner=partner, period=period(tenant, month))
        for index in range(count):
            deal_line = LedgerLineFactory(
                partner=partner,
                rep=company["hana_rep"] if index % 2 else company["ken_rep"],
                deal=None,
            )
            if index % 3 == 0:
                stated(statement, deal_line)

    add(4)
    with CaptureQueriesContext(connection) as small:
        assert client.get(page).status_code == 200
    add(20)
    with CaptureQueriesContext(connection) as large:
        html = client.get(page).content.decode()

    assert lines_on(html) >= 12
    assert len(large) == len(small)


def test_the_statement_list_runs_the_same_queries_at_two_sizes(tenant, company, fresh_client_for):
    partner = company["partner"]
    client = fresh_client_for(company["admin"])
    page = url(tenant, "portal_statements")
    months = iter(range(1, 13))

    def add(count):
        for _ in range(count):
            original = IssuedStatementFactory(partner=partner, period=period(tenant, next(months)))
            StatementFactory(partner=partner, period=original.period, revision=1, corrects=original)

    add(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(page).status_code == 200
    add(8)
    with CaptureQueriesContext(connection) as large:
        html = client.get(page).content.decode()

    assert html.count('data-testid="portal-statement"') == 10
    assert len(large) == len(small)


# --- The daily deemed confirmation --------------------------------------------------------------


def test_the_daily_task_deems_confirmed_what_waited_past_the_tenants_days(tenant, company):
    with scopes_disabled():
        PayoutSettings.objects.create(tenant=tenant, deemed_confirmation_days=10)
    today = timezone.localdate()
    partner = company["partner"]

    def issued_days_ago(days, month, **fields):
        return IssuedStatementFactory(
            partner=partner,
            period=period(tenant, month),
            issued_on=today - datetime.timedelta(days=days),
            **fields,
        )

    silent = issued_days_ago(11, 1)
    within = issued_days_ago(10, 2)
    disputed = issued_days_ago(30, 3, response=PartnerResponse.DISPUTED)
    confirmed = issued_days_ago(30, 4, response=PartnerResponse.CONFIRMED)

    first = statements_deem_confirmed_task.apply(kwargs={"tenant_id": tenant.pk}).get()
    second = statements_deem_confirmed_task.apply(kwargs={"tenant_id": tenant.pk}).get()

    with scopes_disabled():
        responses = [
            Statement.objects.get(pk=s.pk).response for s in (silent, within, disputed, confirmed)
        ]
    assert (first, second) == (1, 0)
    assert responses == [
        PartnerResponse.DEEMED,
        PartnerResponse.NONE,
        PartnerResponse.DISPUTED,
        PartnerResponse.CONFIRMED,
    ]


def test_the_fan_out_queues_one_deemed_confirmation_per_tenant(tenant, other_tenant, monkeypatch):
    from payouts import tasks

    queued = []
    monkeypatch.setattr(
        tasks.statements_deem_confirmed_task, "delay", lambda **kwargs: queued.append(kwargs)
    )

    count = tasks.statements_deem_confirmed_fanout_task.apply().get()

    assert count == 2
    assert sorted(kw["tenant_id"] for kw in queued) == sorted([tenant.pk, other_tenant.pk])
