"""REST API of surveys and opinion maps: read published surveys with their questions and results, answer a survey;
read opinion maps with their groups and statements, write a statement and vote. Registered in
SurveysConfig.ready() (kommune.core.api.registry). Every write calls kommune/surveys/services.py, which checks
the same rules as the web pages (the running phase, one response per person, hidden statements)."""

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, P, PathEx, Router, Schema, Status
from pydantic import ConfigDict

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, Text, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, WRITE, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, check_cursor, page, page_schema
from kommune.core.cleaning import parse_id
from kommune.core.types import AuthenticatedHttpRequest
from kommune.surveys import selectors, services
from kommune.surveys.models import OpinionMap, Question, Statement, Survey

router = Router(tags=["Surveys and opinion maps"])

SURVEYS = "/municipalities/{municipality_slug}/surveys"
MAPS = "/municipalities/{municipality_slug}/opinion-maps"
SurveyId = PathEx[int, P(ge=1, le=2**31 - 1, description="The survey's number.")]
MapId = PathEx[int, P(ge=1, le=2**31 - 1, description="The opinion map's number.")]
StatementId = PathEx[int, P(ge=1, le=2**31 - 1, description="The statement's number.")]


class QuestionOut(Schema):
    id: int
    position: int
    kind: Literal["single", "multiple", "text", "rating", "ranking"]
    text: str
    help_text: str
    is_required: bool
    options: list[str]
    scale_min: int
    scale_max: int
    condition_question: int | None = Field(description="Shown only if this question …")
    condition_value: int | None = Field(description="… was answered with this option index or scale value.")

    @staticmethod
    def resolve_condition_question(obj: Question) -> int | None:
        return obj.condition_question_id


class SurveyOut(Schema):
    id: int
    title: str
    description: str
    process: str
    is_anonymous: bool
    audience: Literal["registered", "verified"]
    is_open: bool
    response_count: int
    published_at: datetime | None
    url: str

    @staticmethod
    def resolve_process(obj: Survey) -> str:
        return obj.process.slug

    @staticmethod
    def resolve_is_open(obj: Survey) -> bool:
        return services.is_survey_open(obj)

    @staticmethod
    def resolve_url(obj: Survey, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class SurveyDetailOut(SurveyOut):
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj: Survey) -> list[Question]:
        return selectors.questions_of(obj)


SurveyPage = page_schema("SurveyPage", SurveyOut)


class BarOut(Schema):
    label: str
    count: int
    share: float
    average_place: float | None = None


class QuestionResultOut(Schema):
    question: int
    text: str
    kind: str
    answered: int
    mean: float | None
    answers: list[BarOut]


class ResponseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Any] = Field(
        max_length=200, description="By question id: an option index (single), a list of indexes (multiple), a "
                                    "text, a scale value (rating), or for a ranking an object option index → place "
                                    "(1 is best). Answers to questions whose condition does not hold are ignored.")


class ResponseOut(Schema):
    survey: int
    submitted_at: datetime


class StatementOut(Schema):
    id: int
    text: str
    agree: int = Field(alias="agree_count")
    disagree: int = Field(alias="disagree_count")
    passed: int = Field(alias="pass_count")
    created_at: datetime


StatementPage = page_schema("StatementPage", StatementOut)


class RepresentativeOut(Schema):
    statement: int
    text: str
    direction: Literal["agree", "disagree"]
    group_rate: float
    rest_rate: float


class GroupOut(Schema):
    name: str
    size: int
    representative: list[RepresentativeOut]


class ConsensusOut(Schema):
    statement: int
    text: str
    direction: Literal["agree", "disagree"]
    rates: list[float]


class OpinionMapOut(Schema):
    id: int
    title: str
    description: str
    process: str
    is_open: bool
    statement_count: int
    vote_count: int
    published_at: datetime | None
    url: str

    @staticmethod
    def resolve_process(obj: OpinionMap) -> str:
        return obj.process.slug

    @staticmethod
    def resolve_is_open(obj: OpinionMap) -> bool:
        return services.is_map_open(obj)

    @staticmethod
    def resolve_url(obj: OpinionMap, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class OpinionMapDetailOut(OpinionMapOut):
    computed_at: datetime | None
    participants: int
    placed: int = Field(description="Participants with enough votes to be placed on the map.")
    groups: list[GroupOut]
    consensus: list[ConsensusOut]


OpinionMapPage = page_schema("OpinionMapPage", OpinionMapOut)


class StatementIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: Text = Field(max_length=Statement.MAX_LENGTH)


class VoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    vote: Literal["agree", "disagree", "pass"]


class VoteOut(Schema):
    statement: int
    vote: Literal["agree", "disagree", "pass"]


def _survey(request: HttpRequest, municipality_slug: str, survey_id: int) -> Survey:
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.published_surveys(municipality), municipality, pk=survey_id)


def _map(request: HttpRequest, municipality_slug: str, map_id: int) -> OpinionMap:
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.published_maps(municipality), municipality, pk=map_id)


@router.get(SURVEYS, response=responses({200: SurveyPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List surveys")
def list_surveys(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                 limit: Limit = DEFAULT_LIMIT):
    """The published surveys, the latest first."""
    check_cursor(cursor)
    return page(selectors.published_surveys(municipality_or_404(municipality_slug)), cursor, limit=limit,
                descending=True, field="published_at")


@router.get(SURVEYS + "/{survey_id}", response=responses({200: SurveyDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a survey with its questions")
def get_survey(request: HttpRequest, municipality_slug: MunicipalitySlug, survey_id: SurveyId):
    return _survey(request, municipality_slug, survey_id)


@router.get(SURVEYS + "/{survey_id}/results", response=responses({200: list[QuestionResultOut]}, *READ),
            auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN, summary="Get the results of a survey")
def get_survey_results(request: HttpRequest, municipality_slug: MunicipalitySlug, survey_id: SurveyId):
    """Counts per answer option or scale value; for rankings how many put an option first and its average place.
    Free-text answers are not published."""
    survey = _survey(request, municipality_slug, survey_id)
    return [{"question": result.question.pk, "text": result.question.text, "kind": result.question.kind,
             "answered": result.answered, "mean": result.mean,
             "answers": [{"label": bar.label, "count": bar.count, "share": round(bar.share, 4),
                          "average_place": float(bar.extra) if bar.extra else None} for bar in result.bars]}
            for result in selectors.survey_results(survey)]


@router.post(SURVEYS + "/{survey_id}/responses", response=responses({201: ResponseOut}, *WRITE), auth=auth.WRITE,
             summary="Answer a survey")
def answer_survey(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, survey_id: SurveyId,
                  payload: ResponseIn):
    """Your one response. A second one is refused (422, code `answered`) and changes nothing."""
    survey = _survey(request, municipality_slug, survey_id)
    answers: dict[int, Any] = {}
    for key, value in payload.answers.items():
        if (question_id := parse_id(key)) is not None:
            answers[question_id] = value
    response = services.do_submit_response(survey=survey, user=request.user, answers=answers)
    return Status(201, {"survey": survey.pk, "submitted_at": response.created_at})


@router.get(MAPS, response=responses({200: OpinionMapPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List opinion maps")
def list_opinion_maps(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                      limit: Limit = DEFAULT_LIMIT):
    check_cursor(cursor)
    return page(selectors.published_maps(municipality_or_404(municipality_slug)), cursor, limit=limit,
                descending=True, field="published_at")


@router.get(MAPS + "/{map_id}", response=responses({200: OpinionMapDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get an opinion map with its groups and consensus")
def get_opinion_map(request: HttpRequest, municipality_slug: MunicipalitySlug, map_id: MapId):
    opinion_map = _map(request, municipality_slug, map_id)
    view = selectors.map_view(opinion_map)
    for name in ("computed_at", "participants", "placed", "groups", "consensus"):
        setattr(opinion_map, name, view[name])
    return opinion_map


@router.get(MAPS + "/{map_id}/statements", response=responses({200: StatementPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the statements of an opinion map")
def list_statements(request: HttpRequest, municipality_slug: MunicipalitySlug, map_id: MapId,
                    cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """The visible statements, oldest first, with their votes."""
    check_cursor(cursor)
    opinion_map = _map(request, municipality_slug, map_id)
    return page(selectors.visible_statements(opinion_map), cursor, limit=limit, descending=False)


@router.post(MAPS + "/{map_id}/statements", response=responses({201: StatementOut}, *WRITE), auth=auth.WRITE,
             summary="Write a statement")
def post_statement(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, map_id: MapId,
                   payload: StatementIn):
    opinion_map = _map(request, municipality_slug, map_id)
    return Status(201, services.do_post_statement(opinion_map=opinion_map, author=request.user, text=payload.text))


VOTES = {"agree": 1, "disagree": -1, "pass": 0}


@router.post(MAPS + "/{map_id}/statements/{statement_id}/vote", response=responses({201: VoteOut}, *WRITE),
             auth=auth.WRITE, summary="Vote on a statement")
def vote(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, map_id: MapId,
         statement_id: StatementId, payload: VoteIn):
    """One vote per statement; a hidden statement (code `hidden`) or a second vote (code `voted`) is refused."""
    opinion_map = _map(request, municipality_slug, map_id)
    statement = opinion_map.statements.filter(pk=statement_id).first()
    if statement is None:
        raise Http404
    services.do_vote(statement=statement, participant=request.user, value=VOTES[payload.vote])
    return Status(201, {"statement": statement.pk, "vote": payload.vote})
