"""Create the application's database role and grant it what it needs (run as the owner).

The application role owns no table, is no superuser and has no BYPASSRLS, so row-level
security applies to every query it makes. The audit log is append-only for it.
"""

from urllib.parse import unquote, urlparse

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql


class Command(BaseCommand):
    help = "Create or update the application role named in --app-url and grant its rights."

    def add_arguments(self, parser):
        parser.add_argument("--app-url", required=True, help="DATABASE_URL the app connects with")

    def handle(self, *args, app_url: str, **options):
        parsed = urlparse(app_url)
        role = unquote(parsed.username or "")
        password = unquote(parsed.password or "")
        if not role:
            raise CommandError("--app-url must name a user")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            if cursor.fetchone()[0] == role:
                raise CommandError("run this as the owner role, not as the application role")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            options_sql = sql.SQL(
                "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD {}"
            ).format(sql.Literal(password) if password else sql.SQL("NULL"))
            statements = [
                sql.SQL(verb + " ROLE {} ").format(sql.Identifier(role)) + options_sql,
                sql.SQL("GRANT USAGE ON SCHEMA public TO {}"),
                sql.SQL(
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
                ),
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}"),
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
                ),
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                    "GRANT USAGE, SELECT ON SEQUENCES TO {}"
                ),
                # The audit log is append-only: the application may add, never rewrite.
                sql.SQL("REVOKE UPDATE, DELETE ON accounts_auditevent FROM {}"),
            ]
            cursor.execute(statements[0])
            for statement in statements[1:]:
                cursor.execute(statement.format(sql.Identifier(role)))
        self.stdout.write(f"database role {role!r} ready")
