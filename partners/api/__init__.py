"""The partners app's REST API, split by area like partners/views and partners/selectors:

- directory: partners and reps (partner users read their own);
- recruitment: prospects (staff only);
- engagement: activities (staff only);
- common: permission by method, service-backed create/update, shared serializers.

Writes go through the services, reads through partners/selectors/api_reads.py; another tenant's or
partner's object answers 404.
"""

from partners.api.directory import PartnerDetailView, PartnerListView, RepDetailView, RepListView
from partners.api.engagement import ActivityDetailView, ActivityListView
from partners.api.recruitment import ProspectDetailView, ProspectListView

__all__ = [
    "ActivityDetailView",
    "ActivityListView",
    "PartnerDetailView",
    "PartnerListView",
    "ProspectDetailView",
    "ProspectListView",
    "RepDetailView",
    "RepListView",
]
