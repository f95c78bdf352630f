from django.db import migrations, models

# Kept by PostgreSQL rather than by each writer: moves are written by the services, the demo and
# bench loaders (bulk_create) and the tests' own rows; a trigger is the one path none forgets,
# and it runs in the transaction of the insert. AFTER ROW, so a multi-row insert sees all its
# rows: each new move closes the stay before it and is closed by a later one (in
# changed_at, id order, the order of the stage history and the report).
# The indexes are the report's STAGE_ORDER (partners/selectors/recruitment.py); lost is none.
# tests/partners/test_recruitment_stored.py holds the two lists together.
STAGE_INDEX_SQL = """
CREATE OR REPLACE FUNCTION partners_stage_index(stage text) RETURNS smallint
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE stage
        WHEN 'sourced' THEN 0 WHEN 'contacted' THEN 1 WHEN 'meeting' THEN 2
        WHEN 'proposal' THEN 3 WHEN 'signed' THEN 4 ELSE NULL END::smallint
$$;
"""

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION partners_stage_change_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE partners_prospect
    SET furthest_stage_index = GREATEST(
        furthest_stage_index, COALESCE(partners_stage_index(NEW.to_stage), 0))
    WHERE tenant_id = NEW.tenant_id AND id = NEW.prospect_id
      AND furthest_stage_index < COALESCE(partners_stage_index(NEW.to_stage), 0);
    UPDATE partners_prospectstagechange AS previous
    SET left_at = NEW.changed_at
    WHERE previous.id = (
        SELECT id FROM partners_prospectstagechange
        WHERE tenant_id = NEW.tenant_id AND prospect_id = NEW.prospect_id
          AND (changed_at, id) < (NEW.changed_at, NEW.id)
        ORDER BY changed_at DESC, id DESC LIMIT 1
    );
    UPDATE partners_prospectstagechange
    SET left_at = (
        SELECT changed_at FROM partners_prospectstagechange
        WHERE tenant_id = NEW.tenant_id AND prospect_id = NEW.prospect_id
          AND (changed_at, id) > (NEW.changed_at, NEW.id)
        ORDER BY changed_at, id LIMIT 1
    )
    WHERE id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER partners_stage_change_inserted
AFTER INSERT ON partners_prospectstagechange
FOR EACH ROW EXECUTE FUNCTION partners_stage_change_inserted();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS partners_stage_change_inserted ON partners_prospectstagechange;
DROP FUNCTION IF EXISTS partners_stage_change_inserted();
DROP FUNCTION IF EXISTS partners_stage_index(text);
"""

# Row-level security is forced: a migration run by an owner that is not a superuser sees a
# tenant's rows only with the tenant bound (transaction-local), as in 0009.
BACKFILL = [
    """
    UPDATE partners_prospectstagechange AS change
    SET left_at = following.left_at
    FROM (
        SELECT id, LEAD(changed_at) OVER (
            PARTITION BY prospect_id ORDER BY changed_at, id) AS left_at
        FROM partners_prospectstagechange
        WHERE tenant_id = %(tenant)s
    ) AS following
    WHERE change.tenant_id = %(tenant)s AND change.id = following.id
      AND following.left_at IS NOT NULL
    """,
    """
    UPDATE partners_prospect AS prospect
    SET furthest_stage_index = reached.furthest
    FROM (
        SELECT prospect_id, MAX(partners_stage_index(to_stage)) AS furthest
        FROM partners_prospectstagechange
        WHERE tenant_id = %(tenant)s
        GROUP BY prospect_id
    ) AS reached
    WHERE prospect.tenant_id = %(tenant)s AND prospect.id = reached.prospect_id
      AND reached.furthest IS NOT NULL
    """,
]


def backfill_stored_stays(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_tenant ORDER BY id")
        for (tenant_id,) in cursor.fetchall():
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
            for statement in BACKFILL:
                cursor.execute(statement, {"tenant": tenant_id})
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0009_page_speed_last_contact"),
    ]

    operations = [
        migrations.AddField(
            model_name="prospect",
            name="furthest_stage_index",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="prospectstagechange",
            name="left_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(STAGE_INDEX_SQL + TRIGGER_SQL, DROP_SQL),
        # Backwards the columns are dropped: nothing to undo.
        migrations.RunPython(backfill_stored_stays, migrations.RunPython.noop),
    ]
