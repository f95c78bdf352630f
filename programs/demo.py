"""Demo programs and tiers (called by `manage.py demo_data` through
ProgramsConfig.load_demo_data). Written through the services, so the demo has the audit rows
a real tenant would. Run once: a tenant that already has programs is left alone. Each program
gets realistic commission rule sets (one version from the fiscal year's start) and its tiers
name the one that applies."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import translation

from accounts.models import Tenant
from accounts.tenancy import tenant_context
from programs.models import ContractKind, ContractType, PartnerRole, Program, ProgramKpi
from programs.services.commission import rule_set_create, rule_set_version_create
from programs.services.contract_types import contract_types_ensure_defaults
from programs.services.programs import program_create, tier_create

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
    if stdout is not None:
        stdout.write(f"  /{tenant.slug}/  {len(JA_PROGRAMS)} demo programs")
    return len(JA_PROGRAMS)
