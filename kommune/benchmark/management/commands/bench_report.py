"""Time the annual open-government report (kommune/openness) of the generated city's largest municipality: the
figures (every indicator of the year and the one before, the process counts, the self-assessment), the page
(HTML) and the PDF (WeasyPrint), as the "publish" click builds them. Writes nothing.

    BENCHMARK=true python manage.py bench_report            # this year
    BENCHMARK=true python manage.py bench_report --year 2025
"""

import time

from django.core.management.base import BaseCommand, CommandParser
from django.template.loader import render_to_string
from django.utils import timezone

from kommune.benchmark.management.commands.bench import generated_city
from kommune.openness import report as report_building
from kommune.openness.models import Report
from kommune.openness.services import build_report_content

TARGET_SECONDS = 60  # issue 15: under a minute for the Millionenstadt's largest municipality


class Command(BaseCommand):
    help = "Time the annual open-government report of the generated city's largest municipality (HTML and PDF)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="The report's year (default: this year).")

    def handle(self, *args, year: int | None, **options) -> None:
        city = generated_city()
        municipality = city.municipality
        year = year or timezone.localdate().year
        started = time.perf_counter()
        title, content = build_report_content(municipality, year)
        figures = time.perf_counter()
        draft = Report(municipality=municipality, year=year, title=title, content=content,
                       published_at=timezone.now())
        html = render_to_string("openness/_report_body.html", report_building.report_context(draft))
        page = time.perf_counter()
        pdf = report_building.render_pdf(draft)
        done = time.perf_counter()
        total = done - started
        self.stdout.write(
            f"Report {year} of {municipality.name} ({city.scale}): figures {figures - started:.1f} s, "
            f"page {page - figures:.2f} s ({len(html):,} characters), PDF {done - page:.1f} s "
            f"({len(pdf):,} bytes); {total:.1f} s in all, target under {TARGET_SECONDS} s: "
            + ("met" if total < TARGET_SECONDS else "MISSED"))
