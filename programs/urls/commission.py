"""Routes of the programs app: commission rule sets, their versions and the preview."""

from django.urls import path

from programs.views import commission

urlpatterns = [
    path("commission/", commission.rule_set_list, name="rule_set_list"),
    path("commission/rule-sets/new/", commission.rule_set_create, name="rule_set_create"),
    path(
        "commission/rule-sets/<int:rule_set_id>/",
        commission.rule_set_detail,
        name="rule_set_detail",
    ),
    path(
        "commission/rule-sets/<int:rule_set_id>/versions/new/",
        commission.version_create,
        name="version_create",
    ),
    path(
        "commission/rule-sets/<int:rule_set_id>/versions/<int:version_id>/delete/",
        commission.version_delete,
        name="version_delete",
    ),
    path("commission/preview/", commission.commission_preview, name="commission_preview"),
]
