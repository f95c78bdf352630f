"""The payout periods' pages: the list with each period's lines, closing behind a confirmation,
reopening with a reason, and Settings › Payout calendar (finance only; a bad calendar named)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.urls_helpers import tenant_reverse
from payouts.models import PayoutPeriod, PayoutSettings, PeriodStatus
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import LedgerLineFactory, PayoutPeriodFactory


@pytest.fixture
def april(tenant):
    period = PayoutPeriodFactory(tenant=tenant)
    partner = PartnerFactory(tenant=tenant)
    LedgerLineFactory(partner=partner, amount=Decimal(30000), accrued_on=datetime.date(2026, 4, 9))
    LedgerLineFactory(partner=partner, amount=Decimal(-5000), accrued_on=datetime.date(2026, 4, 30))
    LedgerLineFactory(partner=partner, amount=Decimal(7000), accrued_on=datetime.date(2026, 5, 1))
    return period


def test_the_list_shows_each_periods_lines_and_total(tenant, april, finance_member, client_for):
    html = (
        client_for(finance_member)
        .get(tenant_reverse(tenant, "payouts:period_list"))
        .content.decode()
    )

    assert html.count('data-testid="period-row"') == 1
    assert "¥25,000" in html  # 30,000 − 5,000; the line of 1 May is not April's
    assert 'data-testid="period-close"' in html


def test_closing_asks_first_then_locks(tenant, april, finance_member, client_for):
    client = client_for(finance_member)
    url = tenant_reverse(tenant, "payouts:period_close", period_id=april.pk)

    confirm = client.get(url).content.decode()
    with scopes_disabled():
        assert PayoutPeriod.objects.get(pk=april.pk).status == PeriodStatus.OPEN
    response = client.post(url)

    assert "It holds 2 lines, ¥25,000 in all." in confirm
    assert response.status_code == 302
    with scopes_disabled():
        assert PayoutPeriod.objects.get(pk=april.pk).status == PeriodStatus.CLOSED
        # The next period exists, open, for what comes late.
        assert PayoutPeriod.objects.filter(
            tenant=tenant, starts_on=datetime.date(2026, 5, 1), status=PeriodStatus.OPEN
        ).exists()


def test_a_period_not_yet_ended_cannot_be_closed(tenant, finance_member, client_for):
    today = timezone.localdate()
    period = PayoutPeriodFactory(
        tenant=tenant, starts_on=today, ends_on=today + datetime.timedelta(days=5)
    )
    client = client_for(finance_member)

    client.post(tenant_reverse(tenant, "payouts:period_close", period_id=period.pk))

    with scopes_disabled():
        assert PayoutPeriod.objects.get(pk=period.pk).status == PeriodStatus.OPEN


def test_reopening_asks_for_a_reason(tenant, finance_member, client_for):
    period = PayoutPeriodFactory(tenant=tenant, status=PeriodStatus.CLOSED)
    client = client_for(finance_member)
    url = tenant_reverse(tenant, "payouts:period_reopen", period_id=period.pk)

    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "A missed invoice"})

    assert refused.status_code == 200 and 'data-field="reason"' in refused.content.decode()
    assert done.status_code == 302
    with scopes_disabled():
        assert PayoutPeriod.objects.get(pk=period.pk).status == PeriodStatus.OPEN


def test_the_calendar_form_names_the_freelance_act(tenant, finance_member, client_for):
    body = {
        "closing_day": "0",
        "payment_months": "2",
        "payment_day": "0",
        "deemed_confirmation_days": "10",
        "second_approval_over": "1000000",
        "tax_rounding": "down",
    }
    client = client_for(finance_member)
    url = tenant_reverse(tenant, "payouts:payout_calendar")

    refused = client.post(url, body)
    saved = client.post(url, {**body, "payment_months": "1", "closing_day": "20"})

    html = refused.content.decode()
    assert 'data-field="payment_day"' in html and "Freelance Act" in html
    assert saved.status_code == 302
    with scopes_disabled():
        assert PayoutSettings.objects.get(tenant=tenant).closing_day == 20


def test_a_partner_manager_sees_periods_but_cannot_close_them(
    tenant, april, manager_member, client_for
):
    client = client_for(manager_member)

    html = client.get(tenant_reverse(tenant, "payouts:period_list")).content.decode()
    close = client.post(tenant_reverse(tenant, "payouts:period_close", period_id=april.pk))

    assert 'data-testid="period-close"' not in html
    assert close.status_code in (403, 404)
    assert client.get(tenant_reverse(tenant, "payouts:payout_calendar")).status_code in (403, 404)


def test_the_list_runs_the_same_queries_at_two_sizes(tenant, finance_member, client_for):
    client = client_for(finance_member)
    url = tenant_reverse(tenant, "payouts:period_list")
    PayoutPeriodFactory(tenant=tenant)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for month in range(5, 12):
        day = datetime.date(2026, month, 1)
        PayoutPeriodFactory(
            tenant=tenant,
            starts_on=day,
            ends_on=day.replace(day=28),
            pays_on=day.replace(day=28) + datetime.timedelta(days=30),
        )
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()

    assert html.count('data-testid="period-row"') == 8
    assert len(large) == len(small)
