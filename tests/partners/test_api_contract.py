"""The API keeps its contract (issue #6 §3): JSON errors everywhere under /api/, and the
schema says which fields can be null."""

import json

from django.test import Client
from django.urls import reverse

from tests.factories.partners import PartnerFactory


def _schema(client, tenant) -> dict:
    response = client.get(f"/{tenant.slug}/api/v1/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_a_write_to_a_malformed_id_answers_json_not_an_html_csrf_page(
    tenant, manager_member, with_totp
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_member.user)

    response = client.post(
        f"/{tenant.slug}/api/v1/partners/not-a-number/",
        {"legal_name": "X"},
        content_type="application/json",
    )

    assert response["Content-Type"].startswith("application/json")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_failed_csrf_check_under_the_api_answers_json(tenant):
    from django.test import RequestFactory

    from accounts.api_errors import csrf_failure

    api = csrf_failure(RequestFactory().post(f"/{tenant.slug}/api/v1/anything/"), reason="x")
    page = csrf_failure(RequestFactory().post(f"/{tenant.slug}/partners/"), reason="x")

    assert api.status_code == 403
    assert api["Content-Type"].startswith("application/json")
    assert "detail" in json.loads(api.content)
    assert page.status_code == 403
    assert page["Content-Type"].startswith("text/html")


def test_schema_marks_the_nullable_names_of_type_and_owner_as_nullable(
    tenant, manager_member, client_for
):
    client = client_for(manager_member)
    partner = PartnerFactory(tenant=tenant, partner_type=None, owner=None)

    body = client.get(
        reverse("api_partner_detail", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk})
    ).json()
    properties = _schema(client, tenant)["components"]["schemas"]["PartnerOut"]["properties"]

    # The response really carries null for these, so the schema must allow it.
    assert body["partner_type_name"] is None and body["owner_email"] is None
    assert properties["partner_type_name"].get("nullable") is True
    assert properties["owner_email"].get("nullable") is True


def test_schema_bounds_the_activity_free_text(tenant, manager_member, client_for):
    schemas = _schema(client_for(manager_member), tenant)["components"]["schemas"]
    activity_in = next(
        schema
        for name, schema in schemas.items()
        if name.startswith("Activity")
        and name.endswith("Request")
        and "notes" in schema.get("properties", {})
    )
    assert activity_in["properties"]["notes"]["maxLength"] == 5000


def test_schema_types_id_filters_as_integers_and_choices_as_enums(
    tenant, manager_member, client_for
):
    schema = _schema(client_for(manager_member), tenant)
    partner_list = schema["paths"]["/{tenant_slug}/api/v1/partners/"]["get"]
    filters = {p["name"]: p["schema"] for p in partner_list["parameters"]}
    # An id is a whole number: `partner_type=1.5` is no valid request to advertise.
    assert filters["partner_type"]["type"] == "integer"
    assert filters["owner"]["type"] == "integer"

    components = schema["components"]["schemas"]
    assert set(components["ActivityKindEnum"]["enum"]) >= {"regular_meeting", "call"}
    stage = components["PatchedProspectChangeRequest"]["properties"]["stage"]
    stage_enum = components[stage["allOf"][0]["$ref"].rsplit("/", 1)[1]]["enum"]
    # Signing creates the partner on the prospect's page: the API offers every other stage.
    assert "signed" not in stage_enum
    assert "lost" in stage_enum
