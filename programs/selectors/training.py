"""Reads of training and certifications: the staff course list and editor, the certification
list, the portal's courses (visible by programs.selectors.visibility's one rule) and a rep's
or a company's certifications, and the tier figure "certified reps".

Portal functions take the partner (and, for a rep who is not the partner admin, the rep) from
the request's own login, never from the URL."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Tenant
from partners.models import Partner, PartnerRep
from programs.models import (
    Asset,
    Certification,
    Choice,
    Course,
    CourseProgram,
    CourseTier,
    Lesson,
    Program,
    Question,
    QuizAttempt,
    Tier,
)
from programs.selectors.tier_figures import TierFiguresPart
from programs.selectors.visibility import partner_placement, visible_q

EXPIRING_DAYS = 30
CERTIFICATION_STATUSES = ("current", "expiring", "expired")


# --- Staff ------------------------------------------------------------------------------------


def course_list(*, tenant: Tenant, query: str = "", status: str = "") -> QuerySet[Course]:
    """This tenant's courses, searched in title and description, drafts or published; each
    with its lesson, question and certification counts (one query at any size)."""
    courses = courses_matching(Course.objects.filter(tenant=tenant), query=query, status=status)
    return courses.annotate(
        lesson_count=Count("lessons", distinct=True),
        question_count=Count("questions", distinct=True),
        certification_count=Count("certifications", distinct=True),
    ).order_by("title", "id")


def courses_matching(
    courses: QuerySet[Course], *, query: str = "", status: str = ""
) -> QuerySet[Course]:
    """`courses` searched in title and description, and published or draft ("" either)."""
    query = " ".join(query.split())[:100]
    if query:
        courses = courses.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if status == "published":
        courses = courses.filter(is_published=True)
    elif status == "draft":
        courses = courses.filter(is_published=False)
    return courses


def course_api_list(*, tenant: Tenant) -> QuerySet[Course]:
    """`course_list` with each course's programs and tiers prefetched (the API's staff read:
    three queries at any size)."""
    return course_list(tenant=tenant).prefetch_related(
        Prefetch("programs", queryset=Program.objects.filter(tenant=tenant)),
        Prefetch("tiers", queryset=Tier.objects.filter(tenant=tenant)),
    )


def course_exists(*, tenant: Tenant) -> bool:
    return Course.objects.filter(tenant=tenant).exists()


def course_get(*, tenant: Tenant, course_id: int) -> Course:
    """One course of this tenant with its visibility, or 404 (another tenant's too)."""
    return get_object_or_404(
        Course.objects.filter(tenant=tenant)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("programs", queryset=Program.objects.filter(tenant=tenant)),
            Prefetch(
                "tiers", queryset=Tier.objects.filter(tenant=tenant).select_related("program")
            ),
        ),
        pk=course_id,
    )


def course_lessons(*, tenant: Tenant, course: Course) -> QuerySet[Lesson]:
    return Lesson.objects.filter(tenant=tenant, course=course).select_related("asset")


def course_questions(*, tenant: Tenant, course: Course) -> QuerySet[Question]:
    return Question.objects.filter(tenant=tenant, course=course).prefetch_related(
        Prefetch("choices", queryset=Choice.objects.filter(tenant=tenant))
    )


def lesson_get(*, tenant: Tenant, course: Course, lesson_id: int) -> Lesson:
    return get_object_or_404(
        Lesson.objects.filter(tenant=tenant, course=course).select_related("asset"), pk=lesson_id
    )


def question_get(*, tenant: Tenant, course: Course, question_id: int) -> Question:
    return get_object_or_404(course_questions(tenant=tenant, course=course), pk=question_id)


def lesson_asset_choices(*, tenant: Tenant) -> QuerySet[Asset]:
    """The library assets a lesson can show: this tenant's, not archived."""
    return Asset.objects.filter(tenant=tenant, is_archived=False).order_by("title", "id")


def certification_status_q(status: str, today: datetime.date) -> Q:
    """current: valid today; expiring: valid today and ending within EXPIRING_DAYS;
    expired: ended before today."""
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    if status == "current":
        return Q(expires_on__gte=today)
    if status == "expiring":
        return Q(expires_on__gte=today, expires_on__lte=soon)
    if status == "expired":
        return Q(expires_on__lt=today)
    return Q()


def certifications_matching(
    certifications: QuerySet[Certification],
    *,
    today: datetime.date,
    status: str = "",
    ending_within_days: int | None = None,
) -> QuerySet[Certification]:
    """`certifications` of a status (certification_status_q) and, with `ending_within_days`,
    valid today and ending within that many days."""
    certifications = certifications.filter(certification_status_q(status, today))
    if ending_within_days is not None:
        certifications = certifications.filter(
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=ending_within_days),
        )
    return certifications


def certification_list(
    *,
    tenant: Tenant,
    today: datetime.date,
    status: str = "",
    query: str = "",
    course_id: int | None = None,
) -> QuerySet[Certification]:
    """This tenant's certifications, soonest end first, with course, rep and partner loaded
    (one query per page at any size)."""
    certifications = Certification.objects.filter(
        certification_status_q(status, today), tenant=tenant
    )
    query = " ".join(query.split())[:100]
    if query:
        certifications = certifications.filter(
            Q(rep__full_name__icontains=query)
            | Q(partner__legal_name__icontains=query)
            | Q(partner__display_name__icontains=query)
        )
    if course_id:
        certifications = certifications.filter(course_id=course_id)
    return certifications.select_related("course", "rep", "partner").order_by("expires_on", "id")


# --- Portal -----------------------------------------------------------------------------------


def _visible_courses(*, tenant: Tenant, partner: Partner) -> QuerySet[Course]:
    # SECURITY(tenant): published courses of this tenant that the partner's placement sees,
    # by the one visibility rule of library content.
    placement = partner_placement(tenant=tenant, partner=partner)
    return Course.objects.filter(tenant=tenant, is_published=True).filter(
        visible_q(
            placement, program_link=CourseProgram, tier_link=CourseTier, content_field="course"
        )
    )


def portal_courses(*, tenant: Tenant, partner: Partner) -> QuerySet[Course]:
    return (
        _visible_courses(tenant=tenant, partner=partner)
        .annotate(lesson_count=Count("lessons", distinct=True))
        .order_by("title", "id")
    )


def portal_course_get(*, tenant: Tenant, partner: Partner, course_id: int) -> Course:
    """A published course the partner sees; a draft, a course shown to others only, or
    another tenant's answers 404."""
    return get_object_or_404(_visible_courses(tenant=tenant, partner=partner), pk=course_id)


def rep_certifications_by_course(*, tenant: Tenant, rep: PartnerRep) -> dict[int, Certification]:
    return {
        certification.course_id: certification
        for certification in Certification.objects.filter(tenant=tenant, rep=rep)
    }


def rep_attempts(*, tenant: Tenant, rep: PartnerRep, course: Course) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(tenant=tenant, rep=rep, course=course).order_by(
        "-submitted_at", "-id"
    )


def _whose(queryset, *, partner: Partner, rep: PartnerRep | None):
    # SECURITY(tenant): the partner's own rows; a rep who is not the partner admin, their own.
    queryset = queryset.filter(partner=partner)
    return queryset if rep is None else queryset.filter(rep=rep)


def portal_attempt_get(
    *, tenant: Tenant, partner: Partner, rep: PartnerRep | None, attempt_id: int
) -> QuizAttempt:
    return get_object_or_404(
        _whose(
            QuizAttempt.objects.filter(tenant=tenant).select_related("course", "rep"),
            partner=partner,
            rep=rep,
        ),
        pk=attempt_id,
    )


def portal_certifications(
    *, tenant: Tenant, partner: Partner, rep: PartnerRep | None
) -> QuerySet[Certification]:
    """The rep's certifications, or (rep None: the partner admin) every rep's of the
    company, by rep then course."""
    return _whose(
        Certification.objects.filter(tenant=tenant).select_related("course", "rep"),
        partner=partner,
        rep=rep,
    ).order_by("rep__full_name", "rep_id", "course__title", "id")


def portal_certification_get(
    *, tenant: Tenant, partner: Partner, rep: PartnerRep | None, certification_id: int
) -> Certification:
    return get_object_or_404(
        _whose(
            Certification.objects.filter(tenant=tenant).select_related(
                "course", "rep", "partner", "attempt"
            ),
            partner=partner,
            rep=rep,
        ),
        pk=certification_id,
    )


def attempt_review(*, tenant: Tenant, attempt: QuizAttempt) -> list[dict]:
    """The attempt's answers with the question texts of today (a question removed since shows
    as gone), for the result page. Right answers are not revealed: a rep can retake."""
    question_ids = [row["question"] for row in attempt.answers]
    questions = {
        question.pk: question
        for question in Question.objects.filter(tenant=tenant, pk__in=question_ids)
    }
    return [
        {"question": questions.get(row["question"]), "correct": row["correct"]}
        for row in attempt.answers
    ]


# --- Tier figures -----------------------------------------------------------------------------


def certified_reps_figures(
    *, tenant: Tenant, partner: Partner, since: datetime.date, until: datetime.date
) -> TierFiguresPart:
    """The partner's active reps holding a certification valid on the window's end (the
    tier requirement "certified reps"), each counted once however many courses they passed."""
    count = (
        Certification.objects.filter(
            tenant=tenant,
            rep__partner=partner,
            rep__is_active=True,
            certified_on__lte=until,
            expires_on__gte=until,
        )
        .values("rep_id")
        .distinct()
        .count()
    )
    return TierFiguresPart(certified_reps=count)
