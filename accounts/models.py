"""The kernel: tenants, users, memberships, invitations, API keys and the audit log."""

import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from accounts.roles import PORTAL_ROLES, STAFF_ROLES, Role
from accounts.validators import (
    validate_hex_colour,
    validate_registration_number,
    validate_tenant_slug,
)

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]
LANGUAGE_CHOICES = [("ja", _("Japanese")), ("en", _("English"))]
CURRENCY_CHOICES = [
    ("JPY", _("Japanese yen (JPY)")),
    ("USD", _("US dollar (USD)")),
    ("EUR", _("Euro (EUR)")),
]


class Tenant(models.Model):
    """A vendor. Not itself tenant-owned: it is the root every tenant row points at."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("URL name"),
        max_length=50,
        unique=True,
        validators=[validate_tenant_slug],
        help_text=_("Lower-case letters, digits and hyphens; appears in every URL."),
    )
    base_currency = models.CharField(
        _("base currency"), max_length=3, choices=CURRENCY_CHOICES, default="JPY"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Tokyo"
    )
    default_language = models.CharField(
        _("default language"), max_length=8, choices=LANGUAGE_CHOICES, default="ja"
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    portal_display_name = models.CharField(_("portal display name"), max_length=200, blank=True)
    portal_logo = models.ImageField(_("portal logo"), upload_to="tenant-logos/", blank=True)
    portal_primary_colour = models.CharField(
        _("portal primary colour"),
        max_length=7,
        default="#1f6feb",
        validators=[validate_hex_colour],
    )
    issuer_legal_name = models.CharField(_("issuer legal name"), max_length=200, blank=True)
    # Free text is bounded (Django's TextField passes max_length only to forms; the validator
    # makes full_clean, hence every service and the API, refuse an over-long value too).
    issuer_address = models.TextField(
        _("issuer address"),
        max_length=500,
        blank=True,
        validators=[MaxLengthValidator(500)],
    )
    issuer_registration_number = models.CharField(
        _("issuer registration number (T-number)"),
        max_length=14,
        blank=True,
        validators=[validate_registration_number],
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def portal_name(self) -> str:
        return self.portal_display_name or self.name


class TenantModel(models.Model):
    """Base of every tenant-owned row.

    The default manager is scoped by django-scopes: a query outside `scope(tenant=...)` raises
    instead of silently returning every tenant's rows. Row-level security in PostgreSQL is the
    second wall (see accounts/rls.py).
    """

    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, editable=False, related_name="+", verbose_name=_("tenant")
    )

    objects = ScopedManager(tenant="tenant")

    class Meta:
        abstract = True


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. One login across tenants; what they may do lives on each Membership."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text=_("Empty means the tenant's default language."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.email


class Membership(TenantModel):
    """A user's place in one tenant. Portal roles get their partner link in `partners/`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined at"), default=timezone.now, editable=False)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_one_per_tenant"),
        ]
        indexes = [models.Index(fields=["tenant", "role"], name="membership_tenant_role")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_portal_role(self) -> bool:
        return self.role in PORTAL_ROLES


class Invitation(TenantModel):
    """A single-use, expiring link that creates or joins an account with a role."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Only a SHA-256 digest is stored; the token itself exists only in the e-mail.
    token_digest = models.CharField(max_length=64, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # What the inviting app needs back on acceptance (the portal puts the partner rep here);
    # the kernel only carries it to the `invitation_accepted` signal.
    payload = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "token_digest"], name="invitation_token"),
        ]
        indexes = [models.Index(fields=["tenant", "email"], name="invitation_tenant_email")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ApiKey(TenantModel):
    """A key for integrations, bound to one tenant. Stored hashed; shown once at creation."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_digest = models.CharField(max_length=64, editable=False)
    role = models.CharField(
        _("acts as role"),
        max_length=32,
        choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES],
        default=Role.VIEWER,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "prefix"], name="api_key_prefix"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditEvent(TenantModel):
    """Who did what to which object, when, from where. Written in the change's transaction."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept as text too, so the record still reads correctly after the user is deleted.
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=254, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="audit_tenant_created"),
            models.Index(fields=["tenant", "action"], name="audit_tenant_action"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


class SignInDay(TenantModel):
    """A day on which a member signed in (their tenant's calendar day). Insights counts a
    partner rep as active in a window when they signed in or opened material in it; a login
    writes one row per membership and day, so the log stays small and re-logins add nothing."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "day"], name="sign_in_day_once"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "day"], name="sign_in_day_tenant")]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.day}"


class Heartbeat(models.Model):
    """Last tick of a periodic job (beat → worker); the status page reads it. Not tenant data."""

    name = models.CharField(max_length=64, unique=True)
    last_seen_at = models.DateTimeField()
    last_worker = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class OutgoingEmail(TenantModel):
    """One e-mail, written in the transaction of the change that causes it (the outbox).

    The task `accounts.tasks.email_send` sends it after the commit and only then sets
    `sent_at`; a failed send keeps the row pending, is retried with backoff, and the periodic
    outbox sweep sends what is still pending. So a saved change never fails on SMTP, and no
    e-mail is lost because the mail server was away.
    """

    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=998)
    # Written by the application's own templates, never typed by a person: not editable, so
    # the free-text bound (issue 6) does not apply; the body is cleared once sent.
    body_text = models.TextField(_("text"), editable=False)
    body_html = models.TextField(_("HTML"), blank=True, editable=False)
    # What the e-mail is for ("invitation", "due_digest", ...): for logs and the status page.
    purpose = models.CharField(_("purpose"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(
                fields=["tenant", "created_at"],
                name="outgoing_email_pending",
                condition=models.Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.to}"


class ImportJob(TenantModel):
    """One uploaded CSV file on its way in: checked, confirmed once, written all or nothing.

    The state only moves forward (accounts/imports.py): a confirm is a conditional UPDATE from
    `checked` to `queued`, so a repeated or concurrent confirm finds nothing to claim and writes
    nothing twice. Any app's importer (partners, reps, target-account lists) uses this row.
    """

    class State(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        QUEUED = "queued", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=32)
    # The confirm form's secret: only the person who uploaded the file may confirm it.
    token = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Row messages are written in the uploader's language when the check runs in the worker.
    language = models.CharField(max_length=8, default="ja")
    filename = models.CharField(_("file"), max_length=255, blank=True)
    # The decoded upload; emptied once the import is done or failed. Not a free-text field a
    # person edits (the upload's own limits apply), hence not editable.
    text = models.TextField(blank=True, editable=False)
    state = models.CharField(
        _("status"), max_length=16, choices=State.choices, default=State.CHECKING
    )
    total_rows = models.PositiveIntegerField(default=0)
    # Rows with at least one error; `errors` keeps the first problems ([row, column, message]).
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True, editable=False)  # our own message, not typed
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "token"], name="import_job_token"),
        ]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="import_job_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"

    @property
    def good_count(self) -> int:
        return self.total_rows - self.error_count


def export_file_path(job: "ExportJob", filename: str) -> str:
    """Where an export's file is stored: under its tenant, in a directory named by a random
    token, so no path can be guessed from another (the download view is the only way in)."""
    return f"exports/{job.tenant_id}/{secrets.token_urlsafe(24)}/{filename}"


class ExportJob(TenantModel):
    """One CSV export a person asked for: written by the worker, downloaded by that person.

    The filters are the list page's query string, validated again when the worker runs, and
    the permissions (finance columns) are those of the person's membership at that moment.
    One identical export per person is in flight at a time (the partial unique constraint),
    so a double click or two tabs reuse the job instead of writing the file twice.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Exporting")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    IN_FLIGHT = (State.QUEUED, State.RUNNING)

    kind = models.CharField(_("kind"), max_length=32)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The worker writes translated messages (a failure) in the language of the person.
    language = models.CharField(max_length=8, default="ja")
    # The list's filters, normalised (accounts/exports.py); never edited by a person.
    query = models.CharField(max_length=2000, blank=True, editable=False)
    filename = models.CharField(_("file"), max_length=255)
    file = models.FileField(upload_to=export_file_path, max_length=500, blank=True)
    state = models.CharField(
        _("status"), max_length=16, choices=State.choices, default=State.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    # The permissions the file's content needed (finance columns): the download asks for
    # them again, so a person who lost them since cannot fetch what they may no longer see.
    perms = models.JSONField(default=list, blank=True, editable=False)
    failure = models.TextField(blank=True, editable=False)  # our own message, not typed
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the file is deleted (accounts.tasks.export_expire_task).
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "created_by", "kind", "query"],
                condition=models.Q(state__in=["queued", "running"]),
                name="export_job_one_in_flight",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "created_by", "-created_at"], name="export_job_created"),
            models.Index(fields=["tenant", "expires_at"], name="export_job_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"
