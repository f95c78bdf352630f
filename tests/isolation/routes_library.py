"""Isolation registry entries for the content library's staff pages."""

from tests.isolation.registry import Route

ASSET = {"asset_id": "asset"}

ROUTES: dict[str, Route] = {
    "programs:asset_list": Route("staff"),
    # The body names the requested side's program; tests/programs/test_library.py proves
    # another tenant's program or tier in a body creates nothing.
    "programs:asset_create": Route(
        "staff",
        ("GET", "POST"),
        post={
            "title": "Isolation asset",
            "category": "faq",
            "language": "en",
            "url": "https://video.example.com/isolation",
            "token": "isolation-asset-token",
        },
        post_objects={"programs": "program"},
    ),
    "programs:asset_detail": Route("staff", objects=ASSET),
    "programs:asset_edit": Route(
        "staff",
        ("GET", "POST"),
        objects=ASSET,
        post={"title": "Renamed by isolation", "category": "faq", "language": "en"},
    ),
    # GET here (it goes back to the detail page): a POST without a file changes nothing, which
    # the control test cannot see; tests/programs/test_library.py proves a POST to another
    # tenant's asset answers 404 and stores no version.
    "programs:asset_version_add": Route("staff", objects=ASSET),
    "programs:asset_archive": Route("staff", ("GET", "POST"), objects=ASSET),
    "programs:asset_version_download": Route(
        "staff", objects={"asset_id": "asset", "version_id": "asset_version"}
    ),
    # The partner page's "Material" tab.
    "programs:partner_asset_views": Route("staff", objects={"partner_id": "partner"}),
    # The portal library: the side's partner user sees `asset` (shown to every partner); the
    # world's `asset_of_other_partner` is shown only to a tier neither partner is at, so it
    # answers 404 like another tenant's asset.
    "programs:portal_library": Route("portal"),
    **{
        f"programs:{name}": Route("portal", objects=ASSET, partner_scoped=True)
        for name in ("portal_asset", "portal_asset_preview", "portal_asset_download")
    },
    # The API: staff read every asset, a partner user what their tier may see.
    "programs:api_asset_list": Route("api"),
    "programs:api_asset_detail": Route("api", objects=ASSET, partner_scoped=True),
    # GET (staff) here: the POST is a partner user's and names the asset in its body;
    # tests/programs/test_library_api.py proves another tenant's or another tier's asset
    # there answers 404 and logs nothing.
    "programs:api_asset_views": Route("api"),
}
