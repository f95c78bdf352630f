"""Routes of the programs app: api."""

from django.urls import path

from programs.api import announcements, commission, contracts, library, tiers, training

urlpatterns = [
    path("api/v1/rule-sets/", commission.RuleSetListView.as_view(), name="api_rule_set_list"),
    path(
        "api/v1/rule-sets/<int:rule_set_id>/",
        commission.RuleSetDetailView.as_view(),
        name="api_rule_set_detail",
    ),
    path(
        "api/v1/rule-set-versions/",
        commission.VersionListView.as_view(),
        name="api_rule_set_version_list",
    ),
    path(
        "api/v1/rule-set-versions/<int:version_id>/",
        commission.VersionDetailView.as_view(),
        name="api_rule_set_version_detail",
    ),
    path(
        "api/v1/commission/calculate/",
        commission.CalculatorView.as_view(),
        name="api_commission_calculate",
    ),
    path("api/v1/contracts/", contracts.ContractListView.as_view(), name="api_contract_list"),
    path(
        "api/v1/contracts/<int:contract_id>/",
        contracts.ContractDetailView.as_view(),
        name="api_contract_detail",
    ),
    path(
        "api/v1/tier-proposals/",
        tiers.TierProposalListView.as_view(),
        name="api_tier_proposal_list",
    ),
    path(
        "api/v1/tier-proposals/<int:proposal_id>/",
        tiers.TierProposalDetailView.as_view(),
        name="api_tier_proposal_detail",
    ),
    path("api/v1/assets/", library.AssetListView.as_view(), name="api_asset_list"),
    path(
        "api/v1/assets/<int:asset_id>/",
        library.AssetDetailView.as_view(),
        name="api_asset_detail",
    ),
    path("api/v1/asset-views/", library.AssetViewListView.as_view(), name="api_asset_views"),
    path("api/v1/courses/", training.CourseListView.as_view(), name="api_course_list"),
    path(
        "api/v1/courses/<int:course_id>/",
        training.CourseDetailView.as_view(),
        name="api_course_detail",
    ),
    path(
        "api/v1/certifications/",
        training.CertificationListView.as_view(),
        name="api_certification_list",
    ),
    path(
        "api/v1/certifications/<int:certification_id>/",
        training.CertificationDetailView.as_view(),
        name="api_certification_detail",
    ),
    path(
        "api/v1/announcements/",
        announcements.AnnouncementListView.as_view(),
        name="api_announcement_list",
    ),
    path(
        "api/v1/announcements/<int:announcement_id>/",
        announcements.AnnouncementDetailView.as_view(),
        name="api_announcement_detail",
    ),
    path(
        "api/v1/announcements/<int:announcement_id>/read/",
        announcements.AnnouncementMarkReadView.as_view(),
        name="api_announcement_read",
    ),
]
