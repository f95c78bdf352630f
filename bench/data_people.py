"""People, programs, partners, reps, portal logins, engagement and the content library."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection

from accounts.models import Membership, User
from accounts.roles import Role
from bench.data_base import RANK_WEIGHT, Ctx, Weighted, copy_rows, ids_of, moment, timed
from partners.choices import (
    ActivityKind,
    CustomerSegment,
    Industry,
    PartnerStatus,
    Prefecture,
    Priority,
    ProspectSource,
)
from partners.models import (
    CadenceRule,
    Partner,
    PartnerPersona,
    PartnerType,
    Prospect,
    ProspectStageChange,
)
from partners.services.recruitment import prospect_fit_scores_refresh
from partners.validators import search_key
from programs.models import (
    Asset,
    AssetCategory,
    AssetKind,
    AssetVersion,
    CommissionRuleSet,
    CommissionRuleSetVersion,
    ContractKind,
    ContractStatus,
    ContractType,
    PartnerContract,
    PartnerRole,
    Program,
    ProgramKpi,
    Tier,
)

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

# (name, contract kind, partner role, KPI, share of partners, rule index of the percentage,
# percentage, cap, rules): the fees as the programs demo quotes them.
PROGRAMS = (
    (
        "紹介パートナープログラム",
        ContractKind.REFERRAL,
        PartnerRole.INTRODUCES,
        ProgramKpi.MEETINGS,
        0.4,
        [
            {"kind": "fixed", "event": "meeting_held", "amount": "30000"},
            {"kind": "percentage", "rate": "10", "cap": "500000"},
        ],
    ),
    (
        "取次パートナープログラム",
        ContractKind.AGENCY,
        PartnerRole.SETS_MEETING,
        ProgramKpi.WIN_RATE,
        0.3,
        [{"kind": "percentage", "rate": "15"}],
    ),
    (
        "販売パートナープログラム",
        ContractKind.RESELLER,
        PartnerRole.CLOSES,
        ProgramKpi.REVENUE,
        0.3,
        [
            {"kind": "percentage", "rate": "20"},
            {"kind": "recurring", "rate": "20", "months": 3},
        ],
    ),
)
TIERS = (("レジスタード", 0.55), ("シルバー", 0.3), ("ゴールド", 0.15))
UNUSABLE = UNUSABLE_PASSWORD_PREFIX + "bench"
INDUSTRIES = list(Industry.values)
PREFECTURES = list(Prefecture.values)


def kana_word(ctx: Ctx, length: int) -> str:
    return "".join(ctx.rng.choice(_SYLLABLES) for _ in range(length))


def _users(ctx: Ctx, specs: list[tuple[str, str]]) -> list[User]:
    """Users with no usable password (the benchmark logs in with force_login)."""
    slug = ctx.tenant.slug
    return User.objects.bulk_create(
        [
            User(email=f"{slug}-{key}@bench.example", full_name=name, password=UNUSABLE)
            for key, name in specs
        ],
        batch_size=2000,
    )


def build_staff(ctx: Ctx) -> None:
    started = time.perf_counter()
    tenant = ctx.tenant
    owner_count = max(2, ctx.sizes["partners"] // 20)
    users = _users(
        ctx,
        [("admin", "管理者"), ("finance", "経理")]
        + [(f"manager{i}", f"担当 {i}") for i in range(owner_count)],
    )
    roles = [Role.VENDOR_ADMIN, Role.FINANCE] + [Role.PARTNER_MANAGER] * owner_count
    memberships = Membership.objects.bulk_create(
        Membership(tenant=tenant, user=user, role=role)
        for user, role in zip(users, roles, strict=True)
    )
    ctx.admin, ctx.finance = memberships[0], memberships[1]
    ctx.managers = memberships[2:]
    ctx.manager_users = users[2:]
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    # Vendor admins and finance must have a second factor: the MFA middleware lets a
    # force_login session through once the user has an authenticator.
    for user in users[:2]:
        TOTP.activate(user, generate_totp_secret())
    CadenceRule.objects.bulk_create(
        CadenceRule(tenant=tenant, priority=priority, contact_interval_days=days)
        for priority, days in (("A", 7), ("B", 14), ("C", 30), ("D", None))
    )
    timed(ctx, "staff memberships", len(memberships), started)


def build_programs(ctx: Ctx) -> None:
    started = time.perf_counter()
    tenant = ctx.tenant
    types = {t.code: t for t in ContractType.objects.filter(tenant=tenant).exclude(code="")}
    effective_from = ctx.today - datetime.timedelta(days=400)
    programs, tiers = [], {}
    versions = {}
    for name, kind, role, kpi, _share, rules in PROGRAMS:
        program = Program.objects.create(
            tenant=tenant,
            name=name,
            contract_type=types[kind],
            partner_role=role,
            kpi=kpi,
            is_public=kind == ContractKind.REFERRAL,
        )
        rule_set = CommissionRuleSet.objects.create(
            tenant=tenant, program=program, name=f"{name} 標準", currency=tenant.base_currency
        )
        versions[program.pk] = CommissionRuleSetVersion.objects.create(
            tenant=tenant,
            rule_set=rule_set,
            number=1,
            effective_from=effective_from,
            rules=rules,
            first_used_at=ctx.now,
        )
        tiers[program.pk] = Tier.objects.bulk_create(
            Tier(
                tenant=tenant,
                program=program,
                name=tier_name,
                position=position,
                min_won_deals=position * 2,
                min_revenue=Decimal(position * 10_000_000),
                rule_set=rule_set,
            )
            for position, (tier_name, _weight) in enumerate(TIERS)
        )
        programs.append(program)
    ctx.extra["programs"] = programs
    ctx.extra["tiers"] = tiers
    ctx.extra["versions"] = versions
    timed(ctx, "programs", len(programs), started)


def build_partners(ctx: Ctx) -> None:
    started = time.perf_counter()
    tenant, rng = ctx.tenant, ctx.rng
    types = PartnerType.objects.bulk_create(
        PartnerType(tenant=tenant, name=name, position=i)
        for i, name in enumerate(("販売代理店", "地方銀行", "通信キャリア", "会計事務所", "SIer"))
    )
    # The first manager owns many partners (the measured "my partners" pages).
    owners = Weighted(ctx.managers, [len(ctx.managers)] + [1] * (len(ctx.managers) - 1))
    statuses = Weighted(
        [
            PartnerStatus.ACTIVE,
            PartnerStatus.ONBOARDING,
            PartnerStatus.DORMANT,
            PartnerStatus.PROSPECT,
            PartnerStatus.TERMINATED,
        ],
        [70, 10, 10, 5, 5],
    )
    priorities = Weighted(list(Priority), [15, 25, 40, 20])
    partners = []
    for i in range(ctx.sizes["partners"]):
        kana = kana_word(ctx, rng.randint(3, 6))
        suffix = rng.choice(_COMPANY_SUFFIXES)
        legal_name = f"株式会社{kana}{suffix}"
        reading = f"{kana}{i}"
        big = i == 0
        partners.append(
            Partner(
                tenant=tenant,
                legal_name=legal_name,
                legal_name_kana=reading,
                display_name=f"{kana}{suffix}",
                status=PartnerStatus.ACTIVE if big else statuses.pick(rng),
                status_since=ctx.today - datetime.timedelta(days=rng.randint(30, 700)),
                priority=Priority.A if big else priorities.pick(rng),
                owner=ctx.managers[0] if big else owners.pick(rng),
                partner_type=rng.choice(types),
                prefecture=rng.choice(PREFECTURES),
                sales_headcount=rng.randint(1, 300),
                employee_count=rng.randint(5, 5000),
                industries=rng.sample(INDUSTRIES, 2),
                search_text=search_key(legal_name, reading, f"{kana}{suffix}"),
                created_at=moment(ctx, 400 + rng.random() * 300),
            )
        )
    ctx.partners = Partner.objects.bulk_create(partners, batch_size=2000)
    timed(ctx, "partners", len(ctx.partners), started)

    # Every partner in one program (the big one in the agency program, which the vendor may
    # move, so the measuring code can win its deal as staff), at a tier.
    started = time.perf_counter()
    programs = ctx.extra["programs"]
    pick_program = Weighted(programs, [spec[4] for spec in PROGRAMS])
    pick_tier = Weighted([0, 1, 2], [weight for _name, weight in TIERS])
    contracts = []
    for index, partner in enumerate(ctx.partners):
        # The next three cover every program, whatever the scale; the rest by share.
        program = (
            programs[1]
            if index == 0
            else programs[index - 1]
            if index <= len(programs)
            else pick_program.pick(rng)
        )
        tier = ctx.extra["tiers"][program.pk][2 if index == 0 else pick_tier.pick(rng)]
        ctx.partner_program[partner.pk] = program
        # Contracts run a year and were signed in one of the last eleven months.
        starts_on = _month_start(ctx.today, rng.randint(1, 11))
        ends_on = _add_months(starts_on, 12) - datetime.timedelta(days=1)
        expiring = (ends_on - ctx.today).days <= 60
        contracts.append(
            PartnerContract(
                tenant=tenant,
                partner=partner,
                program=program,
                tier=tier,
                starts_on=starts_on,
                ends_on=ends_on,
                status=ContractStatus.EXPIRING if expiring else ContractStatus.ACTIVE,
            )
        )
    PartnerContract.objects.bulk_create(contracts, batch_size=2000)
    timed(ctx, "partner contracts", len(contracts), started)


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    return _add_months(day.replace(day=1), -months_back)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def build_reps(ctx: Ctx) -> None:
    """Reps in the 2:6:2 shape within each partner; the big partner holds about 5 %."""
    tenant, rng = ctx.tenant, ctx.rng
    sizes = ctx.sizes
    partner_ids = [p.pk for p in ctx.partners]
    big_reps = max(round(sizes["reps"] * 0.05), 2 * sizes["reps"] // len(partner_ids) + 1)
    owner_of = [partner_ids[0]] * big_reps
    # Every other partner has at least one rep; the rest are spread at random.
    others = partner_ids[1:]
    rest = sizes["reps"] - big_reps - len(others)
    owner_of += others + [rng.choice(others) for _ in range(max(0, rest))]
    by_partner: dict[int, list[int]] = {}
    for index, partner_id in enumerate(owner_of):
        by_partner.setdefault(partner_id, []).append(index)
    ranks = [""] * len(owner_of)
    for indexes in by_partner.values():
        shuffled = indexes[:]
        rng.shuffle(shuffled)
        if indexes is by_partner[partner_ids[0]]:
            # The big partner's first two reps are the portal admin and rep: performers.
            shuffled.remove(0)
            shuffled.remove(1)
            shuffled = [0, 1, *shuffled]
        top = max(1, round(len(shuffled) * 0.2))
        idle = round(len(shuffled) * 0.2)
        for position, index in enumerate(shuffled):
            ranks[index] = (
                "top"
                if position < top
                else "idle"
                if position >= len(shuffled) - idle
                else "middle"
            )
    slug = tenant.slug
    names = [(rng.choice(_SURNAMES), rng.choice(_GIVEN)) for _ in owner_of]
    created = [moment(ctx, 380 + rng.random() * 300) for _ in owner_of]
    # Performers and the motivated have a portal login; the rest never signed up.
    login_indexes = [i for i, rank in enumerate(ranks) if rank in ("top", "middle")]
    started = time.perf_counter()
    users = User.objects.bulk_create(
        [
            User(
                email=f"{slug}-rep{i}@bench.example",
                full_name=f"{names[i][0][0]} {names[i][1][0]}",
                password=UNUSABLE,
            )
            for i in login_indexes
        ],
        batch_size=5000,
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                tenant=tenant,
                user=user,
                role=Role.PARTNER_ADMIN if i == 0 else Role.PARTNER_REP,
                created_at=created[i],
            )
            for i, user in zip(login_indexes, users, strict=True)
        ],
        batch_size=5000,
    )
    membership_of = {i: m for i, m in zip(login_indexes, memberships, strict=True)}
    timed(ctx, "portal logins", len(memberships), started)

    def rows():
        for i, partner_id in enumerate(owner_of):
            (surname, surname_kana), (given, given_kana) = names[i]
            login = membership_of.get(i)
            yield (
                tenant.pk,
                partner_id,
                f"{surname} {given}",
                f"{surname_kana} {given_kana}",
                login.user.email if login else f"rep{i}@{slug}.example",
                "",
                "",
                "",
                i < 2 or rng.random() < 0.75,
                i < 2 or rng.random() < 0.95,
                created[i],
                login.pk if login else None,
            )

    copy_rows(
        ctx,
        "partners_partnerrep",
        (
            "tenant_id",
            "partner_id",
            "full_name",
            "full_name_kana",
            "email",
            "phone",
            "department",
            "title",
            "is_reachable",
            "is_active",
            "created_at",
            "membership_id",
        ),
        rows(),
        label="reps",
    )
    rep_ids = ids_of(ctx, "partners_partnerrep")
    ctx.rep_ids = rep_ids
    for i, rep_id in enumerate(rep_ids):
        ctx.rep_partner[rep_id] = owner_of[i]
        ctx.rep_rank[rep_id] = ranks[i]
        ctx.reps_by_partner.setdefault(owner_of[i], []).append(rep_id)
        if i in membership_of:
            ctx.rep_membership[rep_id] = membership_of[i].pk
            ctx.rep_user[rep_id] = membership_of[i].user_id
    ctx.extra["portal_admin"] = membership_of[0]
    ctx.extra["portal_rep"] = membership_of[1]
    weights = [RANK_WEIGHT[ctx.rep_rank[r]] for r in rep_ids]
    ctx.extra["pick_rep"] = Weighted(rep_ids, weights)
    logged = [r for r in rep_ids if r in ctx.rep_membership]
    ctx.extra["pick_logged_rep"] = Weighted(logged, [RANK_WEIGHT[ctx.rep_rank[r]] for r in logged])


def build_sign_ins(ctx: Ctx) -> None:
    rng, tenant = ctx.rng, ctx.tenant

    def rows():
        for rep_id, membership_id in ctx.rep_membership.items():
            days = rng.randint(25, 60) if ctx.rep_rank[rep_id] == "top" else rng.randint(2, 12)
            for ago in sorted(rng.sample(range(365), days)):
                yield tenant.pk, membership_id, ctx.today - datetime.timedelta(days=ago)

    copy_rows(
        ctx, "accounts_signinday", ("tenant_id", "membership_id", "day"), rows(), "sign-in days"
    )


ACTIVITY_KINDS = Weighted(
    list(ActivityKind),
    [35, 10, 10, 5, 20, 15, 5],
)
PRIORITY_CONTACT = {"A": 6.0, "B": 3.0, "C": 1.5, "D": 0.5}


def build_activities(ctx: Ctx) -> None:
    rng, tenant = ctx.rng, ctx.tenant
    partners = ctx.partners
    pick = Weighted(partners, [PRIORITY_CONTACT[p.priority] for p in partners])
    owner_user = {m.pk: u for m, u in zip(ctx.managers, ctx.manager_users, strict=True)}
    chosen = []

    def rows():
        for _ in range(ctx.sizes["activities"]):
            partner = pick.pick(rng)
            ago = rng.randint(0, 364)
            has_action = rng.random() < 0.2
            user = owner_user.get(partner.owner_id)
            chosen.append(partner)
            yield (
                tenant.pk,
                partner.pk,
                ACTIVITY_KINDS.pick(rng),
                ctx.today - datetime.timedelta(days=ago),
                "定例会で進捗を確認した。",
                "資料を送る" if has_action else "",
                ctx.today + datetime.timedelta(days=rng.randint(-30, 30)) if has_action else None,
                moment(ctx, ago),
                user.pk if user else None,
            )

    copy_rows(
        ctx,
        "partners_activity",
        (
            "tenant_id",
            "partner_id",
            "kind",
            "occurred_on",
            "notes",
            "next_action",
            "next_action_due",
            "created_at",
            "created_by_id",
        ),
        rows(),
        "activities",
    )
    activity_ids = ids_of(ctx, "partners_activity")

    def rep_rows():
        for activity_id, partner in zip(activity_ids, chosen, strict=True):
            reps = ctx.reps_by_partner.get(partner.pk)
            if reps and rng.random() < 0.5:
                for rep_id in rng.sample(reps, min(len(reps), rng.randint(1, 2))):
                    yield tenant.pk, activity_id, rep_id

    copy_rows(
        ctx,
        "partners_activityrepattendee",
        ("tenant_id", "activity_id", "rep_id"),
        rep_rows(),
        "activity rep attendees",
    )

    def staff_rows():
        for activity_id, partner in zip(activity_ids, chosen, strict=True):
            if partner.owner_id and rng.random() < 0.6:
                yield tenant.pk, activity_id, partner.owner_id

    copy_rows(
        ctx,
        "partners_activitystaffattendee",
        ("tenant_id", "activity_id", "membership_id"),
        staff_rows(),
        "activity staff attendees",
    )


def build_library(ctx: Ctx) -> None:
    """A few dozen assets (files with versions, and links), shown to every tier."""
    started = time.perf_counter()
    rng, tenant = ctx.rng, ctx.tenant
    categories = list(AssetCategory)
    assets = []
    for i in range(36):
        is_link = i % 6 == 5
        assets.append(
            Asset(
                tenant=tenant,
                title=f"営業資料 {i + 1:02d}",
                category=categories[i % len(categories)],
                kind=AssetKind.LINK if is_link else AssetKind.FILE,
                url=f"https://video.example/{i}" if is_link else "",
                created_at=moment(ctx, 370 + i),
            )
        )
    assets = Asset.objects.bulk_create(assets)
    versions = []
    for asset in assets:
        if asset.kind == AssetKind.LINK:
            continue
        for number in range(1, rng.randint(1, 3) + 1):
            versions.append(
                AssetVersion(
                    tenant=tenant,
                    asset=asset,
                    number=number,
                    file=f"library/{tenant.pk}/bench/asset-{asset.pk}-{number}.pdf",
                    file_name=f"{asset.title} v{number}.pdf",
                    content_type="application/pdf",
                    size=rng.randint(100_000, 5_000_000),
                    sha256=f"{asset.pk:032d}{number:032d}",
                )
            )
    versions = AssetVersion.objects.bulk_create(versions)
    latest = {}
    for version in versions:
        latest[version.asset_id] = version.pk
    ctx.extra["assets"] = [(a.pk, latest.get(a.pk)) for a in assets]
    timed(ctx, "assets and versions", len(assets) + len(versions), started)


def build_views(ctx: Ctx) -> None:
    rng, tenant = ctx.rng, ctx.tenant
    assets = ctx.extra["assets"]
    # A few assets are opened far more than the rest.
    pick_asset = Weighted(assets, [1.0 / (1 + i * 0.3) for i in range(len(assets))])
    pick_rep = ctx.extra["pick_logged_rep"]

    # In time order, as a real log grows: the time indexes are then appended to.
    ages = sorted((rng.random() * 365 for _ in range(ctx.sizes["views"])), reverse=True)

    def rows():
        for age in ages:
            rep_id = pick_rep.pick(rng)
            asset_id, version_id = pick_asset.pick(rng)
            yield (
                tenant.pk,
                asset_id,
                version_id,
                ctx.rep_partner[rep_id],
                rep_id,
                ctx.rep_membership[rep_id],
                "download" if version_id and rng.random() < 0.15 else "view",
                moment(ctx, age),
            )

    copy_rows(
        ctx,
        "programs_assetview",
        (
            "tenant_id",
            "asset_id",
            "version_id",
            "partner_id",
            "rep_id",
            "membership_id",
            "action",
            "viewed_at",
        ),
        rows(),
        "asset views",
    )


PROSPECT_STAGES = {
    "sourced": 30,
    "contacted": 20,
    "meeting": 15,
    "proposal": 10,
    "signed": 5,
    "lost": 20,
}
PROSPECT_PATH = ("sourced", "contacted", "meeting", "proposal", "signed")


def build_prospects(ctx: Ctx) -> None:
    """Recruitment: prospects across the stages with their stage history, and the persona
    their fit is scored against (stored as the services store it)."""
    started = time.perf_counter()
    rng, tenant = ctx.rng, ctx.tenant
    stages = Weighted(list(PROSPECT_STAGES), list(PROSPECT_STAGES.values()))
    owners = Weighted(ctx.managers, [1] * len(ctx.managers))
    prospects = []
    for _i in range(ctx.sizes["prospects"]):
        kana = kana_word(ctx, rng.randint(3, 6))
        prospects.append(
            Prospect(
                tenant=tenant,
                company_name=f"{kana}{rng.choice(_COMPANY_SUFFIXES)}",
                company_name_kana=kana,
                industries=rng.sample(INDUSTRIES, rng.randint(0, 3)),
                customer_segments=rng.sample(list(CustomerSegment.values), rng.randint(0, 2)),
                prefectures=rng.sample(PREFECTURES, rng.randint(0, 3)),
                employee_count=rng.choice([None, rng.randint(5, 3000)]),
                sales_headcount=rng.choice([None, rng.randint(1, 200)]),
                products_handled=rng.choice(["", "会計ソフト, 給与計算", "グループウェア"]),
                source=rng.choice(list(ProspectSource.values)),
                stage=stages.pick(rng),
                owner=owners.pick(rng),
                created_at=moment(ctx, rng.randint(30, 365)),
            )
        )
    prospects = Prospect.objects.bulk_create(prospects, batch_size=2000)
    changes = []
    for prospect in prospects:
        if prospect.stage == "lost":
            path = [*PROSPECT_PATH[: rng.randint(1, 4)], "lost"]
        else:
            path = list(PROSPECT_PATH[: PROSPECT_PATH.index(prospect.stage) + 1])
        at, previous = prospect.created_at, ""
        for stage in path:
            changes.append(
                ProspectStageChange(
                    tenant=tenant,
                    prospect=prospect,
                    from_stage=previous,
                    to_stage=stage,
                    changed_at=at,
                    changed_by=rng.choice(ctx.manager_users),
                )
            )
            previous = stage
            at += datetime.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 23))
    ProspectStageChange.objects.bulk_create(changes, batch_size=2000)
    PartnerPersona.objects.create(
        tenant=tenant,
        ideal_industries=[Industry.IT, Industry.PROFESSIONAL],
        ideal_prefectures=[Prefecture.TOKYO, Prefecture.KANAGAWA],
        min_employee_count=50,
        min_sales_headcount=10,
        products_handled="会計ソフト, 給与",
    )
    prospect_fit_scores_refresh(tenant=tenant)
    ctx.counts["prospect stage changes"] = len(changes)
    timed(ctx, "prospects", len(prospects), started)


def accept_terms(ctx: Ctx) -> None:
    """Every partner accepted its contract's terms when it began (deal registration asks for
    that), by its first rep with a login where it has one."""
    started = time.perf_counter()
    accepted_by: dict[int, int] = {}
    for partner_id, rep_ids in ctx.reps_by_partner.items():
        users = [ctx.rep_user[rep_id] for rep_id in rep_ids if rep_id in ctx.rep_user]
        if users:
            accepted_by[partner_id] = users[0]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE programs_partnercontract c
            SET terms_accepted_at = c.starts_on::timestamptz,
                terms_accepted_by_id = v.user_id
            FROM unnest(%(partners)s::bigint[], %(users)s::bigint[]) AS v(partner_id, user_id)
            WHERE c.tenant_id = %(tenant)s AND c.partner_id = v.partner_id
            """,
            {
                "tenant": ctx.tenant.pk,
                "partners": list(accepted_by),
                "users": list(accepted_by.values()),
            },
        )
        cursor.execute(
            "UPDATE programs_partnercontract SET terms_accepted_at = starts_on::timestamptz "
            "WHERE tenant_id = %(tenant)s AND terms_accepted_at IS NULL",
            {"tenant": ctx.tenant.pk},
        )
    timed(ctx, "contract terms accepted", len(accepted_by), started)
