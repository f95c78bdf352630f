"""A tenant of a given size for `manage.py partners_bench`: seeded, reproducible, bulk-written.

Scale 1 is 100 partners, 2,000 reps, 10,000 activities and 500 prospects; scale 10 is ten
times that. One partner (the "big" one) holds 5 % of the reps: 1,000 at scale 10.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Membership, Tenant, User
from accounts.roles import Role
from accounts.tenancy import tenant_context
from partners.choices import (
    ActivityKind,
    CustomerSegment,
    Industry,
    PartnerStatus,
    Prefecture,
    Priority,
    ProspectSource,
    ProspectStage,
)
from partners.models import (
    Activity,
    ActivityRepAttendee,
    Partner,
    PartnerPersona,
    PartnerRep,
    PartnerType,
    Prospect,
    ProspectStageChange,
)
from partners.services.engagement import partner_last_contact_refresh
from partners.services.recruitment import prospect_fit_scores_refresh
from partners.validators import search_key

PER_SCALE = {"partners": 100, "reps": 2000, "activities": 10000, "prospects": 500}
BIG_PARTNER_REP_SHARE = 0.05
BATCH = 2000

_SYLLABLES = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
)
_COMPANY_SUFFIXES = ("商事", "システム", "ソリューションズ", "テクノ", "販売", "工業", "総研")
_SURNAMES = (
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
)
_GIVEN = (("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("美咲", "ミサキ"))
STAGE_PATH = (
    ProspectStage.SOURCED,
    ProspectStage.CONTACTED,
    ProspectStage.MEETING,
    ProspectStage.PROPOSAL,
    ProspectStage.SIGNED,
)


@dataclass
class BenchTenant:
    tenant: Tenant
    manager: Membership
    portal_admin: Membership
    big_partner: Partner
    counts: dict


def _weighted(rng: random.Random, options: dict):
    return rng.choices(list(options), weights=list(options.values()))[0]


def _kana_word(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(length))


def build_tenant(*, scale: float, seed: int = 7, label: str = "") -> BenchTenant:
    """Create one tenant of `scale` with its people, partners, reps, activities, prospects."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    sizes = {name: max(3, round(n * scale)) for name, n in PER_SCALE.items()}
    suffix = secrets.token_hex(3)
    slug = f"bench-{label or scale}-{suffix}".replace(".", "-").lower()
    tenant = Tenant.objects.create(slug=slug, name=f"Bench {label or scale}", default_language="ja")
    today = timezone.localdate()
    now = timezone.now()
    with tenant_context(tenant):
        owner_count = max(2, round(5 * scale))
        # Unusable passwords (no hashing): the benchmark logs its people in with force_login.
        users = User.objects.bulk_create(
            User(
                email=f"{slug}-manager{i}@bench.example",
                full_name=f"担当 {i}",
                password=make_password(None),
            )
            for i in range(owner_count)
        )
        managers = Membership.objects.bulk_create(
            Membership(tenant=tenant, user=user, role=Role.PARTNER_MANAGER) for user in users
        )
        types = PartnerType.objects.bulk_create(
            PartnerType(tenant=tenant, name=name, position=i)
            for i, name in enumerate(("販売代理店", "地方銀行", "通信キャリア", "会計事務所"))
        )
        partners = []
        for i in range(sizes["partners"]):
            kana = _kana_word(rng, rng.randint(3, 6))
            company_suffix = rng.choice(_COMPANY_SUFFIXES)
            legal_name = f"株式会社{kana}{company_suffix}"
            partners.append(
                Partner(
                    tenant=tenant,
                    legal_name=legal_name,
                    legal_name_kana=f"{kana}{i}",
                    display_name=f"{kana}{company_suffix}",
                    status=_weighted(
                        rng,
                        {
                            PartnerStatus.PROSPECT: 10,
                            PartnerStatus.ONBOARDING: 10,
                            PartnerStatus.ACTIVE: 65,
                            PartnerStatus.DORMANT: 10,
                            PartnerStatus.TERMINATED: 5,
                        },
                    ),
                    priority=_weighted(
                        rng, {Priority.A: 15, Priority.B: 25, Priority.C: 40, Priority.D: 20}
                    ),
                    owner=rng.choice(managers),
                    partner_type=rng.choice(types),
                    prefecture=rng.choice(Prefecture.values),
                    sales_headcount=rng.randint(1, 300),
                    employee_count=rng.randint(5, 5000),
                    industries=rng.sample(Industry.values, 2),
                    search_text=search_key(legal_name, f"{kana}{i}", f"{kana}{company_suffix}"),
                )
            )
        partners = Partner.objects.bulk_create(partners, batch_size=BATCH)
        big = partners[0]

        big_reps = max(1, round(sizes["reps"] * BIG_PARTNER_REP_SHARE))
        reps = []
        for i in range(sizes["reps"]):
            partner = big if i < big_reps else rng.choice(partners[1:])
            surname, surname_kana = rng.choice(_SURNAMES)
            given, given_kana = rng.choice(_GIVEN)
            reps.append(
                PartnerRep(
                    tenant=tenant,
                    partner=partner,
                    full_name=f"{surname} {given}",
                    full_name_kana=f"{surname_kana} {given_kana}",
                    email=f"rep{i}@{slug}.example",
                    is_reachable=rng.random() < 0.7,
                    is_active=rng.random() < 0.92,
                )
            )
        reps = PartnerRep.objects.bulk_create(reps, batch_size=BATCH)
        reps_by_partner: dict[int, list[PartnerRep]] = {}
        for rep in reps:
            reps_by_partner.setdefault(rep.partner_id, []).append(rep)

        activities = []
        for _i in range(sizes["activities"]):
            partner = rng.choice(partners)
            has_action = rng.random() < 0.2
            activities.append(
                Activity(
                    tenant=tenant,
                    partner=partner,
                    kind=rng.choice(ActivityKind.values),
                    occurred_on=today - timedelta(days=rng.randint(0, 400)),
                    notes="定例会で進捗を確認した。",
                    next_action="資料を送る" if has_action else "",
                    next_action_due=today + timedelta(days=rng.randint(-30, 30))
                    if has_action
                    else None,
                    created_by=rng.choice(users),
                )
            )
        activities = Activity.objects.bulk_create(activities, batch_size=BATCH)
        # bulk_create goes around the activity services: the last contact is set here.
        partner_last_contact_refresh(tenant=tenant)
        attendees = []
        for activity in activities:
            candidates = reps_by_partner.get(activity.partner_id)
            if candidates and rng.random() < 0.3:
                attendees.append(
                    ActivityRepAttendee(
                        tenant=tenant, activity=activity, rep=rng.choice(candidates)
                    )
                )
        ActivityRepAttendee.objects.bulk_create(attendees, batch_size=BATCH)

        prospects = []
        for _i in range(sizes["prospects"]):
            kana = _kana_word(rng, rng.randint(3, 6))
            stage = _weighted(
                rng,
                {
                    ProspectStage.SOURCED: 30,
                    ProspectStage.CONTACTED: 20,
                    ProspectStage.MEETING: 15,
                    ProspectStage.PROPOSAL: 10,
                    ProspectStage.SIGNED: 5,
                    ProspectStage.LOST: 20,
                },
            )
            prospects.append(
                Prospect(
                    tenant=tenant,
                    company_name=f"{kana}{rng.choice(_COMPANY_SUFFIXES)}",
                    company_name_kana=kana,
                    industries=rng.sample(Industry.values, rng.randint(0, 3)),
                    customer_segments=rng.sample(CustomerSegment.values, rng.randint(0, 2)),
                    prefectures=rng.sample(Prefecture.values, rng.randint(0, 3)),
                    employee_count=rng.choice([None, rng.randint(5, 3000)]),
                    sales_headcount=rng.choice([None, rng.randint(1, 200)]),
                    products_handled=rng.choice(["", "会計ソフト, 給与計算", "グループウェア"]),
                    source=rng.choice(ProspectSource.values),
                    stage=stage,
                    owner=rng.choice(managers),
                    created_at=now - timedelta(days=rng.randint(30, 365)),
                )
            )
        prospects = Prospect.objects.bulk_create(prospects, batch_size=BATCH)
        changes = []
        for prospect in prospects:
            if prospect.stage == ProspectStage.LOST:
                path = [*STAGE_PATH[: rng.randint(1, 4)], ProspectStage.LOST]
            else:
                path = list(STAGE_PATH[: STAGE_PATH.index(prospect.stage) + 1])
            moment = prospect.created_at
            previous = ""
            for stage in path:
                changes.append(
                    ProspectStageChange(
                        tenant=tenant,
                        prospect=prospect,
                        from_stage=previous,
                        to_stage=stage,
                        changed_at=moment,
                        changed_by=rng.choice(users),
                    )
                )
                previous = stage
                moment += timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 23))
        ProspectStageChange.objects.bulk_create(changes, batch_size=BATCH)
        PartnerPersona.objects.create(
            tenant=tenant,
            ideal_industries=[Industry.IT, Industry.PROFESSIONAL],
            ideal_prefectures=[Prefecture.TOKYO, Prefecture.KANAGAWA],
            min_employee_count=50,
            min_sales_headcount=10,
            products_handled="会計ソフト, 給与",
        )
        # Bulk-inserted prospects: their fit is stored as the services would store it.
        prospect_fit_scores_refresh(tenant=tenant)

        # The big partner's first rep logs in to the portal as its partner admin.
        portal_user = User.objects.create(
            email=f"{slug}-portal@bench.example", full_name="窓口", password=make_password(None)
        )
        portal_admin = Membership.objects.create(
            tenant=tenant, user=portal_user, role=Role.PARTNER_ADMIN
        )
        first_rep = reps_by_partner[big.pk][0]
        first_rep.membership = portal_admin
        first_rep.is_active = True
        first_rep.save(update_fields=["membership", "is_active"])
    counts = {
        **sizes,
        "big_partner_reps": big_reps,
        "stage_changes": len(changes),
        "attendees": len(attendees),
    }
    return BenchTenant(tenant, managers[0], portal_admin, big, counts)
