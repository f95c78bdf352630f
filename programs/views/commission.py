"""Staff pages of the commission rules: rule sets, their version timeline, the version editor
and the preview of a hypothetical commission. Reads through programs/selectors/commission.py,
writes through programs/services/commission.py."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.urls_helpers import tenant_reverse
from programs.commission import CommissionEvent, EventError, RulesError
from programs.forms.commission import PreviewForm, RuleSetForm, VersionEditor
from programs.permissions import ProgramsPerm
from programs.selectors import commission as selectors
from programs.services import commission as services

NAV = "commission"


def _detail_url(tenant, rule_set_id: int) -> str:
    return tenant_reverse(tenant, "programs:rule_set_detail", rule_set_id=rule_set_id)


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def rule_set_list(request, tenant_slug):
    return render(
        request,
        "programs/commission/rule_set_list.html",
        {
            "nav": NAV,
            "rule_sets": selectors.rule_sets(tenant=request.tenant),
            "may_manage": request_has_perm(request, ProgramsPerm.COMMISSION_MANAGE),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.COMMISSION_MANAGE)
@require_http_methods(["GET", "POST"])
def rule_set_create(request, tenant_slug):
    programs = selectors.program_choices(tenant=request.tenant)
    initial = {"program": request.GET.get("program")} if request.GET.get("program") else None
    form = RuleSetForm(request.POST or None, programs=programs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rule_set = services.rule_set_create(
                tenant=request.tenant, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Rule set created. Add its first version."))
            return redirect(
                tenant_reverse(request.tenant, "programs:version_create", rule_set_id=rule_set.pk)
            )
    return render(request, "programs/commission/rule_set_form.html", {"nav": NAV, "form": form})


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def rule_set_detail(request, tenant_slug, rule_set_id):
    rule_set = selectors.rule_set_get(tenant=request.tenant, rule_set_id=rule_set_id)
    timeline = selectors.rule_set_timeline(
        tenant=request.tenant, rule_set=rule_set, today=timezone.localdate()
    )
    return render(
        request,
        "programs/commission/rule_set_detail.html",
        {
            "nav": NAV,
            "rule_set": rule_set,
            "timeline": timeline,
            "may_manage": request_has_perm(request, ProgramsPerm.COMMISSION_MANAGE),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.COMMISSION_MANAGE)
@require_http_methods(["GET", "POST"])
def version_create(request, tenant_slug, rule_set_id):
    """A new version, prefilled from the one in force (a version is never edited in place)."""
    rule_set = selectors.rule_set_get(tenant=request.tenant, rule_set_id=rule_set_id)
    today = timezone.localdate()
    source = selectors.current_version(tenant=request.tenant, rule_set=rule_set, today=today)
    if request.method == "POST":
        editor = VersionEditor(request.POST)
        if editor.is_valid():
            data = editor.version_form.cleaned_data
            try:
                version = services.rule_set_version_create(
                    tenant=request.tenant,
                    actor=request.user,
                    rule_set=rule_set,
                    rules=editor.rules(),
                    **data,
                )
            except ValidationError as error:
                editor.add_errors(error.message_dict)
            else:
                messages.success(
                    request,
                    _("Version %(number)s saved; it applies from %(date)s.")
                    % {"number": version.number, "date": version.effective_from},
                )
                return redirect(_detail_url(request.tenant, rule_set.pk))
        status = 400
    else:
        initial_rules = ()
        initial_version = {"effective_from": today + datetime.timedelta(days=1)}
        if source is not None:
            try:
                initial_rules = selectors.version_spec(source, rule_set).rules
            except RulesError:
                initial_rules = ()
            initial_version.update(
                holding_days=source.holding_days, clawback_days=source.clawback_days
            )
        editor = VersionEditor(initial_version=initial_version, initial_rules=initial_rules)
        status = 200
    return render(
        request,
        "programs/commission/version_form.html",
        {"nav": NAV, "rule_set": rule_set, "editor": editor, "source": source},
        status=status,
    )


@tenant_view(audience="staff", perm=ProgramsPerm.COMMISSION_MANAGE)
@require_http_methods(["GET", "POST"])
def version_delete(request, tenant_slug, rule_set_id, version_id):
    rule_set = selectors.rule_set_get(tenant=request.tenant, rule_set_id=rule_set_id)
    version = selectors.version_get(tenant=request.tenant, rule_set=rule_set, version_id=version_id)
    if request.method == "POST":
        try:
            services.rule_set_version_delete(
                tenant=request.tenant, actor=request.user, version=version
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Version %(number)s deleted.") % {"number": version.number})
        return redirect(_detail_url(request.tenant, rule_set.pk))
    return render(
        request,
        "programs/commission/version_delete.html",
        {
            "nav": NAV,
            "rule_set": rule_set,
            "version": version,
            "may_delete": services.version_may_be_deleted(version),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
@require_GET
def commission_preview(request, tenant_slug):
    """Price a hypothetical event with a rule set: the lines and why, nothing written."""
    rule_sets = selectors.rule_set_choices(tenant=request.tenant)
    bound = "rule_set" in request.GET
    initial = {"date": timezone.localdate(), "rule_set": request.GET.get("for")}
    form = PreviewForm(request.GET if bound else None, rule_sets=rule_sets, initial=initial)
    result = None
    if bound and form.is_valid():
        data = form.cleaned_data
        rule_set = data["rule_set"]
        partners = {data["partner_role"]: None}
        if data["second_partner_role"]:
            partners[data["second_partner_role"]] = None
        event = CommissionEvent(
            kind=data["event_kind"],
            date=data["date"],
            currency=rule_set.currency,
            amount=data["amount"] or 0,
            mrr=data["mrr"] or 0,
            product=data["product"],
            cumulative_fy_revenue_before=data["cumulative_revenue"] or 0,
            partners=partners,
        )
        try:
            result = selectors.commission_preview(
                tenant=request.tenant, rule_set=rule_set, event=event
            )
        except EventError as error:
            fields = {"partners": "second_partner_role", "currency": "rule_set"}
            for field, message in error.errors.items():
                form.add_error(fields.get(field, field), message)
    return render(
        request,
        "programs/commission/preview.html",
        {"nav": NAV, "form": form, "result": result},
        status=400 if bound and form.errors else 200,
    )
