from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "payouts"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from accounts.registry import NavEntry, PartnerTab, SettingsTab, registry
        from payouts import permissions, receivers
        from payouts.permissions import PayoutsPerm

        permissions.register()
        # Deals tells the ledger what happened (won, lost, churned, amounts, meetings).
        receivers.connect()
        registry.register_urls("payouts", "payouts.urls", namespace="payouts")
        staff = {"audience": "staff", "perm": PayoutsPerm.VIEW}
        registry.register_nav(
            NavEntry(
                key="ledger",
                label=_("Payouts"),
                url_name="payouts:ledger_list",
                icon="bi-cash-coin",
                order=40,
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="periods",
                label=_("Payout periods"),
                url_name="payouts:period_list",
                icon="bi-calendar-check",
                order=10,
                parent="ledger",
                **staff,
            )
        )
        registry.register_nav(
            NavEntry(
                key="statements",
                label=_("Statements"),
                url_name="payouts:statement_list",
                icon="bi-file-earmark-text",
                order=20,
                parent="ledger",
                **staff,
            )
        )
        # The portal: a rep's own commission (the company's for the partner admin), and the
        # company's statements for its partner admin only (the perm hides the entry from reps).
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="commissions",
                label=_("Commissions"),
                url_name="payouts:portal_commissions",
                icon="bi-cash-coin",
                order=40,
                perm=PayoutsPerm.PORTAL_VIEW,
                description=_(
                    "What you have earned, line by line, how each amount was computed and "
                    "whether it is paid."
                ),
            )
        )
        registry.register_nav(
            NavEntry(
                audience="portal",
                key="statements",
                label=_("Statements"),
                url_name="payouts:portal_statements",
                icon="bi-file-earmark-text",
                order=45,
                perm=PayoutsPerm.PORTAL_COMPANY,
                description=_(
                    "Your company's payment statements: download the PDF, confirm it or tell "
                    "us what is wrong."
                ),
            )
        )
        registry.register_settings_tab(
            SettingsTab(
                key="payout_calendar",
                label=_("Payout calendar"),
                url_name="payouts:payout_calendar",
                order=50,
                perm=PayoutsPerm.MANAGE,
            )
        )
        registry.register_partner_tab(
            PartnerTab(
                key="ledger",
                label=_("Commissions"),
                url_name="payouts:partner_ledger",
                order=40,
                perm=PayoutsPerm.VIEW,
            )
        )

    def load_demo_data(self, *, tenant, stdout=None) -> None:
        """Hook of `manage.py demo_data`: the demo deals' commission, booked by the handlers."""
        from payouts.demo import load_ledger_demo

        load_ledger_demo(tenant, stdout=stdout)
