"""Deny by default: a tenant view that declares no audience is refused at start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import include, path
from rest_framework.views import APIView

from accounts.access import declared_audience, tenant_view, view_audience
from accounts.checks import audience_errors, check_tenant_view_audiences
from accounts.roles import Role
from tests.support import urls_undeclared


def plain_view(request, tenant_slug):
    return HttpResponse()


@tenant_view(audience="portal")
def portal_view(request, tenant_slug):
    return HttpResponse()


class SomeApi(APIView):
    pass


def test_check_reports_an_undeclared_tenant_view():
    patterns = [path("<slug:tenant_slug>/", include([path("x/", plain_view, name="x")]))]

    errors = audience_errors(patterns)

    assert [error.id for error in errors] == ["accounts.E001"]
    assert "<slug:tenant_slug>/x/" in errors[0].msg
    assert errors[0].obj.endswith("plain_view")


def test_check_accepts_declared_and_drf_views_and_ignores_routes_outside_tenants():
    patterns = [
        path("outside/", plain_view),  # no tenant: the tenant middleware never applies
        path("<slug:tenant_slug>/portal/", portal_view),
        path("<slug:tenant_slug>/api/", SomeApi.as_view()),
    ]

    assert audience_errors(patterns) == []


def test_the_product_url_conf_passes_the_check():
    assert check_tenant_view_audiences() == []
    call_command("check", "--fail-level", "ERROR")  # raises SystemCheckError on an error


@pytest.mark.urls("tests.support.urls_undeclared")
def test_check_runs_on_the_configured_url_conf():
    errors = check_tenant_view_audiences()

    assert [e.obj for e in errors] == [f"{urls_undeclared.__name__}.undeclared"]


def test_audience_of_views():
    assert declared_audience(portal_view) == "portal"
    assert declared_audience(SomeApi.as_view()) == "api"
    assert declared_audience(plain_view) is None
    with pytest.raises(ImproperlyConfigured, match="declares no tenant audience"):
        view_audience(plain_view)


@pytest.mark.urls("tests.support.urls_undeclared")
def test_an_undeclared_view_is_never_served_to_a_partner_user(tenant, member_factory, client_for):
    # Before deny by default, an undeclared view was "member": partner users got "secret".
    rep = member_factory(tenant, Role.PARTNER_REP)
    client = client_for(rep)
    client.raise_request_exception = False

    response = client.get(f"/{tenant.slug}/test-only/undeclared/")

    assert response.status_code == 500
    assert b"secret" not in response.content
