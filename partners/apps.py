from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"

    def ready(self) -> None:
        from accounts.signals import invitation_accepted
        from partners import csv_io, permissions, signals
        from partners.services import imports

        invitation_accepted.connect(
            signals.link_rep_on_invitation_accepted,
            dispatch_uid="partners.link_rep_on_invitation_accepted",
        )
        permissions.register()
        self._register_with_kernel()
        imports.register()
        csv_io.register()

    @staticmethod
    def _register_with_kernel() -> None:
        """Routes, navigation and partner-page tabs of the partners app (accounts/registry.py)."""
        from accounts.registry import DashboardPanel, NavEntry, PartnerTab, SettingsTab, registry
        from accounts.roles import Perm
        from partners.permissions import PartnersPerm

        # Flat URL names (partner_list, ...): they predate the registry's namespaces.
        registry.register_urls("partners", "partners.urls")
        staff = {"audience": "staff", "perm": PartnersPerm.VIEW}
        registry.register_nav(
            NavEntry(
                key="partners",
                label=_("Partners"),
                url_name="partner_list",
                icon="bi-people",
                order=10,
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="due",
                label=_("Due for contact"),
                url_name="contact_due_list",
                icon="bi-calendar-check",
                order=10,
                parent="partners",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="recruitment",
                label=_("Recruitment"),
                url_name="recruitment_home",
                icon="bi-person-plus",
                order=20,
                parent="partners",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="company",
                label=_("Our company"),
                url_name="portal_company",
                icon="bi-building",
                order=10,
                perm=Perm.PORTAL_VIEW,
                description=_("Your company's profile and the reps who work with us."),
            )
        )
        # Settings of the partners app, as tabs of the staff settings pages (after Members).
        manage = PartnersPerm.MANAGE
        for order, (key, label, url_name, perm) in enumerate(
            [
                (
                    "partner_portal",
                    _("Partner portal"),
                    "portal_settings_edit",
                    Perm.TENANT_SETTINGS_MANAGE,
                ),
                ("partner_types", _("Partner types"), "partner_type_list", manage),
                ("cadence", _("Cadence"), "cadence_settings", manage),
                ("persona", _("Partner persona"), "persona_edit", manage),
                ("lost_reasons", _("Lost reasons"), "lost_reason_list", manage),
            ],
            start=10,
        ):
            registry.register_settings_tab(
                SettingsTab(key=key, label=label, url_name=url_name, order=order, perm=perm)
            )
        # The channel at a glance: status and priority, overdue contacts, activity, recruitment.
        registry.register_dashboard_panel(
            DashboardPanel(
                key="partners",
                label=_("Partners"),
                url_name="partners_dashboard_panel",
                order=10,
                perm=PartnersPerm.VIEW,
                width="col-12",
            )
        )
        # Profile and reps are drawn by the partner page itself; the activity log is a fragment.
        registry.register_partner_tab(
            PartnerTab(
                key="activity",
                label=_("Activity"),
                url_name="partner_activities",
                order=10,
                perm=PartnersPerm.VIEW,
            )
        )

    def load_demo_data(self, *, tenant, stdout=None) -> None:
        """Hook of `manage.py demo_data`: demo partners for one demo tenant (run once)."""
        from partners.demo import load_partner_demo

        load_partner_demo(tenant, stdout=stdout)
