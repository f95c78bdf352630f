from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import Tenant
        from deals import permissions, signals

        permissions.register()
        post_save.connect(
            signals.seed_deal_stages_for_new_tenant,
            sender=Tenant,
            dispatch_uid="deals.seed_deal_stages_for_new_tenant",
        )
        from accounts.registry import registry

        registry.register_urls("deals", "deals.urls", namespace="deals")
        self._register_target_accounts()
        self._register_registrations()
        self._register_pipeline()

    def load_demo_data(self, *, tenant, stdout=None) -> None:
        """Hook of `manage.py demo_data`: 18 months of target accounts and deals."""
        from deals.demo import load_deal_demo

        load_deal_demo(tenant, stdout=stdout)

    # Each area registers its own navigation, tabs and hooks (accounts/registry.py), in its
    # own method: the areas grew side by side.

    @staticmethod
    def _register_target_accounts() -> None:
        """Target accounts and the funnel: staff funnel board, portal list, partner-page tab,
        the CSV importer."""

    @staticmethod
    def _register_registrations() -> None:
        """Deal registration and review: the staff review queue, the portal's deals."""

    @staticmethod
    def _register_pipeline() -> None:
        """The pipeline: stages, list and board, direct deals, the tier figures provider."""
