"""Routes of the programs app: tier evaluation and tier proposals."""

from django.urls import path

from programs.views import tiers

urlpatterns = [
    path("tier-proposals/", tiers.tier_proposal_list, name="tier_proposal_list"),
    path("tier-proposals/run/", tiers.tier_evaluation_start, name="tier_evaluation_start"),
    path(
        "tier-proposals/<int:proposal_id>/",
        tiers.tier_proposal_detail,
        name="tier_proposal_detail",
    ),
    path(
        "tier-proposals/<int:proposal_id>/approve/",
        tiers.tier_proposal_approve,
        name="tier_proposal_approve",
    ),
    path(
        "tier-proposals/<int:proposal_id>/reject/",
        tiers.tier_proposal_reject,
        name="tier_proposal_reject",
    ),
]
