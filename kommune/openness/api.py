"""REST API of the openness app: reads only, with the rules of the web pages.

- The annual open-government reports of a municipality or a lab are public once published: the list and one
  report with the figures of its snapshot (processes, indicators and the self-assessment per perspective) and the
  address of its PDF. A lab's report says only how many members shared their self-assessment.
- The self-assessment itself (the live result of a round, the comparison inside the labs) is read by the team
  (``openness.assess``) as on the management pages: everybody else gets 403. The comparison names only members
  that consented (``shared_with_labs``), and a municipality sees it only after it shared its own round.

Registered in OpennessConfig.ready()."""

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, P, PathEx, Router, Schema

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import SLUG_PATTERN, MunicipalitySlug, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page, page_schema
from kommune.core.models import Lab, Municipality
from kommune.core.perspectives import Perspective
from kommune.core.tenants import tenant_or_404
from kommune.openness import report as report_building
from kommune.openness import selectors, services
from kommune.openness.models import Report, Round
from kommune.openness.selectors import MemberResult, PerspectiveResult

router = Router(tags=["Openness"])

REPORTS = "/municipalities/{municipality_slug}/openness-reports"
LAB_REPORTS = "/labs/{lab_slug}/openness-reports"
ASSESSMENTS = "/municipalities/{municipality_slug}/openness-assessments"
LabSlug = PathEx[str, P(pattern=SLUG_PATTERN, max_length=60, description="The lab's address.")]
Year = PathEx[int, P(ge=services.FIRST_YEAR, le=2100, description="The year, e.g. 2025.")]
PerspectiveKey = Literal["transparency", "agenda_setting", "dialogue", "co_production", "innovation", "open_data",
                         "culture"]
SECURED = (*READ, 403)  # 403: the reader is not in the team of the municipality or lab


# --- Schemas ----------------------------------------------------------------------------------------------------


class ReportOut(Schema):
    year: int
    title: str
    published_at: datetime = Field(description="When it was published, or last rebuilt with new figures.")
    url: str
    pdf_url: str | None = Field(description="The report as a tagged PDF (PDF/UA-1).")

    @staticmethod
    def resolve_url(obj: Report, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())

    @staticmethod
    def resolve_pdf_url(obj: Report, context) -> str | None:
        return absolute(context["request"], obj.get_pdf_url()) if obj.pdf else None


class SpreadOut(Schema):
    people: int
    mean: float
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float


class PerspectiveResultOut(Schema):
    perspective: PerspectiveKey
    label: str
    spread: SpreadOut | None = Field(description="Mean and spread (1 to 5) of the people's scores; null: nobody "
                                                 "answered.")
    previous_mean: float | None = Field(description="The mean of the previous round.")
    change: float | None = Field(description="The mean minus the previous round's mean.")


class IndicatorOut(Schema):
    key: str
    label: str
    description: str
    unit: str
    value: float | None
    previous: float | None = Field(description="The value of the year before.")


class PerspectiveSectionOut(Schema):
    perspective: PerspectiveKey
    label: str
    indicators: list[IndicatorOut] = Field(description="What the platform measured for the perspective.")
    assessment: PerspectiveResultOut | None = Field(description="The self-assessment of the perspective, if the "
                                                                "report has one.")


class CountOut(Schema):
    year: int
    previous: int


class ProcessCountsOut(Schema):
    running: CountOut
    started: CountOut
    ended: CountOut


class ReportAssessmentOut(Schema):
    year: int
    people: int = Field(description="How many people of the team answered.")
    closed: bool
    statements: int
    previous_year: int | None


class ReportDetailOut(ReportOut):
    """Read from the report's snapshot (``Report.content``), so it says what the published page says."""

    kind: Literal["municipality", "lab"]
    processes: ProcessCountsOut | None = Field(description="Published participation processes that ran in, "
                                                           "started in and ended in the year and the year before.")
    perspectives: list[PerspectiveSectionOut]
    assessment: ReportAssessmentOut | None = Field(description="The municipality's self-assessment of the year; "
                                                               "null for a lab or when nobody answered.")
    members: int = Field(description="Municipalities the figures cover (1, or the lab's members).")
    shared_members: int | None = Field(description="Lab reports: how many members shared their self-assessment "
                                                   "with the lab (never their results).")

    @staticmethod
    def resolve_kind(obj: Report) -> str:
        return "lab" if obj.lab_id else "municipality"

    @staticmethod
    def resolve_processes(obj: Report) -> dict | None:
        return obj.content.get("processes")

    @staticmethod
    def resolve_perspectives(obj: Report) -> list[dict[str, Any]]:
        content = obj.content
        assessed = bool(content.get("assessment"))
        by_key = {str(result.perspective.value): result for result in report_building.results_from(content)}
        return [{"perspective": perspective.value, "label": str(perspective.label),
                 "indicators": content.get("indicators", {}).get(perspective.value, []),
                 "assessment": _result(by_key[perspective.value]) if assessed else None}
                for perspective in Perspective]

    @staticmethod
    def resolve_assessment(obj: Report) -> dict | None:
        assessment = obj.content.get("assessment")
        return {key: value for key, value in assessment.items() if key != "results"} if assessment else None

    @staticmethod
    def resolve_members(obj: Report) -> int:
        return obj.content.get("members", 1)

    @staticmethod
    def resolve_shared_members(obj: Report) -> int | None:
        return obj.content.get("shared_members")


class RoundOut(Schema):
    year: int
    version: str = Field(description="The version of the questionnaire.")
    closed_at: datetime | None
    shared_with_labs: bool = Field(description="The municipality's consent to the comparison inside its labs.")
    people: int


class MemberOut(Schema):
    municipality: str
    municipality_name: str
    people: int
    means: dict[str, float | None] = Field(description="The mean per perspective key.")


class LabComparisonOut(Schema):
    lab: str
    lab_name: str
    year: int
    members: list[MemberOut] = Field(description="Only the members that shared their round of the year.")


class RoundResultOut(RoundOut):
    previous_year: int | None
    perspectives: list[PerspectiveResultOut]
    comparisons: list[LabComparisonOut] = Field(description="Per lab of the municipality, once this round is "
                                                            "shared with the labs.")


ReportPage = page_schema("OpennessReportPage", ReportOut)
RoundPage = page_schema("OpennessRoundPage", RoundOut)


# --- Building the answers ---------------------------------------------------------------------------------------


def _result(result: PerspectiveResult) -> dict[str, Any]:
    return {"perspective": result.perspective.value, "label": str(result.perspective.label),
            "spread": asdict(result.spread) if result.spread else None, "previous_mean": result.previous_mean,
            "change": result.change}


def _members(members: list[MemberResult]) -> list[dict[str, Any]]:
    return [{"municipality": member.municipality.slug, "municipality_name": member.municipality.name,
             "people": member.people, "means": member.means} for member in members]


def _comparison(lab: Lab, year: int, members: list[MemberResult]) -> dict[str, Any]:
    return {"lab": lab.slug, "lab_name": lab.name, "year": year, "members": _members(members)}


def _team_of(tenant: Municipality | Lab, request: HttpRequest) -> None:
    if not request.user.has_perm(services.ASSESS_PERMISSION, tenant):
        raise PermissionDenied


def _lab(slug: str) -> Lab:
    return tenant_or_404(Lab, slug)


def _reports(tenant: Municipality | Lab, cursor: str | None, limit: int) -> dict:
    return page(selectors.reports_of(tenant), cursor, limit=limit, descending=True, field="published_at")


# --- Public reports ---------------------------------------------------------------------------------------------


@router.get(REPORTS, response=responses({200: ReportPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the open-government reports of a municipality")
def list_openness_reports(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                          limit: Limit = DEFAULT_LIMIT):
    """The published annual reports, the latest published first."""
    return _reports(municipality_or_404(municipality_slug), cursor, limit)


@router.get(REPORTS + "/{year}", response=responses({200: ReportDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get an open-government report of a municipality")
def get_openness_report(request: HttpRequest, municipality_slug: MunicipalitySlug, year: Year):
    """The figures as published (they do not change afterwards): processes, the platform's indicators and the
    self-assessment per perspective, and the PDF."""
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.reports_of(municipality), municipality, year=year)


@router.get(LAB_REPORTS, response=responses({200: ReportPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the open-government reports of a lab")
def list_lab_openness_reports(request: HttpRequest, lab_slug: LabSlug, cursor: Cursor = None,
                              limit: Limit = DEFAULT_LIMIT):
    """The lab's published annual reports, the latest published first."""
    return _reports(_lab(lab_slug), cursor, limit)


@router.get(LAB_REPORTS + "/{year}", response=responses({200: ReportDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get an open-government report of a lab")
def get_lab_openness_report(request: HttpRequest, lab_slug: LabSlug, year: Year):
    """The indicators over all members and how many members shared their self-assessment with the lab."""
    lab = _lab(lab_slug)
    return get_for_tenant(selectors.reports_of(lab), lab, year=year)


# --- The team's self-assessment ---------------------------------------------------------------------------------


@router.get(ASSESSMENTS, response=responses({200: RoundPage}, *PAGE, 403), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the self-assessment rounds of a municipality (team)")
def list_openness_rounds(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                         limit: Limit = DEFAULT_LIMIT):
    """For the municipality's team (admins, staff, moderators); 403 for everybody else. The latest opened
    first."""
    municipality = municipality_or_404(municipality_slug)
    _team_of(municipality, request)
    return page(selectors.rounds_counted(municipality), cursor, limit=limit, descending=True)


@router.get(ASSESSMENTS + "/{year}", response=responses({200: RoundResultOut}, *SECURED), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get the result of a self-assessment round (team)")
def get_openness_round(request: HttpRequest, municipality_slug: MunicipalitySlug, year: Year):
    """Per perspective the mean and spread of the people's scores and the change since the previous round, and
    the comparison inside the labs (only members that consented, and only once this round is shared). For the
    team; 403 for everybody else."""
    municipality = municipality_or_404(municipality_slug)
    _team_of(municipality, request)
    round_ = get_for_tenant(Round, municipality, year=year)
    outcome = selectors.round_result(round_)
    return {"year": round_.year, "version": round_.version, "closed_at": round_.closed_at,
            "shared_with_labs": round_.shared_with_labs, "people": outcome.people,
            "previous_year": outcome.previous.year if outcome.previous else None,
            "perspectives": [_result(result) for result in outcome.perspectives],
            "comparisons": [_comparison(lab, round_.year, members)
                            for lab, members in selectors.comparisons(round_)]}


@router.get("/labs/{lab_slug}/openness-comparisons/{year}", response=responses({200: LabComparisonOut}, *SECURED),
            auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="Compare the self-assessments a lab's members shared (the lab's team)")
def get_lab_openness_comparison(request: HttpRequest, lab_slug: LabSlug, year: Year):
    """The mean per perspective of each member whose round of the year is shared with the labs; the others are
    left out, not even named. For the lab's team; 403 for everybody else."""
    lab = _lab(lab_slug)
    _team_of(lab, request)
    return _comparison(lab, year, selectors.lab_comparison(lab, year))

