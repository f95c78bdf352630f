"""Test-only URLconf: the product's routes plus views that write and then fail.

Used with `@pytest.mark.urls("tests.support.urls_failing")` to prove that the tenant
middleware rolls back the writes of a request that ends in a 500.
"""

from django.urls import path
from rest_framework.views import APIView

from accounts.access import tenant_view
from accounts.audit import audit_record
from prm.urls import urlpatterns as product_urlpatterns

WRITTEN_ACTION = "test.written_before_failure"


@tenant_view(audience="staff")
def write_then_fail(request, tenant_slug):
    audit_record(
        tenant=request.tenant, actor=request.user, action=WRITTEN_ACTION, target_type="test"
    )
    raise RuntimeError("deliberate failure after a write")


class WriteThenFailApi(APIView):
    def get(self, request, tenant_slug):
        audit_record(
            tenant=request._request.tenant, actor=None, action=WRITTEN_ACTION, target_type="test"
        )
        raise RuntimeError("deliberate API failure after a write")


urlpatterns = [
    path("<slug:tenant_slug>/test-only/write-then-fail/", write_then_fail),
    path("<slug:tenant_slug>/api/v1/test-only/write-then-fail/", WriteThenFailApi.as_view()),
    *product_urlpatterns,
]
