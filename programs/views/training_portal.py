"""Portal pages of training: the courses the partner sees, a course with its lessons, its
quiz and a result, and the certifications (a rep's own; the partner admin's whole company).

SECURITY(tenant): the partner and the rep are always the requesting login's own
(portal_rep), never ids from the URL or the body. A draft course, one shown to other partners
only, another partner's attempt or certification answers 404 like a missing one; a rep who is
not the partner admin reads only their own attempts and certifications.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import request_has_perm, tenant_view
from accounts.roles import Perm
from accounts.urls_helpers import tenant_reverse
from partners.access import portal_rep
from programs.permissions import ProgramsPerm
from programs.selectors import training as selectors
from programs.services import training as services


def _whose(request):
    """(the rep, the rep whose rows only are shown or None for the whole company)."""
    rep = portal_rep(request)
    # SECURITY(tenant): a rep sees their own certifications; the partner admin the company's.
    company = request_has_perm(request, ProgramsPerm.PORTAL_COMPANY)
    return rep, None if company else rep


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_courses(request, tenant_slug):
    tenant = request.tenant
    rep = portal_rep(request)
    courses = list(selectors.portal_courses(tenant=tenant, partner=rep.partner))
    certifications = selectors.rep_certifications_by_course(tenant=tenant, rep=rep)
    for course in courses:
        course.my_certification = certifications.get(course.pk)
    return render(
        request,
        "programs/portal/training/courses.html",
        {
            "nav": "training",
            "partner": rep.partner,
            "courses": courses,
            "today": timezone.localdate(),
        },
    )


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_course(request, tenant_slug, course_id):
    tenant = request.tenant
    rep = portal_rep(request)
    course = selectors.portal_course_get(tenant=tenant, partner=rep.partner, course_id=course_id)
    return render(
        request,
        "programs/portal/training/course.html",
        {
            "nav": "training",
            "partner": rep.partner,
            "course": course,
            "lessons": selectors.course_lessons(tenant=tenant, course=course),
            "question_count": selectors.course_questions(tenant=tenant, course=course).count(),
            "certification": selectors.rep_certifications_by_course(tenant=tenant, rep=rep).get(
                course.pk
            ),
            "attempts": selectors.rep_attempts(tenant=tenant, rep=rep, course=course)[:5],
            "today": timezone.localdate(),
        },
    )


def _answers(request, questions) -> dict[int, list[str]]:
    return {question.pk: request.POST.getlist(f"question_{question.pk}") for question in questions}


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_http_methods(["GET", "POST"])
def portal_quiz(request, tenant_slug, course_id):
    """The quiz form (with a one-time token) and its submission, graded on the server."""
    tenant = request.tenant
    rep = portal_rep(request)
    course = selectors.portal_course_get(tenant=tenant, partner=rep.partner, course_id=course_id)
    questions = list(selectors.course_questions(tenant=tenant, course=course))
    errors: dict[str, list[str]] = {}
    chosen: dict[int, list[str]] = {}
    token = services.new_form_token()
    if request.method == "POST":
        chosen = _answers(request, questions)
        token = request.POST.get("token", "")
        try:
            attempt = services.quiz_submit(
                tenant=tenant,
                rep=rep,
                membership=request.membership,
                course=course,
                token=token,
                answers=chosen,
                today=timezone.localdate(),
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            if "token" in errors:
                # An expired or foreign token: the form shown again carries a fresh one.
                token = services.new_form_token()
        else:
            if attempt.passed:
                messages.success(request, _("Passed: you are certified for this course."))
            return redirect(
                tenant_reverse(tenant, "programs:portal_attempt", attempt_id=attempt.pk)
            )
    for question in questions:
        question.errors = errors.get(f"question_{question.pk}", [])
        question.chosen = chosen.get(question.pk, [])
    general = [
        text for key, texts in errors.items() if not key.startswith("question_") for text in texts
    ]
    return render(
        request,
        "programs/portal/training/quiz.html",
        {
            "nav": "training",
            "partner": rep.partner,
            "course": course,
            "questions": questions,
            "token": token,
            "errors": general,
            "has_errors": bool(errors),
        },
        status=400 if errors else 200,
    )


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_attempt(request, tenant_slug, attempt_id):
    tenant = request.tenant
    rep, only = _whose(request)
    attempt = selectors.portal_attempt_get(
        tenant=tenant, partner=rep.partner, rep=only, attempt_id=attempt_id
    )
    certification = None
    if attempt.passed:
        certification = selectors.rep_certifications_by_course(tenant=tenant, rep=attempt.rep).get(
            attempt.course_id
        )
    return render(
        request,
        "programs/portal/training/attempt.html",
        {
            "nav": "training",
            "partner": rep.partner,
            "attempt": attempt,
            "review": selectors.attempt_review(tenant=tenant, attempt=attempt),
            "certification": certification,
            "is_own": attempt.rep_id == rep.pk,
        },
    )


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_certifications(request, tenant_slug):
    tenant = request.tenant
    rep, only = _whose(request)
    return render(
        request,
        "programs/portal/training/certifications.html",
        {
            "nav": "training",
            "partner": rep.partner,
            "is_company": only is None,
            "certifications": selectors.portal_certifications(
                tenant=tenant, partner=rep.partner, rep=only
            ),
            "today": timezone.localdate(),
        },
    )


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
@require_GET
def portal_certification(request, tenant_slug, certification_id):
    """One certificate."""
    tenant = request.tenant
    rep, only = _whose(request)
    certification = selectors.portal_certification_get(
        tenant=tenant, partner=rep.partner, rep=only, certification_id=certification_id
    )
    return render(
        request,
        "programs/portal/training/certificate.html",
        {
            "nav": "training",
            "partner": rep.partner,
            "certification": certification,
            "today": timezone.localdate(),
        },
    )
