"""Demo announcements and the sales process for one demo tenant (the lead wires this into
programs/demo.py). Written through the services, so the audit rows are there as for a real
tenant; only the publishing dates and the read times are moved back afterwards, so the demo
shows weeks of history. Run once: a tenant with announcements or phases is left alone."""

import datetime

from django.utils import timezone, translation

from accounts.models import Tenant
from accounts.tenancy import tenant_context
from programs.models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementRead,
    Program,
    SalesPhase,
    Tier,
)
from programs.services.announcements import (
    announcement_create,
    announcement_deliver,
    announcement_publish,
    new_announcement_token,
    sales_phase_create,
)

# (title, text, kind, language, program index or None, tier name or None, days ago or None for
# a draft, share of reached reps who read it)
ANNOUNCEMENTS = [
    (
        "新バージョン 4.2 をリリースしました",
        "ワークフローの承認ステップを最大10段階まで設定できるようになりました。\n"
        "デモ環境は本日から 4.2 です。お客様へのご案内資料はライブラリにあります。",
        "product_update",
        "ja",
        None,
        None,
        30,
        0.7,
    ),
    (
        "紹介料の支払サイト変更のお知らせ",
        "来期より、紹介料は月末締め翌月末払いとなります。支払通知書の書式も変わります。",
        "program_change",
        "ja",
        0,
        None,
        21,
        0.55,
    ),
    (
        "ゴールドパートナー向け：共同セミナーの募集",
        "来月の共同セミナーの共催パートナーを募集します。ご希望の方は担当までご連絡ください。",
        "other",
        "ja",
        0,
        "ゴールド",
        14,
        0.8,
    ),
    (
        "Price list update for resellers",
        "From next quarter the reseller discount for annual contracts rises to 30%. "
        "The new price sheet is in the library.",
        "program_change",
        "en",
        1,
        None,
        10,
        0.4,
    ),
    (
        "モバイルアプリの提供を開始しました",
        "iOS / Android アプリで、外出先から承認ができるようになりました。\n"
        "提案時のデモにご活用ください。",
        "product_update",
        "ja",
        None,
        None,
        5,
        0.3,
    ),
    (
        "New case study: Kita Logistics",
        "How Kita Logistics cut approval time by 60% — a case study to share with customers "
        "in logistics.",
        "product_update",
        "en",
        None,
        None,
        2,
        0.1,
    ),
    (
        "年末年始のサポート窓口について",
        "12月29日から1月3日まで、パートナーサポート窓口はお休みします。",
        "other",
        "ja",
        None,
        None,
        None,
        0,
    ),
]

SALES_PHASES = [
    (
        "リード獲得",
        "お客様の課題と導入時期の見込みをヒアリングします。",
        "課題・予算感・導入時期の3点が分かり、初回商談の日程が決まっている。",
    ),
    (
        "初回商談",
        "ベンダーの営業担当と同席し、製品デモを行います。",
        "決裁者と導入の判断基準が分かり、提案に進むことにお客様が合意している。",
    ),
    (
        "提案",
        "お客様の業務に合わせた提案書を作成し、説明します。",
        "提案内容についてお客様の部門責任者が前向きな評価をしている。",
    ),
    (
        "見積",
        "ライセンス数と契約期間を確定し、見積書を提出します。",
        "見積金額と契約条件にお客様が合意し、稟議が始まっている。",
    ),
    (
        "受注",
        "契約書の締結と導入開始日を確定します。",
        "契約書が締結され、案件登録が受注に更新されている。",
    ),
]


def _target(programs: list[Program], program_index, tier_name):
    if program_index is None or program_index >= len(programs):
        return [], []
    program = programs[program_index]
    tiers = list(Tier.objects.filter(program=program, name=tier_name)) if tier_name else []
    return [program], tiers


def _read_some(tenant: Tenant, announcement: Announcement, share: float) -> int:
    """The first `share` of the reached reps read it, a few hours apart after publishing."""
    deliveries = list(
        AnnouncementDelivery.objects.filter(tenant=tenant, announcement=announcement).order_by("pk")
    )
    readers = deliveries[: int(len(deliveries) * share)]
    AnnouncementRead.objects.bulk_create(
        [
            AnnouncementRead(
                tenant=tenant,
                announcement=announcement,
                rep_id=delivery.rep_id,
                partner_id=delivery.partner_id,
                read_at=announcement.published_at + datetime.timedelta(hours=2 + 3 * index),
            )
            for index, delivery in enumerate(readers)
        ],
        ignore_conflicts=True,
    )
    return len(readers)


def load_announcement_demo(tenant: Tenant, stdout=None) -> int:
    """Fill one demo tenant; returns how many announcements it created (0 when it had some)."""
    with tenant_context(tenant), translation.override(tenant.default_language):
        if (
            Announcement.objects.filter(tenant=tenant).exists()
            or SalesPhase.objects.filter(tenant=tenant).exists()
        ):
            return 0
        for name, description, exit_criteria in SALES_PHASES:
            sales_phase_create(
                tenant=tenant,
                actor=None,
                name=name,
                description=description,
                exit_criteria=exit_criteria,
            )
        programs = list(Program.objects.filter(tenant=tenant, is_archived=False).order_by("pk"))
        now = timezone.now()
        reads = 0
        for title, body, kind, language, program_index, tier, days_ago, share in ANNOUNCEMENTS:
            chosen_programs, chosen_tiers = _target(programs, program_index, tier)
            announcement = announcement_create(
                tenant=tenant,
                actor=None,
                title=title,
                body=body,
                kind=kind,
                language=language,
                token=new_announcement_token(),
                programs=chosen_programs,
                tiers=chosen_tiers,
            )
            if days_ago is None:
                continue  # stays a draft
            announcement_publish(tenant=tenant, actor=None, announcement=announcement)
            # The demo's history: published some days ago (the demo only moves the date).
            published_at = now - datetime.timedelta(days=days_ago)
            Announcement.objects.filter(tenant=tenant, pk=announcement.pk).update(
                published_at=published_at
            )
            announcement.published_at = published_at
            # Delivered now rather than by the worker, so the read rates are there at once;
            # the queued task finds everyone e-mailed already.
            announcement_deliver(tenant=tenant, announcement_id=announcement.pk)
            reads += _read_some(tenant, announcement, share)
    if stdout is not None:
        stdout.write(
            f"  /{tenant.slug}/  {len(ANNOUNCEMENTS)} demo announcements ({reads} reads),"
            f" {len(SALES_PHASES)} sales phases"
        )
    return len(ANNOUNCEMENTS)
