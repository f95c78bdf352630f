"""Demo programs and tiers (called by `manage.py demo_data` through
ProgramsConfig.load_demo_data). Written through the services, so the demo has the audit rows
a real tenant would. Run once: a tenant that already has programs is left alone. Each program
gets realistic commission rule sets (one version from the fiscal year's start) and its tiers
name the one that applies. Then each program gets its written terms (version 1) and the
partners their contracts: most active partners one (some two), a handful ending within 30 and
60 days, a couple of drafts, one ended and renewed; the demo partner admin has accepted the
terms of one contract and not yet of the other."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Tenant
from accounts.roles import Role
from accounts.tenancy import tenant_context
from partners.choices import PartnerStatus
from partners.models import Partner, PartnerRep
from programs.commission.calculator import add_months
from programs.demo_library import load_library_demo
from programs.models import (
    ContractKind,
    ContractStatus,
    ContractType,
    PartnerContract,
    PartnerRole,
    Program,
    ProgramKpi,
    ProgramTerms,
    Tier,
)
from programs.services.commission import rule_set_create, rule_set_version_create
from programs.services.contract_types import contract_types_ensure_defaults
from programs.services.contracts import (
    EXPIRING_DAYS,
    contract_activate,
    contract_create,
    contract_end,
    contract_renew,
    terms_create,
)
from programs.services.notices import NOTICE_ENTITY_KINDS, written_notice_issue
from programs.services.programs import program_create, tier_create
from programs.services.terms import contract_terms_accept

# (name, built-in type, role, KPI, public, description, tiers); a tier is (name, window months,
# meetings held, won deals, revenue, certified reps, discount %, other benefits).
JA_PROGRAMS = [
    (
        "紹介パートナープログラム",
        ContractKind.REFERRAL,
        PartnerRole.INTRODUCES,
        ProgramKpi.MEETINGS,
        True,
        "お客様をご紹介いただくだけの、最初のプログラムです。商談化と受注に応じて紹介料をお支払いします。",
        [
            ("レジスタード", 12, 0, 0, "0", 0, "0", "パートナーポータル、営業資料一式"),
            ("シルバー", 12, 6, 1, "0", 0, "0", "四半期ごとの定例会"),
            ("ゴールド", 12, 15, 4, "5000000", 1, "0", "共同セミナーの開催、個別の提案資料作成"),
        ],
    ),
    (
        "取次パートナープログラム",
        ContractKind.AGENCY,
        PartnerRole.SETS_MEETING,
        ProgramKpi.WIN_RATE,
        False,
        "初回商談の設定までを担っていただく、紹介実績のあるパートナー向けの社内限定プログラムです。",
        [
            ("レジスタード", 12, 0, 0, "0", 0, "0", "同行営業の依頼"),
            ("シルバー", 12, 10, 3, "3000000", 1, "0", "月次の定例会、リード共有"),
            ("ゴールド", 12, 25, 8, "12000000", 2, "0", "週次の定例会、専任担当、共同販促費"),
        ],
    ),
    (
        "販売代理店プログラム",
        ContractKind.RESELLER,
        PartnerRole.CLOSES,
        ProgramKpi.REVENUE,
        False,
        "受注と契約まで担う販売代理店向けの社内限定プログラムです。仕入れ値引きはティアで決まります。",
        [
            ("レジスタード", 12, 0, 0, "0", 0, "5", "デモ環境、販売トレーニング"),
            ("シルバー", 12, 0, 2, "10000000", 2, "10", "案件登録の優先審査"),
            ("ゴールド", 12, 0, 6, "40000000", 4, "20", "専任担当、共同販促費、年次パートナー表彰"),
        ],
    ),
]


# Per program (in JA_PROGRAMS' order): rule sets as (name, holding days, clawback days, rules,
# the tiers it applies to by index). Fees as Japanese programs quote them: a fixed fee per
# meeting and a share of the deal, brackets for resellers, a split when an agency set the
# meeting a reseller closed.
JA_RULE_SETS = [
    [
        (
            "紹介料（標準）",
            30,
            90,
            [
                {"kind": "fixed", "event": "meeting_held", "amount": "30000"},
                {"kind": "percentage", "rate": "10", "cap": "500000"},
            ],
            (0, 1),
        ),
        (
            "紹介料（ゴールド）",
            30,
            90,
            [
                {"kind": "fixed", "event": "meeting_held", "amount": "50000"},
                {"kind": "percentage", "rate": "15", "cap": "1000000"},
                {
                    "kind": "spiff",
                    "name": "年度末キャンペーン",
                    "starts_on": "2027-01-01",
                    "ends_on": "2027-03-31",
                    "product": "",
                    "min_amount": "1000000",
                    "amount": "100000",
                },
            ],
            (2,),
        ),
    ],
    [
        (
            "取次手数料",
            30,
            180,
            [
                {"kind": "fixed", "event": "by_name_request_accepted", "amount": "5000"},
                {"kind": "fixed", "event": "meeting_held", "amount": "20000"},
                {"kind": "percentage", "rate": "15"},
                {
                    "kind": "split",
                    "shares": [
                        {"role": "sets_meeting", "share": "40"},
                        {"role": "closes", "share": "60"},
                    ],
                    "remainder_role": "closes",
                },
            ],
            (0, 1, 2),
        ),
    ],
    [
        (
            "販売代理店手数料",
            60,
            180,
            [
                {
                    "kind": "brackets",
                    "brackets": [
                        {"from": "0", "to": "10000000", "rate": "10"},
                        {"from": "10000000", "to": None, "rate": "15"},
                    ],
                },
                {"kind": "recurring", "rate": "10", "months": 12},
            ],
            (0, 1, 2),
        ),
    ],
]


ONE_DAY = datetime.timedelta(days=1)

# Per program (in JA_PROGRAMS' order): the title and the articles of its written terms
# (取引条件), version 1. The articles common to every program follow the program's own.
JA_TERMS = [
    (
        "紹介パートナー取引条件",
        [
            "第1条（目的）\n本取引条件は、パートナーが見込み顧客を当社に紹介し、当社が紹介料を支払う取引の条件を定めるものです。",
            "第2条（紹介の方法）\nパートナーは、パートナーポータルから紹介先の企業名、担当者、検討状況を登録します。当社が同一の見込み顧客について既に商談中である場合、その紹介は紹介料の対象外とします。",
            "第3条（紹介料）\n紹介先との初回商談が実施されたときに商談1件あたりの固定額を、紹介先との契約が成立したときに初年度契約金額の所定の割合を、紹介料としてお支払いします。金額はパートナーのティアに適用される手数料ルールに従います。",
        ],
    ),
    (
        "取次パートナー取引条件",
        [
            "第1条（目的）\n本取引条件は、パートナーが見込み顧客と当社との初回商談を設定し、当社が取次手数料を支払う取引の条件を定めるものです。",
            "第2条（取次の範囲）\nパートナーは、見込み顧客の課題と検討時期を確認したうえで初回商談を設定し、必要に応じて商談に同席します。提案、見積、契約締結は当社が行います。",
            "第3条（取次手数料）\n指名依頼の承諾時、初回商談の実施時および受注時に、パートナーのティアに適用される手数料ルールに従って取次手数料をお支払いします。販売代理店と共同で受注した案件は、定められた割合で按分します。",
        ],
    ),
    (
        "販売代理店取引条件",
        [
            "第1条（目的）\n本取引条件は、販売代理店が当社製品を自らの名義で顧客に販売し、当社が販売手数料を支払う取引の条件を定めるものです。",
            "第2条（販売と導入支援）\n販売代理店は、顧客への提案、見積、契約締結および導入後の一次サポートを行います。当社は販売代理店に対し、デモ環境、販売トレーニングおよび技術支援を提供します。",
            "第3条（仕入値引と販売手数料）\n仕入値引率はティアにより定まります。販売手数料は受注金額の区分に応じた割合とし、継続課金の契約については所定の月数にわたり月額料金の一定割合をお支払いします。",
        ],
    ),
]
JA_TERMS_COMMON = [
    "第4条（支払条件）\n手数料は月末締め翌月末払いとし、当社が発行する支払通知書の内容に基づき、パートナーの指定する銀行口座へ振り込みます。振込手数料は当社の負担とします。支払通知書の発行後10日以内に異議の申し出がない場合、その内容は確認されたものとみなします。",
    "第5条（秘密保持）\n両当事者は、本取引を通じて知り得た相手方および顧客の秘密情報を、相手方の事前の書面による承諾なく第三者に開示せず、本取引の目的以外に使用しないものとします。",
    "第6条（契約期間）\n契約期間は契約開始日から1年間とし、期間満了の30日前までにいずれの当事者からも申し出がない場合、同一の条件でさらに1年間更新されるものとします。取引条件を改定する場合、当社は新しい版を事前に通知し、更新後の契約に適用します。",
]

# The contracts of the Japanese tenant's partners, by the partner's position among its active
# partners (they are created in a fixed order, so the demo is the same every time).
PROGRAM_BY_POSITION = (0, 0, 0, 1, 0, 2, 0, 1, 2, 0)  # most in the public referral program
TIER_BY_PRIORITY = {"A": 2, "B": 1, "C": 0, "D": 0}  # A partners earned ゴールド, B シルバー
ENDS_IN_DAYS = {2: 12, 9: 24, 4: 40, 11: 48, 16: 55}  # a handful within 30 and 60 days
RENEWED_POSITION = 12  # its first year ended last month; the renewal is running


def _load_terms(tenant: Tenant, programs: list[Program], since: datetime.date) -> None:
    """Version 1 of each program's terms, through the service (which allows no past date),
    then dated back to `since`: the demo pretends the programs have been running a while."""
    today = timezone.localdate()
    for program, (title, articles) in zip(programs, JA_TERMS, strict=True):
        terms = terms_create.nested(
            tenant=tenant,
            actor=None,
            program=program,
            effective_from=today,
            title=title,
            body="\n\n".join([*articles, *JA_TERMS_COMMON]),
        )
        ProgramTerms.objects.filter(tenant=tenant, pk=terms.pk).update(effective_from=since)


def _contract(tenant, partner, program, tier, *, starts_on, ends_on=None, activate=True):
    contract = contract_create.nested(
        tenant=tenant,
        actor=None,
        partner=partner,
        program=program,
        tier=tier,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if activate:
        contract = contract_activate.nested(tenant=tenant, actor=None, contract=contract)
    return contract


def _load_contracts(tenant: Tenant, programs: list[Program]) -> int:
    today = timezone.localdate()
    tiers = {
        program.pk: list(Tier.objects.filter(tenant=tenant, program=program).order_by("position"))
        for program in programs
    }
    partners = list(Partner.objects.filter(tenant=tenant).order_by("pk"))
    active = [p for p in partners if p.status == PartnerStatus.ACTIVE]
    for position, partner in enumerate(active):
        if position % 7 == 6:
            continue  # about one active partner in seven has no contract yet
        program = programs[PROGRAM_BY_POSITION[position % len(PROGRAM_BY_POSITION)]]
        tier = tiers[program.pk][TIER_BY_PRIORITY.get(partner.priority, 0)]
        if position == RENEWED_POSITION:
            first = _contract(
                tenant, partner, program, tier, starts_on=add_months(today, -13) + ONE_DAY
            )
            renewal = contract_renew.nested(tenant=tenant, actor=None, contract=first)
            contract_end.nested(tenant=tenant, actor=None, contract=first, on=first.ends_on)
            contract_activate.nested(tenant=tenant, actor=None, contract=renewal)
            continue
        if position in ENDS_IN_DAYS:
            ends_on = today + datetime.timedelta(days=ENDS_IN_DAYS[position])
            starts_on = add_months(ends_on + ONE_DAY, -12)
        else:
            ends_on = None
            starts_on = today - datetime.timedelta(days=20 + (position * 53) % 270)
        _contract(tenant, partner, program, tier, starts_on=starts_on, ends_on=ends_on)
        if position % 9 == 0:
            # Some partners work in two programs: the second one started recently.
            second = programs[(programs.index(program) + 1) % len(programs)]
            _contract(
                tenant,
                partner,
                second,
                tiers[second.pk][0],
                starts_on=today - datetime.timedelta(days=10 + position % 30),
            )
    # Two partners still onboarding have a draft, to be activated once signed.
    for partner in [p for p in partners if p.status == PartnerStatus.ONBOARDING][:2]:
        _contract(
            tenant,
            partner,
            programs[0],
            tiers[programs[0].pk][0],
            starts_on=today + datetime.timedelta(days=14),
            activate=False,
        )
    # What the daily renewal run would mark on its first run (without sending its reminders).
    PartnerContract.objects.filter(
        tenant=tenant,
        status=ContractStatus.ACTIVE,
        ends_on__gte=today,
        ends_on__lte=today + datetime.timedelta(days=EXPIRING_DAYS),
    ).update(status=ContractStatus.EXPIRING)
    _accept_some_terms(tenant)
    return PartnerContract.objects.filter(tenant=tenant).count()


def _accept_some_terms(tenant: Tenant) -> None:
    """The demo partner admin accepted the terms of its company's first contract; the second
    one still waits in the portal."""
    rep = (
        PartnerRep.objects.filter(tenant=tenant, membership__role=Role.PARTNER_ADMIN)
        .select_related("membership__user", "partner")
        .first()
    )
    if rep is None:
        return
    contracts = PartnerContract.objects.filter(tenant=tenant, partner=rep.partner).order_by(
        "program__name", "pk"
    )
    for contract in list(contracts)[:1]:
        contract_terms_accept.nested(
            tenant=tenant, actor=rep.membership.user, partner=rep.partner, contract=contract
        )


def _issue_notices(tenant: Tenant) -> int:
    """The written-terms notices of the individuals' and one-person companies' current
    contracts, issued here after the contracts commit: activation queued them for the worker
    too, and issuing is idempotent, so the demo has them whether or not a worker runs yet."""
    contracts = PartnerContract.objects.filter(
        tenant=tenant,
        status__in=(ContractStatus.ACTIVE, ContractStatus.EXPIRING),
        partner__entity_kind__in=NOTICE_ENTITY_KINDS,
    ).order_by("pk")
    return sum(
        written_notice_issue(tenant=tenant, contract=contract) is not None for contract in contracts
    )


def _fiscal_year_start(tenant: Tenant, today: datetime.date) -> datetime.date:
    month = tenant.fiscal_year_start_month
    year = today.year if today.month >= month else today.year - 1
    return datetime.date(year, month, 1)


def load_program_demo(tenant: Tenant, *, stdout=None) -> int:
    """Fill one demo tenant; returns how many programs it created (0 when it had some)."""
    with tenant_context(tenant), translation.override(tenant.default_language):
        # Tenants created before the programs app get their contract types here too.
        contract_types_ensure_defaults(tenant=tenant)
        if tenant.default_language != "ja":
            return 0
        if Program.objects.filter(tenant=tenant).exists():
            return 0
        types = {t.code: t for t in ContractType.objects.filter(tenant=tenant).exclude(code="")}
        effective_from = _fiscal_year_start(tenant, datetime.date.today())
        created: list[Program] = []
        with transaction.atomic():
            for (name, kind, role, kpi, public, description, tiers), rule_sets in zip(
                JA_PROGRAMS, JA_RULE_SETS, strict=True
            ):
                program = program_create.nested(
                    tenant=tenant,
                    actor=None,
                    name=name,
                    contract_type=types[kind],
                    partner_role=role,
                    kpi=kpi,
                    is_public=public,
                    description=description,
                )
                tier_rule_sets = {}
                for set_name, holding, clawback, rules, tier_indexes in rule_sets:
                    rule_set = rule_set_create.nested(
                        tenant=tenant,
                        actor=None,
                        program=program,
                        name=set_name,
                        currency=tenant.base_currency,
                    )
                    rule_set_version_create.nested(
                        tenant=tenant,
                        actor=None,
                        rule_set=rule_set,
                        effective_from=effective_from,
                        rules=rules,
                        holding_days=holding,
                        clawback_days=clawback,
                    )
                    tier_rule_sets.update(dict.fromkeys(tier_indexes, rule_set))
                for index, (
                    tier_name,
                    window,
                    meetings,
                    won,
                    revenue,
                    certified,
                    discount,
                    other,
                ) in enumerate(tiers):
                    tier_create.nested(
                        tenant=tenant,
                        actor=None,
                        program=program,
                        name=tier_name,
                        window_months=window,
                        min_meetings_held=meetings,
                        min_won_deals=won,
                        min_revenue=Decimal(revenue),
                        min_certified_reps=certified,
                        discount_rate=Decimal(discount),
                        other_benefits=other,
                        rule_set=tier_rule_sets.get(index),
                    )
                created.append(program)
            _load_terms(tenant, created, since=add_months(timezone.localdate(), -24))
            contract_count = _load_contracts(tenant, created)
        notice_count = _issue_notices(tenant)
        with transaction.atomic():
            asset_count, view_count = load_library_demo(tenant, created)
    if stdout is not None:
        stdout.write(
            f"  /{tenant.slug}/  {len(JA_PROGRAMS)} demo programs, {contract_count} contracts,"
            f" {notice_count} written-terms notices, {asset_count} library assets,"
            f" {view_count} views"
        )
    return len(JA_PROGRAMS)
