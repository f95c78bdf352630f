"""Isolation registry entries for the portal api routes of the partners app."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {
    "portal_company": Route("portal"),
    "portal_company_edit": Route("portal"),
    "portal_reps": Route("portal"),
    "portal_rep_invite": Route("portal"),
    "portal_rep_deactivate": Route(
        "portal",
        methods=("GET", "POST"),
        objects={"rep_id": "rep"},
        partner_scoped=True,
    ),
}

ROUTES.update(
    {
        "api_partner_list": Route("api"),
        "api_partner_detail": Route(
            "api",
            methods=("GET", "PATCH"),
            objects={"partner_id": "partner"},
            patch={"display_name": "Renamed by the isolation suite"},
            partner_scoped=True,
        ),
        "api_rep_list": Route("api"),
        "api_rep_detail": Route(
            "api",
            methods=("GET", "PATCH"),
            objects={"rep_id": "rep"},
            patch={"title": "Changed by the isolation suite"},
            partner_scoped=True,
        ),
        "api_prospect_list": Route("api"),
        "api_prospect_detail": Route(
            "api",
            methods=("GET", "PATCH"),
            objects={"prospect_id": "prospect"},
            patch={"contact_title": "Changed by the isolation suite"},
        ),
        "api_activity_list": Route("api"),
        "api_activity_detail": Route(
            "api",
            methods=("GET", "PATCH"),
            objects={"activity_id": "activity"},
            patch={"notes": "Changed by the isolation suite"},
        ),
    }
)
