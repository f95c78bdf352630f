from django.urls import path

from partners.views import staff

urlpatterns = [
    path("partners/", staff.partner_list, name="partner_list"),
    path("partners/export/", staff.partner_export, name="partner_export"),
    path("partners/export/<int:export_id>/", staff.partner_export_job, name="partner_export_job"),
    path(
        "partners/export/<int:export_id>/progress/",
        staff.partner_export_job_progress,
        name="partner_export_job_progress",
    ),
    path(
        "partners/export/<int:export_id>/download/",
        staff.partner_export_download,
        name="partner_export_download",
    ),
    path("partners/bulk-assign/", staff.partner_bulk_assign, name="partner_bulk_assign"),
    path("partners/new/", staff.partner_create, name="partner_create"),
    path("partners/import/", staff.partner_import, name="partner_import"),
    path("partners/import/<int:import_id>/", staff.partner_import_job, name="partner_import_job"),
    path(
        "partners/import/<int:import_id>/progress/",
        staff.partner_import_job_progress,
        name="partner_import_job_progress",
    ),
    path(
        "partners/import/template/",
        staff.partner_import_template,
        name="partner_import_template",
    ),
    path("partners/<int:partner_id>/", staff.partner_detail, name="partner_detail"),
    path("partners/<int:partner_id>/edit/", staff.partner_edit, name="partner_edit"),
    path(
        "partners/<int:partner_id>/status/",
        staff.partner_status_change,
        name="partner_status_change",
    ),
    path(
        "partners/<int:partner_id>/invite/",
        staff.partner_portal_invite,
        name="partner_portal_invite",
    ),
    path("partners/<int:partner_id>/reps/new/", staff.rep_create, name="rep_create"),
    path("partners/reps/import/", staff.rep_import, name="rep_import"),
    path("partners/reps/<int:rep_id>/", staff.rep_detail, name="rep_detail"),
    path("partners/reps/<int:rep_id>/edit/", staff.rep_edit, name="rep_edit"),
    path("partners/reps/<int:rep_id>/leave/", staff.rep_leave, name="rep_leave"),
    path("settings/partner-types/", staff.partner_type_list, name="partner_type_list"),
    path("settings/partner-portal/", staff.portal_settings_edit, name="portal_settings_edit"),
    path(
        "settings/partner-types/<int:partner_type_id>/rename/",
        staff.partner_type_rename,
        name="partner_type_rename",
    ),
    path(
        "settings/partner-types/<int:partner_type_id>/delete/",
        staff.partner_type_delete,
        name="partner_type_delete",
    ),
]
