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

    # Each area registers its own navigation, tabs and hooks (accounts/registry.py), in its
    # own method: the areas grew side by side.

    @staticmethod
    def _register_target_accounts() -> None:
        """Target accounts and the funnel: staff funnel board, portal list, partner-page tab,
        the CSV importer."""

    @staticmethod
    def _register_registrations() -> None:
        """Deal registration and review: the staff review queue, the portal's deals."""
        from django.utils.translation import gettext_lazy as _

        from accounts.registry import NavEntry, registry
        from deals.permissions import DealsPerm

        # The lead re-parents this under the pipeline's "deals" entry at merge.
        registry.register_nav(
            NavEntry(
                audience="staff",
                key="review",
                label=_("Deal review"),
                url_name="deals:review_queue",
                icon="bi-clipboard-check",
                order=45,
                perm=DealsPerm.VIEW,
                parent=None,
            )
        )
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="deals",
                label=_("Deals"),
                url_name="deals:portal_deals",
                icon="bi-briefcase",
                order=25,
                perm=DealsPerm.REGISTER,
                description=_(
                    "Register your deals, see whether they are approved and protected, and "
                    "ask for more time."
                ),
            )
        )

    @staticmethod
    def _register_pipeline() -> None:
        """The pipeline: stages, list and board, direct deals, the tier figures provider."""
