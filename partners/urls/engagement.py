from django.urls import path

from partners.views import engagement

urlpatterns = [
    path("engagement/due/", engagement.contact_due_list, name="contact_due_list"),
    path("settings/cadence/", engagement.cadence_settings, name="cadence_settings"),
    path(
        "partners/<int:partner_id>/activities/",
        engagement.partner_activities,
        name="partner_activities",
    ),
    path(
        "partners/<int:partner_id>/activities/reps/",
        engagement.partner_rep_search,
        name="partner_rep_search",
    ),
    path(
        "partners/<int:partner_id>/activities/<int:activity_id>/delete/",
        engagement.activity_delete,
        name="activity_delete",
    ),
]
