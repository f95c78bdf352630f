"""The public "become a partner" page: anonymous, branded, spam-guarded."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from partners.choices import ProspectSource, ProspectStage
from partners.models import Prospect, ProspectStageChange
from partners.views.public import APPLICATIONS_PER_WINDOW

pytestmark = pytest.mark.django_db


def apply_url(tenant):
    return reverse("partner_apply", kwargs={"tenant_slug": tenant.slug})


def application(**overrides):
    data = {
        "company_name": "株式会社あおぞら販売",
        "company_name_kana": "アオゾラハンバイ",
        "corporate_number": "",
        "website": "aozora.example.jp",
        "entity_kind": "company",
        "industries": ["it", "retail"],
        "customer_segments": ["small"],
        "prefectures": ["13", "14"],
        "employee_count": "45",
        "sales_headcount": "6",
        "products_handled": "会計ソフト, 複合機",
        "contact_name": "青空 太郎",
        "contact_name_kana": "アオゾラ タロウ",
        "contact_email": "taro@aozora.example.jp",
        "contact_phone": "03-1234-5678",
        "contact_department": "営業部",
        "contact_title": "部長",
        "message": "御社の会計クラウドを扱いたいです。",
        "consent": "on",
        "homepage": "",
    }
    return data | overrides


def prospects(tenant, unscoped):
    with unscoped():
        return list(Prospect.objects.filter(tenant=tenant))


def test_page_renders_for_anonymous_visitors_with_the_tenant_brand(tenant):
    response = Client().get(apply_url(tenant))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"/{tenant.slug}/portal/brand.css" in html
    assert tenant.portal_name in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'class="hp-field"' in html and 'name="homepage"' in html
    assert 'data-testid="language-switch"' in html
    # Other apps' sections (public programs) load as fragments, not inside this page.
    assert 'data-testid="public-programs"' not in html
    assert 'data-section="programs"' in html


def test_application_creates_an_inbound_sourced_prospect(tenant, unscoped):
    response = Client().post(apply_url(tenant), application())

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "partner_apply_thanks", kwargs={"tenant_slug": tenant.slug}
    )
    [prospect] = prospects(tenant, unscoped)
    assert prospect.company_name == "株式会社あおぞら販売"
    assert prospect.source == ProspectSource.INBOUND_APPLICATION
    assert prospect.stage == ProspectStage.SOURCED
    assert prospect.website == "https://aozora.example.jp"
    assert prospect.prefectures == ["13", "14"]
    assert prospect.contact_email == "taro@aozora.example.jp"
    assert prospect.message == "御社の会計クラウドを扱いたいです。"
    with unscoped():
        change = ProspectStageChange.objects.get(prospect=prospect)
        event = AuditEvent.objects.get(tenant=tenant, action="prospect.applied")
    assert change.changed_by is None and change.to_stage == "sourced"
    assert event.actor is None and event.object_id == str(prospect.pk)


def test_the_csrf_token_is_required(tenant, unscoped):
    response = Client(enforce_csrf_checks=True).post(apply_url(tenant), application())

    assert response.status_code == 403
    assert prospects(tenant, unscoped) == []


def test_thanks_page_is_public(tenant):
    response = Client().get(reverse("partner_apply_thanks", kwargs={"tenant_slug": tenant.slug}))

    assert response.status_code == 200
    assert "Thank you for your application" in response.content.decode()


def test_honeypot_pretends_success_and_stores_nothing(tenant, unscoped):
    response = Client().post(apply_url(tenant), application(homepage="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"].endswith("/apply/thanks/")
    assert prospects(tenant, unscoped) == []
    with unscoped():
        assert not AuditEvent.objects.filter(tenant=tenant, action="prospect.applied").exists()


def test_rate_limit_answers_429_after_the_limit(tenant, unscoped):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for index in range(APPLICATIONS_PER_WINDOW):
        response = client.post(apply_url(tenant), application(company_name=f"Applicant {index}"))
        assert response.status_code == 302

    refused = client.post(apply_url(tenant), application(company_name="One too many"))

    assert refused.status_code == 429
    assert "Too many applications" in refused.content.decode()
    assert len(prospects(tenant, unscoped)) == APPLICATIONS_PER_WINDOW
    # Another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.9").post(apply_url(tenant), application())
    assert other.status_code == 302


def test_rate_limit_is_per_tenant(tenant, other_tenant, unscoped):
    client = Client(REMOTE_ADDR="198.51.100.8")
    for index in range(APPLICATIONS_PER_WINDOW):
        client.post(apply_url(tenant), application(company_name=f"Applicant {index}"))

    response = client.post(apply_url(other_tenant), application())

    assert response.status_code == 302
    assert len(prospects(other_tenant, unscoped)) == 1


def test_invalid_corporate_number_error_names_the_field(tenant, unscoped):
    response = Client().post(apply_url(tenant), application(corporate_number="1234567890123"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="corporate_number"' in html
    assert "check digit does not match" in html
    assert prospects(tenant, unscoped) == []


def test_consent_and_contact_are_required(tenant, unscoped):
    data = application()
    del data["consent"]
    data["contact_email"] = ""

    response = Client().post(apply_url(tenant), data)

    errors = response.context["form"].errors
    assert "consent" in errors and "contact_email" in errors
    assert prospects(tenant, unscoped) == []


def test_page_is_japanese_when_the_tenant_default_is_japanese(tenant):
    tenant.default_language = "ja"
    tenant.save(update_fields=["default_language"])

    response = Client().get(apply_url(tenant))

    html = response.content.decode()
    assert '<html lang="ja">' in html
    # The page renders in Japanese (the kernel's catalogue already holds "Language"; this
    # page's own strings follow when /work/tmp/ja_recruitment.json is merged into the .po).
    assert 'aria-label="言語"' in html
    assert 'aria-label="Language"' not in html


def test_visitor_language_cookie_wins_over_the_tenant_default(tenant, settings):
    tenant.default_language = "ja"
    tenant.save(update_fields=["default_language"])
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(apply_url(tenant))

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Send application" in html and 'aria-label="Language"' in html
