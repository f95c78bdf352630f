from django.urls import path

from partners.views import recruitment

urlpatterns = [
    path("recruitment/", recruitment.recruitment_home, name="recruitment_home"),
    path("recruitment/report/", recruitment.recruitment_report, name="recruitment_report"),
    path("recruitment/prospects/new/", recruitment.prospect_create, name="prospect_create"),
    path(
        "recruitment/prospects/<int:prospect_id>/",
        recruitment.prospect_detail,
        name="prospect_detail",
    ),
    path(
        "recruitment/prospects/<int:prospect_id>/edit/",
        recruitment.prospect_edit,
        name="prospect_edit",
    ),
    path(
        "recruitment/prospects/<int:prospect_id>/stage/",
        recruitment.prospect_stage,
        name="prospect_stage",
    ),
    path(
        "recruitment/prospects/<int:prospect_id>/sign/",
        recruitment.prospect_sign,
        name="prospect_sign",
    ),
    path("settings/persona/", recruitment.persona_edit, name="persona_edit"),
    path("settings/lost-reasons/", recruitment.lost_reason_list, name="lost_reason_list"),
    path(
        "settings/lost-reasons/<int:lost_reason_id>/rename/",
        recruitment.lost_reason_rename,
        name="lost_reason_rename",
    ),
    path(
        "settings/lost-reasons/<int:lost_reason_id>/delete/",
        recruitment.lost_reason_delete,
        name="lost_reason_delete",
    ),
]
