"""Test-only URLconf: the product's routes plus probes of the request's database state.

Used with `@pytest.mark.urls("tests.support.urls_kernel")`. The probes answer JSON with what
the view saw: the RLS binding, the database role, whether a transaction was open, and what a
raw query without any tenant filter returns (a deliberately unscoped query).
"""

from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import path

from accounts.access import tenant_view
from accounts.services import heartbeat_record
from prm.urls import urlpatterns as product_urlpatterns


def _seen() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('app.tenant_id', true), current_user, "
            "(SELECT count(*) FROM accounts_membership), "
            "(SELECT count(DISTINCT tenant_id) FROM accounts_membership)"
        )
        bound, role, memberships, tenants = cursor.fetchone()
    return {
        "bound_tenant": bound or "",
        "role": role,
        "memberships": memberships,
        "tenants": tenants,
        "in_atomic_block": connection.in_atomic_block,
    }


def _unscoped_partner_names() -> list[str]:
    # Deliberately unscoped: no tenant filter, no django-scopes; only RLS stands in the way.
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_name FROM partners_partner ORDER BY legal_name")
        return [row[0] for row in cursor.fetchall()]


@tenant_view(audience="staff")
def probe_in_tenant(request, tenant_slug):
    return JsonResponse(_seen())


@tenant_view(audience="staff")
def probe_after_service(request, tenant_slug):
    heartbeat_record(name="probe", worker="request")  # a service: its own transaction
    return JsonResponse(_seen())


@tenant_view(audience="staff")
def probe_then_crash(request, tenant_slug):
    raise RuntimeError("deliberate crash inside a tenant request")


@tenant_view(audience="staff")
def unscoped_partner_names(request, tenant_slug):
    return JsonResponse({"names": _unscoped_partner_names()})


@tenant_view(audience="staff")
def streamed_partner_names(request, tenant_slug):
    return StreamingHttpResponse(name + "\n" for name in _unscoped_partner_names())


def probe_outside_tenant(request):
    return JsonResponse({**_seen(), "names": _unscoped_partner_names()})


urlpatterns = [
    path("<slug:tenant_slug>/test-only/probe/", probe_in_tenant),
    path("<slug:tenant_slug>/test-only/probe-after-service/", probe_after_service),
    path("<slug:tenant_slug>/test-only/crash/", probe_then_crash),
    path("<slug:tenant_slug>/test-only/unscoped/", unscoped_partner_names),
    path("<slug:tenant_slug>/test-only/streamed/", streamed_partner_names),
    path("test-only/outside/", probe_outside_tenant),
    *product_urlpatterns,
]
