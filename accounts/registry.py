"""What each app adds to the kernel: routes, navigation, partner-page tabs, dashboard panels, perms.

The kernel never names a higher app (architecture.md, "Imports flow one way"). Each app calls
`registry.register_*` from its `AppConfig.ready()`; the kernel's URL conf and templates read the
registry. So programs, deals, payouts and insights add themselves without editing `accounts/` or
the base templates, and a section appears in the navigation only once its app exists.

Every URL named here lives under `/<tenant_slug>/`: nav entries and dashboard panels are reversed
with `tenant_slug`, partner-page tabs with `tenant_slug` and `partner_id`. A tab and a panel are
htmx fragments served by the app that owns them, so the kernel's page imports nothing upward.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

NAV_AUDIENCES = ("staff", "portal")


@dataclass(frozen=True)
class NavEntry:
    """A link in the staff sidebar or the portal header.

    key: the value of the page's `nav` context that marks the entry active.
    parent: the key of the entry it sits under (drawn indented).
    description: one sentence for the portal home, which lists what a partner can do.
    badge: optional callable(request) -> int | None, a count drawn beside the label (unread
        items); None or 0 draws nothing. Evaluated once per request, only for people who may
        see the entry.
    """

    audience: str
    key: str
    label: Any
    url_name: str
    icon: str = ""
    order: int = 100
    perm: str | None = None
    parent: str | None = None
    description: Any = ""
    badge: Callable[[Any], int | None] | None = None


@dataclass(frozen=True)
class SettingsTab:
    """A tab of the staff settings pages (a whole page of the app's, at `url_name`).

    `key` is what the app's page passes as `tab` to the settings layout, to mark it active.
    """

    key: str
    label: Any
    url_name: str
    order: int = 100
    perm: str | None = None


@dataclass(frozen=True)
class PartnerTab:
    """A tab on the staff partner page, loaded from `url_name` as an htmx fragment."""

    key: str
    label: Any
    url_name: str
    order: int = 100
    perm: str | None = None


@dataclass(frozen=True)
class DashboardPanel:
    """A panel of the staff dashboard, loaded from `url_name` as an htmx fragment.

    width: Bootstrap column classes for the panel (the dashboard is a 12-column grid).
    """

    key: str
    label: Any
    url_name: str
    order: int = 100
    perm: str | None = None
    width: str = "col-lg-6"


@dataclass(frozen=True)
class PublicSection:
    """A section of a public page (`page`: "apply", the "become a partner" page), loaded from
    `url_name` as an htmx fragment, so the page's app never imports the section's."""

    key: str
    page: str
    url_name: str
    order: int = 100


@dataclass(frozen=True)
class AppUrls:
    """An app's routes inside a tenant, mounted under /<tenant_slug>/ by prm/urls.py.

    namespace: None keeps the app's flat URL names (partners predates the registry); later
    apps should pass their app label so their names cannot collide.
    """

    app_label: str
    module: str
    namespace: str | None = None


@dataclass
class AppRegistry:
    urls: dict[str, AppUrls] = field(default_factory=dict)
    nav: dict[tuple[str, str], NavEntry] = field(default_factory=dict)
    partner_tabs: dict[str, PartnerTab] = field(default_factory=dict)
    settings_tabs: dict[str, SettingsTab] = field(default_factory=dict)
    dashboard_panels: dict[str, DashboardPanel] = field(default_factory=dict)
    public_sections: dict[str, PublicSection] = field(default_factory=dict)
    # role -> permission codes an app grants it, on top of the kernel's ROLE_PERMISSIONS.
    grants: dict[str, set[str]] = field(default_factory=dict)
    perm_labels: dict[str, Any] = field(default_factory=dict)

    # --- registration (from AppConfig.ready) ----------------------------------------------------

    def register_urls(self, app_label: str, module: str, *, namespace: str | None = None) -> None:
        self._put(self.urls, app_label, AppUrls(app_label, module, namespace))

    def register_nav(self, entry: NavEntry) -> None:
        if entry.audience not in NAV_AUDIENCES:
            raise ImproperlyConfigured(f"nav entry {entry.key!r}: unknown audience")
        self._put(self.nav, (entry.audience, entry.key), entry)

    def register_partner_tab(self, tab: PartnerTab) -> None:
        self._put(self.partner_tabs, tab.key, tab)

    def register_settings_tab(self, tab: SettingsTab) -> None:
        self._put(self.settings_tabs, tab.key, tab)

    def register_dashboard_panel(self, panel: DashboardPanel) -> None:
        self._put(self.dashboard_panels, panel.key, panel)

    def register_public_section(self, section: PublicSection) -> None:
        self._put(self.public_sections, section.key, section)

    def register_permissions(
        self, *, labels: dict[str, Any], grants: dict[str, Iterable[str]]
    ) -> None:
        """An app's own permissions (code -> label) and the roles that hold them."""
        for code, label in labels.items():
            self._put(self.perm_labels, code, label)
        for role, codes in grants.items():
            unknown = set(codes) - set(self.perm_labels)
            if unknown:
                raise ImproperlyConfigured(f"grants of unregistered permissions: {unknown}")
            self.grants.setdefault(str(role), set()).update(codes)

    @staticmethod
    def _put(table: dict, key, value) -> None:
        # ready() can run again in a test process; the same entry twice is harmless, two
        # different entries under one key are a mistake that must not pass silently.
        if key in table and table[key] != value:
            raise ImproperlyConfigured(f"{key!r} is registered twice with different values")
        table[key] = value

    # --- reading (URL conf, templates, role checks) -----------------------------------------------

    def nav_entries(self, audience: str) -> list[NavEntry]:
        entries = [e for (aud, _key), e in self.nav.items() if aud == audience]
        by_key = {e.key: e for e in entries}

        # Children follow their parent; both ordered by `order`, then key for a stable page.
        def position(entry: NavEntry) -> tuple:
            parent = by_key.get(entry.parent) if entry.parent else None
            if parent is None:
                return (entry.order, entry.key, 0, 0, "")
            return (parent.order, parent.key, 1, entry.order, entry.key)

        return sorted(entries, key=position)

    def tabs(self) -> list[PartnerTab]:
        return sorted(self.partner_tabs.values(), key=lambda t: (t.order, t.key))

    def settings(self) -> list[SettingsTab]:
        return sorted(self.settings_tabs.values(), key=lambda t: (t.order, t.key))

    def panels(self) -> list[DashboardPanel]:
        return sorted(self.dashboard_panels.values(), key=lambda p: (p.order, p.key))

    def sections_of(self, page: str) -> list[PublicSection]:
        sections = [s for s in self.public_sections.values() if s.page == page]
        return sorted(sections, key=lambda s: (s.order, s.key))

    def url_modules(self) -> list[AppUrls]:
        return list(self.urls.values())  # registration order = INSTALLED_APPS order

    def tenant_url_includes(self) -> list:
        """`path("", include(...))` for every registered app, for the root URL conf."""
        from django.urls import include, path

        return [
            path("", include((app.module, app.namespace), namespace=app.namespace))
            if app.namespace
            else path("", include(app.module))
            for app in self.url_modules()
        ]

    def granted_perms(self, role: str) -> frozenset[str]:
        return frozenset(self.grants.get(str(role), ()))

    # --- tests --------------------------------------------------------------------------------

    @contextmanager
    def temporarily(self) -> Iterator[AppRegistry]:
        """Registrations made inside the block are forgotten after it (for tests)."""
        saved = {
            name: {k: (set(v) if isinstance(v, set) else v) for k, v in getattr(self, name).items()}
            for name in (
                "urls",
                "nav",
                "partner_tabs",
                "settings_tabs",
                "dashboard_panels",
                "grants",
                "perm_labels",
            )
        }
        try:
            yield self
        finally:
            for name, value in saved.items():
                setattr(self, name, value)


registry = AppRegistry()
