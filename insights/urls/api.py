"""Routes of the insights app: api."""

from django.urls import path

from insights.api import snapshots

urlpatterns = [
    path(
        "api/v1/kpi-snapshots/",
        snapshots.KpiSnapshotListView.as_view(),
        name="api_kpi_snapshot_list",
    ),
    path(
        "api/v1/kpi-snapshots/<int:snapshot_id>/",
        snapshots.KpiSnapshotDetailView.as_view(),
        name="api_kpi_snapshot_detail",
    ),
]
