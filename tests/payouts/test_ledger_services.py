"""The ledger's handlers, figure by figure (every amount computed by hand in the comment), and
the rules that keep money from being booked twice or edited."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from deals.models import DealEvent, DealEventKind, DealStageChange, RegistrationStatus, StageCode
from payouts.models import IMMUTABLE_COLUMNS, LedgerLine, LedgerSource, LineKind, SourceOutcome
from payouts.services import ledger as services
from tests.factories.deals import stage_of
from tests.factories.partners import PartnerFactory
from tests.payouts.conftest import WON_ON, make_book

D = Decimal
TODAY = datetime.date(2026, 6, 15)


def lines_of(deal):
    return list(LedgerLine.objects.filter(deal=deal).order_by("accrued_on", "id"))


def change_amounts(deal, *, on, one_time=None, monthly=None):
    """What deals.services.pipeline.deal_amount_change records, on a chosen day."""
    old = (deal.amount_one_time, deal.amount_monthly)
    new = (
        D(one_time) if one_time is not None else old[0],
        D(monthly) if monthly is not None else old[1],
    )
    event = DealEvent.objects.create(
        tenant=deal.tenant,
        deal=deal,
        kind=DealEventKind.AMOUNT_CHANGED,
        at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(12))),
        data={
            "old_one_time": str(old[0]),
            "new_one_time": str(new[0]),
            "old_monthly": str(old[1]),
            "new_monthly": str(new[1]),
            "reason": "Corrected",
        },
    )
    deal.amount_one_time, deal.amount_monthly = new
    deal.save(update_fields=["amount_one_time", "amount_monthly"])
    return event


def test_a_won_deal_books_its_percentage_once(book, bound_tenant):
    deal = book.deal()

    source = services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)
    again = services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)

    assert again is None
    assert source.outcome == SourceOutcome.LINES and source.line_count == 1
    [line] = lines_of(deal)
    # 10 % of ¥1,000,000; payable after the 30-day holding period.
    assert (line.kind, line.amount, line.currency) == (LineKind.ACCRUAL, D(100000), "JPY")
    assert line.partner_id == book.partner.pk and line.rep_id == book.rep.pk
    assert line.accrued_on == WON_ON and line.payable_from == datetime.date(2026, 6, 9)
    assert line.rule_set_version_id == book.version.pk
    assert line.explanation["rate"] == "10" and line.explanation["base"] == "1000000"
    book.version.refresh_from_db()
    assert book.version.is_used


def test_recurring_months_are_booked_as_they_begin_and_never_twice(book, bound_tenant):
    deal = book.deal(amount_one_time=D(0), amount_monthly=D(200000))

    services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)
    # Months begin 10 May and 10 June by 15 June: 5 % of ¥200,000 = ¥10,000 each.
    assert [(ln.kind, ln.accrued_on, ln.amount) for ln in lines_of(deal)] == [
        (LineKind.RECURRING, datetime.date(2026, 5, 10), D(10000)),
        (LineKind.RECURRING, datetime.date(2026, 6, 10), D(10000)),
    ]

    later = datetime.date(2026, 9, 1)
    assert services.ledger_recurring_run(tenant=bound_tenant, today=later) == 1
    assert services.ledger_recurring_run(tenant=bound_tenant, today=later) == 0
    # The rule pays three months: the third began 10 July, nothing after.
    assert [ln.accrued_on for ln in lines_of(deal)][-1] == datetime.date(2026, 7, 10)
    assert sum(ln.amount for ln in lines_of(deal)) == D(30000)


def test_a_churned_deal_earns_no_month_after_it_churned(book, bound_tenant):
    deal = book.deal(amount_one_time=D(0), amount_monthly=D(200000))
    services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)
    deal.churned_on = datetime.date(2026, 7, 1)
    deal.save(update_fields=["churned_on"])

    services.ledger_recurring_run(tenant=bound_tenant, today=datetime.date(2026, 9, 1))

    assert [ln.accrued_on.month for ln in lines_of(deal) if ln.kind == LineKind.RECURRING] == [5, 6]


def test_an_amount_change_books_the_difference(book, bound_tenant):
    deal = book.deal()
    services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)
    change = change_amounts(deal, on=datetime.date(2026, 6, 1), one_time="1200000")

    services.ledger_deal_amount_changed(tenant=bound_tenant, deal_id=deal.pk, change_id=change.pk)
    services.ledger_deal_amount_changed(tenant=bound_tenant, deal_id=deal.pk, change_id=change.pk)

    difference = [ln for ln in lines_of(deal) if ln.kind == LineKind.DIFFERENCE]
    # 10 % of ¥1,200,000 − 10 % of ¥1,000,000, booked on the day of the change.
    assert [(ln.amount, ln.accrued_on) for ln in difference] == [
        (D(20000), datetime.date(2026, 6, 1))
    ]
    assert sum(ln.amount for ln in lines_of(deal)) == D(120000)


def test_a_late_won_handler_still_books_the_amount_at_the_win(book, bound_tenant):
    """The change was booked first (the won task was lost): the total is the same."""
    deal = book.deal()
    change = change_amounts(deal, on=datetime.date(2026, 6, 1), one_time="1200000")
    services.ledger_deal_amount_changed(tenant=bound_tenant, deal_id=deal.pk, change_id=change.pk)

    services.ledger_reconcile(tenant=bound_tenant, today=TODAY)

    assert sorted(ln.amount for ln in lines_of(deal)) == [D(20000), D(100000)]


def test_a_monthly_amount_change_corrects_the_months_before_it(book, bound_tenant):
    deal = book.deal(amount_one_time=D(0), amount_monthly=D(200000))
    services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)
    change = change_amounts(deal, on=datetime.date(2026, 6, 20), monthly="300000")

    services.ledger_deal_amount_changed(tenant=bound_tenant, deal_id=deal.pk, change_id=change.pk)
    services.ledger_recurring_run(tenant=bound_tenant, today=datetime.date(2026, 9, 1))

    lines = lines_of(deal)
    # May and June at ¥10,000 plus ¥5,000 each (5 % of the ¥100,000 more); July at ¥15,000.
    assert sorted((ln.kind, ln.amount) for ln in lines) == sorted(
        [
            (LineKind.RECURRING, D(10000)),
            (LineKind.RECURRING, D(10000)),
            (LineKind.DIFFERENCE, D(5000)),
            (LineKind.DIFFERENCE, D(5000)),
            (LineKind.RECURRING, D(15000)),
        ]
    )
    assert sum(ln.amount for ln in lines) == 3 * D(15000)


def test_a_deal_lost_inside_the_clawback_window_is_reversed_once(book, bound_tenant):
    deal = book.deal()
    services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)
    lost_on = datetime.date(2026, 6, 1)  # 22 days after the win; the window is 90 days

    services.ledger_deal_clawback(tenant=bound_tenant, deal_id=deal.pk, reason="lost", on=lost_on)
    services.ledger_deal_clawback(tenant=bound_tenant, deal_id=deal.pk, reason="lost", on=lost_on)
    services.ledger_deal_clawback(
        tenant=bound_tenant, deal_id=deal.pk, reason="churned", on=datetime.date(2026, 6, 2)
    )

    accrual, reversal = lines_of(deal)
    assert (reversal.kind, reversal.amount, reversal.reverses_id) == (
        LineKind.REVERSAL,
        D(-100000),
        accrual.pk,
    )
    assert reversal.accrued_on == lost_on and reversal.rep_id == book.rep.pk
    assert sum(ln.amount for ln in lines_of(deal)) == 0


def test_a_deal_lost_after_the_window_keeps_its_commission(book, bound_tenant):
    deal = book.deal()
    services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)

    source = services.ledger_deal_clawback(
        tenant=bound_tenant, deal_id=deal.pk, reason="lost", on=datetime.date(2026, 8, 9)
    )

    # Won 10 May + 90 days: the window ran until 8 August.
    assert source.outcome == SourceOutcome.NOTHING_DUE
    assert [ln.kind for ln in lines_of(deal)] == [LineKind.ACCRUAL]


def test_a_meeting_held_pays_the_fixed_amount_once(book, bound_tenant):
    deal = book.deal(won_on=None, stage=stage_of(bound_tenant, StageCode.MEETING_HELD))
    held_on = datetime.date(2026, 4, 20)

    services.ledger_deal_meeting_held(tenant=bound_tenant, deal_id=deal.pk, held_on=held_on)
    services.ledger_deal_meeting_held(tenant=bound_tenant, deal_id=deal.pk, held_on=held_on)

    [line] = lines_of(deal)
    assert (line.amount, line.accrued_on, line.explanation["event_kind"]) == (
        D(20000),
        held_on,
        "meeting_held",
    )


def test_a_split_deal_pays_each_partner_its_share(tenant, bound_tenant):
    rules = [
        {"kind": "percentage", "rate": "10", "cap": None},
        {
            "kind": "split",
            "shares": [{"role": "introduces", "share": "70"}, {"role": "closes", "share": "30"}],
            "remainder_role": "closes",
        },
    ]
    book = make_book(tenant, rules=rules)
    closer = PartnerFactory(tenant=tenant)
    deal = book.deal(amount_one_time=D(333333), second_partner=closer, second_partner_role="closes")

    services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)

    # 10 % of ¥333,333 = ¥33,333.3 → ¥33,333; 70 % = ¥23,333.1 → ¥23,333; the closer the rest.
    amounts = {(ln.partner_id, ln.rep_id): ln.amount for ln in lines_of(deal)}
    assert amounts == {(book.partner.pk, book.rep.pk): D(23333), (closer.pk, None): D(10000)}


def test_without_a_contract_nothing_is_booked_and_the_reason_is_kept(book, bound_tenant):
    deal = book.deal(partner=PartnerFactory(tenant=bound_tenant), rep=None)

    source = services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)
    booked = services.ledger_reconcile(tenant=bound_tenant, today=TODAY)

    assert source.outcome == SourceOutcome.NO_CONTRACT
    assert booked["won"] == 0
    assert lines_of(deal) == []


def test_reconciliation_books_what_the_handlers_missed_once(book, bound_tenant):
    won = book.deal()
    held = book.deal(won_on=None, stage=stage_of(bound_tenant, StageCode.MEETING_HELD))
    DealStageChange.objects.create(
        tenant=bound_tenant,
        deal=held,
        to_stage=held.stage,
        changed_at=timezone.make_aware(datetime.datetime(2026, 4, 20, 10)),
    )
    lost = book.deal(
        lost_on=datetime.date(2026, 6, 1), stage=stage_of(bound_tenant, StageCode.LOST)
    )

    first = services.ledger_reconcile(tenant=bound_tenant, today=TODAY)
    second = services.ledger_reconcile(tenant=bound_tenant, today=TODAY)

    assert first == {"won": 2, "changes": 0, "clawbacks": 1, "meetings": 1, "recurring": 0}
    assert second == {"won": 0, "changes": 0, "clawbacks": 0, "meetings": 0, "recurring": 0}
    assert [ln.amount for ln in lines_of(won)] == [D(100000)]
    assert [ln.amount for ln in lines_of(held)] == [D(20000)]
    assert sum(ln.amount for ln in lines_of(lost)) == 0 and len(lines_of(lost)) == 2


def test_a_direct_deal_books_nothing(book, bound_tenant):
    deal = book.deal(
        tenant=bound_tenant,
        partner=None,
        rep=None,
        program=None,
        registration_status=RegistrationStatus.DIRECT,
    )

    source = services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)

    assert source.outcome == SourceOutcome.NOT_APPLICABLE and lines_of(deal) == []


# --- Append-only ----------------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_a_line(book, bound_tenant):
    deal = book.deal()
    services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)
    [line] = lines_of(deal)

    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        LedgerLine.objects.filter(pk=line.pk).update(amount=D(1))
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
        LedgerLine.objects.filter(pk=line.pk).delete()
    line.refresh_from_db()
    assert line.amount == D(100000)


def test_the_trigger_guards_every_column_but_the_id():
    """A column added later must be added to the guard (a new migration replacing the
    trigger), or this fails."""
    migration = importlib.import_module(
        "payouts.migrations.0002_row_level_security_and_append_only"
    )
    columns = {field.column for field in LedgerLine._meta.concrete_fields} - {"id"}

    assert set(IMMUTABLE_COLUMNS) == columns
    assert migration.IMMUTABLE_COLUMNS == IMMUTABLE_COLUMNS


# --- Manual adjustments ----------------------------------------------------------------------


def test_an_adjustment_is_a_new_audited_line_booked_once_per_form(
    book, bound_tenant, finance_member
):
    finance_user = finance_member.user
    kwargs = {
        "tenant": bound_tenant,
        "actor": finance_user,
        "partner": book.partner,
        "amount": "-5,000",
        "reason": "Duplicate referral fee for Kaisha",
        "token": "form-1",
    }

    first = services.ledger_adjustment_create(**kwargs)
    second = services.ledger_adjustment_create(**kwargs)

    assert second.pk == first.pk
    assert (first.kind, first.amount, first.currency) == (LineKind.ADJUSTMENT, D(-5000), "JPY")
    assert first.created_by == finance_user and first.description.startswith("Duplicate")
    [event] = AuditEvent.objects.filter(action="ledger_adjustment.created")
    assert event.changes["amount"] == "-5000" and event.object_id == str(first.pk)


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [
        ("0", "Why", "amount"),
        ("12.5", "Why", "amount"),
        ("lots", "Why", "amount"),
        ("100", " ", "reason"),
    ],
)
def test_a_bad_adjustment_names_its_field(book, bound_tenant, amount, reason, field):
    with pytest.raises(ValidationError) as error:
        services.ledger_adjustment_create(
            tenant=bound_tenant,
            actor=None,
            partner=book.partner,
            amount=amount,
            reason=reason,
            token="t",
        )

    assert field in error.value.message_dict
    assert not LedgerLine.objects.exists()


def test_an_adjustment_for_another_tenants_partner_is_refused(book, bound_tenant, other_tenant):
    stranger = PartnerFactory(tenant=other_tenant)

    with pytest.raises(ValidationError) as error:
        services.ledger_adjustment_create(
            tenant=bound_tenant, actor=None, partner=stranger, amount="100", reason="x", token="t"
        )

    assert "partner" in error.value.message_dict


def test_sources_are_unique_per_tenant_key(book, bound_tenant):
    deal = book.deal()
    services.ledger_deal_won(tenant=bound_tenant, deal_id=deal.pk, today=TODAY)

    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerSource.objects.create(
            tenant=bound_tenant, key=f"deal:{deal.pk}:won", event_on=WON_ON, outcome="lines"
        )
