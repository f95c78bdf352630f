"""OpenAPI schema generation for tenant-scoped views."""

from django_scopes import scopes_disabled
from drf_spectacular.generators import SchemaGenerator


class TenantlessSchemaGenerator(SchemaGenerator):
    """Builds the schema with tenant scoping switched off.

    The schema describes every tenant alike and is also generated outside any request (by
    `manage.py check --deploy` and `spectacular`), where no tenant scope is active; the
    scoped managers would refuse even `Model.objects.none()` there. No rows are read: the
    views answer empty querysets while `swagger_fake_view` is set (see TenantQuerysetMixin).
    """

    def get_schema(self, request=None, public=False):
        with scopes_disabled():
            return super().get_schema(request=request, public=public)


class TenantQuerysetMixin:
    """For generic API views: rows of the request's tenant only, via `tenant_queryset()`.

    Set `model`; implement `tenant_queryset(tenant)`.
    """

    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation: there is no tenant, only the model's shape is wanted.
            return self.model.objects.none()
        return self.tenant_queryset(self.request._request.tenant)

    def tenant_queryset(self, tenant):
        raise NotImplementedError
