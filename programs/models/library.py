"""The content library (enablement): assets, their versions and their visibility by program
and tier."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel
from programs.models.core import Program, Tier


class AssetCategory(models.TextChoices):
    PRODUCT_DEMO = "product_demo", _("Product demo")
    FEATURE_REFERENCE = "feature_reference", _("Feature reference")
    CASE_STUDY = "case_study", _("Case study")
    FAQ = "faq", _("FAQ")
    PRICE_SHEET = "price_sheet", _("Price sheet")
    SALES_PROCESS = "sales_process", _("Sales process")


class AssetLanguage(models.TextChoices):
    JAPANESE = "ja", _("Japanese")
    ENGLISH = "en", _("English")


class AssetKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


class Asset(TenantModel):
    """One piece of enablement content in the library: a file (its uploads are versions) or a
    link (a video, a page elsewhere; `url`, http or https only).

    Visibility, read by the portal:
    - no program chosen: every partner of the tenant sees it;
    - programs chosen and no tier: partners with a current contract in one of those programs,
      at any of its tiers;
    - tiers chosen too: in a chosen program, only partners at one of the chosen tiers (a chosen
      program with none of its tiers chosen still shows to all of its tiers).
    Archived assets are hidden from partners and kept for the record."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    category = models.CharField(_("category"), max_length=24, choices=AssetCategory)
    language = models.CharField(
        _("language"), max_length=2, choices=AssetLanguage, default=AssetLanguage.JAPANESE
    )
    kind = models.CharField(_("kind"), max_length=8, choices=AssetKind, default=AssetKind.FILE)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    programs = models.ManyToManyField(
        Program,
        through="AssetProgram",
        related_name="assets",
        blank=True,
        verbose_name=_("programs"),
    )
    tiers = models.ManyToManyField(
        Tier, through="AssetTier", related_name="assets", blank=True, verbose_name=_("tiers")
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    # The new-asset form's one-time token: a second submit of the same form finds this asset
    # instead of creating another (unique per tenant).
    create_token = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="file", url="") | models.Q(kind="link") & ~models.Q(url=""),
                name="asset_link_has_url",
            ),
            models.UniqueConstraint(
                fields=["tenant", "create_token"],
                condition=~models.Q(create_token=""),
                name="asset_create_token",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "is_archived", "-created_at"], name="asset_tenant_new"),
            models.Index(fields=["tenant", "category", "language"], name="asset_tenant_category"),
        ]

    def __str__(self) -> str:
        return self.title


class AssetProgram(TenantModel):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE)
    program = models.ForeignKey(Program, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "asset", "program"], name="asset_program"),
        ]


class AssetTier(TenantModel):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "asset", "tier"], name="asset_tier"),
        ]


def asset_file_path(version: "AssetVersion", filename: str) -> str:
    """Under the tenant, in a directory named by a random token: only the download views, which
    check who asks, serve it. The uploader's file name is kept in `file_name`, never in the
    path (only its checked extension is)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"library/{version.tenant_id}/{secrets.token_urlsafe(24)}/asset.{extension}"


class AssetVersion(TenantModel):
    """One upload of a file asset. A new upload is a new version (numbered 1, 2, …); older
    versions stay readable for the record. `content_type` is what the content is (detected
    from its bytes), not what the browser said; `sha256` refuses the same file twice on one
    asset (a double submit stores one version)."""

    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="versions", verbose_name=_("asset")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=asset_file_path, max_length=500)
    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("asset version")
        verbose_name_plural = _("asset versions")
        ordering = ["asset", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "asset", "number"], name="asset_version_number"
            ),
            models.UniqueConstraint(
                fields=["tenant", "asset", "sha256"], name="asset_version_content"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} v{self.number}"


class AssetAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")


class AssetView(TenantModel):
    """One view or download of an asset by a portal user: the raw material of the material-
    view indicators (domain.md §3), so it is append-only and complete.

    Written with one INSERT and nothing else (no counter on the asset, so no hot row is
    locked); read by set-based aggregates on indexes that lead with the tenant. The partner is
    stored as well as the rep, so a rep who later moves company keeps their views with the
    partner they were at."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    # None for a link, which has no versions.
    version = models.ForeignKey(
        AssetVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    rep = models.ForeignKey("partners.PartnerRep", on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=8, choices=AssetAction)
    viewed_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("asset view")
        verbose_name_plural = _("asset views")
        ordering = ["-viewed_at", "-id"]
        indexes = [
            # A tenant's year of views (insights), and the daily roll-up below.
            models.Index(fields=["tenant", "viewed_at"], name="asset_view_tenant_time"),
            # One asset's analytics, one partner's and one rep's history.
            models.Index(fields=["tenant", "asset", "viewed_at"], name="asset_view_asset_time"),
            models.Index(fields=["tenant", "partner", "viewed_at"], name="asset_view_partner_time"),
            models.Index(fields=["tenant", "rep", "viewed_at"], name="asset_view_rep_time"),
        ]


class AssetViewDay(TenantModel):
    """Views and downloads of one asset on one day, rolled up from the log by a periodic
    task (programs/services/asset_views.py). An upsert of counts recomputed from the log, so
    a re-run changes nothing; the portal's "most viewed" order reads this, not the log."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "asset", "day"], name="asset_view_day"),
        ]
        indexes = [models.Index(fields=["tenant", "day"], name="asset_view_day_tenant")]
