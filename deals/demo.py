"""Demo target accounts and deals (called by `manage.py demo_data` through
DealsConfig.load_demo_data), for the Japanese demo tenant whose partners hold contracts.

Eighteen months of history, written in bulk with the dates they would have had: partners'
target-account lists moving through the funnel (fewer accounts at each step, each step taking a
little longer than the one before), deals registered from converted accounts and directly, most
approved, some rejected, some still awaiting review, some whose protection expired, a few
extensions, and direct deals sized so that partners bring about 40 % of won revenue. A few new
registrations name a customer another deal already holds, so the review queue shows conflicts.
Run once: a tenant that already has deals is left alone. Seeded, so every load is the same.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from stdnum.jp import cn as corporate_number

from accounts.models import Membership, Tenant
from accounts.roles import Role
from accounts.tenancy import tenant_context
from deals.models import (
    Deal,
    DealEvent,
    DealEventKind,
    DealStage,
    DealStageChange,
    ExtensionStatus,
    ListWillingness,
    Milestone,
    PartnerTargetList,
    ProtectionExtension,
    RegistrationStatus,
    StageCode,
    TargetAccount,
    TargetAccountChange,
)
from deals.names import company_name_key, deal_keys
from deals.services.conflicts import conflicts_refresh
from deals.services.stages import deal_stages_seed
from deals.services.targets import suggested_priority_refresh
from partners.choices import CustomerSegment, Industry
from partners.models import PartnerRep
from programs.models import ContractStatus, PartnerContract

HISTORY_DAYS = 540
# Chance that an account at a step reaches the next one, and the days the step takes
# (min, max): the funnel narrows and each later step takes a little longer.
STEPS = [
    (Milestone.REQUESTED, 0.65, (2, 10)),
    (Milestone.AGREED, 0.7, (4, 14)),
    (Milestone.ACTION_DONE, 0.75, (6, 20)),
    (Milestone.MEETING_HELD, 0.6, (8, 28)),
    (Milestone.CONVERTED, 0.55, (5, 21)),
]
# Chance that a deal at a stage moves on, and the days it takes.
DEAL_STAGES = [
    (StageCode.MEETING_SET, 0.8, (3, 14)),
    (StageCode.MEETING_HELD, 0.8, (5, 20)),
    (StageCode.PROPOSAL, 0.7, (7, 30)),
    (StageCode.WON, 0.55, (10, 45)),
]
PARTNER_SHARE = Decimal("0.4")

JA_STEMS = [
    "アオバ",
    "ヒカリ",
    "ミドリ",
    "サクラ",
    "ツバサ",
    "ホクト",
    "ナギサ",
    "アサヒ",
    "カエデ",
    "ヤマト",
    "ハヤテ",
    "ミナト",
    "コスモ",
    "イズミ",
    "ソレイユ",
    "アカツキ",
    "シンセイ",
    "トウワ",
    "ダイチ",
    "ユウキ",
]
JA_TRADES = [
    "精機",
    "物産",
    "建設",
    "食品",
    "運輸",
    "電機",
    "商事",
    "不動産",
    "薬品",
    "システム",
    "工業",
    "ホールディングス",
    "メディカル",
    "ロジスティクス",
    "フーズ",
    "テクノ",
]
DROP_REASONS = [
    "予算が確保できなかった",
    "既存ベンダーとの契約が残っている",
    "担当者が異動した",
    "導入時期が未定",
]
LOST_REASONS = ["価格", "競合製品を選定", "導入延期", "要件不一致"]
PRODUCTS = ["スタンダードプラン", "ビジネスプラン", "エンタープライズプラン"]


class _Names:
    """Unique customer names and corporate numbers for one load."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_keys: set[str] = set()
        self.used_numbers: set[str] = set()

    def company(self) -> tuple[str, str]:
        while True:
            stem = self.rng.choice(JA_STEMS)
            trade = self.rng.choice(JA_TRADES)
            suffix = self.rng.choice(["", "第一", "東日本", "西日本", "中部", "九州"])
            body = f"{stem}{suffix}{trade}"
            name = f"株式会社{body}" if self.rng.random() < 0.7 else f"{body}株式会社"
            key = company_name_key(name)
            if key not in self.used_keys:
                self.used_keys.add(key)
                return name, self.number()

    def number(self) -> str:
        while True:
            base = f"{self.rng.randint(10**11, 10**12 - 1)}"
            number = corporate_number.calc_check_digit(base) + base
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A working-hours moment of `day` in the current time zone."""
    naive = datetime.datetime.combine(day, datetime.time(rng.randint(9, 18), rng.randint(0, 59)))
    return timezone.make_aware(naive)


def _first_year_revenue(deal: Deal) -> Decimal:
    """What the demo balances the partner share on: the one-time amount and a year of the
    monthly fee."""
    return deal.amount_one_time + 12 * deal.amount_monthly


def _amounts(rng: random.Random) -> tuple[Decimal, Decimal]:
    one_time = Decimal(rng.randrange(300_000, 5_000_000, 50_000))
    monthly = Decimal(rng.randrange(20_000, 300_000, 10_000)) if rng.random() < 0.6 else Decimal(0)
    return one_time, monthly


class _Loader:
    def __init__(self, tenant: Tenant, rng: random.Random):
        self.tenant = tenant
        self.rng = rng
        self.names = _Names(rng)
        self.today = timezone.localdate()
        self.start = self.today - datetime.timedelta(days=HISTORY_DAYS)
        self.stages = {s.code: s for s in DealStage.objects.filter(tenant=tenant).exclude(code="")}
        self.staff = list(
            Membership.objects.filter(
                tenant=tenant,
                is_active=True,
                role__in=[Role.PARTNER_MANAGER, Role.VENDOR_ADMIN],
            )
            .select_related("user")
            .order_by("role", "pk")
        )
        self.accounts: list[TargetAccount] = []
        self.account_changes: list[TargetAccountChange] = []
        self.deals: list[Deal] = []
        # Per deal (by index in self.deals): its stage changes and events, as kwargs.
        self.deal_history: list[tuple[list[dict], list[dict]]] = []
        self.extensions: list[tuple[int, dict]] = []

    # --- target accounts ----------------------------------------------------------------

    def load_lists(self, contracts: list[PartnerContract], reps: dict[int, list[PartnerRep]]):
        lists = []
        for contract in contracts:
            partner = contract.partner
            roll = self.rng.random()
            willingness = (
                ListWillingness.WILLING
                if roll < 0.7
                else ListWillingness.UNKNOWN
                if roll < 0.85
                else ListWillingness.UNWILLING
            )
            lists.append(
                PartnerTargetList(tenant=self.tenant, partner=partner, willingness=willingness)
            )
            if willingness != ListWillingness.WILLING:
                continue
            count = self.rng.choice([3, 6, 10, 15, 25, 40])
            for _ in range(count):
                self._account(contract, self.rng.choice(reps.get(partner.pk) or [None]))
        PartnerTargetList.objects.bulk_create(lists)

    def _account(self, contract: PartnerContract, rep: PartnerRep | None) -> None:
        rng = self.rng
        name, number = self.names.company()
        listed_on = self.start + datetime.timedelta(days=rng.randint(0, HISTORY_DAYS - 1))
        listed_at = _at(listed_on, rng)
        account = TargetAccount(
            tenant=self.tenant,
            partner=contract.partner,
            rep=rep,
            company_name=name,
            company_name_key=company_name_key(name),
            corporate_number=number if rng.random() < 0.6 else "",
            industry=rng.choice(Industry.values),
            prefecture=rng.choice(["13", "13", "14", "27", "23", "40", "01", "11"]),
            size=rng.choice(CustomerSegment.values[:3]),
            contact_name=rng.choice(["", "総務部 ご担当者様", "情報システム部 部長"]),
            milestone=Milestone.LISTED,
            milestone_at=listed_at,
            created_at=listed_at,
            created_by=rep.membership.user if rep and rep.membership_id else None,
        )
        changes = [dict(from_milestone="", to_milestone=Milestone.LISTED, changed_at=listed_at)]
        at = listed_at
        for milestone, chance, (low, high) in STEPS:
            next_at = at + datetime.timedelta(days=rng.randint(low, high))
            if timezone.localtime(next_at).date() > self.today:
                break
            if rng.random() >= chance:
                # Stalled here; older stalled accounts are mostly dropped with a reason.
                if (self.today - timezone.localtime(at).date()).days > 60 and rng.random() < 0.6:
                    changes.append(
                        dict(
                            from_milestone=account.milestone,
                            to_milestone=Milestone.DROPPED,
                            changed_at=next_at,
                        )
                    )
                    account.milestone, account.milestone_at = Milestone.DROPPED, next_at
                    account.drop_reason = rng.choice(DROP_REASONS)
                break
            by = self._staff_user() if milestone == Milestone.REQUESTED else None
            changes.append(
                dict(
                    from_milestone=account.milestone,
                    to_milestone=milestone,
                    changed_at=next_at,
                    changed_by=by,
                )
            )
            account.milestone, account.milestone_at = milestone, next_at
            at = next_at
        self.accounts.append(account)
        self.account_changes.extend(
            TargetAccountChange(tenant=self.tenant, target_account=account, **change)
            for change in changes
        )
        if account.milestone == Milestone.CONVERTED:
            self._partner_deal(contract, rep, registered_at=at, account=account)

    def _staff_user(self):
        return self.rng.choice(self.staff).user if self.staff else None

    # --- deals --------------------------------------------------------------------------

    def _partner_deal(
        self,
        contract: PartnerContract,
        rep: PartnerRep | None,
        *,
        registered_at: datetime.datetime,
        account: TargetAccount | None = None,
        name: str | None = None,
        number: str | None = None,
        pending: bool = False,
    ) -> Deal:
        rng = self.rng
        if account is not None:
            name, number = account.company_name, account.corporate_number
        elif name is None:
            name, number = self.names.company()
        one_time, monthly = _amounts(rng)
        partner = contract.partner
        deal = Deal(
            tenant=self.tenant,
            partner=partner,
            program=contract.program,
            rep=rep,
            target_account=account,
            owner=partner.owner,
            customer_name=name,
            corporate_number=number or "",
            product=rng.choice(PRODUCTS),
            amount_one_time=one_time,
            amount_monthly=monthly,
            currency=self.tenant.base_currency,
            expected_close_on=timezone.localtime(registered_at).date()
            + datetime.timedelta(days=rng.randint(30, 120)),
            registered_at=registered_at,
            registered_by=rep.membership.user if rep and rep.membership_id else None,
            stage=self.stages[StageCode.REGISTERED],
            stage_changed_at=registered_at,
            created_at=registered_at,
            updated_at=registered_at,
            **deal_keys(customer_name=name, web_domain="", contact_email=""),
        )
        changes = [dict(from_stage=None, to_stage=deal.stage, changed_at=registered_at)]
        events = [dict(kind=DealEventKind.REGISTERED, at=registered_at)]
        reviewed_at = registered_at + datetime.timedelta(days=rng.randint(1, 4))
        if pending or timezone.localtime(reviewed_at).date() > self.today:
            deal.registration_status = RegistrationStatus.PENDING
        elif rng.random() < 0.06:
            reason = "既に直販で商談中の顧客です"
            deal.registration_status = RegistrationStatus.REJECTED
            deal.reviewed_at, deal.review_reason = reviewed_at, reason
            events.append(
                dict(kind=DealEventKind.REJECTED, at=reviewed_at, data={"reason": reason})
            )
        else:
            reviewer = self._staff_user()
            deal.registration_status = RegistrationStatus.APPROVED
            deal.reviewed_at, deal.reviewed_by = reviewed_at, reviewer
            reviewed_on = timezone.localtime(reviewed_at).date()
            deal.protected_until = reviewed_on + datetime.timedelta(
                days=contract.program.protection_days
            )
            events.append(
                dict(
                    kind=DealEventKind.APPROVED,
                    at=reviewed_at,
                    by=reviewer,
                    data={"protected_until": deal.protected_until.isoformat()},
                )
            )
            changes.append(self._move(deal, StageCode.APPROVED, reviewed_at, by=reviewer))
            self._progress(deal, changes, reviewed_at)
            self._protection(deal, events)
        self.deals.append(deal)
        self.deal_history.append((changes, events))
        return deal

    def _move(self, deal: Deal, code: str, at: datetime.datetime, by=None) -> dict:
        change = dict(
            from_stage=deal.stage, to_stage=self.stages[code], changed_at=at, changed_by=by
        )
        deal.stage, deal.stage_changed_at, deal.updated_at = self.stages[code], at, at
        return change

    def _progress(self, deal: Deal, changes: list[dict], at: datetime.datetime) -> None:
        """Move an approved (or direct) deal on through the stages until it stops, is won or
        is lost, never past today."""
        rng = self.rng
        for code, chance, (low, high) in DEAL_STAGES:
            next_at = at + datetime.timedelta(days=rng.randint(low, high))
            if timezone.localtime(next_at).date() > self.today:
                return
            if rng.random() >= chance:
                if (self.today - timezone.localtime(at).date()).days > 45 and rng.random() < 0.7:
                    changes.append(self._move(deal, StageCode.LOST, next_at))
                    deal.lost_on = timezone.localtime(next_at).date()
                    deal.lost_reason = rng.choice(LOST_REASONS)
                return
            changes.append(self._move(deal, code, next_at))
            at = next_at
            if code == StageCode.WON:
                deal.won_on = timezone.localtime(next_at).date()
                return

    def _protection(self, deal: Deal, events: list[dict]) -> None:
        """An approved deal still open after its protection: extended once (some), or expired."""
        if deal.won_on or deal.lost_on or deal.protected_until >= self.today:
            return
        rng = self.rng
        asked_on = deal.protected_until - datetime.timedelta(days=rng.randint(3, 10))
        if rng.random() < 0.35:
            until = deal.protected_until + datetime.timedelta(days=60)
            approved = rng.random() < 0.75
            asked_at, decided_at = (
                _at(asked_on, rng),
                _at(asked_on + datetime.timedelta(days=2), rng),
            )
            self.extensions.append(
                (
                    len(self.deals),
                    dict(
                        requested_until=until,
                        reason="お客様の決裁が来月の取締役会になるため",
                        requested_at=asked_at,
                        requested_by=deal.registered_by,
                        status=ExtensionStatus.APPROVED if approved else ExtensionStatus.REFUSED,
                        decided_at=decided_at,
                    ),
                )
            )
            events.append(
                dict(kind=DealEventKind.EXTENSION_REQUESTED, at=asked_at, by=deal.registered_by)
            )
            events.append(
                dict(
                    kind=DealEventKind.EXTENSION_APPROVED
                    if approved
                    else DealEventKind.EXTENSION_REFUSED,
                    at=decided_at,
                    data={"until": until.isoformat()} if approved else {},
                )
            )
            if approved:
                deal.protected_until = until
                if until >= self.today:
                    return
        expired_at = _at(deal.protected_until + datetime.timedelta(days=1), rng)
        deal.registration_status = RegistrationStatus.EXPIRED
        events.append(dict(kind=DealEventKind.PROTECTION_EXPIRED, at=expired_at))

    def direct_deals(self, partner_won: Decimal) -> None:
        """Direct deals until the vendor's own won revenue is 60 % of the total."""
        rng = self.rng
        target = partner_won * (1 - PARTNER_SHARE) / PARTNER_SHARE
        won = Decimal(0)
        while won < target:
            name, number = self.names.company()
            registered_on = self.start + datetime.timedelta(days=rng.randint(0, HISTORY_DAYS - 30))
            registered_at = _at(registered_on, rng)
            one_time, monthly = _amounts(rng)
            owner = rng.choice(self.staff) if self.staff else None
            deal = Deal(
                tenant=self.tenant,
                partner=None,
                owner=owner,
                customer_name=name,
                corporate_number=number,
                product=rng.choice(PRODUCTS),
                amount_one_time=one_time,
                amount_monthly=monthly,
                currency=self.tenant.base_currency,
                registration_status=RegistrationStatus.DIRECT,
                registered_at=registered_at,
                registered_by=owner.user if owner else None,
                stage=self.stages[StageCode.APPROVED],
                stage_changed_at=registered_at,
                created_at=registered_at,
                updated_at=registered_at,
                **deal_keys(customer_name=name, web_domain="", contact_email=""),
            )
            changes = [dict(from_stage=None, to_stage=deal.stage, changed_at=registered_at)]
            self._progress(deal, changes, registered_at)
            if deal.won_on:
                won += _first_year_revenue(deal)
            self.deals.append(deal)
            self.deal_history.append((changes, []))

    def conflicting_registrations(self, contracts, reps) -> None:
        """New registrations, awaiting review, of customers other deals already hold: typed
        the way another rep would (㈱ for 株式会社, half-width kana), or the same corporate
        number under another name."""
        holders = [
            d
            for d in self.deals
            if d.registration_status in (RegistrationStatus.APPROVED, RegistrationStatus.DIRECT)
            and not d.lost_on
        ]
        now = timezone.now()
        for index, held in enumerate(self.rng.sample(holders, min(5, len(holders)))):
            contract = contracts[(index * 7) % len(contracts)]
            if held.partner_id == contract.partner_id:
                contract = contracts[(index * 7 + 1) % len(contracts)]
            if index % 2 == 0:
                name = held.customer_name.replace("株式会社", "") + "㈱"
                number = ""
            else:
                name = held.customer_name.replace("株式会社", "（株）") + " 本社"
                number = held.corporate_number
            rep = self.rng.choice(reps.get(contract.partner_id) or [None])
            self._partner_deal(
                contract,
                rep,
                registered_at=now - datetime.timedelta(days=index + 1, hours=index),
                name=name,
                number=number,
                pending=True,
            )

    def recent_pending(self, contracts, reps, count: int) -> None:
        now = timezone.now()
        for index in range(count):
            contract = contracts[(index * 3) % len(contracts)]
            rep = self.rng.choice(reps.get(contract.partner_id) or [None])
            self._partner_deal(
                contract,
                rep,
                registered_at=now - datetime.timedelta(days=index % 6, hours=2 + index),
                pending=True,
            )

    # --- writing ------------------------------------------------------------------------

    def write(self) -> None:
        TargetAccount.objects.bulk_create(self.accounts)
        TargetAccountChange.objects.bulk_create(self.account_changes)
        for deal in self.deals:
            if deal.target_account is not None:
                deal.target_account_id = deal.target_account.pk
        Deal.objects.bulk_create(self.deals)
        stage_changes, events = [], []
        for deal, (changes, deal_events) in zip(self.deals, self.deal_history, strict=True):
            stage_changes.extend(
                DealStageChange(tenant=self.tenant, deal=deal, **c) for c in changes
            )
            events.extend(DealEvent(tenant=self.tenant, deal=deal, **e) for e in deal_events)
        DealStageChange.objects.bulk_create(stage_changes)
        DealEvent.objects.bulk_create(events)
        ProtectionExtension.objects.bulk_create(
            ProtectionExtension(tenant=self.tenant, deal=self.deals[index], **fields)
            for index, fields in self.extensions
        )


def load_deal_demo(tenant: Tenant, *, seed: int = 9, stdout=None) -> int:
    """Fill one demo tenant; returns how many deals it created (0 when it had some, or when
    its partners hold no contracts)."""
    with tenant_context(tenant), translation.override(tenant.default_language):
        deal_stages_seed(tenant=tenant)
        if Deal.objects.filter(tenant=tenant).exists():
            return 0
        contracts = list(
            PartnerContract.objects.filter(
                tenant=tenant, status__in=[ContractStatus.ACTIVE, ContractStatus.EXPIRING]
            )
            .select_related("partner__owner", "program")
            .order_by("partner_id", "pk")
        )
        # One contract per partner: the first (the demo partner's is the one it accepted).
        by_partner: dict[int, PartnerContract] = {}
        for contract in contracts:
            by_partner.setdefault(contract.partner_id, contract)
        contracts = list(by_partner.values())
        if not contracts:
            return 0
        reps: dict[int, list[PartnerRep]] = {}
        for rep in PartnerRep.objects.filter(
            tenant=tenant, partner_id__in=by_partner, is_active=True
        ).select_related("membership__user"):
            reps.setdefault(rep.partner_id, []).append(rep)
        loader = _Loader(tenant, random.Random(seed))
        with transaction.atomic():
            # The demo partner (the one the demo portal logins belong to) lists first.
            demo_first = sorted(
                contracts,
                key=lambda c: not any(r.membership_id for r in reps.get(c.partner_id, [])),
            )
            loader.load_lists(demo_first, reps)
            partner_won = sum(
                (_first_year_revenue(d) for d in loader.deals if d.won_on), start=Decimal(0)
            )
            loader.direct_deals(partner_won)
            loader.conflicting_registrations(demo_first, reps)
            loader.recent_pending(demo_first, reps, count=4)
            loader.write()
            # The review queue's matches, as registration would have stored them.
            for deal in loader.deals:
                if deal.registration_status == RegistrationStatus.PENDING:
                    conflicts_refresh(tenant=tenant, deal=deal)
            # Suggested priority A-D from each partner's list, beside the one staff chose.
            for contract in contracts:
                suggested_priority_refresh(tenant=tenant, partner=contract.partner)
    if stdout is not None:
        stdout.write(f"  /{tenant.slug}/  {len(loader.deals)} demo deals")
    return len(loader.deals)


def demo_deal_counts(tenant: Tenant) -> dict[str, int]:
    """What the demo holds, for its tests: accounts, deals by kind."""
    with tenant_context(tenant):
        deals = Deal.objects.filter(tenant=tenant)
        return {
            "accounts": TargetAccount.objects.filter(tenant=tenant).count(),
            "partner_deals": deals.filter(partner__isnull=False).count(),
            "direct_deals": deals.filter(partner__isnull=True).count(),
            "expired": deals.filter(registration_status=RegistrationStatus.EXPIRED).count(),
            "pending": deals.filter(registration_status=RegistrationStatus.PENDING).count(),
            "won_partner": deals.filter(Q(won_on__isnull=False), partner__isnull=False).count(),
        }
