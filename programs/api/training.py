"""The training API: courses (read) with their lessons and quiz, and certifications (read).

Staff read every course (drafts included) and every certification of the tenant with
ProgramsPerm.VIEW. A partner user (Perm.PORTAL_VIEW) reads only the published courses their
partner's programs and tiers may see, by the selectors of the portal's pages, the partner
coming from the login; a draft or another tier's course answers 404. The quiz's right answers
(`is_correct`) never reach a partner user, and neither do the vendor's fields (published
flag, visibility, counts of questions and certifications). A partner rep reads their own
certifications; a partner admin (ProgramsPerm.PORTAL_COMPANY) every rep's of the company,
never another partner's.
"""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers

from accounts.api_filters import IdFilter
from partners.api.common import is_portal
from programs.api.common import (
    OptionalMethodField,
    ProgramsReadMixin,
    StaffOnlyFieldsMixin,
    portal_rep,
    reads_company,
)
from programs.models import AssetLanguage, Certification, Choice, Course, Lesson, Question
from programs.selectors import training as selectors

# --- Courses ----------------------------------------------------------------------------------


class ChoiceOutSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    is_correct = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy("Staff only: a right answer. Never shown to partner users."),
    )

    class Meta:
        model = Choice
        fields = ["id", "position", "text", "is_correct"]

    # SECURITY(tenant): the quiz's answers stay the vendor's; a partner user retakes a quiz
    # without being told which answers were right.
    staff_only_fields = ("is_correct",)


class QuestionOutSerializer(serializers.ModelSerializer):
    choices = ChoiceOutSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "position", "text", "multiple", "choices"]


class LessonOutSerializer(serializers.ModelSerializer):
    asset_title = serializers.CharField(
        source="asset.title",
        default=None,
        allow_null=True,
        help_text=gettext_lazy("The library asset's title (asset lessons only)."),
    )

    class Meta:
        model = Lesson
        fields = ["id", "position", "kind", "title", "body", "asset", "asset_title", "url"]


class CourseOutSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    lesson_count = serializers.IntegerField(read_only=True)
    question_count = serializers.IntegerField(
        required=False, help_text=gettext_lazy("Staff only: questions in the quiz.")
    )
    certification_count = serializers.IntegerField(
        required=False, help_text=gettext_lazy("Staff only: reps certified, ever.")
    )
    program_ids = OptionalMethodField(
        help_text=gettext_lazy("Staff only: the programs it is shown to (none: every partner).")
    )
    tier_ids = OptionalMethodField(
        help_text=gettext_lazy("Staff only: the tiers of those programs it is shown to.")
    )
    is_published = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Staff only: shown to partners.")
    )
    created_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Staff only."))
    updated_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Staff only."))

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "description",
            "language",
            "validity_months",
            "pass_mark_percent",
            "lesson_count",
            "is_published",
            "question_count",
            "certification_count",
            "program_ids",
            "tier_ids",
            "created_at",
            "updated_at",
        ]

    staff_only_fields = (
        "is_published",
        "question_count",
        "certification_count",
        "program_ids",
        "tier_ids",
        "created_at",
        "updated_at",
    )

    def get_program_ids(self, course) -> list[int]:
        if self.context.get("portal", True):
            return []  # left out; the portal's queryset does not load them
        return [program.pk for program in course.programs.all()]

    def get_tier_ids(self, course) -> list[int]:
        if self.context.get("portal", True):
            return []
        return [tier.pk for tier in course.tiers.all()]


class CourseDetailOutSerializer(CourseOutSerializer):
    lessons = serializers.SerializerMethodField(
        help_text=gettext_lazy("The course's lessons in order.")
    )
    questions = serializers.SerializerMethodField(
        help_text=gettext_lazy("The quiz's questions in order (right answers: staff only).")
    )

    class Meta(CourseOutSerializer.Meta):
        fields = [*CourseOutSerializer.Meta.fields, "lessons", "questions"]

    @extend_schema_field(LessonOutSerializer(many=True))
    def get_lessons(self, course) -> list[dict]:
        tenant = self.context["tenant"]
        lessons = selectors.course_lessons(tenant=tenant, course=course)
        return LessonOutSerializer(lessons, many=True, context=self.context).data

    @extend_schema_field(QuestionOutSerializer(many=True))
    def get_questions(self, course) -> list[dict]:
        tenant = self.context["tenant"]
        questions = selectors.course_questions(tenant=tenant, course=course)
        return QuestionOutSerializer(questions, many=True, context=self.context).data


COURSE_STATUSES = [
    ("published", gettext_lazy("Published")),
    ("draft", gettext_lazy("Draft")),
]


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("Search title and text"))
    language = django_filters.ChoiceFilter(choices=AssetLanguage.choices)
    status = django_filters.ChoiceFilter(
        choices=COURSE_STATUSES,
        method="by_status",
        label=gettext_lazy("Published or draft (a partner user sees published ones only)"),
    )

    class Meta:
        model = Course
        fields: list[str] = []

    def search(self, queryset, name, value):
        return selectors.courses_matching(queryset, query=value)

    def by_status(self, queryset, name, value):
        return selectors.courses_matching(queryset, status=value)


class CourseReadMixin(ProgramsReadMixin):
    model = Course
    filterset_class = CourseFilter
    ordering_fields = ["title", "created_at"]

    def tenant_queryset(self, tenant):
        if is_portal(self.request):
            rep = portal_rep(self.request)
            # SECURITY(tenant): published courses the partner's programs and tiers see.
            return selectors.portal_courses(tenant=tenant, partner=rep.partner)
        return selectors.course_api_list(tenant=tenant)


class CourseListView(CourseReadMixin, generics.ListAPIView):
    """The courses: staff see every course of the tenant (drafts too), a partner user the
    published ones their partner may see."""

    serializer_class = CourseOutSerializer


class CourseDetailView(CourseReadMixin, generics.RetrieveAPIView):
    """One course with its lessons and quiz questions in order; for a partner user, without
    the right answers."""

    serializer_class = CourseDetailOutSerializer
    lookup_url_kwarg = "course_id"


# --- Certifications ---------------------------------------------------------------------------


class CertificationOutSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)
    rep_name = serializers.CharField(source="rep.full_name", read_only=True)
    status = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "current (valid today), expiring (valid today and ending within 30 days) or expired."
        )
    )
    partner_name = OptionalMethodField(
        help_text=gettext_lazy("Staff only: the rep's partner company.")
    )
    expiry_warned_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Staff only: when the rep was warned of the end (this term)."),
    )
    created_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Staff only."))
    updated_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Staff only."))

    class Meta:
        model = Certification
        fields = [
            "id",
            "course",
            "course_title",
            "rep",
            "rep_name",
            "partner",
            "attempt",
            "certified_on",
            "expires_on",
            "status",
            "partner_name",
            "expiry_warned_at",
            "created_at",
            "updated_at",
        ]

    staff_only_fields = ("partner_name", "expiry_warned_at", "created_at", "updated_at")

    def get_status(self, certification) -> str:
        today = self.context.get("today") or timezone.localdate()
        if certification.expires_on < today:
            return "expired"
        soon = today + datetime.timedelta(days=selectors.EXPIRING_DAYS)
        return "expiring" if certification.expires_on <= soon else "current"

    def get_partner_name(self, certification) -> str:
        if self.context.get("portal", True):
            return ""  # left out; the portal's queryset does not load the partner
        return str(certification.partner)


@extend_schema_field(OpenApiTypes.INT)
class DaysFilter(django_filters.NumberFilter):
    """A number of days: a whole number, in the form and in the schema (as IdFilter)."""

    field_class = forms.IntegerField


CERTIFICATION_STATUSES = [
    ("current", gettext_lazy("Current")),
    ("expiring", gettext_lazy("Expiring within 30 days")),
    ("expired", gettext_lazy("Expired")),
]


class CertificationFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id")
    rep = IdFilter(field_name="rep_id")
    course = IdFilter(field_name="course_id")
    status = django_filters.ChoiceFilter(choices=CERTIFICATION_STATUSES, method="by_status")
    expiring_within = DaysFilter(
        method="by_expiry",
        min_value=0,
        max_value=3660,
        label=gettext_lazy("Still valid today and ending within this many days"),
    )

    class Meta:
        model = Certification
        fields: list[str] = []

    def by_status(self, queryset, name, value):
        return selectors.certifications_matching(queryset, today=timezone.localdate(), status=value)

    def by_expiry(self, queryset, name, value):
        return selectors.certifications_matching(
            queryset, today=timezone.localdate(), ending_within_days=value
        )


class CertificationReadMixin(ProgramsReadMixin):
    model = Certification
    serializer_class = CertificationOutSerializer
    filterset_class = CertificationFilter
    ordering_fields = ["expires_on", "certified_on"]

    def tenant_queryset(self, tenant):
        if is_portal(self.request):
            rep = portal_rep(self.request)
            # SECURITY(tenant): the partner admin reads the company's, a rep their own.
            only = None if reads_company(self.request) else rep
            return selectors.portal_certifications(tenant=tenant, partner=rep.partner, rep=only)
        return selectors.certification_list(tenant=tenant, today=timezone.localdate())


class CertificationListView(CertificationReadMixin, generics.ListAPIView):
    """Certifications: staff see the tenant's, soonest end first, filtered by partner, rep,
    course, status or days to the end; a partner rep their own, a partner admin their
    company's reps'."""


class CertificationDetailView(CertificationReadMixin, generics.RetrieveAPIView):
    lookup_url_kwarg = "certification_id"
