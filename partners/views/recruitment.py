"""Recruitment: prospects pipeline, persona, lost reasons, conversion report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.forms import form_add_service_errors
from accounts.pagination import paginate
from accounts.urls_helpers import tenant_reverse
from partners.choices import CustomerSegment, Industry, Prefecture, ProspectSource, ProspectStage
from partners.forms.recruitment import (
    LostReasonForm,
    PersonaForm,
    ProspectFilterForm,
    ProspectForm,
    SignForm,
    StageChangeForm,
)
from partners.permissions import PartnersPerm
from partners.selectors import recruitment as selectors
from partners.services import recruitment as services
from partners.views import label_lists

# Cards per board column; the column's count and a link to the filtered table show the rest.
BOARD_CARDS_PER_STAGE = 8
# Stage colours of badges and board columns (Bootstrap contextual classes).
STAGE_STYLES = {
    "sourced": "secondary",
    "contacted": "info",
    "meeting": "primary",
    "proposal": "warning",
    "signed": "success",
    "lost": "danger",
}


def _prospect_url(tenant, prospect) -> str:
    return tenant_reverse(tenant, "prospect_detail", prospect_id=prospect.pk)


def _labels(prospect) -> dict:
    return {
        "industries": selectors.choice_labels(prospect.industries, Industry.choices),
        "segments": selectors.choice_labels(prospect.customer_segments, CustomerSegment.choices),
        "prefectures": selectors.choice_labels(prospect.prefectures, Prefecture.choices),
    }


def _url_maker(tenant, route: str):
    """prospect id -> URL of `route`, reversed once: the board reverses three URLs per card.
    The id is the last path segment but one's value, so the placeholder's last occurrence is
    the one replaced (a tenant slug could be "0")."""
    head, tail = tenant_reverse(tenant, route, prospect_id=0).rsplit("/0/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


def _fit_level(score: int) -> str:
    return "high" if score >= 70 else "mid" if score >= 40 else "low"


def _with_fit(prospects, persona, labels=None):
    # Source and stage labels translated once per page: get_FOO_display hashes every choice's
    # (lazy, so translated) label on each call, some 600 translations on the board. So are the
    # card's two sentences: a {% blocktranslate %} per card was a translation and a context
    # copy each, their formats are translated here once and filled per card.
    labels = labels or _choice_labels()
    fit_format, in_stage_format = _("Fit %(score)s"), _("%(since)s in stage")
    rows = list(prospects)
    for prospect in rows:
        prospect.fit = selectors.prospect_fit(persona=persona, prospect=prospect)
        if prospect.fit:
            prospect.fit_level = _fit_level(prospect.fit.score)
            prospect.fit_text = fit_format % {"score": prospect.fit.score}
            prospect.fit_title = " ".join(prospect.fit.reasons)
        prospect.in_stage_text = in_stage_format % {"since": timesince(prospect.stage_changed_at)}
        prospect.stage_style = STAGE_STYLES.get(prospect.stage, "secondary")
        prospect.source_label = labels["source"].get(prospect.source, prospect.source)
        prospect.stage_label = labels["stage"].get(prospect.stage, prospect.stage)
    return rows


def _with_urls(prospects: list, urls: dict) -> list:
    for prospect in prospects:
        prospect.urls = {name: make(prospect.pk) for name, make in urls.items()}
    return prospects


def _choice_labels() -> dict[str, dict[str, str]]:
    return {
        "source": {value: str(label) for value, label in ProspectSource.choices},
        "stage": {value: str(label) for value, label in ProspectStage.choices},
    }


# --- Pipeline ---------------------------------------------------------------------------------


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def recruitment_home(request, tenant_slug):
    tenant = request.tenant
    filters = ProspectFilterForm(request.GET or None, tenant=tenant)
    options = filters.filters()
    view = "table" if request.GET.get("view") == "table" else "board"
    sort = options["sort"]
    persona = selectors.persona_get(tenant=tenant)
    has_persona = selectors.persona_is_set(persona)
    # Fit is computed in SQL (prospect_fit_score), so sorting by it paginates in the database.
    queryset = selectors.prospect_list_filtered(tenant=tenant, persona=persona, **options)
    # Counts per stage follow every filter but the stage itself: the bar shows where they are.
    counts = selectors.stage_counts(
        selectors.prospect_list_filtered(tenant=tenant, **(options | {"stage": ""}))
    )
    for row in counts:
        row["style"] = STAGE_STYLES[row["stage"]]
    context = {
        "nav": "recruitment",
        "filters": filters,
        "view": view,
        "counts": counts,
        "has_persona": has_persona,
        "total": sum(row["count"] for row in counts),
        "may_manage": request_has_perm(request, PartnersPerm.MANAGE),
        "sort": sort,
        # The filter selects are written out in the template (a widget renders a template per
        # option): their choices, listed once, and the chosen value.
        "selects": {
            name: {
                # A comprehension, not list(): list() asks the length first, a COUNT query.
                "choices": [choice for choice in filters.fields[name].choices],  # noqa: C416
                "value": str(filters[name].value() or ""),
            }
            for name in ("source", "owner", "stage")
        },
    }
    labels = _choice_labels()
    urls = {
        "detail": _url_maker(tenant, "prospect_detail"),
        "stage": _url_maker(tenant, "prospect_stage"),
        "sign": _url_maker(tenant, "prospect_sign"),
    }
    if view == "table":
        # The stage counts already hold the table's total: no second COUNT over the search.
        shown = sum(row["count"] for row in counts if row["stage"] == options["stage"])
        page = paginate(request, queryset, count=shown if options["stage"] else context["total"])
        page.object_list = _with_urls(_with_fit(page.object_list, persona, labels), urls)
        context["page"] = page
    else:
        columns = []
        cards_by_stage = selectors.board_cards(queryset, limit=BOARD_CARDS_PER_STAGE)
        for row in counts:
            if options["stage"] and row["stage"] != options["stage"]:
                continue
            cards = cards_by_stage.get(row["stage"], [])
            cards = _with_urls(_with_fit(cards, persona, labels), urls)
            columns.append({**row, "cards": cards, "more": row["count"] - len(cards)})
        context["columns"] = columns
        if context["may_manage"]:
            # The board's "lost" drop asks for a reason from the tenant's list.
            context["lost_reasons"] = selectors.lost_reasons(tenant=tenant)
    return render(request, "partners/recruitment/home.html", context)


# --- Prospects --------------------------------------------------------------------------------


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def prospect_create(request, tenant_slug):
    tenant = request.tenant
    form = ProspectForm(request.POST or None, tenant=tenant, initial={"owner": request.membership})
    if request.method == "POST" and form.is_valid():
        try:
            prospect = services.prospect_create(tenant=tenant, actor=request.user, **form.values())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("Prospect %(name)s added.") % {"name": prospect.company_name}
            )
            return redirect(_prospect_url(tenant, prospect))
    return render(
        request,
        "partners/recruitment/prospect_form.html",
        {"nav": "recruitment", "form": form, "prospect": None},
    )


def _detail(request, prospect, stage_form=None, status=200):
    tenant = request.tenant
    may_manage = request_has_perm(request, PartnersPerm.MANAGE)
    is_open = prospect.stage not in selectors.CLOSED_STAGES
    if stage_form is None and may_manage and is_open:
        # GET writes nothing: a tenant without lost reasons is offered the usual ones, saved
        # by the POST that first picks one (prospect_stage).
        stage_form = StageChangeForm(tenant=tenant, prospect=prospect)
    persona = selectors.persona_get(tenant=tenant)
    history = selectors.prospect_stage_history(tenant=tenant, prospect=prospect)
    return render(
        request,
        "partners/recruitment/prospect_detail.html",
        {
            "nav": "recruitment",
            "prospect": prospect,
            "stage_style": STAGE_STYLES.get(prospect.stage, "secondary"),
            "fit": selectors.prospect_fit(persona=persona, prospect=prospect),
            "has_persona": selectors.persona_is_set(persona),
            "history": history,
            "stage_form": stage_form,
            "may_manage": may_manage,
            "is_open": is_open,
            "labels": _labels(prospect),
            "stage_order": [
                {
                    "stage": value,
                    "label": label,
                    "reached": any(stay.stage == value for stay in history)
                    or prospect.stage == value,
                    "current": prospect.stage == value,
                }
                for value, label in ProspectStage.choices
            ],
        },
        status=status,
    )


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def prospect_detail(request, tenant_slug, prospect_id):
    prospect = selectors.prospect_get(tenant=request.tenant, prospect_id=prospect_id)
    return _detail(request, prospect)


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def prospect_edit(request, tenant_slug, prospect_id):
    tenant = request.tenant
    prospect = selectors.prospect_get(tenant=tenant, prospect_id=prospect_id)
    form = ProspectForm(request.POST or None, instance=prospect, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        try:
            services.prospect_update(
                tenant=tenant, actor=request.user, prospect=prospect, fields=form.values()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Prospect saved."))
            return redirect(_prospect_url(tenant, prospect))
    return render(
        request,
        "partners/recruitment/prospect_form.html",
        {"nav": "recruitment", "form": form, "prospect": prospect},
    )


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_POST
def prospect_stage(request, tenant_slug, prospect_id):
    tenant = request.tenant
    prospect = selectors.prospect_get(tenant=tenant, prospect_id=prospect_id)
    if prospect.stage in selectors.CLOSED_STAGES:
        message = _(
            "This prospect is already %(stage)s: a signed or lost prospect stays where it is."
        ) % {"stage": prospect.get_stage_display()}
        if request.htmx:
            return _board_move_refused(request, [message])
        messages.error(request, message)
        return redirect(_prospect_url(tenant, prospect))
    if request.POST.get("lost_reason"):
        # The usual reasons were offered unsaved (see _detail); picking one saves the list.
        services.lost_reasons_ensure_defaults(tenant=tenant)
    form = StageChangeForm(request.POST, tenant=tenant, prospect=prospect)
    if form.is_valid():
        try:
            services.prospect_stage_change(
                tenant=tenant,
                actor=request.user,
                prospect=prospect,
                to_stage=form.cleaned_data["to_stage"],
                lost_reason=form.cleaned_data["lost_reason"],
                lost_note=form.cleaned_data["lost_note"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            prospect.refresh_from_db()
            messages.success(
                request,
                _("%(name)s moved to %(stage)s.")
                % {"name": prospect.company_name, "stage": prospect.get_stage_display()},
            )
            if request.htmx:
                # A card dropped on the board: the board reloads with the card in its column.
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"
                return response
            return redirect(_prospect_url(tenant, prospect))
    if request.htmx:
        return _board_move_refused(
            request, [message for errors in form.errors.values() for message in errors]
        )
    return _detail(request, prospect, stage_form=form)


def _board_move_refused(request, errors: list[str]):
    """The board's answer to a drop it cannot do: the reasons, shown above the board (htmx
    swaps only 2xx answers, so this is a 200 that changes nothing)."""
    return render(request, "partners/recruitment/_board_feedback.html", {"errors": errors})


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def prospect_sign(request, tenant_slug, prospect_id):
    tenant = request.tenant
    prospect = selectors.prospect_get(tenant=tenant, prospect_id=prospect_id)
    if prospect.stage in selectors.CLOSED_STAGES:
        messages.error(
            request,
            _("This prospect is already %(stage)s and cannot be signed again.")
            % {"stage": prospect.get_stage_display()},
        )
        return redirect(_prospect_url(tenant, prospect))
    partner_defaults, rep_defaults = services.sign_defaults(prospect)
    form = SignForm(
        request.POST or None,
        tenant=tenant,
        initial=SignForm.initial_from(partner_defaults, rep_defaults),
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.prospect_sign(
                tenant=tenant,
                actor=request.user,
                prospect=prospect,
                partner_fields=form.partner_values(),
                rep_fields=form.rep_values(),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s signed: the partner is created and onboarding.")
                % {"name": partner.legal_name},
            )
            return redirect(tenant_reverse(tenant, "partner_detail", partner_id=partner.pk))
    return render(
        request,
        "partners/recruitment/prospect_sign.html",
        {
            "nav": "recruitment",
            "prospect": prospect,
            "form": form,
            "profile": partner_defaults,
            "labels": _labels(prospect),
        },
    )


# --- Report -----------------------------------------------------------------------------------


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
def recruitment_report(request, tenant_slug):
    report = selectors.recruitment_report(tenant=request.tenant)
    chart = {
        "sources": {
            "labels": [row["label"] for row in report["sources"]],
            "prospects": [row["prospects"] for row in report["sources"]],
            "signed": [row["signed"] for row in report["sources"]],
            "lost": [row["lost"] for row in report["sources"]],
            "names": {
                "prospects": _("Prospects"),
                "signed": _("Signed"),
                "lost": _("Lost"),
            },
        },
        "funnel": {
            "labels": [row["label"] for row in report["stages"]],
            "reached": [row["reached"] for row in report["stages"]],
            "name": _("Reached"),
        },
    }
    return render(
        request,
        "partners/recruitment/report.html",
        {"nav": "recruitment", "report": report, "chart": chart},
    )


# --- Settings: persona and lost reasons -------------------------------------------------------


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
@require_http_methods(["GET", "POST"])
def persona_edit(request, tenant_slug):
    tenant = request.tenant
    may_manage = request_has_perm(request, PartnersPerm.MANAGE)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    persona = selectors.persona_get(tenant=tenant)
    form = PersonaForm(request.POST or None, instance=persona)
    if request.method == "POST" and form.is_valid():
        try:
            services.persona_save(tenant=tenant, actor=request.user, fields=form.values())
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Partner persona saved."))
            return redirect(tenant_reverse(tenant, "persona_edit"))
    if not may_manage:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "partners/recruitment/persona.html",
        {"nav": "settings", "tab": "persona", "form": form, "may_manage": may_manage},
    )


@tenant_view(audience="staff", perm=PartnersPerm.VIEW)
@require_http_methods(["GET", "POST"])
def lost_reason_list(request, tenant_slug):
    tenant = request.tenant
    may_manage = request_has_perm(request, PartnersPerm.MANAGE)
    form = LostReasonForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        # The page showed the usual reasons unsaved; a first change keeps them (a POST,
        # never the GET that displayed them).
        created = services.lost_reasons_ensure_defaults(tenant=tenant)
        if request.POST.get("action") == "defaults":
            if created:
                messages.success(request, _("The usual reasons were saved."))
            return redirect(tenant_reverse(tenant, "lost_reason_list"))
        if form.is_valid():
            try:
                reason = services.lost_reason_create(
                    tenant=tenant, actor=request.user, label=form.cleaned_data["label"]
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("“%(label)s” added.") % {"label": reason.label})
                return redirect(tenant_reverse(tenant, "lost_reason_list"))
    reasons = selectors.lost_reasons(tenant=tenant)
    return render(
        request,
        "partners/recruitment/lost_reasons.html",
        {
            "nav": "settings",
            "tab": "lost_reasons",
            "form": form,
            "reasons": reasons,
            "suggested": services.lost_reason_default_labels(tenant=tenant)
            if may_manage and not reasons
            else [],
            "may_manage": may_manage,
        },
    )


LOST_REASON_PAGES = label_lists.LabelPages(
    list_url="lost_reason_list",
    field="label",
    get=lambda tenant, item_id: selectors.lost_reason_get(tenant=tenant, lost_reason_id=item_id),
    rename=lambda tenant, actor, item, label: services.lost_reason_rename(
        tenant=tenant, actor=actor, lost_reason=item, label=label
    ),
    delete=lambda tenant, actor, item: services.lost_reason_delete(
        tenant=tenant, actor=actor, lost_reason=item
    ),
    renamed_message=lambda item: _("Reason renamed."),
    deleted_message=lambda item: _("“%(label)s” deleted.") % {"label": item.label},
    form_class=LostReasonForm,
    invalid_message=lambda: _("Enter the reason."),
)


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_POST
def lost_reason_rename(request, tenant_slug, lost_reason_id):
    return label_lists.label_rename(request, LOST_REASON_PAGES, lost_reason_id)


@tenant_view(audience="staff", perm=PartnersPerm.MANAGE)
@require_POST
def lost_reason_delete(request, tenant_slug, lost_reason_id):
    return label_lists.label_delete(request, LOST_REASON_PAGES, lost_reason_id)
