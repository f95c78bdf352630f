"""Demo content library (called by load_program_demo once the programs and contracts exist):
about 40 assets in Japanese and English, files and video links, shown to every partner, to one
program or to its upper tiers, a few with a second version; then a year of portal views shaped
the way domain.md §3 describes a channel (2:6:2): a fifth of the reps open most of the
material, three fifths open some, a fifth open nothing. Two partners stand out on purpose:
one whose reps read a great deal but whose contract is still a draft (so no deal follows), and
one producing partner whose reps open almost nothing.

Assets are written through the services (checked uploads, audited); the view log, a year of
rows, is bulk-inserted the way the portal's single INSERTs would have left it, then rolled up.
"""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Tenant
from accounts.pdf import render_pdf
from partners.models import PartnerRep
from programs.models import (
    Asset,
    AssetAction,
    AssetCategory,
    AssetVersion,
    AssetView,
    ContractStatus,
    PartnerContract,
    Program,
    Tier,
)
from programs.selectors.library_portal import portal_assets
from programs.selectors.visibility import partner_placement
from programs.services.asset_views import asset_view_days_refresh
from programs.services.library import asset_create, asset_version_add, new_asset_token

C = AssetCategory
# (title, category, language, kind, audience) where kind is "pdf", "png" or "link" and the
# audience "all", "program:<index>" or "upper:<index>" (the program's tiers above its first).
ASSETS = [
    ("製品デモ動画（15分）", C.PRODUCT_DEMO, "ja", "link", "all"),
    ("製品デモ：在庫連携の設定", C.PRODUCT_DEMO, "ja", "link", "all"),
    ("製品デモ：モバイルアプリ", C.PRODUCT_DEMO, "ja", "link", "all"),
    ("Product demo: first steps (10 min)", C.PRODUCT_DEMO, "en", "link", "all"),
    ("Product demo: reporting", C.PRODUCT_DEMO, "en", "link", "program:2"),
    ("機能一覧 2026年版", C.FEATURE_REFERENCE, "ja", "pdf", "all"),
    ("API連携ガイド", C.FEATURE_REFERENCE, "ja", "pdf", "program:1"),
    ("セキュリティ仕様書", C.FEATURE_REFERENCE, "ja", "pdf", "all"),
    ("権限設定の早見表", C.FEATURE_REFERENCE, "ja", "png", "all"),
    ("Feature overview 2026", C.FEATURE_REFERENCE, "en", "pdf", "all"),
    ("Integration guide", C.FEATURE_REFERENCE, "en", "pdf", "program:2"),
    ("導入事例：北関東物流株式会社", C.CASE_STUDY, "ja", "pdf", "all"),
    ("導入事例：みなと製作所", C.CASE_STUDY, "ja", "pdf", "all"),
    ("導入事例：さくら薬局グループ", C.CASE_STUDY, "ja", "pdf", "program:0"),
    ("導入事例：東海精機（動画）", C.CASE_STUDY, "ja", "link", "all"),
    ("導入事例：九州フーズ", C.CASE_STUDY, "ja", "pdf", "upper:1"),
    ("導入事例：札幌建設", C.CASE_STUDY, "ja", "link", "program:1"),
    ("Case study: Pacific Retail", C.CASE_STUDY, "en", "pdf", "all"),
    ("Case study: Nordic Freight", C.CASE_STUDY, "en", "link", "program:2"),
    ("よくある質問（導入前）", C.FAQ, "ja", "pdf", "all"),
    ("よくある質問（料金）", C.FAQ, "ja", "pdf", "all"),
    ("よくある質問（サポート）", C.FAQ, "ja", "link", "all"),
    ("競合比較の想定問答", C.FAQ, "ja", "pdf", "upper:0"),
    ("FAQ for resellers", C.FAQ, "en", "pdf", "program:2"),
    ("FAQ: data migration", C.FAQ, "en", "link", "all"),
    ("価格表 2026年度", C.PRICE_SHEET, "ja", "pdf", "all"),
    ("パートナー仕切価格表", C.PRICE_SHEET, "ja", "pdf", "program:2"),
    ("ゴールド以上の特別価格", C.PRICE_SHEET, "ja", "pdf", "upper:2"),
    ("オプション価格一覧", C.PRICE_SHEET, "ja", "png", "all"),
    ("Price list FY2026", C.PRICE_SHEET, "en", "pdf", "all"),
    ("Partner price list", C.PRICE_SHEET, "en", "pdf", "upper:2"),
    ("販売プロセスの全体像", C.SALES_PROCESS, "ja", "pdf", "all"),
    ("初回商談の進め方", C.SALES_PROCESS, "ja", "pdf", "all"),
    ("ヒアリングシート", C.SALES_PROCESS, "ja", "pdf", "all"),
    ("提案書テンプレートの使い方", C.SALES_PROCESS, "ja", "link", "program:0"),
    ("見積から受注までの手順", C.SALES_PROCESS, "ja", "pdf", "program:2"),
    ("案件登録のルール", C.SALES_PROCESS, "ja", "pdf", "all"),
    ("Sales playbook", C.SALES_PROCESS, "en", "pdf", "all"),
    ("Discovery call checklist", C.SALES_PROCESS, "en", "png", "all"),
    ("Registering a deal", C.SALES_PROCESS, "en", "link", "all"),
]
# Assets whose file was updated once (a second version, the first kept for the record).
UPDATED = {"価格表 2026年度", "機能一覧 2026年版", "パートナー仕切価格表"}
DESCRIPTIONS = {
    "ja": "営業の場でそのまま使える資料です。最新版をご利用ください。",
    "en": "Ready to use with customers. Please use the latest version.",
}
VIDEO_BASE = "https://video.example.com/demo/"


def _pdf(title: str, language: str, version: int) -> bytes:
    return render_pdf(
        "programs/library/demo_asset_pdf.html",
        {"title": title, "version": version, "body": DESCRIPTIONS[language]},
        language=language,
    )


def _png(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 450), (31, 111, 235))
    draw = ImageDraw.Draw(image)
    for row in range(6):
        shade = 240 - 12 * ((row + seed) % 5)
        draw.rectangle([40, 40 + row * 62, 760, 90 + row * 62], fill=(shade, shade, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _audience(audience: str, programs: list[Program], tiers: dict[int, list[Tier]]):
    if audience == "all":
        return [], []
    kind, index = audience.split(":")
    program = programs[int(index) % len(programs)]
    if kind == "program":
        return [program], []
    return [program], tiers[program.pk][1:]


def _load_assets(tenant: Tenant, programs: list[Program]) -> list[Asset]:
    tiers: dict[int, list[Tier]] = {}
    for tier in Tier.objects.filter(tenant=tenant).order_by("position"):
        tiers.setdefault(tier.program_id, []).append(tier)
    created = []
    for index, (title, category, language, kind, audience) in enumerate(ASSETS):
        chosen_programs, chosen_tiers = _audience(audience, programs, tiers)
        values = {
            "tenant": tenant,
            "actor": None,
            "title": title,
            "category": category,
            "language": language,
            "token": new_asset_token(),
            "description": DESCRIPTIONS[language],
            "programs": chosen_programs,
            "tiers": chosen_tiers,
        }
        if kind == "link":
            values["url"] = f"{VIDEO_BASE}{index + 1}"
        elif kind == "png":
            values["upload"] = SimpleUploadedFile(f"chart-{index + 1}.png", _png(index))
        else:
            values["upload"] = SimpleUploadedFile(
                f"document-{index + 1}.pdf", _pdf(title, language, 1)
            )
        asset = asset_create.nested(**values)
        if title in UPDATED:
            asset_version_add.nested(
                tenant=tenant,
                actor=None,
                asset=asset,
                upload=SimpleUploadedFile(f"document-{index + 1}.pdf", _pdf(title, language, 2)),
            )
        created.append(asset)
    # Spread the assets over the past year, so "newest first" means something.
    today = timezone.now()
    for age, asset in enumerate(reversed(created)):
        Asset.objects.filter(pk=asset.pk).update(
            created_at=today - datetime.timedelta(days=9 * age + 1)
        )
    return created


def _views_per_year(rng: random.Random, band: str) -> int:
    if band == "top":
        return rng.randint(60, 160)
    if band == "middle":
        return rng.randint(4, 30)
    return 0


def _load_views(tenant: Tenant, rng: random.Random) -> int:
    """A year of views by the reps of partners with a contract, in the 2:6:2 shape."""
    contracts = PartnerContract.objects.filter(tenant=tenant).exclude(
        status__in=[ContractStatus.ENDED]
    )
    statuses: dict[int, set[str]] = {}
    for partner_id, status in contracts.values_list("partner_id", "status"):
        statuses.setdefault(partner_id, set()).add(status)
    draft_only = sorted(p for p, s in statuses.items() if s == {ContractStatus.DRAFT})
    producing = sorted(p for p, s in statuses.items() if ContractStatus.ACTIVE in s)
    reps = list(
        PartnerRep.objects.filter(tenant=tenant, partner_id__in=statuses, is_active=True)
        .select_related("partner", "membership")
        .order_by("partner_id", "pk")
    )
    # The partner whose reps read everything and sell nothing (yet): a draft contract. The
    # producing partner that reads nothing: the last active one with several reps.
    readers = draft_only[0] if draft_only else None
    by_partner: dict[int, list[PartnerRep]] = {}
    for rep in reps:
        by_partner.setdefault(rep.partner_id, []).append(rep)
    silent = next((p for p in reversed(producing) if len(by_partner.get(p, [])) >= 3), None)

    visible: dict[int, list[Asset]] = {}
    versions = {}
    for version in AssetVersion.objects.filter(tenant=tenant).order_by("asset_id", "number"):
        versions[version.asset_id] = version  # the last one wins: the current version
    now = timezone.now()
    rows = []
    for partner_id, partner_reps in by_partner.items():
        partner = partner_reps[0].partner
        if partner_id not in visible:
            # Draft contracts do not place a partner: its readers see what every partner sees.
            placement = partner_placement(tenant=tenant, partner=partner)
            visible[partner_id] = list(
                portal_assets(tenant=tenant, placement=placement, today=now.date())
            )
        assets = visible[partner_id]
        if not assets:
            continue
        # Popular assets first: a Zipf-like weight by a shuffled rank.
        ranked = assets[:]
        rng.shuffle(ranked)
        weights = [1 / (rank + 1) for rank in range(len(ranked))]
        shuffled = partner_reps[:]
        rng.shuffle(shuffled)
        for position, rep in enumerate(shuffled):
            share = position / max(len(shuffled), 1)
            band = "top" if share < 0.2 else "middle" if share < 0.8 else "none"
            if partner_id == readers:
                band = "top"
            elif partner_id == silent:
                band = "none" if position else "middle"
            if rep.membership_id is not None:
                band = "top"  # the demo logins see a lived-in library
            for _ in range(_views_per_year(rng, band)):
                asset = rng.choices(ranked, weights=weights)[0]
                at = now - datetime.timedelta(
                    days=rng.randint(0, 364), minutes=rng.randint(0, 24 * 60)
                )
                if at < asset.created_at:
                    continue
                action = AssetAction.DOWNLOAD if rng.random() < 0.25 else AssetAction.VIEW
                rows.append(
                    AssetView(
                        tenant=tenant,
                        asset=asset,
                        version=versions.get(asset.pk),
                        partner_id=partner_id,
                        rep=rep,
                        membership_id=rep.membership_id,
                        action=action,
                        viewed_at=at,
                    )
                )
    AssetView.objects.bulk_create(rows, batch_size=2000)
    asset_view_days_refresh(tenant=tenant, since=(now - datetime.timedelta(days=366)).date())
    return len(rows)


def load_library_demo(tenant: Tenant, programs: list[Program], *, seed: int = 11) -> tuple:
    """(assets created, views logged); nothing when the tenant has assets already."""
    if Asset.objects.filter(tenant=tenant).exists():
        return 0, 0
    assets = _load_assets(tenant, programs)
    return len(assets), _load_views(tenant, random.Random(seed))
