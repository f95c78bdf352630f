"""The permission matrix, written out by hand, and what each role meets at the door of a page."""

import pytest

from accounts.registry import registry
from accounts.roles import MFA_REQUIRED_ROLES, PORTAL_ROLES, STAFF_ROLES, Perm, Role, role_has_perm

# Expected rights, written independently of ROLE_PERMISSIONS. Columns: vendor admin, partner
# manager, finance, viewer, partner admin, partner rep. "x" = allowed, "." = refused.
ROLE_COLUMNS = [
    "vendor_admin",
    "partner_manager",
    "finance",
    "viewer",
    "partner_admin",
    "partner_rep",
]
EXPECTED = """
staff_area.view         x x x x . .
portal.view             . . . . x x
tenant_settings.manage  x . . . . .
members.view            x x x x . .
members.manage          x . . . . .
audit.view              x . . . . .
api_keys.manage         x . . . . .
system_status.view      x . . . . .
partners.view           x x x x . .
partners.manage         x x . . . .
finance_fields.view     . . x . . .
partner_company.manage  . . . . x .
programs.view           x x x x . .
programs.manage         x x . . . .
programs.commission.manage x . x . . .
programs.terms.accept   . . . . x .
programs.portal.company . . . . x .
deals.view              x x x x . .
deals.manage            x x . . . .
deals.review            x x . . . .
deals.stages.manage     x . . . . .
deals.register          . . . . x x
payouts.view            x x x . . .
payouts.manage          x . x . . .
payouts.portal.view     . . . . x x
payouts.portal.company  . . . . x .
insights.view           x x x x . .
insights.manage         x . . . . .
insights.portal.view    . . . . x x
insights.portal.company . . . . x .
"""


def _expected_table() -> dict[tuple[str, str], bool]:
    table = {}
    for line in EXPECTED.strip().splitlines():
        perm, *marks = line.split()
        assert len(marks) == len(ROLE_COLUMNS), line
        for role, mark in zip(ROLE_COLUMNS, marks, strict=True):
            table[(role, perm)] = mark == "x"
    return table


EXPECTED_TABLE = _expected_table()
# The kernel's permissions and those the apps registered (each app's permissions.py).
ALL_PERMS = [*Perm.values, *registry.perm_labels]
CASES = [(role, perm) for role in Role.values for perm in ALL_PERMS]


def test_expected_table_names_every_role_and_every_permission():
    assert set(ROLE_COLUMNS) == set(Role.values)
    assert {perm for _role, perm in EXPECTED_TABLE} == set(ALL_PERMS)


@pytest.mark.parametrize(("role", "perm"), CASES, ids=[f"{r}-{p}" for r, p in CASES])
def test_role_has_exactly_the_expected_permission(role, perm):
    assert role_has_perm(role, perm) is EXPECTED_TABLE[(role, perm)]


def test_unknown_role_has_no_permission():
    assert not any(role_has_perm("superhero", perm) for perm in ALL_PERMS)


def test_every_role_is_either_staff_or_portal_never_both():
    assert STAFF_ROLES | PORTAL_ROLES == set(Role.values)
    assert not STAFF_ROLES & PORTAL_ROLES


def test_roles_that_move_money_or_permissions_require_mfa():
    assert MFA_REQUIRED_ROLES == {Role.VENDOR_ADMIN, Role.FINANCE}


# --- At the door of a page ---------------------------------------------------------------------

PAGE_EXPECTATIONS = [
    # (role, path under /alpha/, expected status)
    (Role.VIEWER, "settings/", 403),
    (Role.VIEWER, "settings/members/", 200),
    (Role.VIEWER, "settings/members/invite/", 403),
    (Role.VIEWER, "settings/audit/", 403),
    (Role.VIEWER, "", 200),
    (Role.FINANCE, "settings/members/", 200),
    (Role.FINANCE, "settings/", 403),
    (Role.FINANCE, "settings/api-keys/", 403),
    (Role.PARTNER_MANAGER, "settings/members/", 200),
    (Role.PARTNER_MANAGER, "settings/members/invite/", 403),
    (Role.PARTNER_MANAGER, "partners/", 200),
    (Role.VENDOR_ADMIN, "settings/", 200),
    (Role.VENDOR_ADMIN, "settings/members/invite/", 200),
    (Role.VENDOR_ADMIN, "settings/audit/", 200),
    (Role.VENDOR_ADMIN, "settings/api-keys/", 200),
    (Role.PARTNER_REP, "", 404),
    (Role.PARTNER_REP, "settings/members/", 404),
    (Role.PARTNER_REP, "portal/", 200),
    (Role.PARTNER_ADMIN, "", 404),
    (Role.PARTNER_ADMIN, "portal/", 200),
    (Role.VENDOR_ADMIN, "portal/", 404),
    (Role.VIEWER, "portal/", 404),
    (Role.FINANCE, "portal/", 404),
]


@pytest.mark.parametrize(
    ("role", "path", "status"),
    PAGE_EXPECTATIONS,
    ids=[f"{role}-GET-/{path}-{status}" for role, path, status in PAGE_EXPECTATIONS],
)
def test_role_meets_the_expected_status_at_a_page(
    tenant, member_factory, client_for, role, path, status
):
    member = member_factory(tenant, role)

    response = client_for(member).get(f"/{tenant.slug}/{path}")

    assert response.status_code == status


def test_partner_rep_sees_the_portal_not_the_staff_navigation(
    tenant, partner_rep_member, client_for
):
    response = client_for(partner_rep_member).get(f"/{tenant.slug}/portal/")

    assert response.status_code == 200
    assert f"/{tenant.slug}/settings/".encode() not in response.content


def test_viewer_is_not_offered_the_invite_button_but_admin_is(tenant, member_factory, client_for):
    viewer = member_factory(tenant, Role.VIEWER)
    admin = member_factory(tenant, Role.VENDOR_ADMIN)

    viewer_page = client_for(viewer).get(f"/{tenant.slug}/settings/members/")
    admin_page = client_for(admin).get(f"/{tenant.slug}/settings/members/")

    assert b'data-testid="invite-button"' not in viewer_page.content
    assert b'data-testid="invite-button"' in admin_page.content
