"""Routes of the programs app: staff pages (programs, tiers, contract types)."""

from django.urls import path

from programs.views import staff

PROGRAM = "programs/<int:program_id>/"
TIER = PROGRAM + "tiers/<int:tier_id>/"

urlpatterns = [
    path("programs/", staff.program_list, name="program_list"),
    path("programs/new/", staff.program_create, name="program_create"),
    path(PROGRAM, staff.program_detail, name="program_detail"),
    path(PROGRAM + "edit/", staff.program_edit, name="program_edit"),
    path(PROGRAM + "archive/", staff.program_archive, name="program_archive"),
    path(PROGRAM + "tiers/new/", staff.tier_create, name="tier_create"),
    path(TIER + "edit/", staff.tier_edit, name="tier_edit"),
    path(TIER + "move/", staff.tier_move, name="tier_move"),
    path(TIER + "delete/", staff.tier_delete, name="tier_delete"),
    path(PROGRAM + "terms/new/", staff.terms_create, name="terms_create"),
    path(PROGRAM + "terms/<int:terms_id>/", staff.terms_detail, name="terms_detail"),
    path("settings/contract-types/", staff.contract_type_list, name="contract_type_list"),
    path(
        "settings/contract-types/<int:contract_type_id>/rename/",
        staff.contract_type_rename,
        name="contract_type_rename",
    ),
    path(
        "settings/contract-types/<int:contract_type_id>/delete/",
        staff.contract_type_delete,
        name="contract_type_delete",
    ),
]
