"""The kernel's routes inside a tenant (mounted under /<tenant_slug>/ by prm/urls.py)."""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from accounts import api
from accounts.api_auth import IsTenantMember
from accounts.views import invitations, portal, staff

# SECURITY(tenant): drf-spectacular serves its views to anyone by default (SERVE_PERMISSIONS),
# which told strangers that a tenant exists; the schema answers members only, like the API.
api_schema_view = SpectacularAPIView.as_view(permission_classes=[IsTenantMember])

# Swagger UI sets inline styles on its own elements; allow them on the docs page only.
api_docs_view = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})(
    api.TenantSwaggerView.as_view()
)
# A page for people: the tenant middleware sends visitors to login and strangers to a 404.
api_docs_view.tenant_audience = "member"

urlpatterns = [
    path("", staff.dashboard, name="staff_dashboard"),
    path("settings/", staff.tenant_settings, name="tenant_settings"),
    path("settings/members/", staff.member_list, name="member_list"),
    path("settings/members/invite/", staff.member_invite, name="member_invite"),
    path(
        "settings/members/<int:membership_id>/role/",
        staff.member_role_change,
        name="member_role_change",
    ),
    path(
        "settings/members/<int:membership_id>/deactivate/",
        staff.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "settings/members/<int:membership_id>/reactivate/",
        staff.member_reactivate,
        name="member_reactivate",
    ),
    path(
        "settings/invitations/<int:invitation_id>/revoke/",
        staff.invitation_revoke,
        name="invitation_revoke",
    ),
    path("settings/audit/", staff.audit_log, name="audit_log"),
    path("settings/api-keys/", staff.api_keys, name="api_keys"),
    path("settings/api-keys/<int:api_key_id>/revoke/", staff.api_key_revoke, name="api_key_revoke"),
    path("settings/status/", staff.status_page, name="system_status"),
    path("invite/<str:token>/", invitations.invitation_accept_view, name="invitation_accept"),
    path("portal/", portal.portal_home, name="portal_home"),
    path("portal/brand.css", portal.portal_brand_css, name="portal_brand_css"),
    path("portal/logo", portal.portal_logo, name="portal_logo"),
    path("api/v1/me/", api.MeView.as_view(), name="api_me"),
    path("api/v1/members/", api.MemberListView.as_view(), name="api_member_list"),
    path(
        "api/v1/members/<int:membership_id>/",
        api.MemberDetailView.as_view(),
        name="api_member_detail",
    ),
    path("api/v1/schema/", api_schema_view, name="api_schema"),
    path("api/v1/docs/", api_docs_view, name="api_docs"),
]
