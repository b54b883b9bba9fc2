from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running an installation: backup and restore of the database and the uploaded files. Tooling above
    accounts and core; it reads the database as a whole and imports no feature app."""

    name = "kommune.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from kommune.operations import checks  # noqa: F401  (registers the deploy checks)
