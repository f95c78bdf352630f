"""Routes of the programs app: contracts."""

from django.urls import path

from programs.views import contracts

CONTRACT = "contracts/<int:contract_id>/"

urlpatterns = [
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path(
        "contracts/new/partners/",
        contracts.contract_partner_search,
        name="contract_partner_search",
    ),
    path("contracts/new/tiers/", contracts.contract_tier_options, name="contract_tier_options"),
    path(
        "partners/<int:partner_id>/contracts/",
        contracts.partner_contracts,
        name="partner_contracts",
    ),
    path(CONTRACT, contracts.contract_detail, name="contract_detail"),
    path(CONTRACT + "signed/", contracts.contract_upload, name="contract_upload"),
    path(CONTRACT + "signed.pdf", contracts.contract_document, name="contract_document"),
    path(CONTRACT + "notice.pdf", contracts.contract_notice_pdf, name="contract_notice_pdf"),
    path(CONTRACT + "notice/issue/", contracts.contract_notice_issue, name="contract_notice_issue"),
    *(
        path(
            CONTRACT + f"{action}/",
            contracts.contract_action,
            {"action": action},
            name=f"contract_{action}",
        )
        for action in ("activate", "renew", "end")
    ),
]
