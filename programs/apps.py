from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import Tenant
        from programs import permissions, signals

        permissions.register()
        self._register_with_kernel()
        post_save.connect(
            signals.seed_contract_types_for_new_tenant,
            sender=Tenant,
            dispatch_uid="programs.seed_contract_types_for_new_tenant",
        )
        from programs.selectors.tier_figures import register_tier_figures_provider
        from programs.selectors.training import certified_reps_figures
        from programs.tasks.notices import issue_notice_on_contract_start

        # The tier requirement "certified reps" (Tier.min_certified_reps).
        register_tier_figures_provider("training", certified_reps_figures)
        signals.contract_started.connect(
            issue_notice_on_contract_start,
            dispatch_uid="programs.issue_notice_on_contract_start",
        )

    @staticmethod
    def _register_with_kernel() -> None:
        """Routes, navigation and tabs of the programs app (accounts/registry.py)."""
        from accounts.registry import NavEntry, PartnerTab, PublicSection, SettingsTab, registry
        from accounts.roles import Perm
        from programs.permissions import ProgramsPerm
        from programs.selectors.announcements import portal_unread_badge

        registry.register_urls("programs", "programs.urls", namespace="programs")
        staff = {"audience": "staff", "perm": ProgramsPerm.VIEW}
        registry.register_nav(
            NavEntry(
                key="programs",
                label=_("Programs"),
                url_name="programs:program_list",
                icon="bi-diagram-3",
                order=30,
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="commission",
                label=_("Commission"),
                url_name="programs:rule_set_list",
                icon="bi-percent",
                order=10,
                parent="programs",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="contracts",
                label=_("Contracts"),
                url_name="programs:contract_list",
                icon="bi-file-earmark-text",
                order=20,
                parent="programs",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="tier_proposals",
                label=_("Tier proposals"),
                url_name="programs:tier_proposal_list",
                icon="bi-arrow-down-up",
                order=30,
                parent="programs",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="library",
                label=_("Library"),
                url_name="programs:asset_list",
                icon="bi-collection",
                order=40,
                parent="programs",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="announcements",
                label=_("Announcements"),
                url_name="programs:announcement_list",
                icon="bi-megaphone",
                order=60,
                parent="programs",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="training",
                label=_("Training"),
                url_name="programs:training_course_list",
                icon="bi-mortarboard",
                order=50,
                parent="programs",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="sales_process",
                label=_("Sales process"),
                url_name="programs:sales_process",
                icon="bi-signpost-split",
                order=70,
                parent="programs",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="training",
                label=_("Training"),
                url_name="programs:portal_courses",
                icon="bi-mortarboard",
                order=36,
                perm=Perm.PORTAL_VIEW,
                description=_("Courses, quizzes and your certifications."),
            )
        )
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="programs",
                label=_("Our programs"),
                url_name="programs:portal_programs",
                icon="bi-diagram-3",
                order=20,
                perm=Perm.PORTAL_VIEW,
                description=_("Your programs, your tier and the terms to accept."),
            )
        )
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="library",
                label=_("Library"),
                url_name="programs:portal_library",
                icon="bi-collection",
                order=35,
                perm=Perm.PORTAL_VIEW,
                description=_("Case studies, price sheets, demos and FAQs to sell with."),
            )
        )
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="announcements",
                label=_("Announcements"),
                url_name="programs:portal_announcements",
                icon="bi-megaphone",
                order=37,
                perm=Perm.PORTAL_VIEW,
                description=_("Product news and program changes from your vendor."),
                badge=portal_unread_badge,
            )
        )
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="sales_process",
                label=_("Sales process"),
                url_name="programs:portal_sales_process",
                icon="bi-signpost-split",
                order=38,
                perm=Perm.PORTAL_VIEW,
                description=_("Each phase of a deal and what must be true to leave it."),
            )
        )
        # The partner page's "Contracts" tab: the partner's contracts and a "New contract" link.
        registry.register_partner_tab(
            PartnerTab(
                key="contracts",
                label=_("Contracts"),
                url_name="programs:partner_contracts",
                order=20,
                perm=ProgramsPerm.VIEW,
            )
        )
        # The partner page's "Material" tab: what the partner's reps opened in the library.
        registry.register_partner_tab(
            PartnerTab(
                key="library",
                label=_("Material"),
                url_name="programs:partner_asset_views",
                order=35,
                perm=ProgramsPerm.VIEW,
            )
        )
        registry.register_public_section(
            PublicSection(key="programs", page="apply", url_name="programs:public_programs")
        )
        # After the partners app's tabs (10-14).
        registry.register_settings_tab(
            SettingsTab(
                key="contract_types",
                label=_("Contract types"),
                url_name="programs:contract_type_list",
                order=30,
                perm=ProgramsPerm.MANAGE,
            )
        )

    def load_demo_data(self, *, tenant, stdout=None) -> None:
        """Hook of `manage.py demo_data`: demo programs and tiers for one demo tenant."""
        from programs.demo import load_program_demo
        from programs.demo_announcements import load_announcement_demo
        from programs.demo_training import load_training_demo

        load_program_demo(tenant, stdout=stdout)
        load_training_demo(tenant, stdout=stdout)
        load_announcement_demo(tenant, stdout=stdout)
