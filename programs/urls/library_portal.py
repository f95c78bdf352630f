"""Routes of the programs app: the portal library."""

from django.urls import path

from programs.views import library_portal

ASSET = "portal/library/<int:asset_id>/"

urlpatterns = [
    path("portal/library/", library_portal.portal_library, name="portal_library"),
    path(ASSET, library_portal.portal_asset, name="portal_asset"),
    path(ASSET + "preview/", library_portal.portal_asset_preview, name="portal_asset_preview"),
    path(ASSET + "download/", library_portal.portal_asset_download, name="portal_asset_download"),
]
