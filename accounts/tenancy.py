"""Entering a tenant: the django-scopes scope and the row-level-security setting, together."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django_scopes import scope

from accounts.models import Tenant
from accounts.rls import rls_bound


@dataclass(frozen=True)
class RequestMeta:
    """Facts about the current request that the audit log records."""

    ip_address: str | None = None
    # Who acted when no person did (an API key), so the audit log still names the actor.
    principal: str = ""


request_meta: ContextVar[RequestMeta] = ContextVar("request_meta", default=RequestMeta())  # noqa: B039 - frozen


@contextmanager
def tenant_context(tenant: Tenant) -> Iterator[Tenant]:
    """Run a block inside one tenant: RLS bound to it, queries scoped to it.

    It opens no transaction: the services called inside own theirs. The connection's binding
    is put back as it was on the way out (none, outside a request or task).
    """
    with rls_bound(tenant_id=tenant.pk), scope(tenant=tenant):
        yield tenant
