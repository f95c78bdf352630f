"""Engagement: activity log, due-for-contact list, cadence settings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.models import Membership
from accounts.pagination import PAGE_SIZE
from accounts.selectors import membership_get
from accounts.urls_helpers import tenant_reverse
from partners.choices import ActivityKind, PartnerStatus, Priority
from partners.forms.engagement import ActivityForm, CadenceRuleForm, DueFilterForm
from partners.permissions import PartnersPerm
from partners.selectors import engagement as selectors
from partners.selectors.directory import partner_get
from partners.services import engagement as services

TIMELINE_PAGE_SIZE = 10
ACTIVITY_ICONS = {
    "regular_meeting": "bi-people",
    "study_session": "bi-easel",
    "joint_visit": "bi-briefcase",
    "dinner": "bi-cup-hot",
    "call": "bi-telephone",
    "email": "bi-envelope",
    "other": "bi-three-dots",
}


def partner_page_url(tenant, partner_id: int) -> str:
    return selectors.partner_page_path(tenant, partner_id)


# --- Activity panel (htmx fragment on the partner page) ---------------------------------------


def _timeline_page(request, partner):
    activities = selectors.partner_activities(tenant=request.tenant, partner=partner)
    page = Paginator(activities, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    may_manage = request_has_perm(request, PartnersPerm.MANAGE)
    # Kind labels and the delete link made once per page, not a get_kind_display (hashing every
    # choice's lazy label) and two {% url %} per item.
    kinds = {value: str(label) for value, label in ActivityKind.choices}
    head, tail = tenant_reverse(
        request.tenant, "activity_delete", partner_id=partner.pk, activity_id=0
    ).rsplit("/0/", 1)
    for activity in page:
        activity.icon = ACTIVITY_ICONS.get(activity.kind, "bi-dot")
        activity.kind_label = kinds.get(activity.kind, activity.kind)
        activity.delete_url = f"{head}/{activity.pk}/{tail}"
        # Vendor people first, then the partner's; joined per language in the template.
        activity.attendee_names = [
            member.user.full_name or member.user.email for member in activity.staff_attendees.all()
        ] + [rep.full_name for rep in activity.rep_attendees.all()]
        activity.may_delete = may_manage and services.activity_may_change(
            activity=activity, actor=request.user, membership=request.membership
        )
    return page


def _panel(request, partner, form=None, *, logged=None, status=200):
    may_manage = request_has_perm(request, PartnersPerm.MANAGE)
    if form is None and may_manage:
        form = ActivityForm(tenant=request.tenant, partner=partner, me=request.membership)
    context = {
        "partner": partner,
        "form": form,
        "may_manage": may_manage,
        "page": _timeline_page(request, partner),
        "today": timezone.localdate(),
        "logged": logged,
        "partner_url": partner_page_url(request.tenant, partner.pk),
    }
    if request.htmx:
        template = "partners/engagement/_activity_panel.html"
    else:
        # Visited directly (no JavaScript, or a link from an e-mail): a full page around it.
        template = "partners/engagement/activities_page.html"
        context["nav"] = "partners"
    return render(request, template, context, status=status)


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
@require_http_methods(["GET", "POST"])
def partner_activities(request, tenant_slug, partner_id):
    partner = partner_get(tenant=request.tenant, partner_id=partner_id)
    if request.method == "GET":
        if request.GET.get("part") == "timeline":
            # "Show more": the next page of the timeline only.
            return render(
                request,
                "partners/engagement/_activity_items.html",
                {
                    "partner": partner,
                    "page": _timeline_page(request, partner),
                    "today": timezone.localdate(),
                },
            )
        return _panel(request, partner)

    if not request_has_perm(request, PartnersPerm.MANAGE):
        raise PermissionDenied
    form = ActivityForm(request.POST, tenant=request.tenant, partner=partner, me=request.membership)
    if form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.activity_log(
                tenant=request.tenant,
                actor=request.user,
                partner=partner,
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                staff_attendee_ids=[m.pk for m in data["staff_attendees"]],
                rep_attendee_ids=[r.pk for r in data["rep_attendees"]],
                notes=data["notes"],
                next_action=data["next_action"],
                next_action_due=data["next_action_due"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.htmx:
                messages.success(request, _("Activity logged."))
                return redirect(
                    tenant_reverse(request.tenant, "partner_activities", partner_id=partner.pk)
                )
            return _panel(request, partner, logged=activity)
    return _panel(request, partner, form)


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_GET
def partner_rep_search(request, tenant_slug, partner_id):
    """The activity form's attendee picker: this partner's reps matching ?rep_q=, those
    already chosen (?rep_attendees=) left out; an htmx fragment."""
    partner = partner_get(tenant=request.tenant, partner_id=partner_id)
    query = request.GET.get("rep_q", "").strip()[:100]
    chosen = [value for value in request.GET.getlist("rep_attendees") if value.isdigit()]
    reps, has_more = selectors.rep_attendee_search(
        tenant=request.tenant, partner=partner, query=query, exclude_ids=chosen
    )
    return render(
        request,
        "partners/engagement/_rep_results.html",
        {"reps": reps, "has_more": has_more, "query": query},
    )


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_POST
def activity_delete(request, tenant_slug, partner_id, activity_id):
    partner = partner_get(tenant=request.tenant, partner_id=partner_id)
    activity = selectors.activity_get(
        tenant=request.tenant, partner=partner, activity_id=activity_id
    )
    try:
        services.activity_delete(
            tenant=request.tenant,
            actor=request.user,
            membership=request.membership,
            activity=activity,
        )
    except ValidationError as error:
        raise PermissionDenied(error.messages[0]) from error
    if request.htmx:
        return _panel(request, partner)
    messages.success(request, _("Activity deleted."))
    return redirect(tenant_reverse(request.tenant, "partner_activities", partner_id=partner.pk))


# --- Due for contact --------------------------------------------------------------------------


def _due_owner(request) -> tuple[Membership | None, str]:
    """The owner filter: "mine" (default), "all", or a membership id of this tenant."""
    choice = request.GET.get("owner") or "mine"
    if choice == "all":
        return None, "all"
    if choice == "mine":
        return request.membership, "mine"
    # SECURITY(tenant): an owner id of another tenant (or no member at all) answers 404.
    if not choice.isdigit():
        raise Http404
    return membership_get(tenant=request.tenant, membership_id=int(choice)), choice


def _with_due_texts(partners) -> None:
    """Each row's labels and sentences (priority, status, cadence, how overdue), translated here
    once per page or per row: a get_FOO_display hashes every choice's lazy label, and a
    {% blocktranslate count %} per cell was most of the table's rendering time."""
    priorities = {value: str(label) for value, label in Priority.choices}
    statuses = {value: str(label) for value, label in PartnerStatus.choices}
    for partner in partners:
        partner.priority_label = priorities.get(partner.priority, partner.priority)
        partner.status_label = statuses.get(partner.status, partner.status)
        days = partner.cadence.contact_interval_days
        partner.cadence_text = ngettext("every %(days)s day", "every %(days)s days", days) % {
            "days": days
        }
        overdue = partner.days_overdue
        if overdue is None or overdue == 0:
            partner.due_text = ""  # the template says "never contacted" or "due today"
        elif overdue > 0:
            partner.due_text = ngettext(
                "%(days)s day overdue", "%(days)s days overdue", overdue
            ) % {"days": overdue}
        else:
            partner.due_text = ngettext("in %(days)s day", "in %(days)s days", -overdue) % {
                "days": -overdue
            }


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def contact_due_list(request, tenant_slug):
    tenant = request.tenant
    owner, choice = _due_owner(request)
    filters = DueFilterForm(initial={"owner": choice}, tenant=tenant)
    if (
        owner is not None
        and choice != "mine"
        and choice not in dict(filters.fields["owner"].choices)
    ):
        # A member who owns no partner yet is still a valid filter: keep it selected.
        filters.fields["owner"].choices += [(choice, owner.user.full_name or owner.user.email)]
    today = timezone.localdate()
    cadences = selectors.cadence_rules(tenant=tenant)
    # One pass over the list gives its order and counts; the page's rows are then loaded alone.
    due = selectors.due_list_ranked(tenant=tenant, owner=owner, today=today, rules=cadences)
    page = Paginator(due.ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    # Only the page's partners get their open actions and cadence: the list may hold hundreds.
    page.object_list = selectors.due_rows_for(
        tenant=tenant,
        ranked=list(page.object_list),
        today=today,
        rules=cadences,
    )
    _with_due_texts(page.object_list)
    for partner in page:
        partner.page_url = partner_page_url(tenant, partner.pk)
    return render(
        request,
        "partners/engagement/due_list.html",
        {
            "nav": "due",
            "filters": filters,
            "owner_choice": choice,
            "page": page,
            "today": today,
            "cadences": cadences,
            "overdue_count": due.overdue,
            "total_count": due.total,
        },
    )


# --- Cadence settings -------------------------------------------------------------------------


def _cadence_forms(rules, data=None):
    return [
        (
            rule,
            CadenceRuleForm(
                data,
                prefix=priority,
                initial={
                    "contact_interval_days": rule.contact_interval_days,
                    "expectation": str(rule.expectation),
                },
            ),
        )
        for priority, rule in rules.items()
    ]


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
@require_http_methods(["GET", "POST"])
def cadence_settings(request, tenant_slug):
    tenant = request.tenant
    may_manage = request_has_perm(request, PartnersPerm.MANAGE)
    rules = selectors.cadence_rules(tenant=tenant)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        rows = _cadence_forms(rules, request.POST)
        if all(form.is_valid() for _rule, form in rows):
            try:
                services.cadence_rules_update(
                    tenant=tenant,
                    actor=request.user,
                    rules={rule.priority: form.cleaned_data for rule, form in rows},
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Cadence saved."))
                return redirect(tenant_reverse(tenant, "cadence_settings"))
    else:
        rows = _cadence_forms(rules)
    return render(
        request,
        "partners/engagement/cadence_settings.html",
        {"nav": "settings", "rows": rows, "may_manage": may_manage},
    )
