"""The tier proposal API (read): staff with ProgramsPerm.VIEW; partner users have no access.
Decisions are taken on the staff pages, where they are confirmed."""

import django_filters
from rest_framework import generics, serializers

from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from programs.models import TierProposal, TierProposalStatus
from programs.permissions import ProgramsPerm
from programs.selectors import tiers as selectors


class TierProposalOutSerializer(serializers.ModelSerializer):
    partner = serializers.IntegerField(source="contract.partner_id", read_only=True)
    program = serializers.IntegerField(source="contract.program_id", read_only=True)
    evaluated_on = serializers.DateField(source="evaluation.evaluated_on", read_only=True)
    figures = serializers.JSONField(read_only=True)

    class Meta:
        model = TierProposal
        fields = [
            "id",
            "contract",
            "partner",
            "program",
            "evaluated_on",
            "current_tier",
            "proposed_tier",
            "is_promotion",
            "window_start",
            "window_end",
            "figures",
            "status",
            "decided_at",
            "decision_note",
            "created_at",
        ]


class TierProposalFilter(django_filters.FilterSet):
    program = IdFilter(field_name="contract__program_id")
    status = django_filters.ChoiceFilter(choices=TierProposalStatus.choices)

    class Meta:
        model = TierProposal
        fields: list[str] = []


def _proposals(tenant):
    return selectors.tier_proposal_list(tenant=tenant, status="all", with_evaluation=True)


class TierProposalListView(TenantQuerysetMixin, generics.ListAPIView):
    required_perm = ProgramsPerm.VIEW
    model = TierProposal
    serializer_class = TierProposalOutSerializer
    filterset_class = TierProposalFilter
    ordering_fields = ["created_at"]

    def tenant_queryset(self, tenant):
        return _proposals(tenant)


class TierProposalDetailView(TenantQuerysetMixin, generics.RetrieveAPIView):
    required_perm = ProgramsPerm.VIEW
    model = TierProposal
    serializer_class = TierProposalOutSerializer
    lookup_url_kwarg = "proposal_id"

    def tenant_queryset(self, tenant):
        return _proposals(tenant)
