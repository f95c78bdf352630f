"""Lists in running text: Japanese joins with 「、」, English with ", "."""

from django import template
from django.utils.translation import get_language

register = template.Library()


def list_separator(language: str | None = None) -> str:
    language = (language or get_language() or "").lower()
    return "、" if language.startswith("ja") else ", "


@register.filter
def join_list(values) -> str:
    """{{ names|join_list }}: 佐藤、鈴木 in Japanese; Sato, Suzuki in English (autoescaped)."""
    return list_separator().join(str(value) for value in values if value not in (None, ""))
