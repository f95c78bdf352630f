"""Test-only URLconf: the product's routes plus views whose service writes and then fails.

Used with `@pytest.mark.urls("tests.support.urls_failing")` to prove that a request ending
in a 500 leaves nothing half written: the request is no transaction, the service is one.
"""

from django.urls import path
from rest_framework.views import APIView

from accounts.access import tenant_view
from accounts.audit import audit_record
from accounts.transactions import service
from prm.urls import urlpatterns as product_urlpatterns

WRITTEN_ACTION = "test.written_before_failure"


@service
def write_then_fail_service(*, tenant, actor, message: str) -> None:
    audit_record(tenant=tenant, actor=actor, action=WRITTEN_ACTION, target_type="test")
    raise RuntimeError(message)


@tenant_view(audience="staff")
def write_then_fail(request, tenant_slug):
    write_then_fail_service(
        tenant=request.tenant, actor=request.user, message="deliberate failure after a write"
    )


class WriteThenFailApi(APIView):
    def get(self, request, tenant_slug):
        write_then_fail_service(
            tenant=request._request.tenant,
            actor=None,
            message="deliberate API failure after a write",
        )


urlpatterns = [
    path("<slug:tenant_slug>/test-only/write-then-fail/", write_then_fail),
    path("<slug:tenant_slug>/api/v1/test-only/write-then-fail/", WriteThenFailApi.as_view()),
    *product_urlpatterns,
]
