"""Routes of the programs app: training and certifications (staff and portal)."""

from django.urls import path

from programs.views import training, training_portal

COURSE = "training/courses/<int:course_id>/"
PORTAL = "portal/training/"

urlpatterns = [
    path("training/courses/", training.course_list, name="training_course_list"),
    path("training/courses/new/", training.course_create, name="training_course_create"),
    path(COURSE, training.course_detail, name="training_course_detail"),
    path(COURSE + "edit/", training.course_edit, name="training_course_edit"),
    path(COURSE + "publish/", training.course_publish, name="training_course_publish"),
    path(COURSE + "lessons/new/", training.lesson_add, name="training_lesson_add"),
    path(COURSE + "lessons/<int:lesson_id>/", training.lesson_edit, name="training_lesson_edit"),
    path(
        COURSE + "lessons/<int:lesson_id>/remove/",
        training.lesson_remove,
        name="training_lesson_remove",
    ),
    path(COURSE + "questions/new/", training.question_add, name="training_question_add"),
    path(
        COURSE + "questions/<int:question_id>/",
        training.question_edit,
        name="training_question_edit",
    ),
    path(
        COURSE + "questions/<int:question_id>/remove/",
        training.question_remove,
        name="training_question_remove",
    ),
    path(
        "training/certifications/",
        training.certification_list,
        name="training_certification_list",
    ),
    path(PORTAL, training_portal.portal_courses, name="portal_courses"),
    path(PORTAL + "courses/<int:course_id>/", training_portal.portal_course, name="portal_course"),
    path(PORTAL + "courses/<int:course_id>/quiz/", training_portal.portal_quiz, name="portal_quiz"),
    path(
        PORTAL + "attempts/<int:attempt_id>/",
        training_portal.portal_attempt,
        name="portal_attempt",
    ),
    path(
        PORTAL + "certifications/",
        training_portal.portal_certifications,
        name="portal_certifications",
    ),
    path(
        PORTAL + "certifications/<int:certification_id>/",
        training_portal.portal_certification,
        name="portal_certification",
    ),
]
