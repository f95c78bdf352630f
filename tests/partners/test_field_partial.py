"""templates/includes/field.html: the one form-field partial of every staff, portal and public
form (label, required mark, help text, errors tied to the widget, is-invalid)."""

import re

from django import forms
from django.template.loader import render_to_string

from partners.forms.directory import MarkInvalid, style


class _Form(forms.Form):
    name = forms.CharField(label="Name", help_text="As registered.")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    agree = forms.BooleanField(label="Agree")
    tags = forms.MultipleChoiceField(
        label="Tags",
        choices=[("a", "A"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick any.",
    )


class _StyledForm(MarkInvalid, _Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


def _render(field, **context) -> str:
    return render_to_string("includes/field.html", {"field": field, **context})


def _tag(html: str, name: str) -> str:
    return re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)


def test_an_invalid_field_is_marked_and_its_error_and_help_are_described():
    form = _Form(data={"name": ""})  # a form without MarkInvalid: the partial marks it

    html = _render(form["name"], col="col-md-6")

    widget = _tag(html, "name")
    assert "is-invalid" in widget
    assert 'aria-invalid="true"' in widget
    assert 'aria-describedby="id_name_helptext id_name_error"' in widget
    assert 'id="id_name_helptext"' in html and 'id="id_name_error"' in html
    assert 'data-field="name"' in html
    assert '<span class="text-danger" aria-hidden="true">*</span>' in html
    assert 'class="mb-3 col-md-6"' in html


def test_a_form_that_marks_its_own_fields_is_not_marked_twice():
    form = _StyledForm(data={"name": ""})
    form.is_valid()

    widget = _tag(_render(form["name"]), "name")

    assert widget.count("is-invalid") == 1
    assert "form-control" in widget


def test_a_valid_optional_field_has_no_mark_error_or_describedby():
    form = _Form(data={"name": "x", "notes": "fine", "agree": "on", "tags": ["a"]})
    form.is_valid()

    html = _render(form["notes"], col="col-md-6", long_col="col-12")

    assert "is-invalid" not in html and "aria-describedby" not in html
    assert "text-danger" not in html
    assert 'class="mb-3 col-12"' in html  # text areas take the long column


def test_a_checkbox_group_is_a_fieldset_described_by_its_help_and_error():
    form = _Form(data={"name": "x"})
    form.is_valid()

    html = _render(form["tags"], choices_class="choice-grid")

    assert '<fieldset aria-describedby="id_tags_helptext id_tags_error">' in html
    assert 'class="choice-grid"' in html


def test_portal_errors_can_repeat_the_label():
    form = _Form(data={})

    html = _render(form["name"], label_errors=True)

    assert re.search(r'data-field="name">Name: ', html)
