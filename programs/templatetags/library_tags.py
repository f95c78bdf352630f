"""Template filters of the content library."""

from django import template

register = template.Library()

# Bootstrap icon per detected content type; a link has no content type.
ICONS = {
    "application/pdf": "bi-file-earmark-pdf",
    "image/png": "bi-file-earmark-image",
    "image/jpeg": "bi-file-earmark-image",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "bi-file-earmark-slides"
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "bi-file-earmark-word"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "bi-file-earmark-spreadsheet"
    ),
}


@register.filter
def asset_icon(content_type) -> str:
    """The icon class for a version's content type (a play button for a link)."""
    if not content_type:
        return "bi-play-btn"
    return ICONS.get(content_type, "bi-file-earmark")
