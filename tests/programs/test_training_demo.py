"""The training demo: courses in Japanese and English, certifications of demo reps (some
ending within 30 days, some expired) and failed attempts; loaded once."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Tenant
from programs.demo_training import load_training_demo
from programs.models import Certification, Course, QuizAttempt

pytestmark = pytest.mark.django_db


def test_the_demo_tenant_gets_courses_certifications_and_failed_attempts_once(demo_once, unscoped):
    with unscoped():
        sakura = Tenant.objects.get(slug="sakura")
    # demo_data loaded it (ProgramsConfig.load_demo_data); loading again adds nothing.
    again = load_training_demo(sakura)
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=30)

    with unscoped():
        courses = Course.objects.filter(tenant=sakura)
        certifications = Certification.objects.filter(tenant=sakura)
        assert (courses.count(), again) == (3, 0)
        assert {course.language for course in courses} == {"ja", "en"}
        assert all(course.is_published for course in courses)
        assert all(course.lessons.exists() and course.questions.exists() for course in courses)
        assert certifications.filter(expires_on__gte=today, expires_on__lte=soon).exists()
        assert certifications.filter(expires_on__lt=today).exists()
        assert certifications.filter(expires_on__gt=soon).exists()
        assert QuizAttempt.objects.filter(tenant=sakura, passed=False).exists()
