"""Isolation registry entries for training: the staff course editor and certification list,
the portal's courses, quiz, results and certificates, and the API's courses and
certifications."""

from tests.isolation.registry import Route

COURSE = {"course_id": "course"}
LESSON = {"course_id": "course", "lesson_id": "lesson"}
QUESTION = {"course_id": "course", "question_id": "question"}
COURSE_FIELDS = {"language": "en", "validity_months": "12", "pass_mark_percent": "50"}
QUESTION_BODY = {"text": "Isolation?", "choice_1": "Yes", "correct_1": "on", "choice_2": "No"}

ROUTES: dict[str, Route] = {
    "programs:training_course_list": Route("staff"),
    # The body names the requested side's program; tests/programs/test_training.py's service
    # tests prove another tenant's program, tier or asset creates nothing.
    "programs:training_course_create": Route(
        "staff",
        ("GET", "POST"),
        post={"title": "Isolation course", "token": "isolation-course-token", **COURSE_FIELDS},
        post_objects={"programs": "program"},
    ),
    "programs:training_course_detail": Route("staff", objects=COURSE),
    "programs:training_course_edit": Route(
        "staff",
        ("GET", "POST"),
        objects=COURSE,
        post={"title": "Renamed by isolation", **COURSE_FIELDS},
    ),
    # The world's course is published: the control withdraws it.
    "programs:training_course_publish": Route(
        "staff", ("POST",), objects=COURSE, post={"published": "no"}
    ),
    # Every lesson and question change touches the course (its updated_at), which the
    # control test sees.
    "programs:training_lesson_add": Route(
        "staff",
        ("GET", "POST"),
        objects=COURSE,
        post={"kind": "text", "title": "Isolation lesson", "body": "Text"},
    ),
    "programs:training_lesson_edit": Route(
        "staff",
        ("GET", "POST"),
        objects=LESSON,
        post={"kind": "text", "title": "Renamed by isolation", "body": "Text"},
    ),
    "programs:training_lesson_remove": Route("staff", ("GET", "POST"), objects=LESSON),
    "programs:training_question_add": Route(
        "staff", ("GET", "POST"), objects=COURSE, post=QUESTION_BODY
    ),
    "programs:training_question_edit": Route(
        "staff", ("GET", "POST"), objects=QUESTION, post=QUESTION_BODY
    ),
    "programs:training_question_remove": Route("staff", ("GET", "POST"), objects=QUESTION),
    "programs:training_certification_list": Route("staff"),
    "programs:portal_courses": Route("portal"),
    "programs:portal_course": Route("portal", objects=COURSE),
    # GET here: the answers are named by the side's question ids, which a fixed body cannot
    # name; tests/programs/test_training.py proves a POST to another tenant's course answers
    # 404 and records no attempt.
    "programs:portal_quiz": Route("portal", objects=COURSE),
    # The side's partner user is its company's partner admin: it reads its reps' attempts and
    # certifications, never another partner's.
    "programs:portal_attempt": Route(
        "portal", objects={"attempt_id": "attempt"}, partner_scoped=True
    ),
    "programs:portal_certifications": Route("portal"),
    "programs:portal_certification": Route(
        "portal", objects={"certification_id": "certification"}, partner_scoped=True
    ),
    # The API: staff read every course and certification; the partner user (its company's
    # partner admin) the courses its tier sees (`course_of_other_partner` is shown only to
    # a tier neither partner is at) and its company's certifications, never another
    # partner's.
    "programs:api_course_list": Route("api"),
    "programs:api_course_detail": Route("api", objects=COURSE, partner_scoped=True),
    "programs:api_certification_list": Route("api"),
    "programs:api_certification_detail": Route(
        "api", objects={"certification_id": "certification"}, partner_scoped=True
    ),
}
