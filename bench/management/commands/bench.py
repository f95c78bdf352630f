"""`manage.py bench` (what `make bench` runs): build the benchmark tenants at `small` and
`large`, measure them against their floors, print the table, write bench/results/*.json.

    manage.py bench                          # small and large, in a throwaway database
    manage.py bench --scales small --runs 3 --statements 200   # a quicker look

By default the data goes into a database of its own (`<name>_bench`, created with Django's
test-database machinery and dropped afterwards), so the configured database is never touched.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.data import SCALES
from bench.run import all_met, bench_environment, format_report, run, write_results


class Command(BaseCommand):
    help = "Measure a large tenant against its floors (issue #13): KPI engine, pages, memory."

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="small,large", help="comma-separated, small first")
        parser.add_argument("--runs", type=int, default=5, help="timed runs per figure")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="build in the configured database instead of a throwaway one",
        )
        parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
        parser.add_argument("--no-memory", action="store_true", help="skip the worker's memory")
        parser.add_argument(
            "--statements", type=int, default=1000, help="payout statements to make (0: none)"
        )
        parser.add_argument("--load-users", type=int, default=50, help="0: no load run")
        parser.add_argument("--load-seconds", type=int, default=300)
        parser.add_argument("--no-write", action="store_true", help="write no JSON")
        parser.add_argument(
            "--strict", action="store_true", help="exit with an error when a target is missed"
        )

    def handle(self, *args, **options):
        scales = [s.strip() for s in options["scales"].split(",") if s.strip()]
        unknown = [s for s in scales if s not in SCALES]
        if not scales or unknown:
            raise CommandError(f"--scales takes names among {', '.join(SCALES)}")
        creation, old_name = connection.creation, None
        if not options["in_place"]:
            test_settings = settings.DATABASES["default"].setdefault("TEST", {})
            test_settings["NAME"] = f"{settings.DATABASES['default']['NAME']}_bench"
            self.stdout.write(f"creating database {test_settings['NAME']} (migrations run)…")
            old_name = connection.settings_dict["NAME"]
            creation.create_test_db(
                verbosity=0, autoclobber=True, serialize=False, keepdb=options["keep"]
            )
        try:
            with bench_environment():
                results = run(
                    scales=scales,
                    runs=max(1, options["runs"]),
                    seed=options["seed"],
                    out=self.stdout,
                    # VACUUM cannot run inside a transaction (the suite's in-place run is one).
                    settle=not options["in_place"],
                    memory=not options["no_memory"],
                    statements=max(0, options["statements"]),
                    load_users=max(0, options["load_users"]),
                    load_seconds=max(1, options["load_seconds"]),
                )
        finally:
            if old_name is not None:
                creation.destroy_test_db(old_name, verbosity=0, keepdb=options["keep"])
        self.stdout.write(format_report(results))
        if not options["no_write"]:
            self.stdout.write(f"figures written to {write_results(results)}")
        if options["strict"] and not all_met(results):
            raise CommandError("a target was missed (see the table above)")
