"""CSV in and out for the partners pages: the kernel's reader and formula rule
(accounts/imports.py), and exports streamed to the browser as Excel opens them."""

from collections.abc import Callable, Iterable, Iterator

from django.http import StreamingHttpResponse

from accounts.imports import (
    ImportRefused,
    csv_lines,
    csv_text,
    decode,
    formula_start,
    neutralise,
)
from accounts.models import Tenant
from accounts.tenancy import tenant_context

__all__ = [
    "ImportRefused",
    "csv_response",
    "csv_text",
    "decode_upload",
    "looks_like_formula",
    "neutralise",
]

decode_upload = decode
looks_like_formula = formula_start


def csv_response(
    filename: str,
    header: Iterable[str],
    rows: Callable[[], Iterable[Iterable]],
    *,
    tenant: Tenant,
) -> StreamingHttpResponse:
    """Stream the CSV: memory stays flat for 20,000 reps, the first bytes leave at once.

    The body is produced after the view has returned, outside the request's tenant scope, so
    the generator enters the tenant (scope and row-level security) itself.
    """

    def body() -> Iterator[bytes]:
        with tenant_context(tenant):
            lines = []
            for line in csv_lines(header, rows()):
                lines.append(line)
                if len(lines) >= 500:
                    yield "".join(lines).encode("utf-8")
                    lines = []
            yield "".join(lines).encode("utf-8")

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
