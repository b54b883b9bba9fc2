"""`manage.py bench_report` times the annual open-government report of the generated city's largest municipality,
and building its figures costs the same number of queries on a small and on a larger city."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kommune.benchmark.management.commands.bench import generated_city
from kommune.benchmark.management.commands.generate_city import SCALES, generate
from kommune.openness.services import build_report_content
from tests.test_bench_queries import LARGER, wipe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("benchmark_installed")]


def report_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        build_report_content(generated_city().municipality, timezone.localdate().year)
    return len(queries)


def test_the_report_is_timed_and_its_queries_do_not_grow_with_the_data():
    generate(SCALES["dorf"])
    out = StringIO()
    call_command("bench_report", stdout=out)
    assert "PDF" in out.getvalue() and "target under 60 s: met" in out.getvalue()
    small = report_queries()
    wipe()
    generate(LARGER)
    assert report_queries() == small
