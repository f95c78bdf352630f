from django.db import migrations

from accounts.db_integrity import tenant_composite_keys
from accounts.rls import tenant_rls

TENANT_MODELS = [
    "ContractType",
    "Program",
    "CommissionRuleSet",
    "CommissionRuleSetVersion",
    "Tier",
]


class Migration(migrations.Migration):
    """Row-level security on every programs table, and composite foreign keys: a program,
    rule set, version and tier point only at rows of their own tenant (accounts/db_integrity)."""

    dependencies = [("programs", "0001_initial")]

    operations = [tenant_rls("programs", name) for name in TENANT_MODELS] + [
        tenant_composite_keys("programs", *TENANT_MODELS)
    ]
