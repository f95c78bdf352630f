"""What schemathesis still found in the API schema (issue 6, "Schema"), one regular test per
fixed case: undocumented error answers, pages below 1, form encodings that cannot say null,
and id filters typed as decimal numbers."""

import django_filters
import pytest
from django_scopes import scopes_disabled
from drf_spectacular.drainage import get_override
from drf_spectacular.types import OpenApiTypes

from accounts.api_filters import IdFilter
from accounts.api_schema import ERROR_RESPONSES, HTTP_METHODS
from partners.models import PartnerRep


@pytest.fixture
def schema(tenant, manager_member, client_for):
    response = client_for(manager_member).get(f"/{tenant.slug}/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation


def test_every_operation_documents_the_json_errors_it_can_answer(schema):
    error = {"$ref": "#/components/schemas/ApiError"}
    for name, operation in _operations(schema):
        for code in ERROR_RESPONSES:
            assert code in operation["responses"], (name, code)
            content = operation["responses"][code]["content"]
            assert content == {"application/json": {"schema": error}}, (name, code)
    assert schema["components"]["schemas"]["ApiError"]["properties"]["detail"] == {"type": "string"}


def test_an_undocumented_error_answer_of_before_is_now_in_the_schema(
    tenant, manager_member, client_for, schema
):
    # schemathesis' "undocumented status code": a bad filter value answered 400, a missing
    # member 404; both are JSON with the documented shape.
    client = client_for(manager_member)
    bad_page = client.get(f"/{tenant.slug}/api/v1/members/?page=0")
    missing = client.get(f"/{tenant.slug}/api/v1/members/999999/")

    assert bad_page.status_code == 404 and "detail" in bad_page.json()
    assert missing.status_code == 404 and "detail" in missing.json()
    members = schema["paths"]["/{tenant_slug}/api/v1/members/"]["get"]
    member = schema["paths"]["/{tenant_slug}/api/v1/members/{membership_id}/"]["get"]
    assert "404" in members["responses"] and "404" in member["responses"]


def test_pages_start_at_one_in_the_schema(schema):
    pages = [
        parameter
        for _name, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and parameter["name"] == "page"
    ]
    assert pages
    assert all(parameter["schema"] == {"type": "integer", "minimum": 1} for parameter in pages)


def test_request_bodies_are_json_only_in_the_schema(schema):
    bodies = [
        (name, operation["requestBody"])
        for name, operation in _operations(schema)
        if "requestBody" in operation
    ]
    assert bodies
    for name, body in bodies:
        assert set(body["content"]) == {"application/json"}, name


def test_a_form_encoded_write_is_refused_with_415(tenant, admin_member, client_for):
    # Form encodings cannot say null: "null" for an empty reference answered 400, an empty
    # date was taken as none. The API reads JSON only.
    response = client_for(admin_member).post(
        f"/{tenant.slug}/api/v1/partners/", {"legal_name": "株式会社フォーム"}
    )

    assert response.status_code == 415
    assert "detail" in response.json()


class _ByPartnerFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id")


def _by_partner(data):
    with scopes_disabled():
        return _ByPartnerFilter(data=data, queryset=PartnerRep.objects.none())


@pytest.mark.parametrize("value", ["1.5", "1e300", "abc"])
def test_an_id_filter_refuses_what_is_no_whole_number(value):
    filters = _by_partner(data={"partner": value})

    assert not filters.is_valid()
    assert "partner" in filters.errors


def test_an_id_filter_takes_any_whole_number_and_is_typed_integer():
    # An id no row has (or too large for the column) matches nothing rather than answering 400.
    assert _by_partner(data={"partner": str(10**30)}).is_valid()
    filters = _by_partner(data={"partner": "7"})
    assert filters.is_valid() and filters.form.cleaned_data["partner"] == 7
    assert get_override(IdFilter(), "field") == OpenApiTypes.INT
