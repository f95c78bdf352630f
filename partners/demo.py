"""Demo partners for the demo tenants (called by `manage.py demo_data` through
PartnersConfig.load_demo_data). Deterministic (random.Random(seed)), bulk-inserted, run once:
a tenant that already has partners is left alone. The companies are invented."""

import datetime
import random

from django.db import transaction
from django.utils import timezone, translation
from stdnum.jp import cn as corporate_number

from accounts.models import Membership, Tenant
from accounts.roles import Role
from accounts.tenancy import tenant_context
from partners.choices import (
    ActivityKind,
    BankAccountType,
    CustomerSegment,
    EntityKind,
    Industry,
    PartnerStatus,
    Priority,
    ProspectSource,
    ProspectStage,
)
from partners.models import (
    Activity,
    ActivityRepAttendee,
    ActivityStaffAttendee,
    CadenceRule,
    LostReason,
    Partner,
    PartnerPersona,
    PartnerRep,
    PartnerStatusChange,
    PartnerType,
    Prospect,
    ProspectStageChange,
)
from partners.selectors.engagement import DEFAULT_CADENCES
from partners.services.engagement import partner_last_contact_refresh
from partners.services.recruitment import prospect_fit_scores_refresh
from partners.validators import search_key

# (name, reading) parts: the first gives the company its colour, the second its trade.
JA_STEMS = [
    ("青葉", "アオバ"),
    ("桜川", "サクラガワ"),
    ("東和", "トウワ"),
    ("北斗", "ホクト"),
    ("みらい", "ミライ"),
    ("瑞穂", "ミズホ"),
    ("光陽", "コウヨウ"),
    ("中央", "チュウオウ"),
    ("大和田", "オオワダ"),
    ("白鷺", "シラサギ"),
    ("若葉", "ワカバ"),
    ("緑丘", "ミドリガオカ"),
    ("富士見", "フジミ"),
    ("朝日野", "アサヒノ"),
    ("信和", "シンワ"),
    ("陽光", "ヨウコウ"),
    ("はやて", "ハヤテ"),
    ("港北", "コウホク"),
    ("湘洋", "ショウヨウ"),
    ("明星", "ミョウジョウ"),
    ("栄進", "エイシン"),
    ("千早", "チハヤ"),
    ("凌雲", "リョウウン"),
    ("大樹", "タイジュ"),
    ("かなで", "カナデ"),
    ("三光", "サンコウ"),
    ("海風", "ウミカゼ"),
    ("錦", "ニシキ"),
]
JA_TYPES = {
    "販売代理店": [
        ("商事", "ショウジ"),
        ("販売", "ハンバイ"),
        ("トレーディング", "トレーディング"),
    ],
    "地方銀行": [("銀行", "ギンコウ")],
    "通信キャリア": [("テレコム", "テレコム"), ("通信", "ツウシン")],
    "会計事務所": [("会計サービス", "カイケイサービス"), ("経営会計", "ケイエイカイケイ")],
    "コンサルティング": [("コンサルティング", "コンサルティング"), ("総研", "ソウケン")],
    "SIer": [
        ("システムズ", "システムズ"),
        ("情報システム", "ジョウホウシステム"),
        ("ソリューションズ", "ソリューションズ"),
    ],
}
JA_TYPE_WEIGHTS = {
    "販売代理店": 30,
    "地方銀行": 8,
    "通信キャリア": 6,
    "会計事務所": 18,
    "コンサルティング": 14,
    "SIer": 24,
}
JA_FAMILY = [
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
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
]
JA_GIVEN = [
    ("大輔", "ダイスケ"),
    ("美咲", "ミサキ"),
    ("翔太", "ショウタ"),
    ("由美", "ユミ"),
    ("健一", "ケンイチ"),
    ("愛", "アイ"),
    ("拓也", "タクヤ"),
    ("陽子", "ヨウコ"),
    ("誠", "マコト"),
    ("彩", "アヤ"),
    ("直樹", "ナオキ"),
    ("恵", "メグミ"),
]
JA_DEPARTMENTS = [
    "営業部",
    "営業推進部",
    "法人営業部",
    "ソリューション営業部",
    "事業開発部",
    "経営企画部",
    "マーケティング部",
]
JA_TITLES = ["", "", "主任", "係長", "課長", "部長", "マネージャー"]
JA_CITIES = {
    "13": ["千代田区", "港区", "新宿区", "渋谷区", "品川区"],
    "27": ["大阪市北区", "大阪市中央区"],
    "23": ["名古屋市中区", "名古屋市中村区"],
    "40": ["福岡市博多区", "福岡市中央区"],
    "14": ["横浜市西区", "川崎市中原区"],
    "01": ["札幌市中央区"],
    "04": ["仙台市青葉区"],
    "34": ["広島市中区"],
    "26": ["京都市下京区"],
    "28": ["神戸市中央区"],
    "11": ["さいたま市大宮区"],
    "22": ["静岡市葵区"],
    "15": ["新潟市中央区"],
    "17": ["金沢市"],
}
PREFECTURE_WEIGHTS = {
    "13": 40,
    "27": 12,
    "23": 9,
    "40": 7,
    "14": 8,
    "01": 4,
    "04": 3,
    "34": 3,
    "26": 3,
    "28": 3,
    "11": 3,
    "22": 2,
    "15": 2,
    "17": 1,
}
JA_LOST_REASONS = [
    "自社製品と競合",
    "営業リソース不足",
    "手数料条件が合わない",
    "連絡が途絶えた",
    "対象顧客層が異なる",
]
EN_LOST_REASONS = [
    "Competes with their own product",
    "No sales capacity",
    "Commission terms",
    "Went silent",
]
JA_NOTES = [
    "定例会で今期の案件状況を確認。",
    "新製品の勉強会を実施、営業担当8名が参加。",
    "重点顧客への同行営業。次回デモを設定。",
    "キャンペーン施策について打ち合わせ。",
    "担当者交代の挨拶。引き継ぎ事項を確認。",
    "見積条件について電話で相談を受けた。",
]
EN_NOTES = [
    "Quarterly review of the pipeline.",
    "Product training for their sales team.",
    "Joint visit to a key account; demo booked.",
    "Discussed the spring campaign.",
]
EN_COMPANIES = [
    "Harbor Systems",
    "Bluepeak Consulting",
    "Northgate Resellers",
    "Cedar & Finch Advisory",
    "Lumen Telecom",
    "Brightwater Solutions",
    "Ironbridge IT",
    "Kestrel Partners",
    "Maple Row Accounting",
    "Summit Line Distribution",
    "Oakridge Digital",
    "Silverfern Group",
]
EN_TYPES = ["Reseller", "Consultancy", "System integrator", "Telecom carrier", "Accounting firm"]

# A few partners are people, not companies (the Freelance Act and withholding apply to them):
# by the position among the Japanese tenant's active partners, an individual (a person's
# name, a trade name as display name, no corporate number, no registration number) or a
# one-person company (合同会社). Fixed, so the demo stays the same run after run.
JA_SOLE_PARTNERS = {
    5: (EntityKind.INDIVIDUAL, ("山本 拓也", "ヤマモト タクヤ"), "山本営業企画"),
    15: (EntityKind.ONE_PERSON_COMPANY, ("合同会社はやて企画", "ハヤテキカク"), "はやて企画"),
    30: (EntityKind.INDIVIDUAL, ("中村 陽子", "ナカムラ ヨウコ"), "なかむら会計事務所"),
    45: (EntityKind.ONE_PERSON_COMPANY, ("合同会社千早ラボ", "チハヤラボ"), "千早ラボ"),
}

PRIORITY_SHARES = [(Priority.A, 10), (Priority.B, 25), (Priority.C, 40), (Priority.D, 25)]
ACTIVITIES_PER_YEAR = {
    Priority.A: (35, 50),
    Priority.B: (12, 20),
    Priority.C: (5, 10),
    Priority.D: (1, 3),
}
STAGE_PATH = [
    ProspectStage.SOURCED,
    ProspectStage.CONTACTED,
    ProspectStage.MEETING,
    ProspectStage.PROPOSAL,
    ProspectStage.SIGNED,
]


def _demo_moment(day: datetime.date) -> datetime.datetime:
    """10:00 on `day` in the current time zone (the tenant's, inside the loader)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _corporate_number(rng: random.Random, used: set[str]) -> str:
    while True:
        body = f"{rng.randrange(10**11, 10**12):012d}"
        number = corporate_number.calc_check_digit(body) + body
        if number not in used:
            used.add(number)
            return number


def _priorities(rng: random.Random, count: int) -> list[str]:
    values = []
    for priority, share in PRIORITY_SHARES:
        values += [priority] * round(count * share / 100)
    values = (values + [Priority.C] * count)[:count]
    rng.shuffle(values)
    return values


def _status(rng: random.Random) -> str:
    return _weighted(
        rng,
        {
            PartnerStatus.ACTIVE: 78,
            PartnerStatus.ONBOARDING: 8,
            PartnerStatus.DORMANT: 10,
            PartnerStatus.TERMINATED: 4,
        },
    )


FULL_KATA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンー"
)
HALF_KATA = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｰ"


def _bank_kana(kana: str) -> str:
    import unicodedata

    out = []
    for char in kana:
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        base = (
            "アイウエオヤユヨツ"["ァィゥェォャュョッ".index(base)]
            if base in "ァィゥェォャュョッ"
            else base
        )
        index = FULL_KATA.find(base)
        if index < 0:
            continue
        out.append(HALF_KATA[index])
        if "\u3099" in marks:
            out.append("ﾞ")
        elif "\u309a" in marks:
            out.append("ﾟ")
    return "ｶ)" + "".join(out)


def _make_sole(partner: Partner, kind: str, names: tuple[str, str], trade_name: str) -> None:
    """Turn a generated company into a person or a one-person company (no random draws, so
    every other partner stays as it was)."""
    partner.entity_kind = kind
    partner.legal_name, partner.legal_name_kana = names
    partner.display_name = trade_name
    partner.employee_count = 1
    partner.sales_headcount = 1
    if kind == EntityKind.INDIVIDUAL:
        # A sole trader has no corporate number; this one is not registered for invoices.
        partner.corporate_number = ""
        partner.registration_number = ""
        family, _space, given = partner.legal_name_kana.partition(" ")
        holder = _bank_kana(family)[2:] + " " + _bank_kana(given)[2:]
    else:
        holder = "ﾄﾞ)" + _bank_kana(partner.legal_name_kana)[2:]
    if partner.account_number:
        partner.account_holder_kana = holder


def load_partner_demo(tenant: Tenant, *, seed: int = 3, stdout=None) -> int:
    """Fill one demo tenant; returns how many partners it created (0 when it had some)."""
    japanese = tenant.default_language == "ja"
    with tenant_context(tenant), translation.override(tenant.default_language):
        if Partner.objects.filter(tenant=tenant).exists():
            return 0
        with transaction.atomic():
            count = _load(tenant, random.Random(seed), japanese)
    if stdout is not None:
        stdout.write(f"  /{tenant.slug}/  {count} demo partners")
    return count


def _load(tenant: Tenant, rng: random.Random, japanese: bool) -> int:
    today = timezone.localdate()
    owners = list(
        Membership.objects.filter(
            tenant=tenant, is_active=True, role__in=[Role.PARTNER_MANAGER, Role.VENDOR_ADMIN]
        ).order_by("role", "pk")
    )
    type_names = list(JA_TYPES) if japanese else EN_TYPES
    types = PartnerType.objects.bulk_create(
        [PartnerType(tenant=tenant, name=name, position=i) for i, name in enumerate(type_names)]
    )
    type_by_name = {t.name: t for t in types}
    used_numbers: set[str] = set()
    count = 100 if japanese else 12
    priorities = _priorities(rng, count)
    partners: list[Partner] = []
    used_names: set[str] = set()
    active_seen = 0
    for index in range(count):
        if japanese:
            type_name = _weighted(rng, JA_TYPE_WEIGHTS)
            while True:
                stem, stem_kana = rng.choice(JA_STEMS)
                trade, trade_kana = rng.choice(JA_TYPES[type_name])
                name = stem + trade
                if name not in used_names:
                    used_names.add(name)
                    break
            before = rng.random() < 0.6
            legal_name = f"株式会社{name}" if before else f"{name}株式会社"
            kana = stem_kana + trade_kana
            display_name = name
        else:
            type_name = EN_TYPES[index % len(EN_TYPES)]
            legal_name = EN_COMPANIES[index] + (" Inc." if index % 2 else " Ltd.")
            kana, display_name = "", EN_COMPANIES[index]
        number = _corporate_number(rng, used_numbers)
        prefecture = _weighted(rng, PREFECTURE_WEIGHTS)
        status = _status(rng)
        has_bank = rng.random() < 0.7
        employees = rng.choice([8, 15, 30, 45, 80, 120, 300, 650, 1200, 4000])
        partner = Partner(
            tenant=tenant,
            legal_name=legal_name,
            legal_name_kana=kana,
            display_name=display_name,
            corporate_number=number,
            entity_kind=EntityKind.COMPANY,
            partner_type=type_by_name[type_name],
            industries=rng.sample(Industry.values, rng.randint(1, 3)),
            customer_segments=rng.sample(CustomerSegment.values, rng.randint(1, 2)),
            prefectures=sorted({prefecture, *rng.sample(list(PREFECTURE_WEIGHTS), 2)}),
            employee_count=employees,
            sales_headcount=max(1, employees // rng.randint(4, 10)),
            other_vendor_products_count=rng.randint(0, 12),
            status=status,
            status_since=today - datetime.timedelta(days=rng.randint(30, 1500)),
            owner=rng.choice(owners) if owners else None,
            priority=priorities[index],
            postal_code=f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}",
            prefecture=prefecture,
            city=rng.choice(JA_CITIES[prefecture]) if japanese else "",
            street_address=f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
            website=f"https://www.example-partner{index + 1:03d}.jp",
            registration_number=f"T{number}" if rng.random() < 0.85 else "",
            bank_code=f"{rng.randint(1, 2999):04d}" if has_bank else "",
            bank_name=(("みらい信用金庫" if japanese else "Harbor Bank") if has_bank else ""),
            branch_code=f"{rng.randint(1, 999):03d}" if has_bank else "",
            branch_name=("本店営業部" if japanese else "Main branch") if has_bank else "",
            account_type=BankAccountType.ORDINARY if has_bank else "",
            account_number=f"{rng.randint(0, 9999999):07d}" if has_bank else "",
            account_holder_kana=(_bank_kana(kana) if japanese else "ﾃﾞﾓ") if has_bank else "",
        )
        if japanese and status == PartnerStatus.ACTIVE:
            sole = JA_SOLE_PARTNERS.get(active_seen)
            active_seen += 1
            if sole is not None:
                _make_sole(partner, *sole)
        # On the books since a while before its current status (no draw of its own: the
        # rest of the demo stays as it was), so a year of KPI history knows the partner.
        partner.created_at = _demo_moment(partner.status_since - datetime.timedelta(days=60))
        partner.search_text = search_key(
            partner.legal_name,
            partner.legal_name_kana,
            partner.display_name,
            partner.corporate_number,
        )
        partners.append(partner)
    partners = Partner.objects.bulk_create(partners)
    PartnerStatusChange.objects.bulk_create(
        [
            PartnerStatusChange(
                tenant=tenant, partner=p, status=p.status, changed_on=p.status_since
            )
            for p in partners
        ]
    )

    # Reps: 3-30 per partner, most without a portal login.
    reps: list[PartnerRep] = []
    for p_index, partner in enumerate(partners):
        for r_index in range(rng.randint(3, 30) if japanese else rng.randint(3, 6)):
            if japanese:
                family, family_kana = rng.choice(JA_FAMILY)
                given, given_kana = rng.choice(JA_GIVEN)
                full_name, full_kana = f"{family} {given}", f"{family_kana} {given_kana}"
            else:
                full_name, full_kana = (
                    rng.choice(["Alex", "Sam", "Jo", "Kim"]) + " " + rng.choice(["Smith", "Reed"]),
                    "",
                )
            left = rng.random() < 0.08
            # Drawn in the order they always were, so the demo stays the same.
            department = rng.choice(JA_DEPARTMENTS) if japanese else "Sales"
            title = rng.choice(JA_TITLES) if japanese else ""
            left_on = today - datetime.timedelta(days=rng.randint(10, 300)) if left else None
            # Known since the partner joined, one more rep every few weeks, each at least two
            # weeks before today (and a month before leaving).
            joined = partner.created_at + datetime.timedelta(days=25 * r_index)
            latest = timezone.now() - datetime.timedelta(days=14)
            if left_on is not None:
                latest = min(latest, _demo_moment(left_on - datetime.timedelta(days=30)))
            reps.append(
                PartnerRep(
                    tenant=tenant,
                    partner=partner,
                    full_name=full_name,
                    full_name_kana=full_kana,
                    email=f"rep{r_index + 1}@example-partner{p_index + 1:03d}.jp",
                    department=department,
                    title=title,
                    is_active=not left,
                    is_reachable=not left,
                    left_on=left_on,
                    created_at=min(joined, latest),
                )
            )
    reps = PartnerRep.objects.bulk_create(reps)
    showcase = next(p for p in partners if p.status == PartnerStatus.ACTIVE)
    _link_demo_logins(tenant, showcase, reps)

    # A year of activities, more for A and B.
    reps_by_partner: dict[int, list[PartnerRep]] = {}
    for rep in reps:
        reps_by_partner.setdefault(rep.partner_id, []).append(rep)
    activities, attendee_plan = [], []
    notes = JA_NOTES if japanese else EN_NOTES
    for partner in partners:
        if partner.status == PartnerStatus.TERMINATED:
            continue
        low, high = ACTIVITIES_PER_YEAR[partner.priority]
        for _ in range(rng.randint(low, high)):
            activities.append(
                Activity(
                    tenant=tenant,
                    partner=partner,
                    kind=_weighted(
                        rng,
                        {
                            ActivityKind.REGULAR_MEETING: 40,
                            ActivityKind.CALL: 20,
                            ActivityKind.EMAIL: 15,
                            ActivityKind.STUDY_SESSION: 8,
                            ActivityKind.JOINT_VISIT: 10,
                            ActivityKind.DINNER: 4,
                            ActivityKind.OTHER: 3,
                        },
                    ),
                    occurred_on=today - datetime.timedelta(days=rng.randint(0, 364)),
                    notes=rng.choice(notes),
                    created_by=partner.owner.user if partner.owner else None,
                )
            )
            attendee_plan.append(partner)
    activities = Activity.objects.bulk_create(activities)
    # bulk_create goes around the activity services: the partners' last contact is set here.
    partner_last_contact_refresh(tenant=tenant)
    staff_rows, rep_rows = [], []
    for activity, partner in zip(activities, attendee_plan, strict=True):
        if partner.owner_id:
            staff_rows.append(
                ActivityStaffAttendee(
                    tenant=tenant, activity=activity, membership_id=partner.owner_id
                )
            )
        candidates = [r for r in reps_by_partner.get(partner.pk, []) if r.is_active]
        for rep in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
            rep_rows.append(ActivityRepAttendee(tenant=tenant, activity=activity, rep=rep))
    ActivityStaffAttendee.objects.bulk_create(staff_rows)
    ActivityRepAttendee.objects.bulk_create(rep_rows)

    # Settings: cadence rows, lost reasons, persona.
    CadenceRule.objects.bulk_create(
        [
            CadenceRule(
                tenant=tenant,
                priority=priority,
                contact_interval_days=rule.contact_interval_days,
                expectation=str(rule.expectation),
            )
            for priority, rule in DEFAULT_CADENCES.items()
        ]
    )
    lost_reasons = LostReason.objects.bulk_create(
        [
            LostReason(tenant=tenant, label=label, position=i)
            for i, label in enumerate(JA_LOST_REASONS if japanese else EN_LOST_REASONS)
        ]
    )
    PartnerPersona.objects.create(
        tenant=tenant,
        ideal_industries=[Industry.IT, Industry.PROFESSIONAL, Industry.MANUFACTURING],
        customer_segments=[CustomerSegment.SMALL, CustomerSegment.MID],
        ideal_prefectures=["13", "27", "23"],
        min_employee_count=30,
        max_employee_count=1000,
        min_sales_headcount=5,
        products_handled="会計ソフト, 給与計算, 勤怠管理" if japanese else "accounting, payroll",
        goals=(
            "中堅・中小企業に会計クラウドを提案できる販売網を広げる。"
            if japanese
            else "Reach mid-sized companies through resellers of back-office software."
        ),
    )
    _load_pipeline(tenant, rng, japanese, owners, lost_reasons, types, partners, used_numbers)
    # The pipeline's prospects are bulk-inserted: their fit to the persona is stored here.
    prospect_fit_scores_refresh(tenant=tenant)
    return len(partners)


def _link_demo_logins(tenant: Tenant, partner: Partner, reps: list[PartnerRep]) -> None:
    """The demo portal logins (accounts/demo.py) become reps of the first partner."""
    own = [rep for rep in reps if rep.partner_id == partner.pk]
    logins = (
        Membership.objects.filter(tenant=tenant, role__in=[Role.PARTNER_ADMIN, Role.PARTNER_REP])
        .select_related("user")
        .order_by("role", "pk")
    )
    for rep, membership in zip(own, logins, strict=False):
        rep.membership = membership
        rep.email = membership.user.email
        rep.full_name = membership.user.full_name or rep.full_name
        rep.is_active = True
        rep.left_on = None
        rep.save(update_fields=["membership", "email", "full_name", "is_active", "left_on"])


def _load_pipeline(tenant, rng, japanese, owners, lost_reasons, types, partners, used_numbers):
    now = timezone.now()
    sources = list(ProspectSource.values)
    signable = [p for p in partners if p.status == PartnerStatus.ONBOARDING]
    prospects, histories = [], []
    total = 40 if japanese else 12
    for index in range(total):
        source = sources[index % len(sources)]
        if index < len(ProspectStage.values):
            stage = ProspectStage.values[index]
        else:
            stage = _weighted(
                rng,
                {
                    ProspectStage.SOURCED: 25,
                    ProspectStage.CONTACTED: 25,
                    ProspectStage.MEETING: 18,
                    ProspectStage.PROPOSAL: 12,
                    ProspectStage.SIGNED: 5,
                    ProspectStage.LOST: 15,
                },
            )
        if stage == ProspectStage.SIGNED and not signable:
            stage = ProspectStage.PROPOSAL
        if japanese:
            stem, stem_kana = rng.choice(JA_STEMS)
            name, kana = f"{stem}ビジネスサービス株式会社", f"{stem_kana}ビジネスサービス"
            contact = f"{rng.choice(JA_FAMILY)[0]} {rng.choice(JA_GIVEN)[0]}"
        else:
            name, kana = f"Prospect Works {index + 1}", ""
            contact = f"Contact {index + 1}"
        # The path it took: sourced → … → its stage; a lost one dropped out somewhere.
        if stage == ProspectStage.LOST:
            path = STAGE_PATH[: rng.randint(1, 4)] + [ProspectStage.LOST]
        else:
            path = STAGE_PATH[: STAGE_PATH.index(stage) + 1]
        started = now - datetime.timedelta(days=rng.randint(20, 300))
        times = [started]
        for _ in path[1:]:
            times.append(times[-1] + datetime.timedelta(days=rng.randint(3, 20)))
        partner = signable.pop() if stage == ProspectStage.SIGNED else None
        prospects.append(
            Prospect(
                tenant=tenant,
                company_name=name,
                company_name_kana=kana,
                corporate_number=_corporate_number(rng, used_numbers),
                partner_type=rng.choice(types),
                industries=rng.sample(Industry.values, 2),
                customer_segments=[rng.choice(CustomerSegment.values)],
                prefectures=[_weighted(rng, PREFECTURE_WEIGHTS)],
                employee_count=rng.choice([20, 50, 120, 400]),
                sales_headcount=rng.choice([3, 8, 20]),
                contact_name=contact,
                contact_email=f"contact{index + 1}@prospect{index + 1:02d}.example.jp",
                source=source,
                stage=stage,
                stage_changed_at=times[-1],
                lost_reason=rng.choice(lost_reasons) if stage == ProspectStage.LOST else None,
                owner=rng.choice(owners) if owners else None,
                partner=partner,
                created_at=started,
            )
        )
        histories.append(list(zip(path, times, strict=True)))
    prospects = Prospect.objects.bulk_create(prospects)
    changes = []
    for prospect, history in zip(prospects, histories, strict=True):
        previous = ""
        for stage, at in history:
            changes.append(
                ProspectStageChange(
                    tenant=tenant,
                    prospect=prospect,
                    from_stage=previous,
                    to_stage=stage,
                    changed_at=at,
                    changed_by=prospect.owner.user if prospect.owner else None,
                )
            )
            previous = stage
    ProspectStageChange.objects.bulk_create(changes)
