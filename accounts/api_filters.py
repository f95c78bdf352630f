"""Filters the APIs of every app share (django-filter)."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A filter by a related row's id (`partner`, `owner`, ...): a whole number.

    django-filter's NumberFilter reads a decimal and is typed `number` in the schema, so
    clients were told that `partner=1.5` or `partner=1e300` is valid, and got a 400. An id is
    an integer, in the form and in the schema; an id no row has simply matches nothing.
    """

    field_class = forms.IntegerField
