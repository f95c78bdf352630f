"""One client-address rule: PRM_TRUSTED_PROXY_COUNT, for the audit log and every rate limit."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.middleware import client_ip
from accounts.models import AuditEvent
from partners.views.public import APPLICATIONS_PER_WINDOW
from tests.partners.test_recruitment_public import application


def _request(remote="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, None, "10.0.0.1"),
        (0, "203.0.113.9", "10.0.0.1"),  # nobody stands in front: the header is the client's
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the forged left part is ignored
        (2, "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # shorter than the chain: the nearest hop we have
        (1, None, "10.0.0.1"),
    ],
)
def test_client_ip_counts_the_trusted_proxies_from_the_right(
    settings, trusted, forwarded, expected
):
    settings.PRM_TRUSTED_PROXY_COUNT = trusted

    assert client_ip(_request(forwarded=forwarded)) == expected


def test_the_default_trusts_no_proxy_even_in_production(settings):
    # docker-compose.yml publishes gunicorn itself: a header there is written by the client.
    settings.PRODUCTION = True

    assert settings.PRM_TRUSTED_PROXY_COUNT == 0
    assert client_ip(_request(forwarded="6.6.6.6")) == "10.0.0.1"


def test_allauths_rate_limits_key_on_the_same_client_address(settings):
    settings.PRM_TRUSTED_PROXY_COUNT = 1
    request = _request(remote="10.0.0.254", forwarded="198.51.100.7")

    assert get_adapter(request).get_client_ip(request) == "198.51.100.7"


def _apply(client, tenant, n, **headers):
    return client.post(
        reverse("partner_apply", kwargs={"tenant_slug": tenant.slug}),
        application(company_name=f"Applicant {n}"),
        **headers,
    )


def test_forged_forwarded_for_headers_do_not_escape_the_application_limit(settings, tenant, client):
    settings.PRODUCTION = True

    answers = [
        _apply(client, tenant, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(APPLICATIONS_PER_WINDOW + 1)
    ]

    assert answers[-1] == 429


def test_behind_one_proxy_two_clients_have_limits_of_their_own(settings, tenant, client):
    settings.PRM_TRUSTED_PROXY_COUNT = 1
    for n in range(APPLICATIONS_PER_WINDOW):
        _apply(client, tenant, n, HTTP_X_FORWARDED_FOR="203.0.113.1")

    limited = _apply(client, tenant, 90, HTTP_X_FORWARDED_FOR="203.0.113.1")
    other = _apply(client, tenant, 91, HTTP_X_FORWARDED_FOR="203.0.113.2")

    assert limited.status_code == 429
    assert other.status_code == 302


def test_the_audit_log_records_the_same_client_address(settings, tenant, admin_member, client_for):
    settings.PRM_TRUSTED_PROXY_COUNT = 1
    client_for(admin_member).post(
        reverse("tenant_settings", kwargs={"tenant_slug": tenant.slug}),
        {
            "name": "Renamed",
            "base_currency": tenant.base_currency,
            "time_zone": tenant.time_zone,
            "default_language": tenant.default_language,
            "fiscal_year_start_month": tenant.fiscal_year_start_month,
            "portal_primary_colour": tenant.portal_primary_colour,
        },
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23",
    )

    with scopes_disabled():
        event = AuditEvent.objects.get(tenant=tenant, action="tenant.settings_changed")
    assert event.ip_address == "198.51.100.23"
