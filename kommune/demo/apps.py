from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of `make run` (`manage.py seed_demo`). Tooling above the apps: it creates accounts, so it sits
    above accounts and core; the feature apps add their demo data through core's registry (kommune/core/demo.py)
    instead of being imported here."""

    name = "kommune.demo"
    label = "demo"
    verbose_name = "Demo data"
