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
        the CSV importer (one per partner, registered on first use: deals/services/
        target_imports.py) and its worker task."""
        from django.utils.translation import gettext_lazy as _

        from accounts.registry import NavEntry, PartnerTab, registry
        from deals.permissions import DealsPerm
        from deals.tasks import targets as _target_tasks  # noqa: F401 - registers the task

        # The lead re-parents this under the pipeline's "deals" entry at merge.
        registry.register_nav(
            NavEntry(
                audience="staff",
                key="funnel",
                label=_("Funnel"),
                url_name="deals:funnel_board",
                icon="bi-funnel",
                order=40,
                perm=DealsPerm.VIEW,
                parent=None,
            )
        )
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="target_accounts",
                label=_("Target accounts"),
                url_name="deals:portal_targets",
                icon="bi-bullseye",
                order=30,
                perm=DealsPerm.REGISTER,
                description=_(
                    "List the companies you can introduce, one by one or from a CSV file, "
                    "and follow each one's progress."
                ),
            )
        )
        registry.register_partner_tab(
            PartnerTab(
                key="target_accounts",
                label=_("Target accounts"),
                url_name="deals:partner_targets",
                order=30,
                perm=DealsPerm.VIEW,
            )
        )

    @staticmethod
    def _register_registrations() -> None:
        """Deal registration and review: the staff review queue, the portal's deals."""

    @staticmethod
    def _register_pipeline() -> None:
        """The pipeline: stages, list and board, direct deals, the tier figures provider."""
