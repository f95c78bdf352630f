from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"

    def ready(self) -> None:
        from insights import permissions, receivers

        permissions.register()
        # Deals tells the snapshots what happened (won, lost, a funnel step reached).
        receivers.connect()
        from accounts.registry import registry

        registry.register_urls("insights", "insights.urls", namespace="insights")
        # Each area registers its navigation entries here (staff: Insights, order 25, with
        # its pages beneath; portal: My results).
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

    def load_demo_data(self, *, tenant, stdout=None) -> None:
        """Hook of `manage.py demo_data`: the snapshots of everything the demo holds."""
        from insights.demo import load_insights_demo

        load_insights_demo(tenant, stdout=stdout)
