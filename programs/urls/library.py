"""Routes of the programs app: the content library (staff)."""

from django.urls import path

from programs.views import library

ASSET = "library/<int:asset_id>/"

urlpatterns = [
    path("library/", library.asset_list, name="asset_list"),
    path("library/new/", library.asset_create, name="asset_create"),
    path(ASSET, library.asset_detail, name="asset_detail"),
    path(ASSET + "edit/", library.asset_edit, name="asset_edit"),
    path(ASSET + "versions/", library.asset_version_add, name="asset_version_add"),
    path(ASSET + "archive/", library.asset_archive, name="asset_archive"),
    path(
        "partners/<int:partner_id>/library/",
        library.partner_asset_views,
        name="partner_asset_views",
    ),
    path(
        ASSET + "versions/<int:version_id>/download/",
        library.asset_version_download,
        name="asset_version_download",
    ),
]
