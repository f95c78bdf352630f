"""Apps register themselves with the kernel: routes, navigation, partner tabs, dashboard panels."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLResolver, reverse

from accounts.registry import AppRegistry, DashboardPanel, NavEntry, PartnerTab, registry
from accounts.roles import Perm, Role, role_has_perm
from tests.factories.partners import PartnerFactory


@pytest.fixture
def scratch_registry():
    with registry.temporarily() as scratch:
        yield scratch


def test_partners_registers_its_routes_navigation_tab_and_dashboard_panel():
    modules = [app.module for app in registry.url_modules()]
    assert "partners.urls" in modules
    assert [p.key for p in registry.panels()] == ["partners"]
    assert [t.key for t in registry.settings()] == [
        "partner_portal",
        "partner_types",
        "cadence",
        "persona",
        "lost_reasons",
        "contract_types",  # the programs app's tab, after the partners app's
        "pipeline_stages",  # the deals app's
        "payout_calendar",  # the payouts app's
        "insights",  # the insights app's KPI targets
    ]
    assert [e.key for e in registry.nav_entries("staff")] == [
        "partners",
        "due",
        "recruitment",
        "deals",
        "review",
        "pipeline_board",
        "funnel",
        "programs",
        "commission",
        "contracts",
        "tier_proposals",
        "library",
        "training",
        "announcements",
        "sales_process",
        "ledger",
        "periods",
        "statements",
        "insights",
        "goal_breakdown",
        "rep_analytics",
    ]
    assert [e.key for e in registry.nav_entries("portal")] == [
        "company",
        "results",
        "programs",
        "deals",
        "target_accounts",
        "library",
        "training",
        "announcements",
        "sales_process",
        "commissions",
        "statements",
    ]
    assert [t.key for t in registry.tabs()] == [
        "activity",
        "contracts",
        "deals",
        "target_accounts",
        "library",
        "ledger",
        "scorecard",
    ]
    # The root URL conf mounts what was registered: the partners routes resolve under a tenant.
    assert reverse("partner_list", kwargs={"tenant_slug": "alpha"}) == "/alpha/partners/"


def test_children_follow_their_parent_in_order():
    scratch = AppRegistry()
    nav = {"audience": "staff", "url_name": "x", "label": "x"}
    scratch.register_nav(NavEntry(key="deals", order=30, **nav))
    scratch.register_nav(NavEntry(key="pipeline", order=5, parent="deals", **nav))
    scratch.register_nav(NavEntry(key="partners", order=10, **nav))
    scratch.register_nav(NavEntry(key="due", order=10, parent="partners", **nav))

    assert [e.key for e in scratch.nav_entries("staff")] == ["partners", "due", "deals", "pipeline"]


def test_a_key_registered_twice_differently_is_an_error():
    scratch = AppRegistry()
    tab = PartnerTab(key="deals", label="Deals", url_name="deal_tab")
    scratch.register_partner_tab(tab)
    scratch.register_partner_tab(tab)  # the same entry again (ready() twice) is harmless

    with pytest.raises(ImproperlyConfigured):
        scratch.register_partner_tab(PartnerTab(key="deals", label="Deals", url_name="other"))
    with pytest.raises(ImproperlyConfigured):
        scratch.register_nav(NavEntry(audience="public", key="x", label="x", url_name="x"))


def test_registered_app_urls_are_mounted_with_their_namespace():
    scratch = AppRegistry()
    scratch.register_urls("partners", "partners.urls")
    scratch.register_urls("later", "partners.urls.public", namespace="later")

    flat, namespaced = scratch.tenant_url_includes()

    assert isinstance(flat, URLResolver) and flat.namespace is None
    assert namespaced.namespace == "later"


def test_registered_permissions_are_granted_to_their_roles(scratch_registry):
    scratch_registry.register_permissions(
        labels={"insights.example": "An example"},
        grants={Role.PARTNER_REP: {"insights.example"}},
    )

    assert role_has_perm(Role.PARTNER_REP, "insights.example")
    assert not role_has_perm(Role.VIEWER, "insights.example")
    with pytest.raises(ImproperlyConfigured):
        scratch_registry.register_permissions(labels={}, grants={Role.VIEWER: {"unknown.perm"}})


def test_after_the_block_registrations_are_forgotten():
    with registry.temporarily() as scratch:
        scratch.register_partner_tab(PartnerTab(key="tmp", label="Tmp", url_name="x"))
    assert "tmp" not in registry.partner_tabs


# --- the kernel's pages read the registry --------------------------------------------------------


def test_staff_navigation_shows_registered_entries_the_role_may_use(
    tenant, viewer_member, client_for, scratch_registry
):
    nav = {"audience": "staff", "label": "Audit trail", "url_name": "audit_log"}
    scratch_registry.register_nav(NavEntry(key="audit-open", order=50, **nav))
    scratch_registry.register_nav(
        NavEntry(key="audit-closed", order=60, perm=Perm.AUDIT_VIEW, **{**nav, "label": "Hidden"})
    )

    html = client_for(viewer_member).get(f"/{tenant.slug}/").content.decode()

    assert f'href="/{tenant.slug}/settings/audit/" data-nav="audit-open"' in html
    assert 'data-nav="audit-closed"' not in html  # a viewer cannot read the audit log
    assert f'href="/{tenant.slug}/partners/" data-nav="partners"' in html
    assert f'href="/{tenant.slug}/programs/" data-nav="programs"' in html
    # No "coming" sections: an app that is not there has no entry and no page.
    assert f'href="/{tenant.slug}/deals/review/" data-nav="review"' in html
    assert f'href="/{tenant.slug}/insights/" data-nav="insights"' in html
    assert "/reports/" not in html
    assert client_for(viewer_member).get(f"/{tenant.slug}/reports/").status_code == 404
    assert f'href="/{tenant.slug}/insights/reps/" data-nav="rep_analytics"' in html


def test_dashboard_loads_registered_panels_as_fragments(
    tenant, manager_member, client_for, scratch_registry
):
    scratch_registry.dashboard_panels = {}
    html = client_for(manager_member).get(f"/{tenant.slug}/").content.decode()
    assert 'data-testid="dashboard-panels"' not in html
    assert "Leading indicators will appear here" in html

    scratch_registry.register_dashboard_panel(
        DashboardPanel(key="due", label="Due for contact", url_name="contact_due_list", order=1)
    )
    scratch_registry.register_dashboard_panel(
        DashboardPanel(key="keys", label="Keys", url_name="api_keys", perm=Perm.API_KEYS_MANAGE)
    )
    html = client_for(manager_member).get(f"/{tenant.slug}/").content.decode()

    assert 'data-panel="due"' in html
    assert f'hx-get="/{tenant.slug}/engagement/due/" hx-trigger="load"' in html
    assert 'data-panel="keys"' not in html  # a partner manager does not manage API keys


def test_partner_page_shows_registered_tabs_as_fragments(
    tenant, manager_member, client_for, scratch_registry
):
    partner = PartnerFactory(tenant=tenant)
    scratch_registry.register_partner_tab(
        PartnerTab(key="zz-later", label="Later app", url_name="partner_activities", order=99)
    )

    html = client_for(manager_member).get(f"/{tenant.slug}/partners/{partner.pk}/").content.decode()

    assert 'id="tab-activity"' in html
    assert 'id="tab-zz-later"' in html
    assert html.index('id="tab-activity"') < html.index('id="tab-zz-later"')
    activities = f"/{tenant.slug}/partners/{partner.pk}/activities/"
    assert f'hx-get="{activities}" hx-trigger="load" id="zz-later-panel"' in html
    assert 'id="tab-insights"' not in html  # no placeholder tabs for apps that are not there


def test_portal_home_offers_only_registered_entries(tenant, partner_rep_member, client_for):
    html = client_for(partner_rep_member).get(f"/{tenant.slug}/portal/").content.decode()

    assert 'data-testid="portal-home-entries"' in html
    assert f'href="/{tenant.slug}/portal/company/"' in html
    assert "being prepared" not in html
    assert "Register deals" not in html  # nothing promised that does not exist yet


def test_settings_pages_show_the_apps_tabs_the_person_may_use(
    tenant, manager_member, viewer_member, fresh_client_for
):
    manager_html = fresh_client_for(manager_member).get(f"/{tenant.slug}/settings/members/")
    viewer_html = fresh_client_for(viewer_member).get(f"/{tenant.slug}/settings/members/")

    assert f'href="/{tenant.slug}/settings/partner-types/"' in manager_html.content.decode()
    # Partner types are the partners app's to manage; a viewer sees the kernel's tabs only.
    assert "partner-types" not in viewer_html.content.decode()
