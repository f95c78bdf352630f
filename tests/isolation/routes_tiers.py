"""Isolation registry entries for tier evaluation and tier proposals (staff pages and API)."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {
    "programs:tier_proposal_list": Route("staff"),
    # POST only: it enqueues the caller's own tenant's evaluation, never another's (the tenant
    # comes from the URL); the control test sees the redirect.
    "programs:tier_evaluation_start": Route("staff", ("POST",)),
    "programs:tier_proposal_detail": Route("staff", objects={"proposal_id": "proposal"}),
    "programs:tier_proposal_approve": Route(
        "staff", ("POST",), objects={"proposal_id": "proposal"}
    ),
    "programs:tier_proposal_reject": Route(
        "staff", ("POST",), objects={"proposal_id": "proposal"}, post={"reason": "No"}
    ),
    "programs:api_tier_proposal_list": Route("api"),
    "programs:api_tier_proposal_detail": Route("api", objects={"proposal_id": "proposal"}),
}
