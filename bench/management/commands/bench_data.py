"""`manage.py bench_data --scale small --seed 7`: build one benchmark tenant (bench/data.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench.data import SCALES, build_bench_tenant


class Command(BaseCommand):
    help = "Build one benchmark tenant of a chosen scale in the configured database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="small", choices=sorted(SCALES))
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, scale: str, seed: int, **options):
        started = time.perf_counter()
        try:
            bench = build_bench_tenant(scale=scale, seed=seed, out=self.stdout)
        except ValueError as error:
            raise CommandError(str(error)) from error
        width = max(len(label) for label in bench.counts)
        self.stdout.write("")
        for label, count in bench.counts.items():
            self.stdout.write(f"{label:<{width}}  {count:>12,}")
        self.stdout.write("")
        self.stdout.write(f"tenant      /{bench.tenant.slug}/")
        self.stdout.write(f"manager     {bench.manager.user.email}")
        self.stdout.write(f"portal      {bench.portal_admin.user.email}")
        self.stdout.write(f"deal to win {bench.deal_to_win.pk}")
        self.stdout.write(f"built in    {bench.elapsed:.1f} s")
        self.stdout.write(f"elapsed     {time.perf_counter() - started:.1f} s")
