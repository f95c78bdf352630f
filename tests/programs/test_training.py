"""Training and certifications: the course editor's rules, server-side grading, one attempt
per quiz form, certification and renewal, expiry warnings sent once, the tier figure
"certified reps", and the staff and portal pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEvent, OutgoingEmail
from accounts.roles import Role
from programs.models import Certification, Choice, Course, Lesson, Question, QuizAttempt
from programs.selectors.tier_figures import register_tier_figures_provider, tier_figures
from programs.selectors.training import certified_reps_figures
from programs.services import training as services
from programs.tasks.training import certification_expiry_task
from tests.factories.accounts import TenantFactory
from tests.factories.partners import PartnerFactory, PartnerRepFactory, portal_membership_for
from tests.factories.programs import (
    AssetFactory,
    CertificationFactory,
    CourseFactory,
    LessonFactory,
    PartnerContractFactory,
    ProgramFactory,
    QuestionFactory,
    QuizAttemptFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _unscoped():
    """The tests read rows directly (requests still enter their own scope)."""
    with scopes_disabled():
        yield


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant, display_name="Sakura Systems")


@pytest.fixture
def rep(partner):
    return PartnerRepFactory(partner=partner, full_name="Aoi Rep")


def _course(tenant, actor, **overrides):
    values = {
        "tenant": tenant,
        "actor": actor,
        "title": "Selling the product",
        "token": services.new_form_token(),
        "pass_mark_percent": 50,
    }
    values.update(overrides)
    return services.course_create(**values)


def _quiz_course(tenant, *, pass_mark=50, validity=12):
    """A published course with two single-choice questions (first answer right) and one
    multiple-choice question (first two right)."""
    course = CourseFactory(tenant=tenant, pass_mark_percent=pass_mark, validity_months=validity)
    LessonFactory(course=course)
    q1 = QuestionFactory(course=course)
    q2 = QuestionFactory(course=course)
    q3 = QuestionFactory(
        course=course, multiple=True, choices=[("A", True), ("B", True), ("C", False)]
    )
    return course, [q1, q2, q3]


def _choices(question, *, correct: bool) -> list[int]:
    return [c.pk for c in question.choices.all() if c.is_correct == correct]


def _right(questions) -> dict[int, list[int]]:
    return {q.pk: _choices(q, correct=True) for q in questions}


def _submit(tenant, rep, course, answers, *, token=None, today=TODAY):
    return services.quiz_submit(
        tenant=tenant,
        rep=rep,
        membership=None,
        course=course,
        token=token or services.new_form_token(),
        answers=answers,
        today=today,
    )


# --- The course editor ------------------------------------------------------------------------


def test_a_new_course_is_a_draft_and_audited(tenant, actor):
    course = _course(tenant, actor)
    assert (course.is_published, course.validity_months, course.pass_mark_percent) == (
        False,
        12,
        50,
    )
    assert AuditEvent.objects.filter(tenant=tenant, action="course.created").count() == 1


@pytest.mark.parametrize("mark", [0, 101, "x"])
def test_a_pass_mark_outside_1_to_100_is_refused_naming_the_field(tenant, actor, mark):
    with pytest.raises(ValidationError) as error:
        _course(tenant, actor, pass_mark_percent=mark)
    assert "1 to 100" in error.value.message_dict["pass_mark_percent"][0]
    assert not Course.objects.filter(tenant=tenant).exists()


def test_a_course_without_a_title_is_refused_naming_the_field(tenant, actor):
    with pytest.raises(ValidationError) as error:
        _course(tenant, actor, title="   ")
    assert "title" in error.value.message_dict


def test_a_double_submit_of_the_new_course_form_creates_one_course(tenant, actor):
    token = services.new_form_token()
    first = _course(tenant, actor, token=token)
    second = _course(tenant, actor, token=token, title="Another title")
    assert first.pk == second.pk
    assert Course.objects.filter(tenant=tenant).count() == 1


def test_a_question_without_a_correct_answer_is_refused(tenant, actor):
    course = _course(tenant, actor)
    with pytest.raises(ValidationError) as error:
        services.question_add(
            tenant=tenant,
            actor=actor,
            course=course,
            text="Which plan fits a team of five?",
            multiple=False,
            choices=[("Team", False), ("Enterprise", False)],
        )
    assert "correct" in error.value.message_dict["choices"][0]
    assert not Question.objects.filter(tenant=tenant).exists()


def test_a_single_choice_question_with_two_correct_answers_is_refused(tenant, actor):
    course = _course(tenant, actor)
    with pytest.raises(ValidationError) as error:
        services.question_add(
            tenant=tenant,
            actor=actor,
            course=course,
            text="Pick one",
            multiple=False,
            choices=[("A", True), ("B", True)],
        )
    assert "exactly one" in error.value.message_dict["choices"][0]


def test_a_question_needs_two_answers_and_a_text(tenant, actor):
    course = _course(tenant, actor)
    with pytest.raises(ValidationError) as error:
        services.question_add(
            tenant=tenant,
            actor=actor,
            course=course,
            text="",
            multiple=False,
            choices=[("A", True)],
        )
    assert set(error.value.message_dict) == {"text", "choices"}


def test_editing_a_question_replaces_its_answers(tenant, actor):
    course = _course(tenant, actor)
    question = services.question_add(
        tenant=tenant,
        actor=actor,
        course=course,
        text="Q?",
        multiple=False,
        choices=[("A", True), ("B", False), ("", False)],
    )
    services.question_update(
        tenant=tenant,
        actor=actor,
        course=course,
        question=question,
        text="Q2?",
        multiple=True,
        choices=[("A", True), ("B", True), ("C", False)],
    )
    rows = list(Choice.objects.filter(question=question).values_list("text", "is_correct"))
    assert rows == [("A", True), ("B", True), ("C", False)]
    assert Question.objects.get(pk=question.pk).text == "Q2?"


def test_a_course_is_published_only_with_a_lesson_and_a_question(tenant, actor):
    course = _course(tenant, actor)
    with pytest.raises(ValidationError) as error:
        services.course_publish(tenant=tenant, actor=actor, course=course)
    assert "lessons" in error.value.message_dict
    services.lesson_add(
        tenant=tenant, actor=actor, course=course, kind="text", title="Intro", body="Hi"
    )
    with pytest.raises(ValidationError) as error:
        services.course_publish(tenant=tenant, actor=actor, course=course)
    assert "questions" in error.value.message_dict
    services.question_add(
        tenant=tenant,
        actor=actor,
        course=course,
        text="Q?",
        multiple=False,
        choices=[("A", True), ("B", False)],
    )
    services.course_publish(tenant=tenant, actor=actor, course=course)
    assert Course.objects.get(pk=course.pk).is_published


def test_the_last_question_of_a_published_course_cannot_be_removed(tenant, actor):
    course, questions = _quiz_course(tenant)
    for question in questions[:2]:
        services.question_remove(tenant=tenant, actor=actor, course=course, question=question)
    with pytest.raises(ValidationError) as error:
        services.question_remove(tenant=tenant, actor=actor, course=course, question=questions[2])
    assert "questions" in error.value.message_dict


def test_a_lesson_of_another_tenants_asset_is_refused(tenant, actor, other_tenant):
    course = _course(tenant, actor)
    foreign = AssetFactory(tenant=other_tenant)
    with pytest.raises(ValidationError) as error:
        services.lesson_add(
            tenant=tenant, actor=actor, course=course, kind="asset", title="Deck", asset=foreign
        )
    assert "asset" in error.value.message_dict
    assert not Lesson.objects.filter(tenant=tenant).exists()


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("text", {"body": ""}, "body"),
        ("link", {"url": "javascript:alert(1)"}, "url"),
        ("asset", {}, "asset"),
    ],
)
def test_a_lesson_names_the_field_it_lacks(tenant, actor, kind, fields, field):
    course = _course(tenant, actor)
    with pytest.raises(ValidationError) as error:
        services.lesson_add(
            tenant=tenant, actor=actor, course=course, kind=kind, title="Lesson", **fields
        )
    assert field in error.value.message_dict


def test_a_link_lesson_keeps_only_its_link(tenant, actor):
    course = _course(tenant, actor)
    lesson = services.lesson_add(
        tenant=tenant,
        actor=actor,
        course=course,
        kind="link",
        title="Demo video",
        url="https://video.example.com/demo",
        asset=AssetFactory(tenant=tenant),
    )
    assert (lesson.url, lesson.asset_id) == ("https://video.example.com/demo", None)


# --- Grading ----------------------------------------------------------------------------------


def test_all_right_answers_score_100_and_certify(tenant, rep):
    course, questions = _quiz_course(tenant)
    attempt = _submit(tenant, rep, course, _right(questions))
    assert (attempt.score_percent, attempt.passed, attempt.partner_id) == (
        100,
        True,
        rep.partner_id,
    )
    certification = Certification.objects.get(tenant=tenant, rep=rep, course=course)
    assert (certification.certified_on, certification.expires_on) == (
        TODAY,
        datetime.date(2027, 5, 31),
    )
    assert certification.attempt_id == attempt.pk


def test_a_multiple_choice_question_needs_exactly_the_correct_set(tenant, rep):
    course, questions = _quiz_course(tenant, pass_mark=100)
    answers = _right(questions)
    answers[questions[2].pk] = _choices(questions[2], correct=True)[:1]  # one of the two
    attempt = _submit(tenant, rep, course, answers)
    assert (attempt.score_percent, attempt.passed) == (66, False)
    assert [row["correct"] for row in attempt.answers] == [True, True, False]
    assert not Certification.objects.filter(tenant=tenant, rep=rep).exists()


def test_the_pass_mark_is_reached_at_equality(tenant, rep):
    course, questions = _quiz_course(tenant, pass_mark=66)
    answers = _right(questions)
    answers[questions[0].pk] = _choices(questions[0], correct=False)
    assert _submit(tenant, rep, course, answers).passed


def test_an_unanswered_question_is_refused_naming_it_and_records_nothing(tenant, rep):
    course, questions = _quiz_course(tenant)
    answers = _right(questions)
    del answers[questions[1].pk]
    with pytest.raises(ValidationError) as error:
        _submit(tenant, rep, course, answers)
    assert list(error.value.message_dict) == [f"question_{questions[1].pk}"]
    assert not QuizAttempt.objects.filter(tenant=tenant).exists()


def test_two_answers_to_a_single_choice_question_are_refused(tenant, rep):
    course, questions = _quiz_course(tenant)
    answers = _right(questions)
    answers[questions[0].pk] = [c.pk for c in questions[0].choices.all()]
    with pytest.raises(ValidationError) as error:
        _submit(tenant, rep, course, answers)
    assert f"question_{questions[0].pk}" in error.value.message_dict


def test_a_choice_of_another_question_is_refused(tenant, rep):
    course, questions = _quiz_course(tenant)
    answers = _right(questions)
    answers[questions[0].pk] = _choices(questions[1], correct=True)
    with pytest.raises(ValidationError) as error:
        _submit(tenant, rep, course, answers)
    assert f"question_{questions[0].pk}" in error.value.message_dict


def test_a_draft_course_takes_no_quiz(tenant, rep):
    course, questions = _quiz_course(tenant)
    Course.objects.filter(pk=course.pk).update(is_published=False)
    course.refresh_from_db()
    with pytest.raises(ValidationError):
        _submit(tenant, rep, course, _right(questions))


def test_a_double_submit_of_one_quiz_form_records_one_attempt(tenant, rep):
    course, questions = _quiz_course(tenant)
    token = services.new_form_token()
    first = _submit(tenant, rep, course, _right(questions), token=token)
    second = _submit(tenant, rep, course, {}, token=token)
    assert first.pk == second.pk
    assert QuizAttempt.objects.filter(tenant=tenant).count() == 1
    assert AuditEvent.objects.filter(tenant=tenant, action="quiz.submitted").count() == 1


def test_a_retake_is_a_new_attempt_and_a_pass_renews_the_certification(tenant, rep):
    course, questions = _quiz_course(tenant)
    wrong = {q.pk: _choices(q, correct=False)[:1] for q in questions}
    _submit(tenant, rep, course, wrong)
    _submit(tenant, rep, course, _right(questions))
    later = datetime.date(2027, 5, 1)
    renewing = _submit(tenant, rep, course, _right(questions), today=later)
    failed_after = _submit(tenant, rep, course, wrong, today=later)

    assert QuizAttempt.objects.filter(tenant=tenant, rep=rep).count() == 4
    certification = Certification.objects.get(tenant=tenant, rep=rep, course=course)
    assert (certification.certified_on, certification.expires_on) == (
        later,
        datetime.date(2028, 4, 30),
    )
    assert certification.attempt_id == renewing.pk != failed_after.pk
    assert AuditEvent.objects.filter(tenant=tenant, action="certification.renewed").count() == 1


# --- Expiry warnings --------------------------------------------------------------------------


def _certified(rep, *, expires_on, course=None):
    attempt = QuizAttemptFactory(course=course or CourseFactory(tenant=rep.tenant), rep=rep)
    return CertificationFactory(
        attempt=attempt,
        certified_on=expires_on - datetime.timedelta(days=300),
        expires_on=expires_on,
    )


def test_the_rep_and_the_partner_admin_are_warned_once_30_days_before(
    tenant, partner, django_capture_on_commit_callbacks, mailoutbox
):
    admin, _admin_rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    rep = PartnerRepFactory(partner=partner, email="aoi@sakura.example")
    due = _certified(rep, expires_on=TODAY + datetime.timedelta(days=30))
    _certified(rep, expires_on=TODAY + datetime.timedelta(days=31))
    _certified(rep, expires_on=TODAY - datetime.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.certification_expiry_warn(tenant=tenant, today=TODAY)
        again = services.certification_expiry_warn(tenant=tenant, today=TODAY)

    emails = OutgoingEmail.objects.filter(tenant=tenant, purpose="certification_expiry")
    assert (sent, again) == (2, 0)
    assert sorted(e.to for e in emails) == sorted(["aoi@sakura.example", admin.user.email])
    assert len(mailoutbox) == 2
    assert all(due.course.title in message.body for message in mailoutbox)
    assert Certification.objects.get(pk=due.pk).expiry_warned_at is not None


def test_a_partner_admin_of_another_partner_is_not_warned(tenant, partner):
    other = PartnerFactory(tenant=tenant, display_name="Other Co")
    portal_membership_for(other, role=Role.PARTNER_ADMIN)
    rep = PartnerRepFactory(partner=partner, email="aoi@sakura.example")
    _certified(rep, expires_on=TODAY + datetime.timedelta(days=5))

    services.certification_expiry_warn(tenant=tenant, today=TODAY)

    assert list(OutgoingEmail.objects.filter(tenant=tenant).values_list("to", flat=True)) == [
        "aoi@sakura.example"
    ]


def test_a_renewal_clears_the_warning_for_the_next_term(tenant, rep):
    course, questions = _quiz_course(tenant)
    _submit(tenant, rep, course, _right(questions), today=datetime.date(2025, 6, 20))
    assert services.certification_expiry_warn(tenant=tenant, today=TODAY) == 1
    _submit(tenant, rep, course, _right(questions), today=TODAY)
    assert Certification.objects.get(rep=rep).expiry_warned_at is None


def test_the_daily_task_warns_for_its_tenant_only(tenant, rep, django_capture_on_commit_callbacks):
    _certified(rep, expires_on=datetime.date.today() + datetime.timedelta(days=3))
    other = TenantFactory(slug="gamma")
    other_rep = PartnerRepFactory(partner=PartnerFactory(tenant=other))
    _certified(other_rep, expires_on=datetime.date.today() + datetime.timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        sent = certification_expiry_task.delay(tenant_id=tenant.pk).get()

    assert sent == 1
    assert not OutgoingEmail.objects.filter(tenant=other).exists()


# --- The tier figure --------------------------------------------------------------------------


def test_certified_reps_count_distinct_active_reps_valid_on_the_window_end(tenant, partner):
    until = datetime.date(2026, 3, 31)
    twice = PartnerRepFactory(partner=partner)
    _certified(twice, expires_on=until)
    _certified(twice, expires_on=until + datetime.timedelta(days=100))
    _certified(PartnerRepFactory(partner=partner), expires_on=until - datetime.timedelta(days=1))
    left = PartnerRepFactory(partner=partner, is_active=False)
    _certified(left, expires_on=until + datetime.timedelta(days=10))
    _certified(PartnerRepFactory(partner=PartnerFactory(tenant=tenant)), expires_on=until)
    not_yet = PartnerRepFactory(partner=partner)
    attempt = QuizAttemptFactory(course=CourseFactory(tenant=tenant), rep=not_yet)
    CertificationFactory(
        attempt=attempt,
        certified_on=until + datetime.timedelta(days=1),
        expires_on=until + datetime.timedelta(days=400),
    )

    part = certified_reps_figures(
        tenant=tenant, partner=partner, since=datetime.date(2025, 4, 1), until=until
    )

    assert part.certified_reps == 1


def test_the_training_provider_feeds_the_tier_figures(tenant, partner):
    register_tier_figures_provider("training", certified_reps_figures)
    _certified(PartnerRepFactory(partner=partner), expires_on=datetime.date(2027, 1, 1))
    figures = tier_figures(
        tenant=tenant, partner=partner, since=datetime.date(2025, 7, 1), until=TODAY
    )
    assert (figures.certified_reps, figures.providers) == (1, ("training",))


# --- Staff pages ------------------------------------------------------------------------------


def test_the_staff_editor_adds_a_lesson_and_a_question_and_publishes(
    tenant, manager_member, client_for
):
    client = client_for(manager_member)
    base = {"tenant_slug": tenant.slug}
    response = client.post(
        reverse("programs:training_course_create", kwargs=base),
        {
            "title": "Onboarding",
            "language": "en",
            "validity_months": "12",
            "pass_mark_percent": "80",
            "token": "t-1",
        },
    )
    course = Course.objects.get(tenant=tenant)
    kwargs = {**base, "course_id": course.pk}
    assert response.status_code == 302
    client.post(
        reverse("programs:training_lesson_add", kwargs=kwargs),
        {"kind": "text", "title": "Why us", "body": "Because."},
    )
    refused = client.post(
        reverse("programs:training_question_add", kwargs=kwargs),
        {"text": "Which?", "choice_1": "A", "choice_2": "B"},
    )
    assert refused.status_code == 400
    assert "Mark at least one answer as correct." in refused.content.decode()
    client.post(
        reverse("programs:training_question_add", kwargs=kwargs),
        {"text": "Which?", "choice_1": "A", "correct_1": "on", "choice_2": "B"},
    )
    client.post(reverse("programs:training_course_publish", kwargs=kwargs), {"published": "yes"})
    page = client.get(reverse("programs:training_course_detail", kwargs=kwargs)).content.decode()

    assert Course.objects.get(pk=course.pk).is_published
    assert "Why us" in page and "Which?" in page


def test_a_pass_mark_of_101_in_the_form_is_shown_on_its_field(tenant, manager_member, client_for):
    response = client_for(manager_member).post(
        reverse("programs:training_course_create", kwargs={"tenant_slug": tenant.slug}),
        {
            "title": "X",
            "language": "en",
            "validity_months": "12",
            "pass_mark_percent": "101",
            "token": "t",
        },
    )
    assert response.status_code == 400
    assert 'data-field="pass_mark_percent"' in response.content.decode()


def test_a_viewer_sees_the_editor_but_may_not_change_it(tenant, viewer_member, client_for):
    course, _questions = _quiz_course(tenant)
    client = client_for(viewer_member)
    kwargs = {"tenant_slug": tenant.slug, "course_id": course.pk}
    assert client.get(reverse("programs:training_course_detail", kwargs=kwargs)).status_code == 200
    response = client.post(
        reverse("programs:training_course_publish", kwargs=kwargs), {"published": "no"}
    )
    assert response.status_code in {403, 404}
    assert Course.objects.get(pk=course.pk).is_published


def test_the_certification_list_filters_those_expiring_within_30_days(
    tenant, partner, manager_member, client_for
):
    today = datetime.date.today()
    soon = _certified(
        PartnerRepFactory(partner=partner, full_name="Soon Rep"),
        expires_on=today + datetime.timedelta(days=20),
    )
    _certified(
        PartnerRepFactory(partner=partner, full_name="Later Rep"),
        expires_on=today + datetime.timedelta(days=200),
    )
    _certified(
        PartnerRepFactory(partner=partner, full_name="Gone Rep"),
        expires_on=today - datetime.timedelta(days=2),
    )
    url = reverse("programs:training_certification_list", kwargs={"tenant_slug": tenant.slug})
    client = client_for(manager_member)

    expiring = client.get(url, {"status": "expiring"}).content.decode()
    expired = client.get(url, {"status": "expired"}).content.decode()
    current = client.get(url, {"status": "current"}).content.decode()

    assert (
        soon.rep.full_name in expiring
        and "Later Rep" not in expiring
        and "Gone Rep" not in expiring
    )
    assert "Gone Rep" in expired and "Soon Rep" not in expired
    assert "Soon Rep" in current and "Later Rep" in current and "Gone Rep" not in current


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("name", ["training_certification_list", "training_course_list"])
def test_the_lists_make_the_same_queries_with_3_and_20_rows(
    tenant, partner, manager_member, fresh_client_for, name
):
    client = fresh_client_for(manager_member)
    url = reverse(f"programs:{name}", kwargs={"tenant_slug": tenant.slug})

    def add(n):
        for _ in range(n):
            course = CourseFactory(tenant=tenant)
            _certified(
                PartnerRepFactory(partner=partner),
                expires_on=datetime.date(2027, 1, 1),
                course=course,
            )

    add(3)
    client.get(url)
    small = _count_queries(client, url)
    add(17)
    large = _count_queries(client, url)

    assert small == large


def test_the_certification_list_page_query_count_is_fixed(
    tenant, partner, manager_member, client_for, django_assert_max_num_queries
):
    for _ in range(5):
        _certified(PartnerRepFactory(partner=partner), expires_on=datetime.date(2027, 1, 1))
    client = client_for(manager_member)
    url = reverse("programs:training_certification_list", kwargs={"tenant_slug": tenant.slug})
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


# --- Portal pages -----------------------------------------------------------------------------


@pytest.fixture
def rep_login(partner):
    membership, rep = portal_membership_for(partner, full_name="Aoi Rep")
    return membership, rep


def test_the_portal_shows_courses_by_the_partners_placement(tenant, partner, rep_login, client_for):
    membership, _rep = rep_login
    program = ProgramFactory(tenant=tenant)
    gold = TierFactory(program=program, name="Gold", position=1)
    silver = TierFactory(program=program, name="Silver", position=0)
    PartnerContractFactory(partner=partner, tier=silver)
    everyone = CourseFactory(tenant=tenant, title="For everyone")
    gold_only = CourseFactory(tenant=tenant, title="Gold only")
    gold_only.programs.add(program, through_defaults={"tenant": tenant})
    gold_only.tiers.add(gold, through_defaults={"tenant": tenant})
    CourseFactory(tenant=tenant, title="A draft", is_published=False)
    client = client_for(membership)

    page = client.get(reverse("programs:portal_courses", kwargs={"tenant_slug": tenant.slug}))
    hidden = client.get(
        reverse(
            "programs:portal_course", kwargs={"tenant_slug": tenant.slug, "course_id": gold_only.pk}
        )
    )

    html = page.content.decode()
    assert "For everyone" in html and "Gold only" not in html and "A draft" not in html
    assert hidden.status_code == 404
    assert everyone.pk


def test_an_asset_lesson_links_to_the_portal_library_page_that_logs_the_view(
    tenant, partner, rep_login, client_for
):
    from programs.models import AssetView
    from tests.factories.programs import AssetFactory, AssetVersionFactory

    membership, rep = rep_login
    asset = AssetFactory(tenant=tenant, title="Reseller deck")
    AssetVersionFactory(asset=asset, number=1)
    course = CourseFactory(tenant=tenant)
    LessonFactory(course=course, kind="asset", asset=asset, body="Read the deck first.")
    client = client_for(membership)
    page = client.get(
        reverse(
            "programs:portal_course", kwargs={"tenant_slug": tenant.slug, "course_id": course.pk}
        )
    )
    asset_url = reverse(
        "programs:portal_asset", kwargs={"tenant_slug": tenant.slug, "asset_id": asset.pk}
    )
    assert f'href="{asset_url}"'.encode() in page.content
    assert client.get(asset_url).status_code == 200
    with scopes_disabled():
        assert AssetView.objects.get(tenant=tenant).rep_id == rep.pk


def test_a_rep_takes_the_quiz_in_the_portal_and_is_certified(
    tenant, rep_login, client_for, django_capture_on_commit_callbacks
):
    membership, rep = rep_login
    course, questions = _quiz_course(tenant)
    client = client_for(membership)
    quiz = reverse(
        "programs:portal_quiz", kwargs={"tenant_slug": tenant.slug, "course_id": course.pk}
    )
    body = {f"question_{q.pk}": [str(pk) for pk in _choices(q, correct=True)] for q in questions}
    body["token"] = "portal-token"
    # A score in the body is ignored: the server grades.
    body["score_percent"] = "0"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(quiz, body)
        client.post(quiz, body)

    attempt = QuizAttempt.objects.get(tenant=tenant)
    assert response.status_code == 302
    assert (attempt.rep_id, attempt.score_percent, attempt.membership_id) == (
        rep.pk,
        100,
        membership.pk,
    )
    certification = Certification.objects.get(tenant=tenant, rep=rep)
    page = client.get(
        reverse("programs:portal_certifications", kwargs={"tenant_slug": tenant.slug})
    ).content.decode()
    assert course.title in page
    certificate = client.get(
        reverse(
            "programs:portal_certification",
            kwargs={"tenant_slug": tenant.slug, "certification_id": certification.pk},
        )
    ).content.decode()
    assert "Aoi Rep" in certificate


def test_a_quiz_with_a_missing_answer_is_shown_again_with_the_error(tenant, rep_login, client_for):
    membership, _rep = rep_login
    course, questions = _quiz_course(tenant)
    response = client_for(membership).post(
        reverse(
            "programs:portal_quiz", kwargs={"tenant_slug": tenant.slug, "course_id": course.pk}
        ),
        {"token": "t", f"question_{questions[0].pk}": str(_choices(questions[0], correct=True)[0])},
    )
    assert response.status_code == 400
    assert "Answer this question." in response.content.decode()
    assert not QuizAttempt.objects.filter(tenant=tenant).exists()


def test_a_quiz_post_to_another_tenants_course_answers_404_and_records_nothing(
    tenant, other_tenant, rep_login, client_for
):
    membership, _rep = rep_login
    course, questions = _quiz_course(other_tenant)
    response = client_for(membership).post(
        reverse(
            "programs:portal_quiz", kwargs={"tenant_slug": tenant.slug, "course_id": course.pk}
        ),
        {
            "token": "t",
            **{f"question_{q.pk}": str(_choices(q, correct=True)[0]) for q in questions},
        },
    )
    assert response.status_code == 404
    assert not QuizAttempt.objects.exists()


def test_a_rep_sees_their_own_certifications_and_the_partner_admin_the_companys(
    tenant, partner, rep_login, client_for
):
    membership, rep = rep_login
    admin, _admin_rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    colleague = PartnerRepFactory(partner=partner, full_name="Colleague Rep")
    mine = _certified(rep, expires_on=datetime.date(2027, 1, 1))
    theirs = _certified(colleague, expires_on=datetime.date(2027, 1, 1))
    outsider = _certified(
        PartnerRepFactory(partner=PartnerFactory(tenant=tenant), full_name="Outsider Rep"),
        expires_on=datetime.date(2027, 1, 1),
    )
    url = reverse("programs:portal_certifications", kwargs={"tenant_slug": tenant.slug})

    as_rep = client_for(membership).get(url).content.decode()
    as_rep_colleague = client_for(membership).get(
        reverse(
            "programs:portal_certification",
            kwargs={"tenant_slug": tenant.slug, "certification_id": theirs.pk},
        )
    )
    as_admin = client_for(admin).get(url).content.decode()
    as_admin_outsider = client_for(admin).get(
        reverse(
            "programs:portal_certification",
            kwargs={"tenant_slug": tenant.slug, "certification_id": outsider.pk},
        )
    )

    assert mine.course.title in as_rep and theirs.course.title not in as_rep
    assert as_rep_colleague.status_code == 404
    assert "Colleague Rep" in as_admin and "Aoi Rep" in as_admin and "Outsider Rep" not in as_admin
    assert as_admin_outsider.status_code == 404


def test_a_rep_reads_only_their_own_attempts_and_the_partner_admin_the_companys(
    tenant, partner, rep_login, client_for
):
    membership, rep = rep_login
    admin, _admin_rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    colleague = PartnerRepFactory(partner=partner, full_name="Colleague Rep")
    course = CourseFactory(tenant=tenant)
    own = QuizAttemptFactory(course=course, rep=rep)
    theirs = QuizAttemptFactory(course=course, rep=colleague)

    def url(attempt):
        return reverse(
            "programs:portal_attempt",
            kwargs={"tenant_slug": tenant.slug, "attempt_id": attempt.pk},
        )

    assert client_for(membership).get(url(own)).status_code == 200
    assert client_for(membership).get(url(theirs)).status_code == 404
    assert client_for(admin).get(url(theirs)).status_code == 200


def test_the_company_certifications_make_the_same_queries_with_3_and_20_rows(
    tenant, partner, fresh_client_for
):
    admin, _admin_rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    client = fresh_client_for(admin)
    url = reverse("programs:portal_certifications", kwargs={"tenant_slug": tenant.slug})

    def add(n):
        for _ in range(n):
            _certified(PartnerRepFactory(partner=partner), expires_on=datetime.date(2027, 1, 1))

    add(3)
    client.get(url)
    small = _count_queries(client, url)
    add(17)
    large = _count_queries(client, url)

    assert small == large


def test_a_quiz_without_its_token_is_shown_again_with_a_fresh_one(tenant, rep_login, client_for):
    membership, _rep = rep_login
    course, questions = _quiz_course(tenant)
    body = {f"question_{q.pk}": [str(pk) for pk in _choices(q, correct=True)] for q in questions}
    response = client_for(membership).post(
        reverse(
            "programs:portal_quiz", kwargs={"tenant_slug": tenant.slug, "course_id": course.pk}
        ),
        {**body, "token": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The form has expired" in html
    assert 'name="token" value=""' not in html and 'name="token" value="' in html
    assert not QuizAttempt.objects.filter(tenant=tenant).exists()
