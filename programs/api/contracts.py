"""The contracts API: partner contracts (read). Staff with ProgramsPerm.VIEW read."""

import django_filters
from rest_framework import generics, serializers

from accounts.api_filters import IdFilter
from accounts.api_schema import TenantQuerysetMixin
from programs.models import ContractStatus, PartnerContract
from programs.permissions import ProgramsPerm
from programs.selectors import contracts as selectors


class ContractOutSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)
    tier_name = serializers.CharField(source="tier.name", read_only=True)
    has_signed_document = serializers.SerializerMethodField()

    class Meta:
        model = PartnerContract
        fields = [
            "id",
            "partner",
            "partner_name",
            "program",
            "program_name",
            "tier",
            "tier_name",
            "starts_on",
            "ends_on",
            "auto_renew",
            "status",
            "terms",
            "terms_accepted_at",
            "renewed_from",
            "ended_on",
            "has_signed_document",
            "created_at",
        ]

    def get_has_signed_document(self, contract) -> bool:
        return bool(contract.signed_document)


class ContractFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id")
    program = IdFilter(field_name="program_id")
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices)

    class Meta:
        model = PartnerContract
        fields: list[str] = []


class ContractListView(TenantQuerysetMixin, generics.ListAPIView):
    required_perm = ProgramsPerm.VIEW
    model = PartnerContract
    serializer_class = ContractOutSerializer
    filterset_class = ContractFilter
    ordering_fields = ["starts_on", "ends_on"]

    def tenant_queryset(self, tenant):
        return selectors.contract_list(tenant=tenant)


class ContractDetailView(TenantQuerysetMixin, generics.RetrieveAPIView):
    required_perm = ProgramsPerm.VIEW
    model = PartnerContract
    serializer_class = ContractOutSerializer
    lookup_url_kwarg = "contract_id"

    def tenant_queryset(self, tenant):
        return selectors.contract_list(tenant=tenant)
