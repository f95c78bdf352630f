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
        from deals.services import deal_imports

        deal_imports.register()

    def load_demo_data(self, *, tenant, stdout=None) -> None:
        """Hook of `manage.py demo_data`: 18 months of target accounts and deals."""
        from deals.demo import load_deal_demo

        load_deal_demo(tenant, stdout=stdout)

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

        registry.register_nav(
            NavEntry(
                audience="staff",
                key="funnel",
                label=_("Funnel"),
                url_name="deals:funnel_board",
                icon="bi-funnel",
                order=30,
                perm=DealsPerm.VIEW,
                parent="deals",
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
        from django.utils.translation import gettext_lazy as _

        from accounts.registry import NavEntry, registry
        from deals.permissions import DealsPerm

        registry.register_nav(
            NavEntry(
                audience="staff",
                key="review",
                label=_("Deal review"),
                url_name="deals:review_queue",
                icon="bi-clipboard-check",
                order=10,
                perm=DealsPerm.VIEW,
                parent="deals",
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
        from django.utils.translation import gettext_lazy as _

        from accounts.registry import NavEntry, PartnerTab, SettingsTab, registry
        from deals.permissions import DealsPerm
        from deals.selectors.tier_figures import deal_tier_figures
        from programs.selectors.tier_figures import register_tier_figures_provider

        staff = {"audience": "staff", "perm": DealsPerm.VIEW}
        registry.register_nav(
            NavEntry(
                key="deals",
                label=_("Deals"),
                url_name="deals:pipeline_list",
                icon="bi-briefcase",
                order=25,
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="pipeline_board",
                label=_("Pipeline board"),
                url_name="deals:pipeline_board",
                icon="bi-kanban",
                order=20,
                parent="deals",
                **staff,
            )
        )
        registry.register_partner_tab(
            PartnerTab(
                key="deals",
                label=_("Deals"),
                url_name="deals:partner_deals",
                order=25,
                perm=DealsPerm.VIEW,
            )
        )
        registry.register_settings_tab(
            SettingsTab(
                key="pipeline_stages",
                label=_("Pipeline stages"),
                url_name="deals:stage_list",
                order=40,
                perm=DealsPerm.STAGES_MANAGE,
            )
        )
        # Tier proposals measure meetings held, won deals and revenue from now on.
        register_tier_figures_provider("deals", deal_tier_figures)
