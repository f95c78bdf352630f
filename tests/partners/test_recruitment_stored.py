"""The report's stored values: Prospect.furthest_stage_index and ProspectStageChange.left_at,
kept by the trigger of migration 0010 on every inserted move, and the backfill."""

import importlib
import random
import statistics
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from partners.choices import OPEN_PROSPECT_STAGES, ProspectSource, ProspectStage
from partners.models import Prospect, ProspectStageChange
from partners.selectors.recruitment import STAGE_ORDER, recruitment_report
from partners.services import recruitment as services
from tests.factories.partners import LostReasonFactory, ProspectFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("partners.migrations.0010_report_stored_stays")


@pytest.fixture
def actor(manager_member):
    return manager_member.user


def _moves(prospect) -> list[tuple[str, object, object]]:
    return list(
        ProspectStageChange.objects.filter(prospect=prospect)
        .order_by("changed_at", "id")
        .values_list("to_stage", "changed_at", "left_at")
    )


def _assert_stays_chained(prospect) -> None:
    moves = _moves(prospect)
    assert [left for _stage, _at, left in moves] == [at for _stage, at, _left in moves[1:]] + [None]


def _stored_furthest(prospect) -> int:
    return Prospect.objects.get(pk=prospect.pk).furthest_stage_index


def test_the_triggers_stage_indexes_are_the_reports_stage_order():
    with connection.cursor() as cursor:
        for index, stage in enumerate(STAGE_ORDER):
            cursor.execute("SELECT partners_stage_index(%s)", [stage])
            assert cursor.fetchone()[0] == index
        cursor.execute("SELECT partners_stage_index(%s)", [ProspectStage.LOST])
        assert cursor.fetchone()[0] is None


def test_a_move_forward_closes_the_stay_before_it_and_raises_the_furthest_stage(
    tenant, actor, in_tenant
):
    with in_tenant(tenant):
        prospect = services.prospect_create(
            tenant=tenant, actor=actor, company_name="みらい", source=ProspectSource.EVENT
        )
        assert _stored_furthest(prospect) == 0
        assert _moves(prospect)[0][2] is None

        services.prospect_stage_change(
            tenant=tenant, actor=actor, prospect=prospect, to_stage=ProspectStage.CONTACTED
        )

        assert _stored_furthest(prospect) == STAGE_ORDER.index(ProspectStage.CONTACTED)
        _assert_stays_chained(prospect)


def test_a_skip_forward_stores_the_stage_skipped_to(tenant, actor, in_tenant):
    with in_tenant(tenant):
        prospect = services.prospect_create(
            tenant=tenant, actor=actor, company_name="ひかり", source=ProspectSource.EVENT
        )
        services.prospect_stage_change(
            tenant=tenant, actor=actor, prospect=prospect, to_stage=ProspectStage.PROPOSAL
        )

        assert _stored_furthest(prospect) == STAGE_ORDER.index(ProspectStage.PROPOSAL)
        _assert_stays_chained(prospect)


def test_moving_back_or_losing_keeps_the_furthest_stage_reached(tenant, actor, in_tenant):
    # Lost is final (the service refuses a reopen); back to an earlier open stage is allowed.
    with in_tenant(tenant):
        prospect = services.prospect_create(
            tenant=tenant, actor=actor, company_name="そら", source=ProspectSource.EVENT
        )
        for stage in (ProspectStage.MEETING, ProspectStage.CONTACTED):
            prospect = services.prospect_stage_change(
                tenant=tenant, actor=actor, prospect=prospect, to_stage=stage
            )
        prospect = services.prospect_stage_change(
            tenant=tenant,
            actor=actor,
            prospect=prospect,
            to_stage=ProspectStage.LOST,
            lost_reason=LostReasonFactory(tenant=tenant),
        )
        # A full save of the loaded prospect must not write back a stale value.
        prospect.save()

        assert _stored_furthest(prospect) == STAGE_ORDER.index(ProspectStage.MEETING)
        assert [stage for stage, _at, _left in _moves(prospect)] == [
            "sourced",
            "meeting",
            "contacted",
            "lost",
        ]
        _assert_stays_chained(prospect)


def test_signing_stores_signed_as_the_furthest_stage(tenant, actor, in_tenant):
    with in_tenant(tenant):
        prospect = services.prospect_create(
            tenant=tenant,
            actor=actor,
            company_name="株式会社あさひ",
            contact_email="a@x.example",
            source=ProspectSource.EVENT,
        )
        services.prospect_sign(tenant=tenant, actor=actor, prospect=prospect)

        assert _stored_furthest(prospect) == STAGE_ORDER.index(ProspectStage.SIGNED)
        _assert_stays_chained(prospect)


def test_a_bulk_insert_out_of_order_chains_every_stay(tenant, in_tenant):
    # The demo and bench loaders bulk_create moves; a move may also arrive older than the last.
    prospect = ProspectFactory(tenant=tenant)
    start = timezone.now() - timedelta(days=30)
    with in_tenant(tenant):
        ProspectStageChange.objects.bulk_create(
            [
                ProspectStageChange(
                    tenant=tenant, prospect=prospect, to_stage=stage, changed_at=start + gap
                )
                for stage, gap in (
                    ("contacted", timedelta(days=5)),
                    ("sourced", timedelta(0)),
                    ("meeting", timedelta(days=9)),
                )
            ]
        )
        ProspectStageChange.objects.create(
            tenant=tenant, prospect=prospect, to_stage="contacted", changed_at=start
        )

        assert [stage for stage, _at, _left in _moves(prospect)] == [
            "sourced",
            "contacted",
            "contacted",
            "meeting",
        ]
        _assert_stays_chained(prospect)
        assert _stored_furthest(prospect) == STAGE_ORDER.index(ProspectStage.MEETING)


def test_the_backfill_restores_the_stored_values_of_every_tenant(
    tenant, other_tenant, actor, unscoped
):
    with unscoped():
        prospects = []
        for owner in (tenant, other_tenant):
            prospect = ProspectFactory(tenant=owner)
            services_free_path(owner, prospect)
            prospects.append(prospect)
        expected = {p.pk: (_stored_furthest(p), _moves(p)) for p in prospects}
        assert all(furthest == 2 for furthest, _moves_ in expected.values())
        Prospect.objects.filter(pk__in=[p.pk for p in prospects]).update(furthest_stage_index=0)
        ProspectStageChange.objects.filter(prospect__in=prospects).update(left_at=None)

        class Editor:
            pass

        editor = Editor()
        editor.connection = connection
        migration.backfill_stored_stays(None, editor)

        assert {p.pk: (_stored_furthest(p), _moves(p)) for p in prospects} == expected


def services_free_path(tenant, prospect):
    start = timezone.now() - timedelta(days=20)
    for days, stage in ((0, "sourced"), (3, "meeting"), (8, "contacted")):
        ProspectStageChange.objects.create(
            tenant=tenant, prospect=prospect, to_stage=stage, changed_at=start + timedelta(days)
        )


def _old_report_stages(tenant) -> tuple[dict, dict]:
    """The report's former computation, in Python from the moves: the furthest stage of each
    prospect (its moves and its current stage) and every finished stay by stage, in days."""
    reached = dict.fromkeys(STAGE_ORDER, 0)
    days: dict[str, list[float]] = {stage: [] for stage in OPEN_PROSPECT_STAGES}
    for prospect in Prospect.objects.filter(tenant=tenant):
        moves = list(
            ProspectStageChange.objects.filter(prospect=prospect).order_by("changed_at", "id")
        )
        indexes = [STAGE_ORDER.index(m.to_stage) for m in moves if m.to_stage in STAGE_ORDER]
        current = STAGE_ORDER.index(prospect.stage) if prospect.stage in STAGE_ORDER else 0
        furthest = max([*indexes, 0, current])
        for index in range(furthest + 1):
            reached[STAGE_ORDER[index]] += 1
        for move, following in zip(moves, moves[1:], strict=False):
            if move.to_stage in days:
                days[move.to_stage].append(
                    (following.changed_at - move.changed_at).total_seconds() / 86400
                )
    return reached, days


def test_the_report_equals_the_former_computation_on_a_mixed_data_set(tenant, in_tenant):
    rng = random.Random(7)
    now = timezone.now()
    with in_tenant(tenant):
        for number in range(40):
            # Some prospects start past sourced without a move of it (as an import may).
            path = ["sourced", *sorted(rng.sample(["contacted", "meeting", "proposal"], 2))]
            path = path[: rng.randint(0, len(path))]
            if path and rng.random() < 0.3:
                path.append(rng.choice(["lost", "signed"]))
            stage = path[-1] if path else rng.choice(OPEN_PROSPECT_STAGES)
            prospect = ProspectFactory(
                tenant=tenant,
                stage=stage,
                source=rng.choice(ProspectSource.values),
                company_name=f"Mixed {number}",
            )
            moment = now - timedelta(days=200)
            for to_stage in path:
                moment += timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
                ProspectStageChange.objects.create(
                    tenant=tenant, prospect=prospect, to_stage=to_stage, changed_at=moment
                )
        reached, days = _old_report_stages(tenant)
        report = recruitment_report(tenant=tenant)

    assert report["count"] == 40
    for row in report["stages"]:
        assert row["reached"] == reached[row["stage"]], row["stage"]
        stays = days.get(row["stage"], [])
        assert row["stays"] == len(stays), row["stage"]
        if stays:
            assert row["average_days"] == round(statistics.fmean(stays), 1)
            assert row["median_days"] == round(statistics.median(stays), 1)
        else:
            assert row["average_days"] is None
    assert sum(len(v) for v in days.values()) > 20
