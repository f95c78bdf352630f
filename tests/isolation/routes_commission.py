"""Isolation registry entries for the commission routes of the programs app (namespace
"programs")."""

from tests.isolation.registry import Route

ROUTES: dict[str, Route] = {
    "programs:rule_set_list": Route("staff"),
    # Creating answers 404 across tenants and to partner users before the body is read; that a
    # body naming another tenant's program creates nothing is proved in
    # tests/programs/test_commission_views.py.
    "programs:rule_set_create": Route(
        "staff", ("GET", "POST"), post={"name": "Taken over", "currency": "JPY"}
    ),
    "programs:rule_set_detail": Route("staff", objects={"rule_set_id": "rule_set"}),
    # GET only here: saving a version creates a row and changes none, which the control test
    # cannot see; tests/programs/test_commission_views.py proves a POST under another tenant's
    # rule set answers 404 and creates nothing.
    "programs:version_create": Route("staff", objects={"rule_set_id": "rule_set"}),
    "programs:version_delete": Route(
        "staff",
        ("GET", "POST"),
        objects={"rule_set_id": "rule_set", "version_id": "rule_set_version"},
    ),
    "programs:commission_preview": Route("staff"),
    "programs:api_rule_set_list": Route("api"),
    "programs:api_rule_set_detail": Route("api", objects={"rule_set_id": "rule_set"}),
    "programs:api_rule_set_version_list": Route("api"),
    "programs:api_rule_set_version_detail": Route(
        "api", objects={"version_id": "rule_set_version"}
    ),
    # POST only (it prices a hypothetical event and writes nothing); the API-key test of the
    # suite reads with GET, so tests/programs/test_commission_api.py proves that a key of
    # another tenant is refused here.
    "programs:api_commission_calculate": Route("api", ("POST",), anonymous={"POST": 401}, why="-"),
}
