"""Writes of training and certifications: courses, their lessons and quiz questions, a rep's
quiz submission (graded here, never from the client's word) and the expiry warnings.

Keyword-only, tenant explicit, every related object checked against the tenant, audited in the
same transaction. Validation errors name the field they concern. A double submit creates
nothing twice: the new-course form and the quiz form each carry a one-time token (unique per
tenant). Passing creates the rep's certification for the course, or renews the one they have
(programs/models/training.py says why one row per rep and course).
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services as account_services
from accounts.audit import audit_record, created_values, field_changes, register_action_labels
from accounts.models import Membership, Tenant, User
from accounts.roles import Role
from accounts.transactions import service
from accounts.urls_helpers import tenant_reverse
from partners.models import PartnerRep
from programs.commission.calculator import add_months
from programs.models import (
    Asset,
    AssetLanguage,
    Certification,
    Choice,
    Course,
    CourseProgram,
    CourseTier,
    Lesson,
    LessonKind,
    Program,
    Question,
    QuizAttempt,
    Tier,
)
from programs.services.library import check_link, visibility_check

register_action_labels(
    {
        "course.created": gettext_lazy("Course created"),
        "course.updated": gettext_lazy("Course updated"),
        "course.published": gettext_lazy("Course published"),
        "course.unpublished": gettext_lazy("Course withdrawn"),
        "course.lesson_added": gettext_lazy("Lesson added"),
        "course.lesson_changed": gettext_lazy("Lesson changed"),
        "course.lesson_removed": gettext_lazy("Lesson removed"),
        "course.question_added": gettext_lazy("Quiz question added"),
        "course.question_changed": gettext_lazy("Quiz question changed"),
        "course.question_removed": gettext_lazy("Quiz question removed"),
        "quiz.submitted": gettext_lazy("Quiz submitted"),
        "certification.granted": gettext_lazy("Certification granted"),
        "certification.renewed": gettext_lazy("Certification renewed"),
    }
)

COURSE_FIELDS = ("title", "description", "language", "validity_months", "pass_mark_percent")
MAX_CHOICES = 6
# How long before the end a certification's rep and partner admins are warned.
EXPIRY_WARNING_DAYS = 30


def new_form_token() -> str:
    """A one-time token for the new-course and quiz forms."""
    return uuid.uuid4().hex


def _check_token(token: str) -> str:
    token = (token or "").strip()
    if not token or len(token) > 64:
        raise ValidationError({"token": _("The form has expired: open it again.")})
    return token


def _too_long(limit: int) -> str:
    return _("Use at most %(max)s characters.") % {"max": limit}


def _int_in(value, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _clean_course(fields: dict) -> dict:
    errors = {}
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = " ".join((cleaned["title"] or "").split())
        if not cleaned["title"]:
            errors["title"] = _("Give the course a title.")
        elif len(cleaned["title"]) > 200:
            errors["title"] = _too_long(200)
    if "description" in cleaned:
        cleaned["description"] = (cleaned["description"] or "").strip()
        if len(cleaned["description"]) > 5000:
            errors["description"] = _too_long(5000)
    if "language" in cleaned and cleaned["language"] not in AssetLanguage.values:
        errors["language"] = _("Choose a language.")
    if "validity_months" in cleaned:
        cleaned["validity_months"] = _int_in(cleaned["validity_months"], 1, 60)
        if cleaned["validity_months"] is None:
            errors["validity_months"] = _("Enter a number of months from 1 to 60.")
    if "pass_mark_percent" in cleaned:
        cleaned["pass_mark_percent"] = _int_in(cleaned["pass_mark_percent"], 1, 100)
        if cleaned["pass_mark_percent"] is None:
            errors["pass_mark_percent"] = _("Enter a pass mark from 1 to 100 %.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _set_visibility(tenant: Tenant, course: Course, programs: list[Program], tiers: list[Tier]):
    CourseProgram.objects.filter(tenant=tenant, course=course).delete()
    CourseTier.objects.filter(tenant=tenant, course=course).delete()
    CourseProgram.objects.bulk_create(
        CourseProgram(tenant=tenant, course=course, program=program) for program in programs
    )
    CourseTier.objects.bulk_create(
        CourseTier(tenant=tenant, course=course, tier=tier) for tier in tiers
    )


def _locked_course(tenant: Tenant, course: Course) -> Course:
    if course.tenant_id != tenant.pk:
        # SECURITY(tenant): a course of another tenant is never changed here.
        raise ValidationError(_("This course is not one of this organization's."))
    return Course.objects.select_for_update().get(tenant=tenant, pk=course.pk)


def _touch(tenant: Tenant, course: Course) -> None:
    Course.objects.filter(tenant=tenant, pk=course.pk).update(updated_at=timezone.now())


# --- Courses ----------------------------------------------------------------------------------


@service
def course_create(
    *,
    tenant: Tenant,
    actor: User | None,
    title: str,
    token: str,
    description: str = "",
    language: str = AssetLanguage.JAPANESE,
    validity_months: int = 12,
    pass_mark_percent: int = 80,
    programs: list[Program] = (),
    tiers: list[Tier] = (),
) -> Course:
    """A new draft course. The second submit of one form (the same `token`) returns the
    first one's course."""
    token = _check_token(token)
    existing = Course.objects.filter(tenant=tenant, create_token=token).first()
    if existing is not None:
        return existing
    fields = _clean_course(
        {
            "title": title,
            "description": description,
            "language": language,
            "validity_months": validity_months,
            "pass_mark_percent": pass_mark_percent,
        }
    )
    programs, tiers = visibility_check(tenant, list(programs), list(tiers))
    try:
        with transaction.atomic():
            course = Course.objects.create(
                tenant=tenant, create_token=token, created_by=actor, **fields
            )
    except IntegrityError:
        return Course.objects.get(tenant=tenant, create_token=token)
    _set_visibility(tenant, course, programs, tiers)
    changes = created_values(course, COURSE_FIELDS)
    changes["programs"] = [str(program) for program in programs]
    changes["tiers"] = [str(tier) for tier in tiers]
    audit_record(
        tenant=tenant, actor=actor, action="course.created", target=course, changes=changes
    )
    return course


@service
def course_update(
    *,
    tenant: Tenant,
    actor: User | None,
    course: Course,
    programs: list[Program],
    tiers: list[Tier],
    **fields,
) -> Course:
    """Change the course's details and who sees it."""
    unknown = sorted(set(fields) - set(COURSE_FIELDS))
    if unknown:
        raise ValueError(f"unknown course fields: {', '.join(unknown)}")
    fields = _clean_course(fields)
    programs, tiers = visibility_check(tenant, list(programs), list(tiers))
    course = _locked_course(tenant, course)
    changes = field_changes(course, list(fields), fields)
    old_programs = sorted(str(p) for p in course.programs.all())
    old_tiers = sorted(str(t) for t in course.tiers.all())
    new_programs = sorted(str(p) for p in programs)
    new_tiers = sorted(str(t) for t in tiers)
    if old_programs != new_programs:
        changes["programs"] = [old_programs, new_programs]
    if old_tiers != new_tiers:
        changes["tiers"] = [old_tiers, new_tiers]
    if not changes:
        return course
    for name, value in fields.items():
        setattr(course, name, value)
    course.updated_at = timezone.now()
    course.save(update_fields=[*fields, "updated_at"])
    _set_visibility(tenant, course, programs, tiers)
    audit_record(
        tenant=tenant, actor=actor, action="course.updated", target=course, changes=changes
    )
    return course


def _check_publishable(tenant: Tenant, course: Course) -> None:
    if not Lesson.objects.filter(tenant=tenant, course=course).exists():
        raise ValidationError({"lessons": _("Add at least one lesson before publishing.")})
    if not Question.objects.filter(tenant=tenant, course=course).exists():
        raise ValidationError({"questions": _("Add at least one quiz question before publishing.")})


@service
def course_publish(
    *, tenant: Tenant, actor: User | None, course: Course, published: bool = True
) -> Course:
    """Show the course to partners (it needs a lesson and a question) or withdraw it; the
    same state again changes nothing. Withdrawing keeps attempts and certifications."""
    course = _locked_course(tenant, course)
    if course.is_published == published:
        return course
    if published:
        _check_publishable(tenant, course)
    course.is_published = published
    course.updated_at = timezone.now()
    course.save(update_fields=["is_published", "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="course.published" if published else "course.unpublished",
        target=course,
    )
    return course


# --- Lessons ----------------------------------------------------------------------------------


def _clean_lesson(tenant: Tenant, *, kind, title, body, asset, url) -> dict:
    errors = {}
    title = " ".join((title or "").split())
    body = (body or "").strip()
    if not title:
        errors["title"] = _("Give the lesson a title.")
    elif len(title) > 200:
        errors["title"] = _too_long(200)
    if len(body) > 20000:
        errors["body"] = _too_long(20000)
    if kind not in LessonKind.values:
        errors["kind"] = _("Choose what the lesson is.")
    elif kind == LessonKind.TEXT:
        asset, url = None, ""
        if not body:
            errors["body"] = _("Write the lesson's text.")
    elif kind == LessonKind.ASSET:
        url = ""
        if asset is None:
            errors["asset"] = _("Choose the library asset.")
        elif asset.tenant_id != tenant.pk:
            # SECURITY(tenant): a lesson never points at another tenant's asset.
            errors["asset"] = _("Choose one of this organization's own.")
        elif asset.is_archived:
            errors["asset"] = _("This asset is archived: choose another.")
    else:
        asset = None
        try:
            url = check_link(url)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "title": title, "body": body, "asset": asset, "url": url}


def _own_lesson(tenant: Tenant, course: Course, lesson: Lesson) -> Lesson:
    if lesson.tenant_id != tenant.pk or lesson.course_id != course.pk:
        # SECURITY(tenant): only a lesson of this course of this tenant.
        raise ValidationError(_("This lesson is not one of this course's."))
    return lesson


@service
def lesson_add(
    *,
    tenant: Tenant,
    actor: User | None,
    course: Course,
    kind: str,
    title: str,
    body: str = "",
    asset: Asset | None = None,
    url: str = "",
) -> Lesson:
    """A lesson at the end of the course."""
    fields = _clean_lesson(tenant, kind=kind, title=title, body=body, asset=asset, url=url)
    course = _locked_course(tenant, course)
    last = Lesson.objects.filter(tenant=tenant, course=course).aggregate(last=Max("position"))
    lesson = Lesson.objects.create(
        tenant=tenant, course=course, position=(last["last"] or 0) + 1, **fields
    )
    _touch(tenant, course)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="course.lesson_added",
        target=course,
        changes={"lesson": lesson.title, "kind": lesson.kind},
    )
    return lesson


@service
def lesson_update(
    *,
    tenant: Tenant,
    actor: User | None,
    course: Course,
    lesson: Lesson,
    kind: str,
    title: str,
    body: str = "",
    asset: Asset | None = None,
    url: str = "",
) -> Lesson:
    fields = _clean_lesson(tenant, kind=kind, title=title, body=body, asset=asset, url=url)
    course = _locked_course(tenant, course)
    lesson = _own_lesson(tenant, course, lesson)
    compared = {**fields, "asset": fields["asset"].pk if fields["asset"] else None}
    changes = field_changes(
        lesson,
        ["kind", "title", "body", "url"],
        {k: compared[k] for k in ("kind", "title", "body", "url")},
    )
    if lesson.asset_id != compared["asset"]:
        changes["asset"] = [str(lesson.asset or ""), str(fields["asset"] or "")]
    if not changes:
        return lesson
    for name, value in fields.items():
        setattr(lesson, name, value)
    lesson.save(update_fields=list(fields))
    _touch(tenant, course)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="course.lesson_changed",
        target=course,
        changes={"lesson": lesson.title, **changes},
    )
    return lesson


@service
def lesson_remove(*, tenant: Tenant, actor: User | None, course: Course, lesson: Lesson) -> None:
    """Remove a lesson; a published course keeps at least one."""
    course = _locked_course(tenant, course)
    lesson = _own_lesson(tenant, course, lesson)
    if (
        course.is_published
        and Lesson.objects.filter(tenant=tenant, course=course).exclude(pk=lesson.pk).count() == 0
    ):
        raise ValidationError(
            {"lessons": _("A published course keeps at least one lesson: withdraw it first.")}
        )
    title = lesson.title
    lesson.delete()
    _touch(tenant, course)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="course.lesson_removed",
        target=course,
        changes={"lesson": title},
    )


# --- Questions --------------------------------------------------------------------------------


def _clean_question(text: str, multiple: bool, choices) -> tuple[str, list[tuple[str, bool]]]:
    """The question's text and its choices (empty rows dropped), or errors naming `text` or
    `choices`."""
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Write the question.")
    elif len(text) > 2000:
        errors["text"] = _too_long(2000)
    rows = [((choice or "").strip(), bool(correct)) for choice, correct in choices]
    rows = [(choice, correct) for choice, correct in rows if choice]
    correct_count = sum(1 for _choice, correct in rows if correct)
    if any(len(choice) > 500 for choice, _correct in rows):
        errors["choices"] = _too_long(500)
    elif len(rows) < 2:
        errors["choices"] = _("Give at least two answers to choose from.")
    elif len(rows) > MAX_CHOICES:
        errors["choices"] = _("Give at most %(max)s answers.") % {"max": MAX_CHOICES}
    elif correct_count == 0:
        errors["choices"] = _("Mark at least one answer as correct.")
    elif not multiple and correct_count > 1:
        errors["choices"] = _(
            "A single-choice question has exactly one correct answer: mark one, or allow "
            "several answers."
        )
    if errors:
        raise ValidationError(errors)
    return text, rows


def _own_question(tenant: Tenant, course: Course, question: Question) -> Question:
    if question.tenant_id != tenant.pk or question.course_id != course.pk:
        # SECURITY(tenant): only a question of this course of this tenant.
        raise ValidationError(_("This question is not one of this course's."))
    return question


def _set_choices(tenant: Tenant, question: Question, rows: list[tuple[str, bool]]) -> None:
    Choice.objects.filter(tenant=tenant, question=question).delete()
    Choice.objects.bulk_create(
        Choice(tenant=tenant, question=question, position=index, text=text, is_correct=correct)
        for index, (text, correct) in enumerate(rows, start=1)
    )


@service
def question_add(
    *,
    tenant: Tenant,
    actor: User | None,
    course: Course,
    text: str,
    multiple: bool,
    choices: list[tuple[str, bool]],
) -> Question:
    """A quiz question at the end, with its choices ((text, is_correct) pairs)."""
    text, rows = _clean_question(text, multiple, choices)
    course = _locked_course(tenant, course)
    last = Question.objects.filter(tenant=tenant, course=course).aggregate(last=Max("position"))
    question = Question.objects.create(
        tenant=tenant,
        course=course,
        position=(last["last"] or 0) + 1,
        text=text,
        multiple=multiple,
    )
    _set_choices(tenant, question, rows)
    _touch(tenant, course)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="course.question_added",
        target=course,
        changes={"question": text[:200], "choices": len(rows)},
    )
    return question


@service
def question_update(
    *,
    tenant: Tenant,
    actor: User | None,
    course: Course,
    question: Question,
    text: str,
    multiple: bool,
    choices: list[tuple[str, bool]],
) -> Question:
    """Change a question and replace its choices. Attempts already made keep their grading
    (each stores what was chosen and whether it was right)."""
    text, rows = _clean_question(text, multiple, choices)
    course = _locked_course(tenant, course)
    question = _own_question(tenant, course, question)
    old_rows = [(c.text, c.is_correct) for c in question.choices.all()]
    changes = field_changes(question, ["text", "multiple"], {"text": text, "multiple": multiple})
    if old_rows != rows:
        changes["choices"] = [
            [f"{'✓ ' if ok else ''}{t}" for t, ok in old_rows],
            [f"{'✓ ' if ok else ''}{t}" for t, ok in rows],
        ]
    if not changes:
        return question
    question.text, question.multiple = text, multiple
    question.save(update_fields=["text", "multiple"])
    _set_choices(tenant, question, rows)
    _touch(tenant, course)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="course.question_changed",
        target=course,
        changes={"question": text[:200], **changes},
    )
    return question


@service
def question_remove(
    *, tenant: Tenant, actor: User | None, course: Course, question: Question
) -> None:
    """Remove a question; a published course keeps at least one."""
    course = _locked_course(tenant, course)
    question = _own_question(tenant, course, question)
    if (
        course.is_published
        and Question.objects.filter(tenant=tenant, course=course).exclude(pk=question.pk).count()
        == 0
    ):
        raise ValidationError(
            {"questions": _("A published course keeps at least one question: withdraw it first.")}
        )
    text = question.text
    question.delete()
    _touch(tenant, course)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="course.question_removed",
        target=course,
        changes={"question": text[:200]},
    )


# --- The quiz ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    answers: list[dict]
    score_percent: int
    passed: bool


def quiz_grade(*, tenant: Tenant, course: Course, answers: dict[int, list[int]]) -> Grade:
    """Grade `answers` (question id -> chosen choice ids) against the course's questions: a
    question is right when the chosen set is exactly the correct set. Every question must be
    answered, a single-choice one with one answer; the errors name `question_<id>`."""
    questions = list(
        Question.objects.filter(tenant=tenant, course=course).prefetch_related("choices")
    )
    if not questions:
        raise ValidationError({"questions": _("This course has no quiz yet.")})
    errors = {}
    graded = []
    right = 0
    for question in questions:
        choice_ids = {choice.pk for choice in question.choices.all()}
        correct = {choice.pk for choice in question.choices.all() if choice.is_correct}
        chosen = set()
        for value in answers.get(question.pk, ()):
            try:
                chosen.add(int(value))
            except (TypeError, ValueError):
                continue
        field = f"question_{question.pk}"
        if not chosen:
            errors[field] = _("Answer this question.")
            continue
        if not chosen <= choice_ids:
            errors[field] = _("Choose among this question's answers.")
            continue
        if not question.multiple and len(chosen) > 1:
            errors[field] = _("Choose one answer.")
            continue
        is_right = chosen == correct
        right += is_right
        graded.append({"question": question.pk, "chosen": sorted(chosen), "correct": is_right})
    if errors:
        raise ValidationError(errors)
    score = (right * 100) // len(questions)
    return Grade(answers=graded, score_percent=score, passed=score >= course.pass_mark_percent)


def certification_expiry(course: Course, certified_on: datetime.date) -> datetime.date:
    """The last valid day of a certification earned on `certified_on`."""
    return add_months(certified_on, course.validity_months) - datetime.timedelta(days=1)


def _certify(
    tenant: Tenant, attempt: QuizAttempt, course: Course, today: datetime.date, actor
) -> Certification:
    """Create the rep's certification for the course, or renew the one they have (locked, so
    two passing attempts at once renew it once each, in turn)."""
    values = {
        "attempt": attempt,
        "partner_id": attempt.partner_id,
        "certified_on": today,
        "expires_on": certification_expiry(course, today),
        "expiry_warned_at": None,
        "updated_at": timezone.now(),
    }
    existing = (
        Certification.objects.select_for_update()
        .filter(tenant=tenant, course=course, rep_id=attempt.rep_id)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                certification = Certification.objects.create(
                    tenant=tenant, course=course, rep_id=attempt.rep_id, **values
                )
        except IntegrityError:
            existing = Certification.objects.select_for_update().get(
                tenant=tenant, course=course, rep_id=attempt.rep_id
            )
        else:
            audit_record(
                tenant=tenant,
                actor=actor,
                action="certification.granted",
                target=certification,
                changes={"expires_on": certification.expires_on.isoformat()},
            )
            return certification
    old_expiry = existing.expires_on
    for name, value in values.items():
        setattr(existing, name, value)
    existing.save(update_fields=list(values))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="certification.renewed",
        target=existing,
        changes={"expires_on": [old_expiry.isoformat(), existing.expires_on.isoformat()]},
    )
    return existing


@service
def quiz_submit(
    *,
    tenant: Tenant,
    rep: PartnerRep,
    membership: Membership | None,
    course: Course,
    token: str,
    answers: dict[int, list[int]],
    today: datetime.date,
) -> QuizAttempt:
    """Record and grade one attempt of the rep at the course's quiz; a pass certifies them
    (or renews their certification). The second submit of one quiz form (the same `token`)
    returns the first one's attempt and changes nothing."""
    token = _check_token(token)
    if course.tenant_id != tenant.pk or rep.tenant_id != tenant.pk:
        # SECURITY(tenant): a rep answers only their own tenant's courses.
        raise ValidationError(_("This course is not one of this organization's."))
    existing = QuizAttempt.objects.filter(tenant=tenant, token=token).first()
    if existing is not None:
        if existing.rep_id != rep.pk or existing.course_id != course.pk:
            raise ValidationError({"token": _("The form has expired: open it again.")})
        return existing
    if not course.is_published:
        raise ValidationError(_("This course is not open for the quiz."))
    grade = quiz_grade(tenant=tenant, course=course, answers=answers)
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                tenant=tenant,
                course=course,
                rep=rep,
                partner_id=rep.partner_id,
                membership=membership,
                token=token,
                answers=grade.answers,
                score_percent=grade.score_percent,
                passed=grade.passed,
            )
    except IntegrityError:
        # The same form submitted twice at once: the second waited on the key.
        return QuizAttempt.objects.get(tenant=tenant, token=token)
    actor = membership.user if membership is not None else None
    audit_record(
        tenant=tenant,
        actor=actor,
        action="quiz.submitted",
        target=attempt,
        changes={"score_percent": grade.score_percent, "passed": grade.passed},
    )
    if grade.passed:
        _certify(tenant, attempt, course, today, actor)
    return attempt


# --- Expiry warnings --------------------------------------------------------------------------


def _partner_admins(tenant: Tenant, partner_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(
            tenant=tenant,
            role=Role.PARTNER_ADMIN,
            is_active=True,
            partner_reps__partner_id=partner_id,
            partner_reps__is_active=True,
        )
        .select_related("user")
        .distinct()
    )


def _warning_enqueue(tenant: Tenant, certification: Certification, to: str, language: str):
    with translation.override(language):
        values = {
            "tenant": tenant.name,
            "rep": certification.rep.full_name,
            "course": certification.course.title,
            "expires_on": formats.date_format(certification.expires_on, "DATE_FORMAT"),
        }
        subject = _("[%(tenant)s] Certification “%(course)s” of %(rep)s expires soon") % values
        body = (
            _(
                "The certification of %(rep)s for the course “%(course)s” expires on "
                "%(expires_on)s. Take the course's quiz again before then to renew it."
            )
            % values
        )
        page = tenant_reverse(tenant, "programs:portal_course", course_id=certification.course_id)
        body += "\n\n" + _("The course: %(url)s") % {"url": settings.PRM_SITE_URL + page}
    account_services.email_enqueue(
        tenant=tenant, to=to, subject=subject, body_text=body, purpose="certification_expiry"
    )


@service
def certification_expiry_warn(*, tenant: Tenant, today: datetime.date) -> int:
    """Warn the rep and their partner's admins of each certification ending within
    EXPIRY_WARNING_DAYS: one e-mail to each address per certification and term, marked on the
    certification so a re-run sends nothing again (a renewal clears the mark for the next
    term). Returns how many e-mails were written."""
    due = (
        Certification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            tenant=tenant,
            expiry_warned_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
            rep__is_active=True,
        )
        .select_related("rep", "course", "rep__membership__user")
        .order_by("expires_on", "pk")
    )
    default_language = tenant.default_language or settings.LANGUAGE_CODE
    admins_by_partner: dict[int, list[Membership]] = {}
    sent = 0
    now = timezone.now()
    for certification in due:
        rep = certification.rep
        # One e-mail per address: a rep who is also the partner admin gets one.
        recipients: dict[str, tuple[str, str]] = {}
        rep_user = rep.membership.user if rep.membership_id else None
        if rep.email:
            recipients[rep.email.lower()] = (
                rep.email,
                rep_user.language if rep_user and rep_user.language else default_language,
            )
        if rep.partner_id not in admins_by_partner:
            admins_by_partner[rep.partner_id] = _partner_admins(tenant, rep.partner_id)
        for admin in admins_by_partner[rep.partner_id]:
            if admin.user.email:
                recipients.setdefault(
                    admin.user.email.lower(),
                    (admin.user.email, admin.user.language or default_language),
                )
        for address, language in recipients.values():
            _warning_enqueue(tenant, certification, address, language)
            sent += 1
        certification.expiry_warned_at = now
        certification.save(update_fields=["expiry_warned_at"])
    return sent
