"""Staff pages of training: the course list, a new course, the course editor (details,
lessons, quiz questions with their answers, publish) and the certification list."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate
from accounts.urls_helpers import tenant_reverse
from programs.forms.training import (
    CertificationFilterForm,
    CourseFilterForm,
    CourseForm,
    LessonForm,
    QuestionForm,
)
from programs.permissions import ProgramsPerm
from programs.selectors import library as library_selectors
from programs.selectors import training as selectors
from programs.services import training as services

PAGE_SIZE = 25
NAV = "training"


def _editor_url(tenant, course) -> str:
    return tenant_reverse(tenant, "programs:training_course_detail", course_id=course.pk)


def _course_form(request, *, data=None, **kwargs) -> CourseForm:
    programs, tiers = library_selectors.visibility_choices(tenant=request.tenant)
    return CourseForm(data, programs=programs, tiers=tiers, **kwargs)


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def course_list(request, tenant_slug):
    tenant = request.tenant
    form = CourseFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {"query": form.cleaned_data["q"], "status": form.cleaned_data["status"]}
    page = paginate(request, selectors.course_list(tenant=tenant, **filters), per_page=PAGE_SIZE)
    return render(
        request,
        "programs/training/course_list.html",
        {
            "nav": NAV,
            "filter_form": form,
            "page": page,
            "has_any": page.paginator.count or selectors.course_exists(tenant=tenant),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def course_create(request, tenant_slug):
    """A new draft course. The form's one-time token makes a double submit find the first
    course instead of creating a second."""
    tenant = request.tenant
    if request.method == "POST":
        form = _course_form(request, data=request.POST)
        if form.is_valid():
            try:
                course = services.course_create(
                    tenant=tenant,
                    actor=request.user,
                    token=form.cleaned_data["token"],
                    **form.details(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Course created: add its lessons and quiz."))
                return redirect(_editor_url(tenant, course))
    else:
        form = _course_form(request, initial={"token": services.new_form_token()})
    return render(
        request,
        "programs/training/course_form.html",
        {"nav": NAV, "form": form, "is_new": True},
        status=_status(form),
    )


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def course_detail(request, tenant_slug, course_id):
    """The course editor: details, lessons, questions and the publish switch."""
    tenant = request.tenant
    course = selectors.course_get(tenant=tenant, course_id=course_id)
    return render(
        request,
        "programs/training/course_detail.html",
        {
            "nav": NAV,
            "course": course,
            "lessons": selectors.course_lessons(tenant=tenant, course=course),
            "questions": selectors.course_questions(tenant=tenant, course=course),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def course_edit(request, tenant_slug, course_id):
    tenant = request.tenant
    course = selectors.course_get(tenant=tenant, course_id=course_id)
    if request.method == "POST":
        form = _course_form(request, data=request.POST)
        if form.is_valid():
            try:
                services.course_update(
                    tenant=tenant, actor=request.user, course=course, **form.details()
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Course saved."))
                return redirect(_editor_url(tenant, course))
    else:
        form = _course_form(
            request,
            initial={
                "title": course.title,
                "description": course.description,
                "language": course.language,
                "validity_months": course.validity_months,
                "pass_mark_percent": course.pass_mark_percent,
                "programs": list(course.programs.all()),
                "tiers": list(course.tiers.all()),
            },
        )
    return render(
        request,
        "programs/training/course_form.html",
        {"nav": NAV, "form": form, "course": course, "is_new": False},
        status=_status(form),
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_POST
def course_publish(request, tenant_slug, course_id):
    """POST published=yes publishes, published=no withdraws."""
    tenant = request.tenant
    course = selectors.course_get(tenant=tenant, course_id=course_id)
    published = request.POST.get("published", "yes") != "no"
    try:
        services.course_publish(
            tenant=tenant, actor=request.user, course=course, published=published
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if published:
            messages.success(request, _("Course published: partners who may see it can take it."))
        else:
            messages.success(request, _("Course withdrawn: partners no longer see it."))
    return redirect(_editor_url(tenant, course))


def _lesson_form(request, *, data=None, **kwargs) -> LessonForm:
    return LessonForm(data, assets=selectors.lesson_asset_choices(tenant=request.tenant), **kwargs)


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def lesson_add(request, tenant_slug, course_id):
    return _lesson_page(request, course_id=course_id, lesson_id=None)


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def lesson_edit(request, tenant_slug, course_id, lesson_id):
    return _lesson_page(request, course_id=course_id, lesson_id=lesson_id)


def _lesson_page(request, *, course_id, lesson_id):
    tenant = request.tenant
    course = selectors.course_get(tenant=tenant, course_id=course_id)
    lesson = (
        selectors.lesson_get(tenant=tenant, course=course, lesson_id=lesson_id)
        if lesson_id is not None
        else None
    )
    if request.method == "POST":
        form = _lesson_form(request, data=request.POST)
        if form.is_valid():
            try:
                if lesson is None:
                    services.lesson_add(
                        tenant=tenant, actor=request.user, course=course, **form.details()
                    )
                else:
                    services.lesson_update(
                        tenant=tenant,
                        actor=request.user,
                        course=course,
                        lesson=lesson,
                        **form.details(),
                    )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Lesson saved."))
                return redirect(_editor_url(tenant, course))
    elif lesson is not None:
        form = _lesson_form(
            request,
            initial={
                "kind": lesson.kind,
                "title": lesson.title,
                "body": lesson.body,
                "asset": lesson.asset,
                "url": lesson.url,
            },
        )
    else:
        form = _lesson_form(request)
    return render(
        request,
        "programs/training/lesson_form.html",
        {"nav": NAV, "course": course, "lesson": lesson, "form": form},
        status=_status(form),
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def lesson_remove(request, tenant_slug, course_id, lesson_id):
    """GET asks for confirmation; POST removes."""
    tenant = request.tenant
    course = selectors.course_get(tenant=tenant, course_id=course_id)
    lesson = selectors.lesson_get(tenant=tenant, course=course, lesson_id=lesson_id)
    if request.method == "POST":
        try:
            services.lesson_remove(tenant=tenant, actor=request.user, course=course, lesson=lesson)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Lesson removed."))
        return redirect(_editor_url(tenant, course))
    return render(
        request,
        "programs/training/remove_confirm.html",
        {"nav": NAV, "course": course, "thing": lesson.title, "what": "lesson"},
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_add(request, tenant_slug, course_id):
    return _question_page(request, course_id=course_id, question_id=None)


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_edit(request, tenant_slug, course_id, question_id):
    return _question_page(request, course_id=course_id, question_id=question_id)


def _question_page(request, *, course_id, question_id):
    tenant = request.tenant
    course = selectors.course_get(tenant=tenant, course_id=course_id)
    question = (
        selectors.question_get(tenant=tenant, course=course, question_id=question_id)
        if question_id is not None
        else None
    )
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                if question is None:
                    services.question_add(
                        tenant=tenant, actor=request.user, course=course, **form.details()
                    )
                else:
                    services.question_update(
                        tenant=tenant,
                        actor=request.user,
                        course=course,
                        question=question,
                        **form.details(),
                    )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("Question saved."))
                return redirect(_editor_url(tenant, course))
    elif question is not None:
        form = QuestionForm(initial=QuestionForm.initial_for(question))
    else:
        form = QuestionForm()
    return render(
        request,
        "programs/training/question_form.html",
        {"nav": NAV, "course": course, "question": question, "form": form},
        status=_status(form),
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_remove(request, tenant_slug, course_id, question_id):
    """GET asks for confirmation; POST removes."""
    tenant = request.tenant
    course = selectors.course_get(tenant=tenant, course_id=course_id)
    question = selectors.question_get(tenant=tenant, course=course, question_id=question_id)
    if request.method == "POST":
        try:
            services.question_remove(
                tenant=tenant, actor=request.user, course=course, question=question
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Question removed."))
        return redirect(_editor_url(tenant, course))
    return render(
        request,
        "programs/training/remove_confirm.html",
        {"nav": NAV, "course": course, "thing": question.text, "what": "question"},
    )


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def certification_list(request, tenant_slug):
    tenant = request.tenant
    today = timezone.localdate()
    form = CertificationFilterForm(request.GET or None, tenant=tenant)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "status": data["status"],
            "query": data["q"],
            "course_id": data["course"].pk if data["course"] else None,
        }
    page = paginate(
        request,
        selectors.certification_list(tenant=tenant, today=today, **filters),
        per_page=PAGE_SIZE,
    )
    return render(
        request,
        "programs/training/certification_list.html",
        {
            "nav": NAV,
            "filter_form": form,
            "page": page,
            "today": today,
            "soon": today + datetime.timedelta(days=selectors.EXPIRING_DAYS),
        },
    )
