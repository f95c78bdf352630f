"""The training API: staff read every course and certification of the tenant; a partner user
reads the published courses their tier sees, never the quiz's right answers, and the
certifications of their own (a partner admin: of their company's reps, never another
partner's)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.roles import Role
from programs.models import CourseProgram, CourseTier
from tests.factories.accounts import MembershipFactory, TenantFactory
from tests.factories.partners import PartnerFactory, PartnerRepFactory, portal_membership_for
from tests.factories.programs import (
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


@pytest.fixture(autouse=True)
def _unscoped():
    with scopes_disabled():
        yield


def _certify(course, rep, expires_on=datetime.date(2027, 3, 31)):
    attempt = QuizAttemptFactory(course=course, rep=rep)
    return CertificationFactory(attempt=attempt, expires_on=expires_on)


@pytest.fixture
def world(tenant):
    """`silver` (the partner, at Silver) with a rep login and an admin login, and `other` (a
    partner at Silver too); a course for everyone with two lessons and a quiz, a Gold-only
    course and a draft."""
    program = ProgramFactory(tenant=tenant, name="Resell")
    gold = TierFactory(tenant=tenant, program=program, name="Gold", position=2)
    silver = TierFactory(tenant=tenant, program=program, name="Silver", position=1)
    partner = PartnerFactory(tenant=tenant, display_name="Kita")
    other = PartnerFactory(tenant=tenant, display_name="Minami")
    for company in (partner, other):
        PartnerContractFactory(tenant=tenant, partner=company, tier=silver)
    public = CourseFactory(tenant=tenant, title="Basics", language="ja")
    second = LessonFactory(course=public, position=2, title="Second")
    first = LessonFactory(course=public, position=1, title="First")
    QuestionFactory(course=public, text="Which plan?")
    gold_only = CourseFactory(tenant=tenant, title="Gold selling")
    CourseProgram.objects.create(tenant=tenant, course=gold_only, program=program)
    CourseTier.objects.create(tenant=tenant, course=gold_only, tier=gold)
    draft = CourseFactory(tenant=tenant, title="Draft", is_published=False)
    rep_login, rep = portal_membership_for(partner, role=Role.PARTNER_REP)
    admin_login, admin_rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    colleague = PartnerRepFactory(partner=partner, full_name="Colleague")
    other_rep = PartnerRepFactory(partner=other, full_name="Elsewhere")
    return {
        "program": program,
        "gold": gold,
        "partner": partner,
        "other": other,
        "public": public,
        "lessons": [first, second],
        "gold_only": gold_only,
        "draft": draft,
        "rep": rep,
        "rep_login": rep_login,
        "admin_login": admin_login,
        "own": _certify(public, rep),
        "colleagues": _certify(public, colleague),
        "other_partners": _certify(public, other_rep),
    }


def _url(tenant, name, **kwargs):
    return reverse(f"programs:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def staff(tenant, fresh_client_for):
    return fresh_client_for(MembershipFactory(tenant=tenant, role=Role.PARTNER_MANAGER))


# --- Courses ----------------------------------------------------------------------------------


def test_staff_read_every_course_with_its_visibility_and_counts(tenant, world, staff):
    body = staff.get(_url(tenant, "api_course_list")).json()
    by_title = {row["title"]: row for row in body["results"]}
    assert set(by_title) == {"Basics", "Gold selling", "Draft"}
    assert by_title["Draft"]["is_published"] is False
    assert by_title["Gold selling"]["program_ids"] == [world["program"].pk]
    assert by_title["Gold selling"]["tier_ids"] == [world["gold"].pk]
    basics = by_title["Basics"]
    assert (basics["lesson_count"], basics["question_count"], basics["certification_count"]) == (
        2,
        1,
        3,
    )


def test_staff_filter_courses_by_status_search_and_language(tenant, world, staff):
    def titles(**params):
        body = staff.get(_url(tenant, "api_course_list"), params).json()
        return sorted(row["title"] for row in body["results"])

    assert titles(status="draft") == ["Draft"]
    assert titles(q="gold") == ["Gold selling"]
    assert titles(language="ja") == ["Basics"]


def test_staff_read_a_course_with_its_lessons_in_order_and_the_right_answers(tenant, world, staff):
    body = staff.get(_url(tenant, "api_course_detail", course_id=world["public"].pk)).json()
    assert [lesson["title"] for lesson in body["lessons"]] == ["First", "Second"]
    choices = body["questions"][0]["choices"]
    assert [(c["text"], c["is_correct"]) for c in choices] == [("Right", True), ("Wrong", False)]
    draft = staff.get(_url(tenant, "api_course_detail", course_id=world["draft"].pk))
    assert draft.status_code == 200


def test_a_partner_user_reads_only_the_published_courses_their_tier_sees(tenant, world, client_for):
    client = client_for(world["rep_login"])
    body = client.get(_url(tenant, "api_course_list")).json()
    assert [row["title"] for row in body["results"]] == ["Basics"]
    row = body["results"][0]
    assert row["lesson_count"] == 2
    for staff_field in ("is_published", "program_ids", "tier_ids", "question_count"):
        assert staff_field not in row
    for hidden in (world["gold_only"], world["draft"]):
        response = client.get(_url(tenant, "api_course_detail", course_id=hidden.pk))
        assert response.status_code == 404


def test_a_partner_user_never_receives_the_quizs_right_answers(tenant, world, client_for):
    client = client_for(world["rep_login"])
    response = client.get(_url(tenant, "api_course_detail", course_id=world["public"].pk))
    assert response.status_code == 200
    body = response.json()
    assert [lesson["title"] for lesson in body["lessons"]] == ["First", "Second"]
    choices = body["questions"][0]["choices"]
    assert [choice["text"] for choice in choices] == ["Right", "Wrong"]
    assert all("is_correct" not in choice for choice in choices)
    assert b"is_correct" not in response.content


def test_another_tenants_course_answers_404(tenant, world, staff, fresh_client_for):
    foreign = CourseFactory(tenant=TenantFactory(slug="gamma"), title="Foreign")
    rep = fresh_client_for(world["rep_login"])
    for client in (staff, rep):
        response = client.get(_url(tenant, "api_course_detail", course_id=foreign.pk))
        assert response.status_code == 404


def test_the_course_list_costs_the_same_queries_at_two_sizes(
    tenant, world, staff, fresh_client_for
):
    rep = fresh_client_for(world["rep_login"])

    def counts():
        result = []
        for client in (staff, rep):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(_url(tenant, "api_course_list")).status_code == 200
            result.append(len(captured))
        return result

    small = counts()
    for n in range(6):
        course = CourseFactory(tenant=tenant, title=f"More {n}")
        LessonFactory(course=course)
        CourseProgram.objects.create(tenant=tenant, course=course, program=world["program"])
        CourseTier.objects.create(tenant=tenant, course=course, tier=world["gold"])
    assert counts() == small


# --- Certifications ---------------------------------------------------------------------------


def test_staff_read_every_certification_with_its_partner(tenant, world, staff):
    body = staff.get(_url(tenant, "api_certification_list")).json()
    assert {row["id"] for row in body["results"]} == {
        world[key].pk for key in ("own", "colleagues", "other_partners")
    }
    row = next(r for r in body["results"] if r["id"] == world["other_partners"].pk)
    assert (row["partner_name"], row["rep_name"], row["course_title"]) == (
        "Minami",
        "Elsewhere",
        "Basics",
    )
    assert "expiry_warned_at" in row


def test_staff_filter_certifications_by_partner_rep_and_ending(tenant, world, staff):
    today = timezone.localdate()
    soon = _certify(world["gold_only"], world["rep"], expires_on=today + datetime.timedelta(7))
    ended = _certify(world["draft"], world["rep"], expires_on=today - datetime.timedelta(1))

    def ids(**params):
        response = staff.get(_url(tenant, "api_certification_list"), params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(partner=world["other"].pk) == {world["other_partners"].pk}
    assert ids(rep=world["rep"].pk) == {world["own"].pk, soon.pk, ended.pk}
    assert ids(expiring_within=10) == {soon.pk}
    assert ids(status="expired") == {ended.pk}
    assert world["own"].pk in ids(status="current")
    rows = staff.get(_url(tenant, "api_certification_list"), {"rep": world["rep"].pk}).json()
    statuses = {row["id"]: row["status"] for row in rows["results"]}
    assert (statuses[soon.pk], statuses[ended.pk]) == ("expiring", "expired")
    for refused in ("x", "1.5", "-1"):
        response = staff.get(_url(tenant, "api_certification_list"), {"expiring_within": refused})
        assert response.status_code == 400, refused


def test_a_partner_rep_reads_only_their_own_certifications(tenant, world, client_for):
    client = client_for(world["rep_login"])
    body = client.get(_url(tenant, "api_certification_list")).json()
    assert [row["id"] for row in body["results"]] == [world["own"].pk]
    assert "partner_name" not in body["results"][0]
    assert "expiry_warned_at" not in body["results"][0]
    colleagues = _url(tenant, "api_certification_detail", certification_id=world["colleagues"].pk)
    assert client.get(colleagues).status_code == 404


def test_a_partner_admin_reads_the_companys_certifications_but_not_another_partners(
    tenant, world, client_for
):
    client = client_for(world["admin_login"])
    body = client.get(_url(tenant, "api_certification_list")).json()
    assert {row["id"] for row in body["results"]} == {world["own"].pk, world["colleagues"].pk}
    # Filtering by the other partner finds nothing: the company's rows are all there are.
    by_other = client.get(_url(tenant, "api_certification_list"), {"partner": world["other"].pk})
    assert by_other.json()["results"] == []
    other = _url(tenant, "api_certification_detail", certification_id=world["other_partners"].pk)
    assert client.get(other).status_code == 404
    own = _url(tenant, "api_certification_detail", certification_id=world["colleagues"].pk)
    assert client.get(own).json()["rep_name"] == "Colleague"


def test_the_certification_list_costs_the_same_queries_at_two_sizes(
    tenant, world, staff, fresh_client_for
):
    admin = fresh_client_for(world["admin_login"])

    def counts():
        result = []
        for client in (staff, admin):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(_url(tenant, "api_certification_list")).status_code == 200
            result.append(len(captured))
        return result

    small = counts()
    for n in range(6):
        for partner in (world["partner"], world["other"]):
            _certify(world["public"], PartnerRepFactory(partner=partner, full_name=f"Rep {n}"))
    assert counts() == small
