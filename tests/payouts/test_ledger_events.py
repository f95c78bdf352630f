"""The ledger hears the deals app: a move in the pipeline books lines through the signal, the
receiver and the worker's task (eager in tests: the task's real code, in the test's process);
two handlers at once, on real separate connections, book once."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from accounts.tenancy import tenant_context
from deals.models import StageCode
from deals.services import pipeline
from payouts.models import LedgerLine, LedgerSource, LineKind
from payouts.services import ledger as services
from tests.factories.deals import stage_of
from tests.payouts.conftest import make_book


def test_winning_then_losing_a_deal_in_the_pipeline_books_and_claws_back(
    tenant, django_capture_on_commit_callbacks
):
    book = make_book(tenant)
    deal = book.deal(won_on=None, stage=stage_of(tenant, StageCode.PROPOSAL))

    with tenant_context(tenant):
        with django_capture_on_commit_callbacks(execute=True):
            pipeline.deal_move(
                tenant=tenant,
                actor=None,
                deal=deal,
                stage=stage_of(tenant, StageCode.WON),
                by=pipeline.VENDOR,
            )
        won = list(LedgerLine.objects.filter(deal=deal))
        with django_capture_on_commit_callbacks(execute=True):
            pipeline.deal_move(
                tenant=tenant,
                actor=None,
                deal=deal,
                stage=stage_of(tenant, StageCode.LOST),
                by=pipeline.VENDOR,
                lost_reason="Budget cut",
            )
        lines = list(LedgerLine.objects.filter(deal=deal).order_by("id"))

    # Won today (the pipeline's date): 10 % of ¥1,000,000; lost the same day, inside the window.
    assert [(line.kind, line.amount) for line in won] == [(LineKind.ACCRUAL, Decimal(100000))]
    assert [(line.kind, line.amount) for line in lines] == [
        (LineKind.ACCRUAL, Decimal(100000)),
        (LineKind.REVERSAL, Decimal(-100000)),
    ]


def test_a_churn_in_the_pipeline_reaches_the_ledger(tenant, django_capture_on_commit_callbacks):
    book = make_book(tenant)
    won_on = datetime.date.today() - datetime.timedelta(days=10)
    deal = book.deal(won_on=won_on)
    with tenant_context(tenant):
        services.ledger_deal_won(tenant=tenant, deal_id=deal.pk)
        with django_capture_on_commit_callbacks(execute=True):
            pipeline.deal_churn(
                tenant=tenant, actor=None, deal=deal, churned_on=won_on + datetime.timedelta(days=5)
            )
        kinds = sorted(LedgerLine.objects.filter(deal=deal).values_list("kind", flat=True))

    assert kinds == [LineKind.ACCRUAL, LineKind.REVERSAL]


@pytest.mark.django_db(transaction=True)
def test_two_handlers_at_once_book_the_win_once(tenant, app_db_role):
    book = make_book(tenant)
    deal = book.deal()
    start = threading.Barrier(2)
    errors = []

    def work():
        try:
            with tenant_context(tenant):
                start.wait()
                services.ledger_deal_won(tenant=tenant, deal_id=deal.pk)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with scopes_disabled():
        assert LedgerSource.objects.filter(deal=deal).count() == 1
        assert [line.amount for line in LedgerLine.objects.filter(deal=deal)] == [Decimal(100000)]
