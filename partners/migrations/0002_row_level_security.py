from django.db import migrations

from accounts.rls import tenant_rls

TENANT_MODELS = [
    "PartnerType",
    "Partner",
    "PartnerStatusChange",
    "PartnerRep",
    "CadenceRule",
    "Activity",
    "ActivityStaffAttendee",
    "ActivityRepAttendee",
    "DigestDelivery",
    "LostReason",
    "Prospect",
    "ProspectStageChange",
    "PartnerPersona",
]


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [tenant_rls("partners", name) for name in TENANT_MODELS]
