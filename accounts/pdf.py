"""PDF documents rendered from templates with WeasyPrint: the one place the product makes PDFs.

Documents extend templates/pdf/base.html, which sets A4, page numbers and the Japanese font
(Noto Sans CJK JP from fonts-noto-cjk) for the body and for the page margin boxes, which do
not inherit it. WeasyPrint embeds the subset of the font the text uses, so the file reads the
same on a machine without the font.

Rendering never touches the network: the fetcher refuses every scheme but `data:`, so a URL
in the data (a partner's website, a logo link) cannot make the worker fetch anything.
Rendering takes about half a second a page: call it from a task, never from a request.
"""

from __future__ import annotations

import logging

from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint logs every rendering step at INFO (parsing its own stylesheets on import too): a
# worker's log needs its warnings only. Set before the import.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML, URLFetcher  # noqa: E402


class OfflineURLFetcher(URLFetcher):
    """Resources inline only (`data:` URIs): http(s), file and the rest are refused."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"data"}, **kwargs)


def render_html(template_name: str, context: dict, *, language: str) -> str:
    """The document's HTML in `language` (the PDF's text, also handy in tests)."""
    with translation.override(language):
        return render_to_string(template_name, {**context, "language": language})


def render_pdf(template_name: str, context: dict, *, language: str) -> bytes:
    """Render `template_name` (a template extending pdf/base.html) with `context` in
    `language` and return the PDF's bytes."""
    return render_pdf_pages(template_name, context, language=language)[0]


def render_pdf_pages(template_name: str, context: dict, *, language: str) -> tuple[bytes, int]:
    """The same PDF's bytes and its number of pages."""
    return html_to_pdf(render_html(template_name, context, language=language))


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """WeasyPrint's part alone: the document's HTML to PDF bytes and its number of pages (the
    benchmark measures statements against it)."""
    # base_url: a fixed, harmless base, so a relative URL never resolves to the working
    # directory; the fetcher refuses it anyway.
    document = HTML(string=html, base_url="data:,", url_fetcher=OfflineURLFetcher())
    rendered = document.render()
    return rendered.write_pdf(), len(rendered.pages)


def pdf_download(file, *, filename: str) -> FileResponse:
    """A stored PDF (a FileField's file) as a download, served by the view that checked who
    may see it: stored PDFs have no public URL."""
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
