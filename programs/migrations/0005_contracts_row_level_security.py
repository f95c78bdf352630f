from django.db import migrations

from accounts.db_integrity import tenant_composite_keys
from accounts.rls import tenant_rls

TENANT_MODELS = [
    "ProgramTerms",
    "PartnerContract",
    "WrittenTermsNotice",
    "TierEvaluation",
    "TierProposal",
]


class Migration(migrations.Migration):
    """Row-level security on the contract and tier-proposal tables, and composite foreign keys:
    a contract, notice and proposal point only at rows of their own tenant, and
    a contract's tier belongs to the contract's program."""

    dependencies = [("programs", "0004_contracts_and_tier_proposals")]

    operations = [tenant_rls("programs", name) for name in TENANT_MODELS] + [
        tenant_composite_keys("programs", *TENANT_MODELS),
        # A contract's tier is a tier of the contract's own program.
        migrations.RunSQL(
            "ALTER TABLE programs_tier ADD CONSTRAINT programs_tier_program_id_uniq "
            "UNIQUE (tenant_id, program_id, id);"
            "ALTER TABLE programs_partnercontract ADD CONSTRAINT "
            "programs_partnercontract_tier_of_program_fk "
            "FOREIGN KEY (tenant_id, program_id, tier_id) "
            "REFERENCES programs_tier (tenant_id, program_id, id) DEFERRABLE INITIALLY DEFERRED;",
            "ALTER TABLE programs_partnercontract DROP CONSTRAINT "
            "programs_partnercontract_tier_of_program_fk;"
            "ALTER TABLE programs_tier DROP CONSTRAINT programs_tier_program_id_uniq;",
        ),
    ]
