from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """The scale generator (generate_city), the benchmark (bench, bench_comment_thread) and its floor page. Tooling,
    not a feature: it builds data for every feature, so it is the one app that imports the feature apps, and no app
    imports it. Installed only with BENCHMARK=true (config/settings.py)."""

    name = "kommune.benchmark"
    label = "benchmark"
    verbose_name = "Benchmark"
