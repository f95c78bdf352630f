"""Entering a tenant: the django-scopes scope and the row-level-security setting, together."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django_scopes import scope

from accounts.models import Tenant
from accounts.rls import set_rls_tenant


@dataclass(frozen=True)
class RequestMeta:
    """Facts about the current request that the audit log records."""

    ip_address: str | None = None
    # Who acted when no person did (an API key), so the audit log still names the actor.
    principal: str = ""


request_meta: ContextVar[RequestMeta] = ContextVar("request_meta", default=RequestMeta())  # noqa: B039 - frozen


@contextmanager
def tenant_context(tenant: Tenant) -> Iterator[Tenant]:
    """Run a block inside one tenant: one transaction, RLS bound to it, queries scoped to it."""
    with transaction.atomic():
        set_rls_tenant(tenant.pk)
        with scope(tenant=tenant):
            yield tenant
