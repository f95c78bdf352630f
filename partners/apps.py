from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"

    def ready(self) -> None:
        from accounts.signals import invitation_accepted
        from partners import signals
        from partners.services import imports

        invitation_accepted.connect(
            signals.link_rep_on_invitation_accepted,
            dispatch_uid="partners.link_rep_on_invitation_accepted",
        )
        imports.register()

    def load_demo_data(self, *, tenant, stdout=None) -> None:
        """Hook of `manage.py demo_data`: demo partners for one demo tenant (run once)."""
        from partners.demo import load_partner_demo

        load_partner_demo(tenant, stdout=stdout)
