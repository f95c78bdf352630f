"""deal_stage_set: the one writer of a deal's stage (won/lost dates, history, signals)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from deals import signals
from deals.models import DealStageChange, StageCode
from deals.services.stages import deal_stage_set
from tests.factories.deals import DealFactory, stage_of
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(tenant):
    return DealFactory(partner=PartnerFactory(tenant=tenant))


@pytest.fixture
def received():
    """The deals signals sent during a test: (name, kwargs) in order."""
    got = []
    receivers = {}
    for name in ("deal_won", "deal_lost", "deal_meeting_held"):
        signal = getattr(signals, name)

        def receiver(sender, _name=name, **kwargs):
            got.append((_name, kwargs))

        receivers[name] = receiver
        signal.connect(receiver, weak=False, dispatch_uid=f"test-{name}")
    yield got
    for name in receivers:
        getattr(signals, name).disconnect(dispatch_uid=f"test-{name}")


def _set(tenant, deal, code, **kwargs):
    with transaction.atomic():
        return deal_stage_set(
            tenant=tenant, actor=None, deal=deal, stage=stage_of(tenant, code), **kwargs
        )


def test_winning_dates_the_deal_records_the_move_and_signals_after_commit(
    tenant, in_tenant, deal, received, django_capture_on_commit_callbacks
):
    with in_tenant(tenant), django_capture_on_commit_callbacks(execute=True) as callbacks:
        change = _set(tenant, deal, StageCode.WON)
        assert received == []  # nothing is told before the transaction commits

    assert len(callbacks) == 1
    deal.refresh_from_db()
    assert deal.won_on is not None and deal.stage.code == StageCode.WON
    assert change.from_stage.code == StageCode.REGISTERED and change.to_stage.code == StageCode.WON
    assert [name for name, _kwargs in received] == ["deal_won"]
    assert received[0][1]["deal_id"] == deal.pk and received[0][1]["won_on"] == deal.won_on


def test_losing_needs_a_reason_and_says_whether_it_had_been_won(
    tenant, in_tenant, deal, received, django_capture_on_commit_callbacks
):
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as error:
            _set(tenant, deal, StageCode.LOST)
        assert "lost_reason" in error.value.message_dict
        with django_capture_on_commit_callbacks(execute=True):
            _set(tenant, deal, StageCode.WON)
        with django_capture_on_commit_callbacks(execute=True):
            _set(tenant, deal, StageCode.LOST, lost_reason="Budget cut")

    deal.refresh_from_db()
    assert deal.lost_on is not None and deal.lost_reason == "Budget cut"
    assert received[-1][0] == "deal_lost" and received[-1][1]["was_won"] is True


def test_reopening_clears_won_and_lost(tenant, in_tenant, deal, django_capture_on_commit_callbacks):
    with in_tenant(tenant), django_capture_on_commit_callbacks(execute=True):
        _set(tenant, deal, StageCode.WON)
        _set(tenant, deal, StageCode.PROPOSAL)
    deal.refresh_from_db()
    assert deal.won_on is None and deal.lost_on is None and deal.stage.code == StageCode.PROPOSAL


def test_the_same_stage_twice_is_refused(tenant, in_tenant, deal):
    with in_tenant(tenant):
        with pytest.raises(ValidationError, match="already"):
            _set(tenant, deal, StageCode.REGISTERED)
        assert DealStageChange.objects.filter(deal=deal).count() == 0


def test_a_rolled_back_move_tells_nobody(
    tenant, in_tenant, deal, received, django_capture_on_commit_callbacks
):
    with in_tenant(tenant), django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            deal_stage_set(tenant=tenant, actor=None, deal=deal, stage=stage_of(tenant, "won"))
            raise RuntimeError("the caller fails after the move")
    assert callbacks == [] and received == []
    deal.refresh_from_db()
    assert deal.won_on is None


def test_meeting_held_stage_signals_the_meeting(
    tenant, in_tenant, deal, received, django_capture_on_commit_callbacks
):
    with in_tenant(tenant), django_capture_on_commit_callbacks(execute=True):
        _set(tenant, deal, StageCode.MEETING_HELD)
    assert [name for name, _kwargs in received] == ["deal_meeting_held"]


def test_another_tenants_stage_is_refused(tenant, other_tenant, in_tenant, deal):
    with in_tenant(tenant), pytest.raises(ValidationError), transaction.atomic():
        deal_stage_set(
            tenant=tenant, actor=None, deal=deal, stage=stage_of(other_tenant, StageCode.WON)
        )
