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

    def load_demo_data(self, *, tenant, stdout=None) -> None:
        """Hook of `manage.py demo_data`: the snapshots of everything the demo holds."""
        from insights.demo import load_insights_demo

        load_insights_demo(tenant, stdout=stdout)
