from django.db import migrations

from accounts.db_integrity import tenant_composite_keys
from accounts.rls import tenant_rls

TENANT_MODELS = ["LedgerSource", "LedgerLine", "PayoutSettings", "PayoutPeriod"]
# payouts.models.IMMUTABLE_COLUMNS as of this migration (tests/payouts keep them in step).
IMMUTABLE_COLUMNS = (
    "tenant_id",
    "key",
    "kind",
    "partner_id",
    "rep_id",
    "deal_id",
    "source_id",
    "reverses_id",
    "amount",
    "currency",
    "rule_set_version_id",
    "explanation",
    "description",
    "accrued_on",
    "booked_on",
    "payable_from",
    "created_at",
    "created_by_id",
)

# The ledger is append-only in the database itself: no line is ever deleted, and no column
# that says what a line is worth or what it is about ever changes (statements will only
# attach lines). TRUNCATE, which only a table owner may run, is not a row operation.
_CHANGED = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in IMMUTABLE_COLUMNS)
APPEND_ONLY = f"""
CREATE FUNCTION payouts_ledger_line_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ledger lines are never deleted (line %)', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF {_CHANGED} THEN
        RAISE EXCEPTION 'ledger lines are never changed (line %): book a new line', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_line_append_only BEFORE UPDATE OR DELETE ON payouts_ledgerline
    FOR EACH ROW EXECUTE FUNCTION payouts_ledger_line_append_only();

-- A closed period is locked: no line is booked into it. The period's row is share-locked
-- whatever its status, so a close (an UPDATE of that row) waits for the lines being booked
-- now, and a line booked after the close sees it closed.
CREATE FUNCTION payouts_ledger_line_open_period() RETURNS trigger AS $$
DECLARE
    period_status text;
    period_start date;
BEGIN
    SELECT status, starts_on INTO period_status, period_start FROM payouts_payoutperiod
        WHERE tenant_id = NEW.tenant_id AND NEW.booked_on BETWEEN starts_on AND ends_on
        FOR SHARE;
    IF period_status = 'closed' THEN
        RAISE EXCEPTION 'the payout period from % is closed: book the line in an open period',
            period_start USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_line_open_period BEFORE INSERT ON payouts_ledgerline
    FOR EACH ROW EXECUTE FUNCTION payouts_ledger_line_open_period();
"""
DROP = """
DROP TRIGGER ledger_line_open_period ON payouts_ledgerline;
DROP FUNCTION payouts_ledger_line_open_period();
DROP TRIGGER ledger_line_append_only ON payouts_ledgerline;
DROP FUNCTION payouts_ledger_line_append_only();
"""


class Migration(migrations.Migration):
    """Row-level security and composite foreign keys on the payouts tables; the ledger's
    append-only trigger and the lock of closed periods."""

    dependencies = [("payouts", "0001_initial")]

    operations = [tenant_rls("payouts", name) for name in TENANT_MODELS] + [
        tenant_composite_keys("payouts", *TENANT_MODELS),
        migrations.RunSQL(APPEND_ONLY, DROP),
    ]
