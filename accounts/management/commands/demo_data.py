from django.apps import apps
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, DEMO_TENANTS, demo_data_load
from accounts.models import Tenant


class Command(BaseCommand):
    help = "Load the demo tenants and people (idempotent)."

    def handle(self, *args, **options):
        logins = demo_data_load()
        # Apps above the kernel add their demo rows through a hook on their AppConfig
        # (`load_demo_data(tenant=..., stdout=...)`): the kernel never imports them.
        loaders = [
            config.load_demo_data
            for config in apps.get_app_configs()
            if callable(getattr(config, "load_demo_data", None))
        ]
        for spec in DEMO_TENANTS:
            tenant = Tenant.objects.get(slug=spec["slug"])
            for load in loaders:
                load(tenant=tenant, stdout=self.stdout)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for slug, email, role in logins:
            self.stdout.write(f"  /{slug}/  {email:34} {role}")
