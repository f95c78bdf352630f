from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"

    def ready(self) -> None:
        from accounts.registry import registry
        from insights import permissions, qbr, receivers

        permissions.register()
        # The QBR PDF is written by the kernel's export job.
        qbr.register()
        # Deals tells the snapshots what happened (won, lost, a funnel step reached).
        receivers.connect()
        registry.register_urls("insights", "insights.urls", namespace="insights")
        # Each area registers its navigation entries here (staff: Insights, with its pages
        # beneath; portal: My results).
        self._register_staff_pages(registry)
        self._register_portal_pages(registry)

    @staticmethod
    def _register_portal_pages(registry) -> None:
        from django.utils.translation import gettext_lazy as _

        from accounts.registry import NavEntry
        from insights.permissions import InsightsPerm

        # The portal: a rep's own results, the company's (and its reps') for the partner admin.
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="results",
                label=_("My results"),
                url_name="insights:portal_results",
                icon="bi-graph-up",
                order=15,
                perm=InsightsPerm.PORTAL_VIEW,
                description=_(
                    "Your deals, wins, revenue, material views and commission by month, "
                    "quarter and year, and how they have moved."
                ),
            )
        )

    @staticmethod
    def _register_staff_pages(registry) -> None:
        from django.utils.translation import gettext_lazy as _

        from accounts.registry import NavEntry, PartnerTab, SettingsTab
        from insights.permissions import InsightsPerm

        staff = {"audience": "staff", "perm": InsightsPerm.VIEW}
        registry.register_nav(
            NavEntry(
                key="insights",
                label=_("Insights"),
                url_name="insights:overview",
                icon="bi-graph-up",
                order=50,
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="goal_breakdown",
                label=_("Goal breakdown"),
                url_name="insights:goal_breakdown",
                icon="bi-bullseye",
                order=10,
                parent="insights",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="rep_analytics",
                label=_("Rep analytics"),
                url_name="insights:rep_analytics",
                icon="bi-people",
                order=20,
                parent="insights",
                **staff,
            )
        )
        registry.register_settings_tab(
            SettingsTab(
                key="insights",
                label=_("KPI targets"),
                url_name="insights:settings",
                order=60,
                perm=InsightsPerm.MANAGE,
            )
        )
        # The partner page's "Scorecard" tab: this quarter's figures and the whole scorecard.
        registry.register_partner_tab(
            PartnerTab(
                key="scorecard",
                label=_("Scorecard"),
                url_name="insights:partner_scorecard_tab",
                order=50,
                perm=InsightsPerm.VIEW,
            )
        )

    def load_demo_data(self, *, tenant, stdout=None) -> None:
        """Hook of `manage.py demo_data`: the snapshots of everything the demo holds."""
        from insights.demo import load_insights_demo

        load_insights_demo(tenant, stdout=stdout)
