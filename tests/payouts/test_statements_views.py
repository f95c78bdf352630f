"""The statements' pages: review list with filters and bulk approval (another tenant's
statement refused), a statement with its figures and lines, making a period's statements in
the worker, a partner's payout profile (withholding for individuals only)."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.urls_helpers import tenant_reverse
from partners.choices import EntityKind
from payouts.models import PartnerPayoutProfile, PayoutPeriod, Statement, StatementStatus
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import LedgerLineFactory, PayoutPeriodFactory, StatementFactory


def test_the_list_filters_and_shows_the_figures(tenant, finance_member, client_for):
    mine = StatementFactory(partner=PartnerFactory(tenant=tenant, display_name="Kita Trading"))
    StatementFactory(partner=PartnerFactory(tenant=tenant), status=StatementStatus.APPROVED)
    client = client_for(finance_member)
    url = tenant_reverse(tenant, "payouts:statement_list")

    everything = client.get(url).content.decode()
    drafts = client.get(url, {"status": "draft"}).content.decode()

    assert everything.count('data-testid="statement-row"') == 2
    assert drafts.count('data-testid="statement-row"') == 1 and "Kita Trading" in drafts
    assert "¥11,000" in drafts
    assert mine.pk


def test_bulk_approval_approves_the_chosen_drafts(tenant, finance_member, client_for):
    drafts = [StatementFactory(partner=PartnerFactory(tenant=tenant)) for _ in range(3)]

    response = client_for(finance_member).post(
        tenant_reverse(tenant, "payouts:statements_bulk_approve"),
        {"statement": [drafts[0].pk, drafts[1].pk]},
    )

    assert response.status_code == 302
    with scopes_disabled():
        statuses = [Statement.objects.get(pk=d.pk).status for d in drafts]
        assert AuditEvent.objects.filter(action="statement.approved").count() == 2
    assert statuses == ["approved", "approved", "draft"]


def test_bulk_approval_refuses_another_tenants_statement(
    tenant, other_tenant, finance_member, client_for
):
    mine = StatementFactory(partner=PartnerFactory(tenant=tenant))
    theirs = StatementFactory(partner=PartnerFactory(tenant=other_tenant))

    client_for(finance_member).post(
        tenant_reverse(tenant, "payouts:statements_bulk_approve"),
        {"statement": [mine.pk, theirs.pk]},
    )

    with scopes_disabled():
        assert Statement.objects.get(pk=mine.pk).status == StatementStatus.DRAFT
        assert Statement.objects.get(pk=theirs.pk).status == StatementStatus.DRAFT


def test_a_statement_shows_its_figures_lines_and_registration(tenant, finance_member, client_for):
    partner = PartnerFactory(tenant=tenant, registration_number="")
    line = LedgerLineFactory(partner=partner, accrued_on=datetime.date(2026, 4, 10))
    statement = StatementFactory(partner=partner)
    with scopes_disabled():
        statement.lines.create(tenant=tenant, ledger_line=line, tax_rate=Decimal(10))

    html = (
        client_for(finance_member)
        .get(tenant_reverse(tenant, "payouts:statement", statement_id=statement.pk))
        .content.decode()
    )

    assert "The partner has no registration number (T-number)." in html
    assert "Consumption tax 10 %" in html and "¥1,000" in html
    assert html.count('data-testid="statement-line"') == 1
    assert 'data-testid="statement-approve"' in html


def test_making_a_periods_statements_runs_in_the_worker(
    tenant, finance_member, client_for, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(tenant=tenant)
    day = datetime.date(2026, 4, 8)
    LedgerLineFactory(partner=partner, amount=Decimal(20000), accrued_on=day, payable_from=day)
    period = PayoutPeriodFactory(tenant=tenant, status="closed")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(finance_member).post(
            tenant_reverse(tenant, "payouts:period_statements_generate", period_id=period.pk)
        )

    # Celery is eager in tests: the worker's own code ran the fan-out and the statement task.
    assert response.status_code == 302
    with scopes_disabled():
        [statement] = Statement.objects.filter(period=period)
        assert statement.net_payable == Decimal(22000)
        assert PayoutPeriod.objects.get(pk=period.pk).statements_requested_at is not None


def test_an_open_period_makes_no_statements(tenant, finance_member, client_for):
    period = PayoutPeriodFactory(tenant=tenant)

    client_for(finance_member).post(
        tenant_reverse(tenant, "payouts:period_statements_generate", period_id=period.pk)
    )

    with scopes_disabled():
        assert not Statement.objects.exists()


def test_withholding_is_refused_for_a_company(tenant, finance_member, client_for):
    company = PartnerFactory(tenant=tenant, entity_kind=EntityKind.COMPANY)
    person = PartnerFactory(tenant=tenant, entity_kind=EntityKind.INDIVIDUAL)
    client = client_for(finance_member)
    body = {"withholding": "fee", "adds_consumption_tax": "on", "monthly_salary": "0"}

    refused = client.post(
        tenant_reverse(tenant, "payouts:partner_payout_profile", partner_id=company.pk), body
    )
    saved = client.post(
        tenant_reverse(tenant, "payouts:partner_payout_profile", partner_id=person.pk), body
    )

    assert 'data-field="withholding"' in refused.content.decode()
    assert saved.status_code == 302
    with scopes_disabled():
        assert PartnerPayoutProfile.objects.get(partner=person).withholding == "fee"
        assert not PartnerPayoutProfile.objects.filter(partner=company).exists()
        assert AuditEvent.objects.filter(action="payout_profile.changed").count() == 1


def test_a_partner_manager_reads_statements_but_approves_nothing(
    tenant, manager_member, client_for
):
    statement = StatementFactory(partner=PartnerFactory(tenant=tenant))
    client = client_for(manager_member)

    page = client.get(tenant_reverse(tenant, "payouts:statement", statement_id=statement.pk))
    approve = client.post(
        tenant_reverse(tenant, "payouts:statement_approve", statement_id=statement.pk)
    )

    assert (
        page.status_code == 200 and 'data-testid="statement-approve"' not in page.content.decode()
    )
    assert approve.status_code in (403, 404)
    with scopes_disabled():
        assert Statement.objects.get(pk=statement.pk).status == StatementStatus.DRAFT


def test_the_statement_list_runs_the_same_queries_at_two_sizes(tenant, finance_member, client_for):
    period = PayoutPeriodFactory(tenant=tenant, status="closed")
    client = client_for(finance_member)
    url = tenant_reverse(tenant, "payouts:statement_list")
    StatementFactory(partner=PartnerFactory(tenant=tenant), period=period)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(8):
        StatementFactory(partner=PartnerFactory(tenant=tenant), period=period)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()

    assert html.count('data-testid="statement-row"') == 9
    assert len(large) == len(small)


def test_another_tenants_partner_has_no_payout_profile_here(
    tenant, other_tenant, finance_member, client_for
):
    stranger = PartnerFactory(tenant=other_tenant, entity_kind=EntityKind.INDIVIDUAL)

    response = client_for(finance_member).post(
        tenant_reverse(tenant, "payouts:partner_payout_profile", partner_id=stranger.pk),
        {"withholding": "fee", "adds_consumption_tax": "on", "monthly_salary": "0"},
    )

    assert response.status_code == 404
    with scopes_disabled():
        assert not PartnerPayoutProfile.objects.exists()
