"""Services own their transactions: the decorator every public service wears.

A service is the unit of work: `@service` runs it in `transaction.atomic(durable=True)`, so
calling it inside someone else's transaction is a bug Django reports at once (RuntimeError),
instead of a lock silently held until the caller's page has rendered. A service that is also
a step of a bigger one is called as `other_service.nested(...)`: the same body in a plain
atomic block (a savepoint) inside the caller's transaction.
"""

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")


def service(func: Callable[P, R]) -> Callable[P, R]:
    durable = transaction.atomic(durable=True)(func)
    durable.nested = transaction.atomic(func)
    return durable
