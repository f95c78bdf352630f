"""Training and certifications: courses made of lessons and a short quiz; passing the quiz
certifies the rep for the course's validity.

One certification per rep and course: a passing retake renews it (a new `certified_on` and
`expires_on`, the passing attempt it rests on, the expiry warning cleared for the next term);
the history is the attempts, every one of which is kept. A failed retake never takes away a
certification that is still valid. A certification is valid from `certified_on` through
`expires_on`, both days included.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel
from programs.models.core import Program, Tier
from programs.models.library import Asset, AssetLanguage


class Course(TenantModel):
    """A course for partner reps. Drafts are invisible to partners; a published course is
    shown by the same rule as library content (programs.selectors.visibility): no program
    chosen, every partner; programs (and tiers) chosen, only partners placed there."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=AssetLanguage, default=AssetLanguage.JAPANESE
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_published = models.BooleanField(_("published"), default=False)
    programs = models.ManyToManyField(
        Program,
        through="CourseProgram",
        related_name="courses",
        blank=True,
        verbose_name=_("programs"),
    )
    tiers = models.ManyToManyField(
        Tier, through="CourseTier", related_name="courses", blank=True, verbose_name=_("tiers")
    )
    # The new-course form's one-time token: a second submit finds this course.
    create_token = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Touched by every change to the course, its lessons and its questions.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark_percent__gte=1, pass_mark_percent__lte=100),
                name="course_pass_mark_range",
            ),
            models.CheckConstraint(
                condition=models.Q(validity_months__gte=1), name="course_validity_positive"
            ),
            models.UniqueConstraint(
                fields=["tenant", "create_token"],
                condition=~models.Q(create_token=""),
                name="course_create_token",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "is_published", "title"], name="course_tenant_title"),
        ]

    def __str__(self) -> str:
        return self.title


class CourseProgram(TenantModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    program = models.ForeignKey(Program, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "course", "program"], name="course_program"),
        ]


class CourseTier(TenantModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "course", "tier"], name="course_tier"),
        ]


class LessonKind(models.TextChoices):
    TEXT = "text", _("Text")
    ASSET = "asset", _("Library asset")
    LINK = "link", _("Link")


class Lesson(TenantModel):
    """One step of a course: a text, a library asset (shown by its title and its own portal
    rules) or a link elsewhere (http or https only)."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("course")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=LessonKind, default=LessonKind.TEXT)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000, blank=True)
    asset = models.ForeignKey(
        Asset,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asset"),
    )
    url = models.URLField(_("link"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="asset", asset__isnull=False)
                | ~models.Q(kind="asset") & models.Q(asset__isnull=True),
                name="lesson_asset_kind",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "course", "position"], name="lesson_course")]

    def __str__(self) -> str:
        return self.title


class Question(TenantModel):
    """A quiz question: single choice (exactly one correct choice) or multiple choice (at
    least one); answered right when the chosen set is exactly the correct set."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="questions", verbose_name=_("course")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("question"), max_length=2000)
    multiple = models.BooleanField(_("several answers may be right"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["course", "position", "id"]
        indexes = [
            models.Index(fields=["tenant", "course", "position"], name="question_course"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(TenantModel):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "id"]
        indexes = [models.Index(fields=["tenant", "question"], name="choice_question")]

    def __str__(self) -> str:
        return self.text


class QuizAttempt(TenantModel):
    """One submitted quiz, graded on the server. `answers` keeps what was chosen and whether
    it was right, per question, so the result stays readable after the course changes. The
    quiz form's one-time `token` (unique per tenant) makes a double submit one attempt."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("course")
    )
    rep = models.ForeignKey(
        "partners.PartnerRep", on_delete=models.PROTECT, related_name="+", verbose_name=_("rep")
    )
    # The rep's partner when they took it: a rep who moves company keeps their attempts.
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token = models.CharField(max_length=64, editable=False)
    answers = models.JSONField(default=list)
    score_percent = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "token"], name="quiz_attempt_token"),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "rep", "course", "submitted_at"], name="quiz_attempt_rep"
            ),
            models.Index(fields=["tenant", "partner", "submitted_at"], name="quiz_attempt_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.score_percent}%"


class Certification(TenantModel):
    """A rep certified for a course until `expires_on` (included); renewed in place by a
    passing retake (see the module's docstring). `expiry_warned_at` marks the one warning
    sent for the current term."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="certifications", verbose_name=_("course")
    )
    rep = models.ForeignKey(
        "partners.PartnerRep", on_delete=models.PROTECT, related_name="+", verbose_name=_("rep")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.PROTECT, related_name="+", verbose_name=_("attempt")
    )
    certified_on = models.DateField(_("certified on"))
    expires_on = models.DateField(_("expires on"))
    expiry_warned_at = models.DateTimeField(_("expiry warned"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["expires_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "course", "rep"], name="certification_one"),
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("certified_on")),
                name="certification_expires_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "expires_on"], name="certification_expiry"),
            models.Index(fields=["tenant", "partner", "expires_on"], name="certification_partner"),
            models.Index(fields=["tenant", "rep", "expires_on"], name="certification_rep"),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.rep}"

    def is_valid_on(self, day) -> bool:
        return self.certified_on <= day <= self.expires_on
