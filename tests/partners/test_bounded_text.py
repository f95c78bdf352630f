"""Every free-text field is bounded (issue #6 §3): an over-long value is refused with an
error naming the field, on the public form, in the services and in the API."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from partners.models import Partner, Prospect
from partners.services import recruitment as recruitment_services
from tests.partners.test_recruitment_public import application, apply_url


def test_every_text_field_of_the_kernel_and_partners_has_a_limit():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for app in ("accounts", "partners")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and field.editable
        and not any(getattr(v, "limit_value", None) == field.max_length for v in field.validators)
    ]
    assert unbounded == []


def test_public_application_refuses_a_million_character_message(tenant, unscoped):
    response = Client().post(apply_url(tenant), application(message="x" * 1_000_000))

    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert 'data-field="message"' in html
    assert "3000" in html or "3,000" in html
    with unscoped():
        assert not Prospect.objects.filter(tenant=tenant).exists()


def test_persona_goals_over_the_limit_are_refused_naming_the_field(tenant, admin_member, in_tenant):
    with in_tenant(tenant), pytest.raises(ValidationError) as raised:
        recruitment_services.persona_save(
            tenant=tenant, actor=admin_member.user, fields={"goals": "x" * 2001}
        )
    assert "goals" in raised.value.message_dict


def test_tenant_issuer_address_over_the_limit_is_refused(tenant, admin_member, in_tenant):
    with in_tenant(tenant), pytest.raises(ValidationError) as raised:
        account_services.tenant_settings_update(
            tenant=tenant, actor=admin_member.user, issuer_address="x" * 501
        )
    assert "issuer_address" in raised.value.message_dict


def test_api_refuses_over_long_partner_notes_naming_the_field(
    tenant, manager_member, client_for, unscoped
):
    response = client_for(manager_member).post(
        reverse("api_partner_list", kwargs={"tenant_slug": tenant.slug}),
        {"legal_name": "株式会社ロング", "notes": "x" * 5001},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "notes" in response.json()
    with unscoped():
        assert not Partner.objects.filter(tenant=tenant, legal_name="株式会社ロング").exists()
