"""Target accounts with their milestone history, and deals with their stages and events."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.db import connection

from bench.data_base import Ctx, Weighted, copy_rows, ids_of
from bench.data_people import kana_word
from deals.models import (
    DealStage,
    ListWillingness,
    Milestone,
    PartnerTargetList,
    StageCode,
)
from deals.names import company_name_key
from deals.services.stages import deal_stages_seed
from partners.choices import CustomerSegment, Industry, Prefecture

# The chance an account at a step moves on to the next (the funnel narrows step by step).
FUNNEL = (
    (Milestone.REQUESTED, 0.55),
    (Milestone.AGREED, 0.6),
    (Milestone.ACTION_DONE, 0.7),
    (Milestone.MEETING_HELD, 0.65),
    (Milestone.CONVERTED, 0.5),
)
INDUSTRIES = list(Industry.values)
PREFECTURES = list(Prefecture.values)
SEGMENTS = list(CustomerSegment.values)
_CUSTOMER_SUFFIXES = ("物産", "製作所", "ホールディングス", "電機", "建設", "食品", "運輸", "薬品")


def build_targets(ctx: Ctx) -> None:
    rng, tenant = ctx.rng, ctx.tenant
    pick_rep = ctx.extra["pick_rep"]
    all_reps = ctx.rep_ids
    users = [u.pk for u in ctx.manager_users]
    history = []  # per account: [(milestone, at)]
    partner_of = []
    seen = set()

    def rows():
        for i in range(ctx.sizes["targets"]):
            # Mostly the performers' accounts; a share with no rep named.
            rep_id = pick_rep.pick(rng) if rng.random() < 0.85 else rng.choice(all_reps)
            partner_id = ctx.rep_partner[rep_id]
            if rng.random() < 0.1:
                rep_id = None
            name = f"{kana_word(ctx, rng.randint(2, 5))}{rng.choice(_CUSTOMER_SUFFIXES)}{i}"
            key = company_name_key(name)
            if (partner_id, key) in seen:  # pragma: no cover - names carry their index
                continue
            seen.add((partner_id, key))
            at = ctx.now - datetime.timedelta(days=rng.random() * 365)
            steps = [(Milestone.LISTED, at)]
            for milestone, chance in FUNNEL:
                if rng.random() >= chance:
                    if rng.random() < 0.3:
                        at = at + datetime.timedelta(days=rng.uniform(3, 30))
                        if at < ctx.now:
                            steps.append((Milestone.DROPPED, at))
                    break
                at = at + datetime.timedelta(days=rng.uniform(3, 30), hours=rng.randint(0, 8))
                if at >= ctx.now:
                    break
                steps.append((milestone, at))
            history.append(steps)
            partner_of.append(partner_id)
            last, last_at = steps[-1]
            yield (
                tenant.pk,
                partner_id,
                rep_id,
                f"株式会社{name}",
                key,
                "",
                rng.choice(INDUSTRIES),
                rng.choice(PREFECTURES),
                rng.choice(SEGMENTS),
                "",
                "",
                "",
                "",
                last,
                last_at,
                "予算が合わない" if last == Milestone.DROPPED else "",
                steps[0][1],
                rng.choice(users),
            )

    copy_rows(
        ctx,
        "deals_targetaccount",
        (
            "tenant_id",
            "partner_id",
            "rep_id",
            "company_name",
            "company_name_key",
            "corporate_number",
            "industry",
            "prefecture",
            "size",
            "contact_name",
            "contact_email",
            "contact_phone",
            "notes",
            "milestone",
            "milestone_at",
            "drop_reason",
            "created_at",
            "created_by_id",
        ),
        rows(),
        "target accounts",
    )
    ids = ids_of(ctx, "deals_targetaccount")
    converted: dict[int, list] = {}

    def change_rows():
        for account_id, steps, partner_id in zip(ids, history, partner_of, strict=True):
            previous = ""
            for milestone, at in steps:
                yield tenant.pk, account_id, previous, milestone, at, "", rng.choice(users)
                previous = milestone
            if steps[-1][0] == Milestone.CONVERTED:
                converted.setdefault(partner_id, []).append((account_id, steps[-1][1]))

    copy_rows(
        ctx,
        "deals_targetaccountchange",
        (
            "tenant_id",
            "target_account_id",
            "from_milestone",
            "to_milestone",
            "changed_at",
            "note",
            "changed_by_id",
        ),
        change_rows(),
        "milestone changes",
    )
    ctx.extra["converted"] = converted
    with_accounts = set(partner_of)
    PartnerTargetList.objects.bulk_create(
        PartnerTargetList(
            tenant=tenant,
            partner=partner,
            willingness=ListWillingness.WILLING
            if partner.pk in with_accounts
            else rng.choice([ListWillingness.UNKNOWN, ListWillingness.UNWILLING]),
        )
        for partner in ctx.partners
    )
    ctx.counts["partner target lists"] = len(ctx.partners)


# Partner registrations by status (won and lost ones were approved first).
STATUSES = Weighted(
    ["pending", "rejected", "duplicate", "expired", "open", "won", "lost"],
    [8, 5, 2, 6, 35, 29, 15],
)
OPEN_STAGES = (
    StageCode.APPROVED,
    StageCode.MEETING_SET,
    StageCode.MEETING_HELD,
    StageCode.PROPOSAL,
)
PATH = (StageCode.MEETING_SET, StageCode.MEETING_HELD, StageCode.PROPOSAL)
DIRECT_SHARE = 0.1


def _amounts(ctx: Ctx, program_kind: str | None) -> tuple[Decimal, Decimal]:
    rng = ctx.rng
    one_time = Decimal(rng.randint(10, 500) * 10_000)
    recurring = program_kind in (None, "reseller") and rng.random() < 0.6
    monthly = Decimal(rng.randint(1, 20) * 10_000) if recurring else Decimal(0)
    return one_time, monthly


def build_deals(ctx: Ctx) -> None:
    rng, tenant = ctx.rng, ctx.tenant
    deal_stages_seed(tenant=tenant)
    stages = {s.code: s for s in DealStage.objects.filter(tenant=tenant).exclude(code="")}
    ctx.stages = stages
    pick_rep = ctx.extra["pick_rep"]
    converted = {k: list(v) for k, v in ctx.extra["converted"].items()}
    staff_users = [u.pk for u in ctx.manager_users]
    owner_of = {p.pk: p.owner_id for p in ctx.partners}
    now, today = ctx.now, ctx.today
    plans = []  # per deal: (status, [(stage code, at)], events [(kind, at, data)], won/lost)

    def at_days(days: float) -> datetime.datetime:
        return now - datetime.timedelta(days=days)

    def rows():
        for i in range(ctx.sizes["deals"]):
            # The first deal is the one the measuring code wins: the big partner's, approved,
            # open, at the proposal stage.
            first = i == 0
            direct = not first and rng.random() < DIRECT_SHARE
            if first:
                rep_id = ctx.rep_ids[1]
                partner_id = ctx.rep_partner[rep_id]
                program = ctx.partner_program[partner_id]
                status = "open"
            elif direct:
                partner_id = rep_id = program = None
                status = Weighted(["open", "won", "lost"], [40, 40, 20]).pick(rng)
            else:
                rep_id = pick_rep.pick(rng)
                partner_id = ctx.rep_partner[rep_id]
                program = ctx.partner_program[partner_id]
                status = STATUSES.pick(rng)
            kind = program.contract_type.code if program else None
            account = None
            if (
                not first
                and partner_id
                and status in ("open", "won", "lost")
                and converted.get(partner_id)
            ):
                if rng.random() < 0.5:
                    account = converted[partner_id].pop()
            # When it was registered: pending ones lately, open ones within their protection.
            if account is not None:
                registered = account[1]
                ago = max(0.0, (now - registered).total_seconds() / 86400)
            else:
                ago = {
                    "pending": rng.uniform(0, 30),
                    "open": 70.0 if first else rng.uniform(0, 85),
                    "expired": rng.uniform(100, 364),
                }.get(status, rng.uniform(20, 364))
                registered = at_days(ago)
            reviewed = at_days(max(0.0, ago - rng.uniform(0.2, 5))) if status != "pending" else None
            path = [(StageCode.REGISTERED, registered)]
            events = [] if direct else [("registered", registered, {})]
            won_on = lost_on = None
            protected = None
            if status == "duplicate":
                events.append(("duplicate", reviewed, {"reason": "同じ顧客の登録が先にある"}))
            elif status == "rejected":
                events.append(("rejected", reviewed, {"reason": "既に直販で商談中"}))
            elif status != "pending":
                if not direct:
                    events.append(("approved", reviewed, {}))
                    protected = reviewed.date() + datetime.timedelta(days=program.protection_days)
                path.append((StageCode.APPROVED, reviewed))
                if status == "expired":
                    events.append(
                        (
                            "protection_expired",
                            datetime.datetime.combine(
                                protected, datetime.time(1), tzinfo=now.tzinfo
                            ),
                            {},
                        )
                    )
                else:
                    steps = 3 if first else rng.randint(0, 3)
                    steps = 3 if status == "won" else steps
                    at = reviewed
                    for code in PATH[:steps]:
                        at = at + datetime.timedelta(days=rng.uniform(2, 20))
                        if at >= now:
                            break
                        path.append((code, at))
                    if status in ("won", "lost"):
                        at = min(now, at + datetime.timedelta(days=rng.uniform(2, 30)))
                        path.append((StageCode.WON if status == "won" else StageCode.LOST, at))
                        day = max(registered.date(), min(today, at.date()))
                        if status == "won":
                            won_on = day
                        else:
                            lost_on = day
            one_time, monthly = _amounts(ctx, kind)
            stage_code, stage_at = path[-1]
            customer = f"{kana_word(ctx, rng.randint(2, 5))}{rng.choice(_CUSTOMER_SUFFIXES)}"
            name = f"株式会社{customer}{i}"
            owner = owner_of.get(partner_id) if partner_id else ctx.managers[0].pk
            registered_by = ctx.rep_user.get(rep_id) if rep_id else rng.choice(staff_users)
            plans.append((partner_id, path, events, won_on, one_time, monthly, rep_id, program))
            registration = {
                "pending": "pending",
                "rejected": "rejected",
                "duplicate": "duplicate",
                "expired": "expired",
            }.get(status, "direct" if direct else "approved")
            yield (
                tenant.pk,
                partner_id,
                program.pk if program else None,
                rep_id,
                account[0] if account else None,
                owner,
                name,
                company_name_key(name),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "クラウド会計 スタンダード"
                if rng.random() < 0.7
                else "クラウド会計 エンタープライズ",
                one_time,
                monthly,
                tenant.base_currency,
                (registered + datetime.timedelta(days=60)).date(),
                "",
                registration,
                registered,
                registered_by,
                reviewed,
                ctx.admin.user_id if reviewed and not direct else None,
                {"rejected": "既に直販で商談中", "duplicate": "同じ顧客の登録が先にある"}.get(
                    status, ""
                ),
                protected,
                stages[stage_code].pk,
                stage_at,
                won_on,
                lost_on,
                "他社に決定" if lost_on else "",
                registered,
                stage_at,
            )

    copy_rows(
        ctx,
        "deals_deal",
        (
            "tenant_id",
            "partner_id",
            "program_id",
            "rep_id",
            "target_account_id",
            "owner_id",
            "customer_name",
            "customer_name_key",
            "second_partner_role",
            "corporate_number",
            "web_domain",
            "contact_name",
            "contact_email",
            "contact_email_domain",
            "external_ref",
            "product",
            "amount_one_time",
            "amount_monthly",
            "currency",
            "expected_close_on",
            "notes",
            "registration_status",
            "registered_at",
            "registered_by_id",
            "reviewed_at",
            "reviewed_by_id",
            "review_reason",
            "protected_until",
            "stage_id",
            "stage_changed_at",
            "won_on",
            "lost_on",
            "lost_reason",
            "created_at",
            "updated_at",
        ),
        rows(),
        "deals",
    )
    deal_ids = ids_of(ctx, "deals_deal")
    # A duplicate registration names the deal registered just before it (the same customer).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE deals_deal d SET duplicate_of_id = o.id, customer_name = o.customer_name, "
            "customer_name_key = o.customer_name_key "
            "FROM deals_deal o WHERE d.tenant_id = %s AND d.registration_status = 'duplicate' "
            "AND o.tenant_id = d.tenant_id AND o.id = d.id - 1",
            [tenant.pk],
        )

    def stage_rows():
        for deal_id, plan in zip(deal_ids, plans, strict=True):
            previous = None
            for code, at in plan[1]:
                yield tenant.pk, deal_id, previous, stages[code].pk, at, ""
                previous = stages[code].pk

    copy_rows(
        ctx,
        "deals_dealstagechange",
        ("tenant_id", "deal_id", "from_stage_id", "to_stage_id", "changed_at", "note"),
        stage_rows(),
        "deal stage changes",
    )
    admin_user = ctx.admin.user_id

    def event_rows():
        for deal_id, plan in zip(deal_ids, plans, strict=True):
            for kind, at, data in plan[2]:
                yield tenant.pk, deal_id, kind, at, json.dumps(data), admin_user

    copy_rows(
        ctx,
        "deals_dealevent",
        ("tenant_id", "deal_id", "kind", "at", "data", "by_id"),
        event_rows(),
        "deal events",
    )
    # What the payouts step books: the partner deals won, with their amounts.
    ctx.extra["won"] = [
        (deal_id, plan[0], plan[6], plan[3], plan[4], plan[5], plan[7])
        for deal_id, plan in zip(deal_ids, plans, strict=True)
        if plan[3] is not None and plan[0] is not None
    ]
    ctx.extra["deal_ids"] = deal_ids
    # And the partner deals' first meeting held (the referral program pays a fee for it).
    held_pk = stages[StageCode.MEETING_HELD].pk
    ctx.extra["held"] = [
        (deal_id, plan[0], plan[6], at.date(), plan[7])
        for deal_id, plan in zip(deal_ids, plans, strict=True)
        if plan[0] is not None
        for code, at in plan[1]
        if stages[code].pk == held_pk
    ]
