"""Set-up steps in one Django process (each `manage.py` start costs about a second).

    prepare.py                          compilemessages
    prepare.py --database [--app-url U] [--logins-file F]
                                        compilemessages, then as the owner: migrate,
                                        db_roles --app-url U (when given), demo_data (> F)

All steps are idempotent. Run with the environment scripts/dev.py builds (URLs set).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORED = (".venv", "node_modules", "var", ".git")


def _po_files() -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [name for name in dirnames if name not in IGNORED]
        found += [Path(dirpath, name) for name in filenames if name.endswith(".po")]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", action="store_true", help="migrate and load demo data")
    parser.add_argument("--app-url", help="DATABASE_URL of the application role, for db_roles")
    parser.add_argument("--logins-file", help="write demo_data's output (the logins) here")
    args = parser.parse_args(argv)

    if args.database:
        os.environ["PRM_DB_AS_OWNER"] = "1"  # before settings load: connect as the owner
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django
    from django.core.management import call_command

    django.setup()
    if _po_files():
        call_command("compilemessages", ignore_patterns=list(IGNORED), verbosity=0)
    else:
        # compilemessages fails when there is no locale directory at all (a fresh clone
        # before the first `make messages`); nothing to compile then.
        print("[prepare] no .po files: nothing to compile", flush=True)
    if args.database:
        print("[prepare] migrate (as owner)", flush=True)
        call_command("migrate", interactive=False, verbosity=1)
        if args.app_url:
            call_command("db_roles", app_url=args.app_url)
        if args.logins_file:
            with open(args.logins_file, "w", encoding="utf-8") as out:
                call_command("demo_data", stdout=out)
        else:
            call_command("demo_data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
