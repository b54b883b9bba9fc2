from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """The scale generator (generate_city) and the benchmark (bench). Tooling, not a feature: it builds data for
    every feature, so it is the one app that imports the feature apps, and no app imports it."""

    name = "kommune.benchmark"
    label = "benchmark"
    verbose_name = "Benchmark"
