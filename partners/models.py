"""Partner companies, their people, recruitment and engagement.

Every model is a TenantModel (scoped manager, tenant FK, row-level security in the migration).
Writes go through the services modules; nothing here has business logic in save().
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, TenantModel
from partners.choices import (
    ActivityKind,
    BankAccountType,
    CustomerSegment,
    EntityKind,
    Industry,
    PartnerStatus,
    PortalProfileGroup,
    Prefecture,
    Priority,
    ProspectSource,
    ProspectStage,
)
from partners.validators import (
    HIRAGANA,
    KATAKANA,
    validate_account_holder_kana,
    validate_account_number,
    validate_bank_code,
    validate_branch_code,
    validate_corporate_number,
    validate_katakana_reading,
    validate_postal_code,
    validate_registration_number,
)


class WebsiteField(models.URLField):
    """A website address. People type "example.co.jp"; its forms read that as https://, as
    Django 6 will, so no form has to redeclare the field to get the scheme right."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def _bounded_text(verbose_name, max_length: int) -> models.TextField:
    """Free text with a limit every path enforces: forms (max_length), full_clean in the
    services and the API (the validator; Django's TextField alone checks only in forms)."""
    return models.TextField(
        verbose_name, max_length=max_length, blank=True, validators=[MaxLengthValidator(max_length)]
    )


class SearchKey(models.Func):
    """validators.search_key in SQL: NFKC, lower case, hiragana as katakana, no spaces. Several
    columns are joined with a space first, like search_key(*parts). Every function is
    immutable, so the expression can carry a trigram index (Prospect below)."""

    arg_joiner = " || ' ' || "
    template = (
        "regexp_replace(translate(lower(normalize(%(expressions)s, NFKC)), "
        f"'{HIRAGANA}', '{KATAKANA}'), '\\s+', '', 'g')"
    )
    output_field = models.TextField()


def _choices_array(base_field: models.Field, verbose_name) -> ArrayField:
    return ArrayField(base_field, verbose_name=verbose_name, default=list, blank=True)


class OrderedLabel(TenantModel):
    """A tenant's own ordered list of labels (partner types, lost reasons): unique per tenant
    ignoring case, shown by position, added at the end; partners/services/label_lists.py holds
    the one set of services for every such list. `label_field` names the column that holds the
    label (the two lists named it differently before they shared this class)."""

    label_field: str = "label"

    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return getattr(self, self.label_field)


class PartnerType(OrderedLabel):
    """A tenant-defined kind of partner: distributor, regional bank, telecom carrier…"""

    label_field = "name"

    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("partner type")
        verbose_name_plural = _("partner types")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="partner_type_name"),
        ]


class CompanyProfile(TenantModel):
    """What a partner and a prospect both say about a company, defined once: signing copies a
    prospect's profile into its partner field by field (COMPANY_FIELDS), and the serializers,
    services and CSV columns name the same list. The names and their readings stay on each model
    (legal_name on a partner, company_name on a prospect: the columns predate this class)."""

    corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True, validators=[validate_corporate_number]
    )
    entity_kind = models.CharField(
        _("entity kind"), max_length=32, choices=EntityKind.choices, default=EntityKind.COMPANY
    )
    website = WebsiteField(_("website"), blank=True)
    industries = _choices_array(
        models.CharField(max_length=32, choices=Industry.choices), _("industries it sells to")
    )
    customer_segments = _choices_array(
        models.CharField(max_length=32, choices=CustomerSegment.choices), _("customer segments")
    )
    prefectures = _choices_array(
        models.CharField(max_length=2, choices=Prefecture.choices), _("regions (prefectures)")
    )
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    sales_headcount = models.PositiveIntegerField(_("sales headcount"), null=True, blank=True)
    products_handled = models.CharField(_("products handled"), max_length=500, blank=True)

    class Meta:
        abstract = True


# The fields of CompanyProfile, in its order: one list for the serializers, the services, the
# CSV columns and prospect_sign (tests/partners/test_company_profile.py keeps it in step).
COMPANY_FIELDS = (
    "corporate_number",
    "entity_kind",
    "website",
    "industries",
    "customer_segments",
    "prefectures",
    "employee_count",
    "sales_headcount",
    "products_handled",
)


class Partner(CompanyProfile):
    """A partner company (or an individual) that sells for the vendor."""

    # Exactly as registered: 株式会社 before or after the name is part of it.
    legal_name = models.CharField(_("legal name"), max_length=200)
    legal_name_kana = models.CharField(
        _("reading (katakana)"), max_length=200, blank=True, validators=[validate_katakana_reading]
    )
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    # Redeclared only for their help texts, which the partner's forms and API schema show and
    # the prospect's do not (same columns, so no migration).
    corporate_number = models.CharField(
        _("corporate number"),
        max_length=13,
        blank=True,
        validators=[validate_corporate_number],
        help_text=_("13 digits; the first is a check digit."),
    )
    products_handled = models.CharField(
        _("products handled"), max_length=500, blank=True, help_text=_("Comma-separated.")
    )
    # PROTECT here, SET_NULL on a prospect: a type in use by partners cannot be deleted.
    partner_type = models.ForeignKey(
        PartnerType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("partner type"),
    )
    other_vendor_products_count = models.PositiveSmallIntegerField(
        _("other vendors' products sold"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PartnerStatus.choices, default=PartnerStatus.PROSPECT
    )
    status_since = models.DateField(_("status since"), default=timezone.localdate)
    owner = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_partners",
        verbose_name=_("owner (partner manager)"),
    )
    priority = models.CharField(
        _("priority"), max_length=1, choices=Priority.choices, default=Priority.C
    )
    # Filled by the deals and insights issues from target-account lists; shown beside priority.
    suggested_priority = models.CharField(
        _("suggested priority"), max_length=1, choices=Priority.choices, blank=True
    )
    # Postal address in Japanese order: 〒 postal code, prefecture, city, street, building.
    postal_code = models.CharField(
        _("postal code"), max_length=8, blank=True, validators=[validate_postal_code]
    )
    prefecture = models.CharField(
        _("prefecture"), max_length=2, choices=Prefecture.choices, blank=True
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    building = models.CharField(_("building"), max_length=200, blank=True)
    registration_number = models.CharField(
        _("registration number (T-number)"),
        max_length=14,
        blank=True,
        validators=[validate_registration_number],
    )
    # Bank account for payouts: finance-only fields (FINANCE_ONLY_FIELDS).
    bank_code = models.CharField(
        _("bank code"), max_length=4, blank=True, validators=[validate_bank_code]
    )
    bank_name = models.CharField(_("bank name"), max_length=100, blank=True)
    branch_code = models.CharField(
        _("branch code"), max_length=3, blank=True, validators=[validate_branch_code]
    )
    branch_name = models.CharField(_("branch name"), max_length=100, blank=True)
    account_type = models.CharField(
        _("account type"), max_length=16, choices=BankAccountType.choices, blank=True
    )
    account_number = models.CharField(
        _("account number"), max_length=7, blank=True, validators=[validate_account_number]
    )
    account_holder_kana = models.CharField(
        _("account holder (half-width kana)"),
        max_length=100,
        blank=True,
        validators=[validate_account_holder_kana],
    )
    notes = _bounded_text(_("notes"), 5000)
    # The date of the latest activity, kept by the activity services in the transaction that
    # writes the activity (partner_last_contact_refresh): the partner list, the due list and
    # the dashboard sort and filter on it without looking up each partner's activities.
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True, editable=False)
    # Normalised legal name, reading, display name and corporate number (validators.search_key);
    # kept by the services so a search is one indexed LIKE on one column.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["legal_name_kana", "legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "corporate_number"],
                condition=~Q(corporate_number=""),
                name="partner_corporate_number",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status"], name="partner_tenant_status"),
            models.Index(fields=["tenant", "priority"], name="partner_tenant_priority"),
            models.Index(fields=["tenant", "owner"], name="partner_tenant_owner"),
            models.Index(
                fields=["tenant", "legal_name_kana", "legal_name", "id"], name="partner_tenant_name"
            ),
            # Partners by last contact (the list's sort, "not contacted since" reads). A plain
            # column index: the list sorts "never contacted" first, which at a thousand
            # partners PostgreSQL does in memory after reading the stored dates.
            models.Index(fields=["tenant", "last_contact_on"], name="partner_last_contact"),
            # Search is LIKE '%key%' on search_text: a trigram index answers it, led by the
            # tenant like every index (btree_gin lets a GIN index hold the tenant id).
            GinIndex(
                fields=["tenant", "search_text"],
                opclasses=["int8_ops", "gin_trgm_ops"],
                name="partner_search_trgm",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.legal_name

    @property
    def name(self) -> str:
        return str(self)

    @property
    def address_lines(self) -> list[str]:
        """The postal address as written on a Japanese envelope: 〒 code, then prefecture, city
        and street run together, then the building. The prefecture stays in Japanese whatever
        the reader's language: it is part of the address, not a label."""
        with translation.override("ja"):
            prefecture = self.get_prefecture_display() if self.prefecture else ""
        street = f"{prefecture}{self.city}{self.street_address}"
        lines = [f"〒{self.postal_code}" if self.postal_code else "", street, self.building]
        return [line for line in lines if line]


# Bank details only finance may see or change (the portal's partner admin edits their own).
FINANCE_ONLY_FIELDS = (
    "bank_code",
    "bank_name",
    "branch_code",
    "branch_name",
    "account_type",
    "account_number",
    "account_holder_kana",
)


class PartnerStatusChange(TenantModel):
    """The lifecycle history: when a partner became onboarding, active, dormant, terminated."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("partner")
    )
    status = models.CharField(_("status"), max_length=16, choices=PartnerStatus.choices)
    changed_on = models.DateField(_("date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_on", "-id"]
        indexes = [models.Index(fields=["tenant", "partner"], name="partner_status_partner")]


class PartnerRep(TenantModel):
    """A person at the partner. Most never log in; they count all the same."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="reps", verbose_name=_("partner")
    )
    full_name = models.CharField(_("name"), max_length=150)
    full_name_kana = models.CharField(
        _("reading (katakana)"), max_length=150, blank=True, validators=[validate_katakana_reading]
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=150, blank=True)
    is_reachable = models.BooleanField(
        _("reachable"), default=True, help_text=_("The vendor can actually reach this person.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # The portal login, when the rep has one (a partner admin or partner rep membership);
    # at most one rep per membership (constraint below).
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_reps",
        verbose_name=_("portal login"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("partner rep")
        verbose_name_plural = _("partner reps")
        ordering = ["full_name_kana", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner", "email"],
                condition=~Q(email=""),
                name="partner_rep_email",
            ),
            models.UniqueConstraint(
                fields=["tenant", "membership"],
                condition=Q(membership__isnull=False),
                name="partner_rep_one_per_login",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "partner"], name="partner_rep_partner"),
            # The partner page lists its reps active first, by name.
            models.Index(
                fields=["tenant", "partner", "-is_active", "full_name_kana", "full_name", "id"],
                name="partner_rep_name",
            ),
            models.Index(fields=["tenant", "full_name_kana", "full_name"], name="rep_tenant_name"),
        ]

    def __str__(self) -> str:
        return self.full_name


# --- Engagement -------------------------------------------------------------------------------


class CadenceRule(TenantModel):
    """How often partners of one priority should be contacted. Defaults live in code."""

    priority = models.CharField(_("priority"), max_length=1, choices=Priority.choices)
    contact_interval_days = models.PositiveSmallIntegerField(
        _("contact every (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Empty: no regular contact expected."),
    )
    expectation = models.CharField(_("what is expected"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cadence")
        verbose_name_plural = _("cadences")
        ordering = ["priority"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "priority"], name="cadence_priority"),
        ]

    def __str__(self) -> str:
        return self.get_priority_display()


class Activity(TenantModel):
    """One touchpoint with a partner: meeting, study session, joint visit, dinner, call…"""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="activities", verbose_name=_("partner")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ActivityKind.choices)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    staff_attendees = models.ManyToManyField(
        Membership,
        through="ActivityStaffAttendee",
        related_name="activities",
        blank=True,
        verbose_name=_("vendor attendees"),
    )
    rep_attendees = models.ManyToManyField(
        PartnerRep,
        through="ActivityRepAttendee",
        related_name="activities",
        blank=True,
        verbose_name=_("partner attendees"),
    )
    notes = _bounded_text(_("notes"), 5000)
    next_action = models.CharField(_("next action"), max_length=300, blank=True)
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(
                fields=["tenant", "partner", "-occurred_on"], name="activity_partner_date"
            ),
            models.Index(fields=["tenant", "-occurred_on", "-id"], name="activity_tenant_date"),
            # The due list's and partner page's open next actions: a busy partner's few open
            # ones, found without visiting its hundreds of done activities.
            models.Index(
                fields=["tenant", "partner", "next_action_due", "id"],
                condition=~models.Q(next_action=""),
                name="activity_open_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"


# Explicit through tables: every tenant table carries tenant_id for row-level security.
class ActivityStaffAttendee(TenantModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "activity", "membership"], name="activity_staff_once"
            ),
        ]


class ActivityRepAttendee(TenantModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE)
    rep = models.ForeignKey(PartnerRep, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "activity", "rep"], name="activity_rep_once"),
        ]


class DigestDelivery(TenantModel):
    """A due-for-contact digest queued for one manager for one day: the unique key stops
    repeats. The row is written with the digest's outbox e-mail (accounts.OutgoingEmail), which
    the worker sends after the commit: when it actually went out is that e-mail's `sent_at`."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    digest_date = models.DateField()
    partner_count = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "digest_date"], name="digest_once_a_day"
            ),
        ]


# --- Recruitment ------------------------------------------------------------------------------


class LostReason(OrderedLabel):
    """Why a prospect did not sign, from a tenant list ("conflicts with their own business")."""

    label = models.CharField(_("reason"), max_length=150)

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["position", "label"]
        constraints = [models.UniqueConstraint(fields=["tenant", "label"], name="lost_reason")]


class Prospect(CompanyProfile):
    """A candidate partner moving through the recruitment pipeline."""

    company_name = models.CharField(_("company name"), max_length=200)
    company_name_kana = models.CharField(
        _("reading (katakana)"), max_length=200, blank=True, validators=[validate_katakana_reading]
    )
    partner_type = models.ForeignKey(
        PartnerType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner type"),
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_name_kana = models.CharField(
        _("contact reading"), max_length=150, blank=True, validators=[validate_katakana_reading]
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_department = models.CharField(_("contact department"), max_length=150, blank=True)
    contact_title = models.CharField(_("contact title"), max_length=150, blank=True)
    message = _bounded_text(_("message"), 3000)
    source = models.CharField(_("source"), max_length=32, choices=ProspectSource.choices)
    stage = models.CharField(
        _("stage"), max_length=16, choices=ProspectStage.choices, default=ProspectStage.SOURCED
    )
    stage_changed_at = models.DateTimeField(_("in stage since"), default=timezone.now)
    lost_reason = models.ForeignKey(
        LostReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prospects",
        verbose_name=_("lost reason"),
    )
    lost_note = models.CharField(_("note on the loss"), max_length=300, blank=True)
    owner = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_prospects",
        verbose_name=_("owner"),
    )
    # Set when the prospect signs: the partner created from it (one prospect per partner).
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prospects",
        verbose_name=_("partner"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # The furthest stage any move took it to (index in the report's STAGE_ORDER; lost is none):
    # kept by the trigger of migration 0010 on every inserted move, whoever writes it, so the
    # report groups prospects by it instead of a subquery over each one's moves.
    furthest_stage_index = models.PositiveSmallIntegerField(default=0, editable=False)
    # How well it fits the tenant's persona (0-100, prospect_fit_score), stored so the table
    # sorts by fit on an index instead of scoring every prospect per page; None without a
    # persona. Written by the recruitment services whenever a prospect or the persona changes
    # (partners/services/recruitment.py, prospect_fit_scores_refresh).
    fit_score = models.FloatField(_("fit"), null=True, blank=True, editable=False)
    # Search keys kept by PostgreSQL itself (stored generated columns, SearchKey): the name for
    # search, the products for the persona fit; no service has to remember them.
    search_text = models.GeneratedField(
        expression=SearchKey("company_name", "company_name_kana"),
        output_field=models.TextField(),
        db_persist=True,
    )
    products_key = models.GeneratedField(
        expression=SearchKey("products_handled"),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "partner"],
                condition=Q(partner__isnull=False),
                name="prospect_one_per_partner",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "stage"], name="prospect_tenant_stage"),
            models.Index(fields=["tenant", "source"], name="prospect_tenant_source"),
            models.Index(fields=["tenant", "-created_at", "-id"], name="prospect_tenant_created"),
            models.Index(fields=["tenant", "fit_score", "id"], name="prospect_tenant_fit"),
            # A board column in the default order (newest first): read in order, stopped at N.
            models.Index(
                fields=["tenant", "stage", "-created_at", "-id"], name="prospect_stage_created"
            ),
            GinIndex(
                fields=["tenant", "search_text"],
                opclasses=["int8_ops", "gin_trgm_ops"],
                name="prospect_search_trgm",
            ),
        ]

    def __str__(self) -> str:
        return self.company_name


class ProspectStageChange(TenantModel):
    """Each move between stages: the basis of conversion rates and time spent per stage."""

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=16, choices=ProspectStage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=ProspectStage.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the prospect's next move happened (null for the stay it is in): set by the trigger of
    # migration 0010 when that move is inserted, so the report sums stays without a window.
    left_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(fields=["tenant", "prospect"], name="prospect_change_prospect"),
            # The report reads each prospect's moves in this order (the window over the stays)
            # and their stages (the furthest reached) from the index alone.
            models.Index(
                fields=["tenant", "prospect", "changed_at", "id"],
                include=["to_stage"],
                name="prospect_change_order",
            ),
        ]


class PartnerPersona(TenantModel):
    """The ideal partner of a tenant (one per tenant): recruiting scores prospects against it."""

    ideal_industries = _choices_array(
        models.CharField(max_length=32, choices=Industry.choices), _("ideal industries")
    )
    customer_segments = _choices_array(
        models.CharField(max_length=32, choices=CustomerSegment.choices), _("customer segments")
    )
    ideal_prefectures = _choices_array(
        models.CharField(max_length=2, choices=Prefecture.choices), _("regions (prefectures)")
    )
    min_employee_count = models.PositiveIntegerField(_("employees at least"), null=True, blank=True)
    max_employee_count = models.PositiveIntegerField(_("employees at most"), null=True, blank=True)
    min_sales_headcount = models.PositiveIntegerField(
        _("sales headcount at least"), null=True, blank=True
    )
    products_handled = models.CharField(
        _("products they handle"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated keywords, e.g. accounting software, payroll."),
    )
    goals = _bounded_text(_("goals"), 2000)

    class Meta:
        verbose_name = _("partner persona")
        verbose_name_plural = _("partner personas")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="persona_one_per_tenant")]


class PortalSettings(TenantModel):
    """What partner admins may change about their own company in the portal (one row per
    tenant; a tenant without one gets selectors.portal.DEFAULT_EDITABLE_GROUPS: everything
    but the bank account)."""

    editable_profile = _choices_array(
        models.CharField(max_length=32, choices=PortalProfileGroup.choices),
        _("what partner admins may change"),
    )

    class Meta:
        verbose_name = _("partner portal settings")
        verbose_name_plural = _("partner portal settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="portal_settings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return str(_("Partner portal settings"))
