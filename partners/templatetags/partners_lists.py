"""Lists: in running text (Japanese joins with 「、」, English with ", "), a select's options."""

from django import template
from django.forms.utils import flatatt
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


def list_separator(language: str | None = None) -> str:
    language = (language or get_language() or "").lower()
    return "、" if language.startswith("ja") else ", "


@register.filter
def join_list(values) -> str:
    """{{ names|join_list }}: 佐藤、鈴木 in Japanese; Sato, Suzuki in English (autoescaped)."""
    return list_separator().join(str(value) for value in values if value not in (None, ""))


@register.simple_tag
def select_options(choices, selected="") -> str:
    """{% select_options choices value %}: the <option>s of (value, label) pairs, the one whose
    value reads as `selected` chosen. Written in Python: a {% for %} over a filter bar's some
    200 options rendered five nodes per option, the bulk of a list page's template time."""
    selected = str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, SELECTED if str(value) == selected else "", label) for value, label in choices),
    )


SELECTED = mark_safe(" selected")  # noqa: S308 - a constant attribute


@register.simple_tag
def inline_checkboxes(bound_field) -> str:
    """{% inline_checkboxes form.field %}: a CheckboxSelectMultiple's boxes, each with its label,
    as Bootstrap inline checks. Written in Python: `{{ choice.tag }}` renders a widget template
    per box, and a tenant's fifty staff made that most of the activity page's rendering time."""
    return format_html_join(
        "",
        '<div class="form-check form-check-inline"><input type="{}" name="{}" value="{}"{}>'
        ' <label class="form-check-label" for="{}">{}</label></div>',
        (
            (
                box.data["type"],
                box.data["name"],
                "" if box.data["value"] is None else box.data["value"],
                flatatt(box.data["attrs"]),
                box.id_for_label,
                box.choice_label,
            )
            for box in bound_field.subwidgets
        ),
    )
