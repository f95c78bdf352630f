"""Announcements to partners (product updates, program changes) with their read receipts and
e-mail deliveries, and the tenant's sales process (phases with exit criteria)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel
from programs.models.core import Program, Tier
from programs.models.library import AssetLanguage


class AnnouncementKind(models.TextChoices):
    PRODUCT_UPDATE = "product_update", _("Product update")
    PROGRAM_CHANGE = "program_change", _("Program change")
    OTHER = "other", _("Other")


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Announcement(TenantModel):
    """News for partners, chosen by program and tier with the one visibility rule of
    programs/selectors/visibility.py (the link tables below).

    A draft is the vendor's own; publishing (once) shows it in the portal and has the worker
    e-mail the reps it reaches then (AnnouncementDelivery, the audience fixed at publishing).
    Archived: hidden from partners, kept with its receipts for the record."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    kind = models.CharField(
        _("kind"), max_length=16, choices=AnnouncementKind, default=AnnouncementKind.PRODUCT_UPDATE
    )
    # Blank: written for every reader (no language filter in the portal).
    language = models.CharField(_("language"), max_length=2, choices=AssetLanguage, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AnnouncementStatus, default=AnnouncementStatus.DRAFT
    )
    programs = models.ManyToManyField(
        Program,
        through="AnnouncementProgram",
        related_name="announcements",
        blank=True,
        verbose_name=_("programs"),
    )
    tiers = models.ManyToManyField(
        Tier,
        through="AnnouncementTier",
        related_name="announcements",
        blank=True,
        verbose_name=_("tiers"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The new-announcement form's one-time token (as Asset.create_token): a second submit
    # of one form finds the first one's announcement.
    create_token = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "create_token"],
                condition=~models.Q(create_token=""),
                name="announcement_create_token",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="announcement_published_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "status", "-published_at"], name="announcement_tenant_status"
            ),
            models.Index(fields=["tenant", "-created_at"], name="announcement_tenant_new"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == AnnouncementStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == AnnouncementStatus.PUBLISHED


class AnnouncementProgram(TenantModel):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE)
    program = models.ForeignKey(Program, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "announcement", "program"], name="announcement_program"
            ),
        ]


class AnnouncementTier(TenantModel):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "announcement", "tier"], name="announcement_tier"
            ),
        ]


class AnnouncementDelivery(TenantModel):
    """A rep the announcement reached when it was published: the read rate's denominator and
    the e-mail's sent marker (one row per rep, so a re-run of the worker e-mails nobody twice).
    `emailed_at` stays empty for a rep without an e-mail address."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    rep = models.ForeignKey("partners.PartnerRep", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    reached_at = models.DateTimeField(default=timezone.now, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "announcement", "rep"], name="announcement_delivery_rep"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "rep"], name="announcement_delivery_rep_ix"),
        ]


class AnnouncementRead(TenantModel):
    """The read receipt: a rep opened the announcement in the portal (the first time only;
    written with INSERT … ON CONFLICT DO NOTHING, so a double open records once). The partner
    is kept with the rep, as in the view log."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    rep = models.ForeignKey("partners.PartnerRep", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    read_at = models.DateTimeField(_("read"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["-read_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "announcement", "rep"], name="announcement_read_rep"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "rep", "announcement"], name="announcement_read_rep_ix"),
            models.Index(
                fields=["tenant", "announcement", "-read_at"], name="announcement_read_time"
            ),
        ]


class SalesPhase(TenantModel):
    """One phase of the tenant's sales process, with what must be true to leave it (its exit
    criteria): the vendor edits the list, partners read it in the portal. Positions are
    1, 2, …; unique per tenant, checked at commit so a reorder can swap two."""

    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    exit_criteria = models.TextField(_("exit criteria"), max_length=3000)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("sales phase")
        verbose_name_plural = _("sales phases")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "position"],
                name="sales_phase_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return self.name
