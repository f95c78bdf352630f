from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Only for its management commands (`bench_data`, `bench`); no models, no URLs."""

    name = "bench"
    verbose_name = "Benchmark"
