"""The rename and delete pages of every ordered label list (partner types, lost reasons): one
pair of view bodies, told apart by a LabelPages. Each list keeps its own URLs and decorated
views (audience and permission are declared there); they call these."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from accounts.urls_helpers import tenant_reverse


@dataclass(frozen=True)
class LabelPages:
    list_url: str
    # The POST field that carries the new label.
    field: str
    get: Callable[..., Any]  # (tenant, item_id) -> the item, 404 outside the tenant
    rename: Callable[..., Any]  # (tenant, actor, item, label) -> the renamed item
    delete: Callable[..., None]  # (tenant, actor, item)
    renamed_message: Callable[[Any], str]
    deleted_message: Callable[[Any], str]
    # Lost reasons check the typed label with their form first and say this when it fails.
    form_class: type[forms.Form] | None = None
    invalid_message: Callable[[], str] | None = None


def _errors(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def label_rename(request, pages: LabelPages, item_id: int):
    tenant = request.tenant
    item = pages.get(tenant, item_id)
    label = request.POST.get(pages.field, "")
    if pages.form_class is not None:
        form = pages.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, pages.invalid_message())
            return redirect(tenant_reverse(tenant, pages.list_url))
        label = form.cleaned_data[pages.field]
    try:
        pages.rename(tenant, request.user, item, label)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, pages.renamed_message(item))
    return redirect(tenant_reverse(tenant, pages.list_url))


def label_delete(request, pages: LabelPages, item_id: int):
    tenant = request.tenant
    item = pages.get(tenant, item_id)
    try:
        pages.delete(tenant, request.user, item)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, pages.deleted_message(item))
    return redirect(tenant_reverse(tenant, pages.list_url))
