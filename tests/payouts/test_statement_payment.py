"""After issue: recording the bank's payment (all or none, once), issuing many at once in the
worker, correcting an issued statement with a new one that names it (figures by hand, what the
corrected one paid deducted), and the partner's confirmation, dispute or deemed confirmation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django_scopes import scopes_disabled

from accounts.models import AuditEvent
from accounts.roles import Role
from accounts.urls_helpers import tenant_reverse
from partners.choices import EntityKind
from payouts.figures import Withholding
from payouts.models import PartnerPayoutProfile, PartnerResponse, Statement, StatementStatus
from payouts.selectors import statement_lines
from payouts.services import statements as services
from tests.factories.partners import PartnerFactory
from tests.factories.payouts import IssuedStatementFactory, StatementFactory
from tests.payouts.test_statements import close, generate, line

D = Decimal
PAID_ON = datetime.date(2026, 5, 29)


@pytest.fixture
def finance(tenant, member_factory):
    return member_factory(tenant, Role.FINANCE).user


@pytest.fixture
def second_finance(tenant, member_factory):
    return member_factory(tenant, Role.FINANCE).user


def issued(tenant, finance, partner, *amounts):
    """The partner's April statement of `amounts`, generated, approved and issued."""
    for amount in amounts:
        line(partner, amount)
    statement = generate(tenant, close(tenant, 4), partner)
    services.statements_approve(tenant=tenant, actor=finance, statement_ids=[statement.pk])
    return services.statement_issue(tenant=tenant, statement_id=statement.pk)


def pay(tenant, actor, *statements, on=PAID_ON, reference="FB-0529"):
    return services.statements_mark_paid(
        tenant=tenant,
        actor=actor,
        statement_ids=[statement.pk for statement in statements],
        paid_on=on,
        reference=reference,
    )


# --- Payment ------------------------------------------------------------------------------------


def test_an_issued_statement_is_paid_once_with_its_date_and_reference(
    tenant, bound_tenant, finance
):
    statement = issued(tenant, finance, PartnerFactory(tenant=tenant), 10000)

    first = pay(tenant, finance, statement)
    again = pay(tenant, finance, statement, on=datetime.date(2026, 5, 30), reference="OTHER")

    statement.refresh_from_db()
    assert (first, again) == (1, 0)
    assert (statement.status, statement.paid_on, statement.payment_reference) == (
        StatementStatus.PAID,
        PAID_ON,
        "FB-0529",
    )
    event = AuditEvent.objects.get(action="statement.paid")
    assert event.changes["amount"] == "11000.000" and event.changes["reference"] == "FB-0529"


def test_paying_is_all_or_nothing_and_names_the_statement_not_issued(tenant, bound_tenant, finance):
    ready = issued(tenant, finance, PartnerFactory(tenant=tenant), 10000)
    draft = StatementFactory(
        partner=PartnerFactory(tenant=tenant, display_name="Draft KK"), period=ready.period
    )

    with pytest.raises(ValidationError, match="Draft KK"):
        pay(tenant, finance, ready, draft)

    ready.refresh_from_db()
    assert ready.status == StatementStatus.ISSUED and ready.paid_on is None


@pytest.mark.parametrize(
    ("paid_on", "field"),
    [(None, "paid_on"), (datetime.date(2099, 1, 1), "paid_on")],
)
def test_a_payment_needs_a_date_that_has_come(tenant, bound_tenant, finance, paid_on, field):
    statement = issued(tenant, finance, PartnerFactory(tenant=tenant), 10000)

    with pytest.raises(ValidationError) as error:
        pay(tenant, finance, statement, on=paid_on)

    assert field in error.value.message_dict


def test_another_tenants_statement_is_not_paid(tenant, other_tenant, bound_tenant, finance):
    foreign = IssuedStatementFactory(partner=PartnerFactory(tenant=other_tenant))

    with pytest.raises(ValidationError):
        pay(tenant, finance, foreign)

    with scopes_disabled():
        foreign.refresh_from_db()
    assert foreign.status == StatementStatus.ISSUED


def test_the_database_keeps_a_paid_statement_paid(tenant, bound_tenant, finance):
    statement = issued(tenant, finance, PartnerFactory(tenant=tenant), 10000)
    pay(tenant, finance, statement)

    for change in ({"status": StatementStatus.ISSUED}, {"paid_on": datetime.date(2026, 5, 1)}):
        with pytest.raises(DatabaseError, match="paid"), transaction.atomic():
            Statement.objects.filter(pk=statement.pk).update(**change)


def test_the_database_lets_an_issued_statement_only_become_paid(tenant, bound_tenant, finance):
    statement = issued(tenant, finance, PartnerFactory(tenant=tenant), 10000)

    with pytest.raises(DatabaseError, match="only paid"), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.DRAFT)


# --- Issuing many ---------------------------------------------------------------------------


def _approved(tenant, finance, *partners):
    april = close(tenant, 4)
    statements = []
    for partner in partners:
        line(partner, 10000, day=datetime.date(2026, 3, 10))
        statements.append(generate(tenant, april, partner))
    services.statements_approve(
        tenant=tenant, actor=finance, statement_ids=[s.pk for s in statements]
    )
    return statements


def test_issuing_many_numbers_each_once_in_the_worker(
    tenant, bound_tenant, finance, django_capture_on_commit_callbacks
):
    first, second = _approved(
        tenant, finance, PartnerFactory(tenant=tenant), PartnerFactory(tenant=tenant)
    )

    with django_capture_on_commit_callbacks(execute=True) as sent:
        count = services.statements_issue_request(
            tenant=tenant, actor=finance, statement_ids=[first.pk, second.pk]
        )
    with django_capture_on_commit_callbacks(execute=True) as sent_again:
        again = services.statements_issue_request(
            tenant=tenant, actor=finance, statement_ids=[first.pk, second.pk]
        )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (count, len(sent), again, len(sent_again)) == (2, 2, 0, 0)
    assert {first.number, second.number} == {"000001", "000002"}
    assert first.pdf_sha256 and second.pdf_sha256


def test_issuing_many_refuses_the_lot_for_one_draft(
    tenant, bound_tenant, finance, django_capture_on_commit_callbacks
):
    (ready,) = _approved(tenant, finance, PartnerFactory(tenant=tenant))
    draft = StatementFactory(
        partner=PartnerFactory(tenant=tenant, display_name="Not Yet KK"), period=ready.period
    )

    with django_capture_on_commit_callbacks(execute=True) as sent:
        with pytest.raises(ValidationError, match="Not Yet KK"):
            services.statements_issue_request(
                tenant=tenant, actor=finance, statement_ids=[ready.pk, draft.pk]
            )

    ready.refresh_from_db()
    assert sent == [] and ready.status == StatementStatus.APPROVED and not ready.number


# --- Correction ---------------------------------------------------------------------------------


def test_a_correction_restates_the_same_lines_with_the_partners_details_as_they_are_now(
    tenant, bound_tenant, finance
):
    partner = PartnerFactory(tenant=tenant, registration_number="")
    original = issued(tenant, finance, partner, 10000, 5000)
    partner.registration_number = "T1234567890123"
    partner.save()

    correction = services.statement_correct(
        tenant=tenant, actor=finance, statement_id=original.pk, reason="T-number was missing"
    )
    again = services.statement_correct(
        tenant=tenant, actor=finance, statement_id=original.pk, reason="twice"
    )

    assert again.pk == correction.pk
    assert (correction.revision, correction.corrects_id, correction.status) == (
        1,
        original.pk,
        StatementStatus.DRAFT,
    )
    assert correction.recipient_registration_number == "T1234567890123"
    # ¥15,000 + ¥1,500 tax, nothing paid yet: the transfer is the whole net.
    assert (correction.net_payable, correction.settled_before, correction.transfer_amount) == (
        D(16500),
        D(0),
        D(16500),
    )
    assert [
        item.ledger_line.amount for item in statement_lines(tenant=tenant, statement=correction)
    ] == [
        D(10000),
        D(5000),
    ]
    original.refresh_from_db()
    assert (
        original.status == StatementStatus.ISSUED and original.recipient_registration_number == ""
    )
    assert AuditEvent.objects.filter(action="statement.corrected").count() == 1


def test_a_correction_after_payment_withholds_what_was_forgotten_and_carries_the_overpayment(
    tenant, bound_tenant, finance
):
    person = PartnerFactory(tenant=tenant, entity_kind=EntityKind.INDIVIDUAL)
    original = issued(tenant, finance, person, 100000)  # no profile yet: nothing withheld
    pay(tenant, finance, original)
    PartnerPayoutProfile.objects.create(
        tenant=tenant, partner=person, withholding=Withholding.FEE, adds_consumption_tax=True
    )

    correction = services.statement_correct(
        tenant=tenant, actor=finance, statement_id=original.pk, reason="Withholding forgotten"
    )

    # ¥100,000 + ¥10,000 tax; withheld 10.21 % of ¥100,000 = ¥10,210; net ¥99,790. ¥110,000
    # was paid: ¥10,210 too much, carried to the next statement; nothing to transfer.
    assert (correction.withholding, correction.net_payable) == (D(10210), D(99790))
    assert (correction.settled_before, correction.transfer_amount) == (D(110000), D(0))
    assert correction.carried_out == D(-10210)


def test_a_correction_after_payment_transfers_only_the_difference(tenant, bound_tenant, finance):
    partner = PartnerFactory(tenant=tenant)
    PartnerPayoutProfile.objects.create(tenant=tenant, partner=partner, adds_consumption_tax=False)
    original = issued(tenant, finance, partner, 100000)
    pay(tenant, finance, original)
    PartnerPayoutProfile.objects.filter(partner=partner).update(adds_consumption_tax=True)

    correction = services.statement_correct(
        tenant=tenant, actor=finance, statement_id=original.pk, reason="Tax was left out"
    )

    # Paid ¥100,000; the corrected net is ¥110,000: ¥10,000 more.
    assert (original.net_payable, correction.net_payable) == (D(100000), D(110000))
    assert (correction.transfer_amount, correction.carried_out) == (D(10000), D(0))


def test_only_an_issued_statement_is_corrected_and_a_reason_is_needed(
    tenant, bound_tenant, finance
):
    statement = issued(tenant, finance, PartnerFactory(tenant=tenant), 10000)
    draft = StatementFactory(partner=PartnerFactory(tenant=tenant), period=statement.period)

    with pytest.raises(ValidationError, match="Only an issued statement"):
        services.statement_correct(tenant=tenant, actor=finance, statement_id=draft.pk, reason="x")
    with pytest.raises(ValidationError) as error:
        services.statement_correct(
            tenant=tenant, actor=finance, statement_id=statement.pk, reason="  "
        )

    assert "reason" in error.value.message_dict
    assert not Statement.objects.filter(corrects__isnull=False).exists()


def test_the_corrected_statement_is_not_paid_its_correction_is(
    tenant, bound_tenant, finance, second_finance
):
    original = issued(tenant, finance, PartnerFactory(tenant=tenant, legal_name="Fix KK"), 10000)
    correction = services.statement_correct(
        tenant=tenant, actor=finance, statement_id=original.pk, reason="Address"
    )

    with pytest.raises(ValidationError, match="pay the correction"):
        pay(tenant, finance, original)
    services.statements_approve(tenant=tenant, actor=finance, statement_ids=[correction.pk])
    services.statement_issue(tenant=tenant, statement_id=correction.pk)
    assert pay(tenant, second_finance, correction) == 1

    correction.refresh_from_db()
    assert (correction.number, correction.status) == ("000002", StatementStatus.PAID)


def test_the_next_period_carries_from_the_issued_correction_not_a_draft_one(
    tenant, bound_tenant, finance
):
    person = PartnerFactory(tenant=tenant, entity_kind=EntityKind.INDIVIDUAL)
    original = issued(tenant, finance, person, 100000)
    pay(tenant, finance, original)
    PartnerPayoutProfile.objects.create(tenant=tenant, partner=person, withholding=Withholding.FEE)
    correction = services.statement_correct(
        tenant=tenant, actor=finance, statement_id=original.pk, reason="Withholding"
    )
    line(person, 50000, day=datetime.date(2026, 5, 10))
    may = close(tenant, 5)

    draft_carry = generate(tenant, may, person).carried_in
    services.statements_approve(tenant=tenant, actor=finance, statement_ids=[correction.pk])
    services.statement_issue(tenant=tenant, statement_id=correction.pk)
    issued_carry = generate(tenant, may, person).carried_in

    assert (draft_carry, issued_carry) == (D(0), D(-10210))


# --- The partner's response ---------------------------------------------------------------------


def test_the_partner_confirms_or_disputes_its_own_issued_statement(
    tenant, bound_tenant, finance, member_factory
):
    partner = PartnerFactory(tenant=tenant)
    statement = issued(tenant, finance, partner, 10000)
    admin = member_factory(tenant, Role.PARTNER_ADMIN).user

    with pytest.raises(ValidationError) as error:
        services.statement_respond(
            tenant=tenant,
            actor=admin,
            partner=partner,
            statement_id=statement.pk,
            confirm=False,
            comment="",
        )
    assert "comment" in error.value.message_dict
    services.statement_respond(
        tenant=tenant,
        actor=admin,
        partner=partner,
        statement_id=statement.pk,
        confirm=False,
        comment="The May deal is missing.",
    )
    statement.refresh_from_db()
    assert statement.response == PartnerResponse.DISPUTED
    services.statement_respond(
        tenant=tenant,
        actor=admin,
        partner=partner,
        statement_id=statement.pk,
        confirm=True,
        comment="",
    )

    statement.refresh_from_db()
    assert (statement.response, statement.responded_by) == (PartnerResponse.CONFIRMED, admin)
    assert (
        list(
            AuditEvent.objects.filter(action__startswith="statement.").values_list(
                "action", flat=True
            )
        ).count("statement.disputed")
        == 1
    )
    with pytest.raises(ValidationError, match="confirmed already"):
        services.statement_respond(
            tenant=tenant,
            actor=admin,
            partner=partner,
            statement_id=statement.pk,
            confirm=False,
            comment="Changed my mind",
        )


def test_a_partner_cannot_answer_for_another_partner_or_a_draft(
    tenant, bound_tenant, finance, member_factory
):
    statement = issued(tenant, finance, PartnerFactory(tenant=tenant), 10000)
    other = PartnerFactory(tenant=tenant)
    draft = StatementFactory(partner=other, period=statement.period)
    admin = member_factory(tenant, Role.PARTNER_ADMIN).user

    for statement_id in (statement.pk, draft.pk):
        with pytest.raises(ValidationError, match="your company"):
            services.statement_respond(
                tenant=tenant,
                actor=admin,
                partner=other,
                statement_id=statement_id,
                confirm=True,
                comment="",
            )

    assert not Statement.objects.exclude(response="").exists()


def test_silence_past_the_tenants_days_is_deemed_confirmation(tenant, bound_tenant, finance):
    quiet = IssuedStatementFactory(
        partner=PartnerFactory(tenant=tenant), issued_on=datetime.date(2026, 5, 1)
    )
    recent = IssuedStatementFactory(
        partner=PartnerFactory(tenant=tenant), issued_on=datetime.date(2026, 5, 8)
    )
    disputed = IssuedStatementFactory(
        partner=PartnerFactory(tenant=tenant),
        issued_on=datetime.date(2026, 5, 1),
        response=PartnerResponse.DISPUTED,
    )
    # Ten days (the default) after 1 May have passed on 12 May; after 8 May they have not.
    today = datetime.date(2026, 5, 12)

    count = services.statements_deem_confirmed(tenant=tenant, today=today)
    again = services.statements_deem_confirmed(tenant=tenant, today=today)

    for statement in (quiet, recent, disputed):
        statement.refresh_from_db()
    assert (count, again) == (1, 0)
    assert [quiet.response, recent.response, disputed.response] == [
        PartnerResponse.DEEMED,
        PartnerResponse.NONE,
        PartnerResponse.DISPUTED,
    ]


# --- Pages ----------------------------------------------------------------------------------


def test_the_list_marks_the_chosen_statements_paid(tenant, finance, client_for, member_factory):
    from tests.factories.payouts import IssuedStatementFactory as Issued

    statement = Issued(partner=PartnerFactory(tenant=tenant))
    member = member_factory(tenant, Role.FINANCE)

    response = client_for(member).post(
        tenant_reverse(tenant, "payouts:statements_bulk_paid"),
        {"statement": [statement.pk], "paid_on": "2026-05-29", "reference": "FB-1"},
    )

    assert response.status_code == 302
    with scopes_disabled():
        statement.refresh_from_db()
    assert (statement.status, statement.payment_reference) == (StatementStatus.PAID, "FB-1")


def test_the_bulk_pages_refuse_another_tenants_statement(
    tenant, other_tenant, client_for, member_factory
):
    foreign_issued = IssuedStatementFactory(partner=PartnerFactory(tenant=other_tenant))
    foreign_approved = StatementFactory(
        partner=PartnerFactory(tenant=other_tenant), status=StatementStatus.APPROVED
    )
    client = client_for(member_factory(tenant, Role.FINANCE))

    client.post(
        tenant_reverse(tenant, "payouts:statements_bulk_paid"),
        {"statement": [foreign_issued.pk], "paid_on": "2026-05-29", "reference": "X"},
    )
    client.post(
        tenant_reverse(tenant, "payouts:statements_bulk_issue"),
        {"statement": [foreign_approved.pk]},
    )
    correct = client.post(
        tenant_reverse(tenant, "payouts:statement_correct", statement_id=foreign_issued.pk),
        {"reason": "Intrusion"},
    )

    assert correct.status_code == 404
    with scopes_disabled():
        foreign_issued.refresh_from_db()
        foreign_approved.refresh_from_db()
        assert not Statement.objects.filter(corrects=foreign_issued).exists()
    assert foreign_issued.status == StatementStatus.ISSUED
    assert foreign_approved.status == StatementStatus.APPROVED and not foreign_approved.number


def test_the_correction_page_makes_a_draft_that_names_the_original(
    tenant, finance, client_for, member_factory
):
    statement = IssuedStatementFactory(partner=PartnerFactory(tenant=tenant))
    client = client_for(member_factory(tenant, Role.FINANCE))
    url = tenant_reverse(tenant, "payouts:statement_correct", statement_id=statement.pk)

    form = client.get(url)
    response = client.post(url, {"reason": "Wrong address"})

    with scopes_disabled():
        correction = Statement.objects.get(corrects=statement)
    assert form.status_code == 200 and b"Wrong address" not in form.content
    assert response["Location"] == tenant_reverse(
        tenant, "payouts:statement", statement_id=correction.pk
    )
    page = client.get(response["Location"]).content.decode()
    assert "Wrong address" in page and f"No. {statement.number}" in page
    listed = client.get(tenant_reverse(tenant, "payouts:statement_list")).content.decode()
    assert listed.count('data-testid="statement-corrected"') == 1 and "Correction 1" in listed


def test_the_review_list_finds_the_disputed_statements(tenant, finance, client_for, member_factory):
    disputed = IssuedStatementFactory(
        partner=PartnerFactory(tenant=tenant, display_name="Disputing KK"),
        response=PartnerResponse.DISPUTED,
    )
    IssuedStatementFactory(partner=PartnerFactory(tenant=tenant, display_name="Quiet KK"))
    StatementFactory(partner=PartnerFactory(tenant=tenant, display_name="Draft KK"))
    client = client_for(member_factory(tenant, Role.FINANCE))
    url = tenant_reverse(tenant, "payouts:statement_list")

    disputes = client.get(url, {"response": "disputed"}).content.decode()
    awaiting = client.get(url, {"response": "-"}).content.decode()

    def row(name):
        return f'data-partner="{name}"'

    assert row("Disputing KK") in disputes and row("Quiet KK") not in disputes
    assert row("Quiet KK") in awaiting and row("Disputing KK") not in awaiting
    assert row("Draft KK") not in awaiting
    assert f'value="{disputed.pk}"' in disputes
