"""The one milestone move: legal and illegal moves, the drop reason, the change row and the
milestone_reached signal (after commit only)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deals import signals
from deals.models import Milestone, TargetAccount, TargetAccountChange
from deals.services.milestones import allowed_moves, milestone_move, milestone_record_listing
from tests.factories.deals import TargetAccountFactory

pytestmark = pytest.mark.django_db

M = Milestone
# Every (from, to) pair the funnel allows; every other pair of milestones is refused.
LEGAL = {
    (M.LISTED, M.REQUESTED),
    (M.REQUESTED, M.AGREED),
    (M.AGREED, M.ACTION_DONE),
    (M.ACTION_DONE, M.MEETING_HELD),
    *(
        (step, M.CONVERTED)
        for step in (M.LISTED, M.REQUESTED, M.AGREED, M.ACTION_DONE, M.MEETING_HELD)
    ),
    *(
        (step, M.DROPPED)
        for step in (M.LISTED, M.REQUESTED, M.AGREED, M.ACTION_DONE, M.MEETING_HELD)
    ),
    (M.DROPPED, M.LISTED),
}
ALL_PAIRS = [(a, b) for a in M.values for b in M.values]


@pytest.fixture
def actor(tenant, member_factory):
    return member_factory(tenant).user


def _move(tenant, actor, account, to, **extra):
    with transaction.atomic():
        return milestone_move(
            tenant=tenant, actor=actor, target_account=account, to_milestone=to, **extra
        )


def test_allowed_moves_match_the_table():
    for current in M.values:
        assert set(allowed_moves(current)) == {b for a, b in LEGAL if a == current}, current


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_legal_move_is_stored_with_its_change_row(tenant, actor, in_tenant, current, target):
    with in_tenant(tenant):
        account = TargetAccountFactory(partner__tenant=tenant, milestone=current)
        reason = "The customer chose another vendor." if target == M.DROPPED else ""
        change = _move(tenant, actor, account, target, note="n", drop_reason=reason)
        account.refresh_from_db()
        assert account.milestone == target
        assert account.milestone_at == change.changed_at
        assert account.drop_reason == reason
        assert (change.from_milestone, change.to_milestone) == (current, target)
        assert change.changed_by == actor
        assert change.note == "n"


@pytest.mark.parametrize(("current", "target"), [pair for pair in ALL_PAIRS if pair not in LEGAL])
def test_illegal_move_is_refused_naming_both_milestones(tenant, actor, in_tenant, current, target):
    with in_tenant(tenant):
        account = TargetAccountFactory(partner__tenant=tenant, milestone=current)
        with pytest.raises(ValidationError) as refused:
            _move(tenant, actor, account, target, drop_reason="x")
        message = refused.value.messages[0]
        assert account.company_name in message
        assert str(M(current).label) in message and str(M(target).label) in message
        account.refresh_from_db()
        assert account.milestone == current
        assert not TargetAccountChange.objects.filter(target_account=account).exists()


def test_unknown_milestone_is_refused(tenant, actor, in_tenant):
    with in_tenant(tenant):
        account = TargetAccountFactory(partner__tenant=tenant)
        with pytest.raises(ValidationError):
            _move(tenant, actor, account, "won")


@pytest.mark.parametrize("reason", ["", "   "])
def test_drop_needs_a_reason(tenant, actor, in_tenant, reason):
    with in_tenant(tenant):
        account = TargetAccountFactory(partner__tenant=tenant)
        with pytest.raises(ValidationError) as refused:
            _move(tenant, actor, account, M.DROPPED, drop_reason=reason)
        assert "drop_reason" in refused.value.message_dict
        account.refresh_from_db()
        assert account.milestone == M.LISTED


def test_reopening_a_dropped_account_clears_its_reason(tenant, actor, in_tenant):
    with in_tenant(tenant):
        account = TargetAccountFactory(partner__tenant=tenant)
        _move(tenant, actor, account, M.DROPPED, drop_reason="No budget this year.")
        _move(tenant, actor, account, M.LISTED)
        account.refresh_from_db()
        assert (account.milestone, account.drop_reason) == (M.LISTED, "")
        assert list(
            TargetAccountChange.objects.filter(target_account=account).values_list(
                "from_milestone", "to_milestone"
            )
        ) == [(M.LISTED, M.DROPPED), (M.DROPPED, M.LISTED)]


def test_another_tenants_account_is_refused(tenant, other_tenant, actor, unscoped):
    with unscoped():
        account = TargetAccountFactory(partner__tenant=other_tenant)
        with pytest.raises(ValidationError):
            _move(tenant, actor, account, M.REQUESTED)
        account.refresh_from_db()
        assert account.milestone == M.LISTED


def test_signal_is_sent_after_commit_only(
    tenant, actor, in_tenant, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.milestone_reached.connect(receiver, dispatch_uid="test_milestones")
    try:
        with in_tenant(tenant):
            account = TargetAccountFactory(partner__tenant=tenant)
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                change = _move(tenant, actor, account, M.REQUESTED)
                assert received == []  # not inside the transaction
            assert len(callbacks) == 1
            assert received == [
                {
                    "signal": signals.milestone_reached,
                    "tenant": tenant,
                    "target_account_id": account.pk,
                    "change_id": change.pk,
                    "milestone": M.REQUESTED,
                    "reached_on": timezone.localtime(change.changed_at).date(),
                }
            ]
    finally:
        signals.milestone_reached.disconnect(dispatch_uid="test_milestones")


def test_rolled_back_move_tells_nobody(
    tenant, actor, in_tenant, django_capture_on_commit_callbacks
):
    received = []
    signals.milestone_reached.connect(
        lambda sender, **kw: received.append(kw), dispatch_uid="test_rollback", weak=False
    )
    try:
        with in_tenant(tenant):
            account = TargetAccountFactory(partner__tenant=tenant)
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                with pytest.raises(RuntimeError), transaction.atomic():
                    milestone_move(
                        tenant=tenant, actor=actor, target_account=account, to_milestone=M.REQUESTED
                    )
                    raise RuntimeError("rolled back")
            assert callbacks == []
            assert received == []
            assert TargetAccount.objects.get(pk=account.pk).milestone == M.LISTED
    finally:
        signals.milestone_reached.disconnect(dispatch_uid="test_rollback")


def test_listing_row_is_the_first_change(tenant, actor, in_tenant):
    with in_tenant(tenant):
        account = TargetAccountFactory(partner__tenant=tenant)
        change = milestone_record_listing(tenant=tenant, actor=actor, target_account=account)
        assert (change.from_milestone, change.to_milestone) == ("", M.LISTED)
        assert change.changed_at == account.created_at
