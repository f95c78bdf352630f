"""Training in a real browser: staff build a course with a lesson and a question and publish
it; a partner rep, on a phone, reads it, passes its quiz and finds the certificate in
"My certifications"."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from accounts.roles import Role
from programs.models import Certification, Course
from tests.browser.test_partners_portal import page_width
from tests.factories.partners import PartnerFactory, portal_membership_for

pytestmark = pytest.mark.browser


def test_staff_publish_a_course_and_a_rep_passes_it_on_a_phone(
    page, browser, server, login, tenant, member_factory, screenshot
):
    manager = member_factory(tenant, Role.PARTNER_MANAGER, full_name="Kenji Manager")
    partner = PartnerFactory(tenant=tenant, display_name="Sakura Systems")
    rep_login, rep = portal_membership_for(partner, full_name="Aoi Tanaka")

    # Staff: a new course, one text lesson, one question, published.
    login(page, manager.user)
    page.goto(
        server + reverse("programs:training_course_list", kwargs={"tenant_slug": tenant.slug})
    )
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_test_id("new-course-empty").click()
    page.locator("#id_title").fill("Selling the Cloud Suite")
    page.locator("#id_description").fill("What the suite does and who buys it.")
    page.locator("#id_language").select_option(label="English")
    page.locator("#id_pass_mark_percent").fill("100")
    page.get_by_test_id("course-save").click()
    expect(page.get_by_test_id("course-title")).to_contain_text("Selling the Cloud Suite")
    expect(page.get_by_test_id("course-status")).to_have_text("Draft")

    page.get_by_test_id("add-lesson").click()
    page.locator("#id_kind").select_option(label="Text")
    page.locator("#id_title").fill("Who buys it")
    page.locator("#id_body").fill("Teams of 10 to 200 people who share files with customers.")
    page.get_by_test_id("lesson-save").click()
    expect(page.get_by_test_id("lesson-row")).to_have_count(1)

    page.get_by_test_id("add-question").click()
    page.locator("#id_text").fill("Which team size does the suite fit best?")
    page.locator("#id_choice_1").fill("1 person")
    page.locator("#id_choice_2").fill("10 to 200 people")
    page.locator("#id_correct_2").check()
    page.locator("#id_choice_3").fill("Over 10,000 people")
    page.get_by_test_id("question-save").click()
    expect(page.get_by_test_id("question-row")).to_have_count(1)

    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("course-status")).to_have_text("Published")
    page.screenshot(path="/tmp/training_staff.png", full_page=True)
    screenshot(page, "training-course-editor", share=True)
    with scopes_disabled():
        course = Course.objects.get(tenant=tenant)
        assert course.is_published

    # The rep, on a phone: the course, its lesson, the quiz, the result, the certificate.
    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-US", base_url=server
    )
    phone = phone_context.new_page()
    login(phone, rep_login.user)
    phone.goto(server + reverse("programs:portal_courses", kwargs={"tenant_slug": tenant.slug}))
    expect(phone.get_by_test_id("course-card")).to_have_count(1)
    phone.get_by_role("link", name="Selling the Cloud Suite").click()
    expect(phone.get_by_test_id("lesson")).to_contain_text("Teams of 10 to 200 people")
    phone.get_by_test_id("take-quiz").click()
    phone.get_by_label("10 to 200 people").check()
    assert page_width(phone) <= 390
    phone.screenshot(path="/tmp/training_quiz_phone.png", full_page=True)
    phone.get_by_test_id("quiz-submit").click()
    expect(phone.get_by_test_id("score")).to_have_text("100 %")
    expect(phone.get_by_test_id("result")).to_contain_text("Passed")

    phone.get_by_test_id("see-certificate").click()
    expect(phone.get_by_test_id("certificate-rep")).to_have_text("Aoi Tanaka")
    expect(phone.get_by_test_id("certificate-course")).to_have_text("Selling the Cloud Suite")
    phone.screenshot(path="/tmp/training_certificate_phone.png", full_page=True)
    phone.get_by_role("link", name="Certifications").first.click()
    expect(phone.get_by_test_id("certification-card")).to_have_count(1)
    expect(phone.get_by_test_id("certification-card")).to_contain_text("Selling the Cloud Suite")
    expect(phone.get_by_test_id("certification-status")).to_contain_text("Certified")
    assert page_width(phone) <= 390
    phone.screenshot(path="/tmp/training_phone.png", full_page=True)
    screenshot(phone, "training-my-certifications-phone", share=True)
    phone_context.close()

    # Staff: the certification list shows the rep, and "expiring within 30 days" does not.
    page.goto(
        server
        + reverse("programs:training_certification_list", kwargs={"tenant_slug": tenant.slug})
    )
    expect(page.get_by_test_id("certification-row")).to_have_count(1)
    expect(page.get_by_test_id("certification-row")).to_contain_text("Aoi Tanaka")
    page.screenshot(path="/tmp/training_certifications.png", full_page=True)
    page.locator("#id_status").select_option(label="Expiring within 30 days")
    page.get_by_test_id("filter-submit").click()
    expect(page.get_by_test_id("no-results")).to_be_visible()

    with scopes_disabled():
        certification = Certification.objects.get(tenant=tenant, rep=rep)
        assert certification.course_id == course.pk
