"""Existing tenants get the six built-in contract types (new ones get them when created:
programs/signals.py). Names in each tenant's language; a type the tenant already has, by code
or by name, is left alone, so running it on a tenant that has them changes nothing."""

from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.rls import rls_bound

# ContractKind as it is when this migration was written (the same msgids, so translated).
BUILT_INS = {
    "referral": _("Referral"),
    "agency": _("Agency (sets the first meeting)"),
    "reseller": _("Reseller"),
    "oem": _("OEM"),
    "alliance": _("Alliance"),
    "bpo": _("BPO"),
}


def seed(apps, schema_editor):
    Tenant = apps.get_model("accounts", "Tenant")
    ContractType = apps.get_model("programs", "ContractType")
    for tenant in Tenant.objects.all():
        # Migrations run as the table owner; bound anyway, so the insert passes the forced
        # row-level-security policy whatever role runs it.
        with rls_bound(tenant_id=tenant.pk), translation.override(tenant.default_language or None):
            existing = list(ContractType.objects.filter(tenant=tenant).values_list("code", "name"))
            codes = {code for code, _name in existing}
            names = {name.casefold() for _code, name in existing}
            position = len(existing)
            rows = []
            for code, label in BUILT_INS.items():
                name = str(label)
                if code in codes or name.casefold() in names:
                    continue
                rows.append(ContractType(tenant=tenant, code=code, name=name, position=position))
                position += 1
            ContractType.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_row_level_security")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
