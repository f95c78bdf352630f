"""Staff pages of tier evaluation: the tier proposals, one proposal and its decision."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import request_has_perm, tenant_view
from accounts.pagination import paginate, sort_headers
from accounts.urls_helpers import tenant_reverse
from programs.models import TierProposalStatus
from programs.permissions import ProgramsPerm
from programs.selectors import tiers as selectors
from programs.services import tiers as services
from programs.tasks.tiers import tier_evaluation_task

PAGE_SIZE = 25
SORTABLE_COLUMNS = ("partner", "program", "created")
REQUIREMENT_LABELS = {
    "meetings_held": gettext_lazy("Meetings held"),
    "won_deals": gettext_lazy("Won deals"),
    "revenue": gettext_lazy("Revenue"),
    "certified_reps": gettext_lazy("Certified reps"),
}


class TierProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[
            ("pending", gettext_lazy("Waiting for a decision")),
            ("approved", gettext_lazy("Approved")),
            ("rejected", gettext_lazy("Rejected")),
            ("all", gettext_lazy("All")),
        ],
    )
    program = forms.ModelChoiceField(label=gettext_lazy("Program"), required=False, queryset=None)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = selectors.tier_proposal_program_choices(tenant=tenant)
        self.fields["program"].empty_label = _("All programs")

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        program = data.get("program")
        return {
            "status": data.get("status") or "pending",
            "program_id": program.pk if program else None,
        }


class TierProposalRejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"), required=False, max_length=500
    )


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
def tier_proposal_list(request, tenant_slug):
    tenant = request.tenant
    filter_form = TierProposalFilterForm(request.GET or None, tenant=tenant)
    filters = filter_form.filters() if request.GET else {"status": "pending", "program_id": None}
    sort = request.GET.get("sort") or "-created"
    page = paginate(
        request, selectors.tier_proposal_list(tenant=tenant, sort=sort, **filters), PAGE_SIZE
    )
    return render(
        request,
        "programs/tiers/proposal_list.html",
        {
            "nav": "tier_proposals",
            "filter_form": filter_form,
            "page": page,
            "headers": sort_headers(request, SORTABLE_COLUMNS, default="-created"),
            "active_filters": filters["status"] != "pending" or bool(filters["program_id"]),
            "evaluation": selectors.tier_evaluation_latest(tenant=tenant),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
        },
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_POST
def tier_evaluation_start(request, tenant_slug):
    tenant = request.tenant
    tier_evaluation_task.delay(tenant_id=tenant.pk, on=timezone.localdate().isoformat())
    messages.success(
        request, _("The tier evaluation has started: new proposals appear here when it ends.")
    )
    return redirect(tenant_reverse(tenant, "programs:tier_proposal_list"))


def _figure_rows(proposal) -> list[dict]:
    rows = []
    for row in proposal.figures.get("requirements", []):
        rows.append({**row, "label": REQUIREMENT_LABELS.get(row["key"], row["key"])})
    return rows


@tenant_view(audience="staff", perm=ProgramsPerm.VIEW)
def tier_proposal_detail(request, tenant_slug, proposal_id):
    tenant = request.tenant
    proposal = selectors.tier_proposal_get(tenant=tenant, proposal_id=proposal_id)
    return render(
        request,
        "programs/tiers/proposal_detail.html",
        {
            "nav": "tier_proposals",
            "proposal": proposal,
            "figure_rows": _figure_rows(proposal),
            "is_pending": proposal.status == TierProposalStatus.PENDING,
            "reject_form": TierProposalRejectForm(),
            "may_manage": request_has_perm(request, ProgramsPerm.MANAGE),
        },
    )


def _decide(request, proposal_id, decide, success_message):
    tenant = request.tenant
    proposal = selectors.tier_proposal_get(tenant=tenant, proposal_id=proposal_id)
    try:
        decide(tenant=tenant, proposal=proposal)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success_message % {"partner": proposal.contract.partner.name})
    return redirect(
        tenant_reverse(tenant, "programs:tier_proposal_detail", proposal_id=proposal.pk)
    )


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_POST
def tier_proposal_approve(request, tenant_slug, proposal_id):
    def decide(*, tenant, proposal):
        services.tier_proposal_approve(tenant=tenant, actor=request.user, proposal=proposal)

    return _decide(request, proposal_id, decide, _("Approved: %(partner)s's tier was changed."))


@tenant_view(audience="staff", perm=ProgramsPerm.MANAGE)
@require_POST
def tier_proposal_reject(request, tenant_slug, proposal_id):
    form = TierProposalRejectForm(request.POST)
    if not form.is_valid():
        # The only way to fail is a reason over 500 characters: say so and change nothing.
        messages.error(request, _("The reason is too long: 500 characters at most."))
        return redirect(
            tenant_reverse(request.tenant, "programs:tier_proposal_detail", proposal_id=proposal_id)
        )

    def decide(*, tenant, proposal):
        services.tier_proposal_reject(
            tenant=tenant, actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
        )

    return _decide(request, proposal_id, decide, _("Rejected: %(partner)s's tier stays as it is."))
