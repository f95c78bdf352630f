"""Recruitment: prospects pipeline, persona, lost reasons, conversion report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.pagination import PAGE_SIZE
from accounts.roles import Perm
from accounts.urls_helpers import tenant_reverse
from partners.choices import CustomerSegment, Industry, Prefecture, ProspectStage
from partners.forms.recruitment import (
    LostReasonForm,
    PersonaForm,
    ProspectFilterForm,
    ProspectForm,
    SignForm,
    StageChangeForm,
)
from partners.selectors import recruitment as selectors
from partners.services import recruitment as services

BOARD_CARDS_PER_STAGE = 12
# Stage colours of badges and board columns (Bootstrap contextual classes).
STAGE_STYLES = {
    "sourced": "secondary",
    "contacted": "info",
    "meeting": "primary",
    "proposal": "warning",
    "signed": "success",
    "lost": "danger",
}


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _prospect_url(tenant, prospect) -> str:
    return tenant_reverse(tenant, "prospect_detail", prospect_id=prospect.pk)


def _labels(prospect) -> dict:
    return {
        "industries": selectors.choice_labels(prospect.industries, Industry.choices),
        "segments": selectors.choice_labels(prospect.customer_segments, CustomerSegment.choices),
        "prefectures": selectors.choice_labels(prospect.prefectures, Prefecture.choices),
    }


def _with_fit(prospects, persona):
    rows = list(prospects)
    for prospect in rows:
        prospect.fit = selectors.prospect_fit(persona=persona, prospect=prospect)
        prospect.stage_style = STAGE_STYLES.get(prospect.stage, "secondary")
    return rows


# --- Pipeline ---------------------------------------------------------------------------------


@tenant_view(audience="staff", perm=Perm.PARTNERS_VIEW)
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
        "may_manage": request_has_perm(request, Perm.PARTNERS_MANAGE),
        "sort": sort,
    }
    if view == "table":
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = _with_fit(page.object_list, persona)
        context["page"] = page
    else:
        columns = []
        for row in counts:
            if options["stage"] and row["stage"] != options["stage"]:
                continue
            cards = _with_fit(
                selectors.board_stage_cards(
                    queryset, stage=row["stage"], limit=BOARD_CARDS_PER_STAGE
                ),
                persona,
            )
            columns.append({**row, "cards": cards, "more": row["count"] - len(cards)})
        context["columns"] = columns
        if context["may_manage"]:
            # The board's "lost" drop asks for a reason from the tenant's list.
            context["lost_reasons"] = selectors.lost_reasons(tenant=tenant)
    return render(request, "partners/recruitment/home.html", context)


# --- Prospects --------------------------------------------------------------------------------


@tenant_view(audience="staff", perm=Perm.PARTNERS_MANAGE)
@require_http_methods(["GET", "POST"])
def prospect_create(request, tenant_slug):
    tenant = request.tenant
    form = ProspectForm(request.POST or None, tenant=tenant, initial={"owner": request.membership})
    if request.method == "POST" and form.is_valid():
        try:
            prospect = services.prospect_create(tenant=tenant, actor=request.user, **form.values())
        except ValidationError as error:
            _add_errors(form, error)
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
    may_manage = request_has_perm(request, Perm.PARTNERS_MANAGE)
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


@tenant_view(audience="staff", perm=Perm.PARTNERS_VIEW)
def prospect_detail(request, tenant_slug, prospect_id):
    prospect = selectors.prospect_get(tenant=request.tenant, prospect_id=prospect_id)
    return _detail(request, prospect)


@tenant_view(audience="staff", perm=Perm.PARTNERS_MANAGE)
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
            _add_errors(form, error)
        else:
            messages.success(request, _("Prospect saved."))
            return redirect(_prospect_url(tenant, prospect))
    return render(
        request,
        "partners/recruitment/prospect_form.html",
        {"nav": "recruitment", "form": form, "prospect": prospect},
    )


@tenant_view(audience="staff", perm=Perm.PARTNERS_MANAGE)
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
            _add_errors(form, error)
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


@tenant_view(audience="staff", perm=Perm.PARTNERS_MANAGE)
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
            _add_errors(form, error)
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


@tenant_view(audience="staff", perm=Perm.PARTNERS_VIEW)
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


@tenant_view(audience="staff", perm=Perm.PARTNERS_VIEW)
@require_http_methods(["GET", "POST"])
def persona_edit(request, tenant_slug):
    tenant = request.tenant
    may_manage = request_has_perm(request, Perm.PARTNERS_MANAGE)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    persona = selectors.persona_get(tenant=tenant)
    form = PersonaForm(request.POST or None, instance=persona)
    if request.method == "POST" and form.is_valid():
        try:
            services.persona_save(tenant=tenant, actor=request.user, fields=form.values())
        except ValidationError as error:
            _add_errors(form, error)
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


@tenant_view(audience="staff", perm=Perm.PARTNERS_VIEW)
@require_http_methods(["GET", "POST"])
def lost_reason_list(request, tenant_slug):
    tenant = request.tenant
    may_manage = request_has_perm(request, Perm.PARTNERS_MANAGE)
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
                _add_errors(form, error)
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


@tenant_view(audience="staff", perm=Perm.PARTNERS_MANAGE)
@require_POST
def lost_reason_rename(request, tenant_slug, lost_reason_id):
    tenant = request.tenant
    reason = selectors.lost_reason_get(tenant=tenant, lost_reason_id=lost_reason_id)
    form = LostReasonForm(request.POST)
    if form.is_valid():
        try:
            services.lost_reason_rename(
                tenant=tenant,
                actor=request.user,
                lost_reason=reason,
                label=form.cleaned_data["label"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Reason renamed."))
    else:
        messages.error(request, _("Enter the reason."))
    return redirect(tenant_reverse(tenant, "lost_reason_list"))


@tenant_view(audience="staff", perm=Perm.PARTNERS_MANAGE)
@require_POST
def lost_reason_delete(request, tenant_slug, lost_reason_id):
    tenant = request.tenant
    reason = selectors.lost_reason_get(tenant=tenant, lost_reason_id=lost_reason_id)
    try:
        services.lost_reason_delete(tenant=tenant, actor=request.user, lost_reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(label)s” deleted.") % {"label": reason.label})
    return redirect(tenant_reverse(tenant, "lost_reason_list"))
