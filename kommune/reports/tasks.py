"""Background task of issue reports (Django's task framework): the same as ``manage.py flag_overdue_reports``."""

from django.tasks import task

from kommune.reports.services import flag_overdue_reports


@task()
def flag_overdue_reports_task() -> int:
    return flag_overdue_reports()
