"""OpenAPI schema generation for tenant-scoped views."""

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from drf_spectacular.generators import SchemaGenerator

HTTP_METHODS = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}

# Every operation can answer these (accounts.api_errors makes each one JSON): the tenant in the
# path may not exist for the caller (404), credentials may be missing or not enough (401, 403),
# and any query parameter or body may be refused (400). Undocumented, a client generated from
# the schema treats them as surprises; schemathesis reported each as a violation.
ERROR_RESPONSES = {
    "400": _("The request was refused: `detail` says why, or each field lists its messages."),
    "401": _("No valid credentials: sign in, or send an API key."),
    "403": _("The credentials do not allow this (role, or a second factor still to confirm)."),
    "404": _("Not found in this tenant, or no such page."),
}
ERROR_COMPONENT = "ApiError"
ERROR_SCHEMA = {
    "type": "object",
    "description": _("An error: `detail`, or a list of messages per field."),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}


class TenantlessSchemaGenerator(SchemaGenerator):
    """Builds the schema with tenant scoping switched off.

    The schema describes every tenant alike and is also generated outside any request (by
    `manage.py check --deploy` and `spectacular`), where no tenant scope is active; the
    scoped managers would refuse even `Model.objects.none()` there. No rows are read: the
    views answer empty querysets while `swagger_fake_view` is set (see TenantQuerysetMixin).
    """

    def get_schema(self, request=None, public=False):
        with scopes_disabled():
            schema = super().get_schema(request=request, public=public)
        document_errors(schema)
        return schema


def document_errors(schema: dict) -> dict:
    """Add the error answers every operation can give, and say that pages start at 1 (a page
    below 1 answers 404 like one past the end)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    # The schema is built in the reader's language; lazy texts become plain strings here, after
    # drf-spectacular has already turned its own into strings.
    components.setdefault(
        ERROR_COMPONENT, {**ERROR_SCHEMA, "description": str(ERROR_SCHEMA["description"])}
    )
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": str(description), "content": content})
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") == "page":
                    parameter.setdefault("schema", {"type": "integer"})["minimum"] = 1
    return schema


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
