"""Routes of the programs app: announcements and the sales process (staff and portal)."""

from django.urls import path

from programs.views import announcements, announcements_portal

ANNOUNCEMENT = "announcements/<int:announcement_id>/"
PHASE = "sales-process/<int:phase_id>/"

urlpatterns = [
    path("announcements/", announcements.announcement_list, name="announcement_list"),
    path("announcements/new/", announcements.announcement_create, name="announcement_create"),
    path(ANNOUNCEMENT, announcements.announcement_detail, name="announcement_detail"),
    path(ANNOUNCEMENT + "edit/", announcements.announcement_edit, name="announcement_edit"),
    path(
        ANNOUNCEMENT + "publish/", announcements.announcement_publish, name="announcement_publish"
    ),
    path(
        ANNOUNCEMENT + "archive/", announcements.announcement_archive, name="announcement_archive"
    ),
    path("sales-process/", announcements.sales_process, name="sales_process"),
    path("sales-process/new/", announcements.sales_phase_create, name="sales_phase_create"),
    path(PHASE + "edit/", announcements.sales_phase_edit, name="sales_phase_edit"),
    path(PHASE + "move/", announcements.sales_phase_move, name="sales_phase_move"),
    path(PHASE + "delete/", announcements.sales_phase_delete, name="sales_phase_delete"),
    path(
        "portal/announcements/",
        announcements_portal.portal_announcements,
        name="portal_announcements",
    ),
    path(
        "portal/" + ANNOUNCEMENT,
        announcements_portal.portal_announcement,
        name="portal_announcement",
    ),
    path(
        "portal/sales-process/",
        announcements_portal.portal_sales_process,
        name="portal_sales_process",
    ),
]
