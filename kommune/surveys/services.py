"""Writes of surveys and opinion maps: create, publish, answer (online and on paper), write statements, vote,
hide statements (for the moderation) and compute an opinion map. Every function is one transaction and publishes
its event; a failed call changes nothing."""

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.accounts.models import User
from kommune.accounts.selectors import is_resident
from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Municipality
from kommune.core.processes.features import is_feature_open
from kommune.core.processes.models import Process
from kommune.core.services import log_action
from kommune.surveys import opinion
from kommune.surveys.events import (
    OpinionMapComputed,
    OpinionMapPublished,
    StatementHidden,
    StatementPosted,
    StatementUnhidden,
    StatementVoted,
    SurveyAnswered,
    SurveyPublished,
)
from kommune.surveys.models import Answer, OpinionMap, Question, Response, Statement, Survey, Vote

MANAGE_PERMISSION = "surveys.manage"
SURVEY_FEATURE = "survey"
OPINION_MAP_FEATURE = "opinion_map"
MAX_OPTIONS = 20
MAX_TEXT_ANSWER = 2000
Kind = Question.Kind


def _require_manager(actor: User, municipality: Municipality) -> None:
    if not actor.has_perm(MANAGE_PERMISSION, municipality):
        raise PermissionDenied


def _check_process(process: Process, municipality: Municipality) -> None:
    if process.municipality_id != municipality.pk:
        raise ValidationError(_("Please choose a participation process of this municipality."))


# --- Surveys: building ------------------------------------------------------------------------------------------


def do_create_survey(*, municipality: Municipality, actor: User, process: Process, title: str,
                     description: str = "", is_anonymous: bool = True,
                     audience: str = Survey.Audience.REGISTERED) -> Survey:
    _require_manager(actor, municipality)
    _check_process(process, municipality)
    if not title.strip():
        raise ValidationError(_("Please give the survey a title."))
    if audience not in Survey.Audience.values:
        raise ValidationError(_("Please choose who may answer."))
    with transaction.atomic():
        return Survey.objects.create(municipality=municipality, process=process, title=title.strip(),
                                     description=description.strip(), is_anonymous=is_anonymous, audience=audience)


def do_add_question(*, survey: Survey, actor: User, kind: str, text: str, help_text: str = "",
                    is_required: bool = False, options: Sequence[str] = (), scale_min: int = 1, scale_max: int = 5,
                    scale_min_label: str = "", scale_max_label: str = "",
                    condition_question: Question | None = None, condition_value: int | None = None) -> Question:
    _require_manager(actor, survey.municipality)
    if survey.response_count:
        raise ValidationError(_("The survey already has responses; its questions can no longer change."))
    if kind not in Kind.values:
        raise ValidationError(_("Please choose a question type."))
    if not text.strip():
        raise ValidationError(_("Please write the question."))
    options = [option.strip() for option in options if option.strip()]
    if kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING) and not 2 <= len(options) <= MAX_OPTIONS:
        raise ValidationError(_("A choice or ranking question needs between 2 and %(max)d options, one per line.")
                              % {"max": MAX_OPTIONS})
    if kind == Kind.RATING and not (-10 <= scale_min < scale_max <= 10 and scale_max - scale_min <= 10):
        raise ValidationError(_("A rating scale goes from a lower to a higher value, between -10 and 10, with at "
                                "most 11 steps."))
    if condition_question is not None:
        if condition_question.survey_id != survey.pk:
            raise ValidationError(_("The condition must name a question of this survey."))
        if condition_question.kind in (Kind.TEXT, Kind.RANKING):
            raise ValidationError(_("A condition can only refer to a choice or rating question."))
        allowed = (condition_question.scale if condition_question.kind == Kind.RATING
                   else range(len(condition_question.options)))
        if condition_value is None or condition_value not in allowed:
            raise ValidationError(_("Please choose the answer that shows this question."))
    else:
        condition_value = None
    with transaction.atomic():
        position = survey.questions.count() + 1
        return Question.objects.create(
            municipality=survey.municipality, survey=survey, position=position, kind=kind, text=text.strip(),
            help_text=help_text.strip(), is_required=is_required,
            options=options if kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING) else [],
            scale_min=scale_min, scale_max=scale_max, scale_min_label=scale_min_label.strip(),
            scale_max_label=scale_max_label.strip(), condition_question=condition_question,
            condition_value=condition_value)


def do_publish_survey(*, survey: Survey, actor: User) -> Survey:
    _require_manager(actor, survey.municipality)
    if survey.is_published:
        return survey
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question before you publish the survey."))
    with transaction.atomic():
        survey.is_published, survey.published_at = True, timezone.now()
        survey.save(update_fields=["is_published", "published_at"])
        publish(SurveyPublished(survey.municipality, survey, actor=actor, scope=survey.process))
    return survey


# --- Surveys: answering -----------------------------------------------------------------------------------------


def is_survey_open(survey: Survey, now: datetime | None = None) -> bool:
    """Open while it is published and a running phase of its process opens surveys."""
    return survey.is_published and is_feature_open(survey.process, SURVEY_FEATURE, now)


def respondent_key(survey: Survey, user: User) -> str:
    """A keyed hash of survey and person: the same person always gets the same key, nobody can read the person
    from it without the site's secret."""
    message = f"survey-response:{survey.pk}:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def has_answered(survey: Survey, user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and Response.objects.filter(survey=survey, respondent_key=respondent_key(survey, user)).exists())


def answer_refusal(survey: Survey, user: Any, *, now: datetime | None = None) -> str | None:
    """Why ``user`` cannot answer ``survey`` now, as a code the page turns into its remedy; None: they can.
    Codes: closed, login, unconfirmed, not_verified, answered."""
    if not is_survey_open(survey, now):
        return "closed"
    if not getattr(user, "is_authenticated", False):
        return "login"
    if not user.email_confirmed_at or not user.is_active:
        return "unconfirmed"
    if (survey.audience == Survey.Audience.VERIFIED
            and not is_resident(user, survey.municipality)):
        return "not_verified"
    if has_answered(survey, user):
        return "answered"
    return None


def refusal_message(code: str) -> str:
    return {
        "closed": _("This survey is not open at the moment: the phase that opens it is not running."),
        "login": _("Please log in to answer the survey. So everyone answers only once."),
        "unconfirmed": _("Please confirm your e-mail address first."),
        "not_verified": _("Only verified residents can answer this survey. Please verify your residency first."),
        "answered": _("You have already answered this survey. Only your first response counts; nothing was "
                      "changed."),
    }[code]


def is_shown(question: Question, answers: Mapping[int, Any]) -> bool:
    """Whether ``question`` applies, given the answers so far (its condition holds, or it has none)."""
    if question.condition_question_id is None:
        return True
    given = answers.get(question.condition_question_id)
    if isinstance(given, list):
        return question.condition_value in given
    return given is not None and given == question.condition_value


def _clean_answer(question: Question, value: Any) -> Any:
    """The stored form of one answer; None when it is empty. Raises ValidationError for a wrong one."""
    if value in (None, "", [], {}):
        return None
    try:
        if question.kind == Kind.SINGLE:
            index = int(value)
            if not 0 <= index < len(question.options):
                raise ValueError
            return index
        if question.kind == Kind.MULTIPLE:
            indexes = sorted({int(item) for item in (value if isinstance(value, list) else [value])})
            if any(not 0 <= index < len(question.options) for index in indexes):
                raise ValueError
            return indexes
        if question.kind == Kind.RATING:
            number = int(value)
            if not question.scale_min <= number <= question.scale_max:
                raise ValueError
            return number
        if question.kind == Kind.RANKING:
            # The options in the order of the ranks given (rank 1 first); every option gets a different rank.
            ranks = {int(option): int(rank) for option, rank in dict(value).items() if str(rank).strip()}
            if not ranks:
                return None
            count = len(question.options)
            if set(ranks) != set(range(count)) or sorted(ranks.values()) != list(range(1, count + 1)):
                raise ValidationError(_("Please give every option a different place, from 1 to %(count)d.")
                                      % {"count": count})
            return sorted(ranks, key=lambda option: ranks[option])
        text = str(value).strip()
        if len(text) > MAX_TEXT_ANSWER:
            raise ValidationError(_("Please keep your answer under %(max)d characters.") % {"max": MAX_TEXT_ANSWER})
        return text or None
    except (TypeError, ValueError, AttributeError):
        raise ValidationError(_("Please choose one of the offered answers.")) from None


def clean_answers(questions: Sequence[Question], raw: Mapping[int, Any]) -> dict[int, Any]:
    """The answers to store: those of the questions shown (a hidden question's answer is dropped), each checked.
    Raises ValidationError with a message per question id for wrong or missing required answers."""
    cleaned: dict[int, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:  # in order: a condition always refers to an earlier question
        if not is_shown(question, cleaned):
            continue
        try:
            value = _clean_answer(question, raw.get(question.pk))
        except ValidationError as error:
            errors[str(question.pk)] = error.messages
            continue
        if value is None:
            if question.is_required:
                errors[str(question.pk)] = [_("Please answer this question.")]
            continue
        cleaned[question.pk] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _store_response(survey: Survey, answers: Mapping[int, Any], **fields: Any) -> Response:
    response = Response.objects.create(municipality=survey.municipality, survey=survey, **fields)
    Answer.objects.bulk_create(Answer(municipality=survey.municipality, survey=survey, response=response,
                                      question_id=question_id, value=value) for question_id, value in answers.items())
    Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    return response


def do_submit_response(*, survey: Survey, user: User, answers: Mapping[int, Any], shares_name: bool = False,
                       now: datetime | None = None) -> Response:
    """Store ``user``'s one response. A second response is refused (the unique constraint decides races)."""
    code = answer_refusal(survey, user, now=now)
    if code is not None:
        raise ValidationError(refusal_message(code), code=code)
    cleaned = clean_answers(list(survey.questions.all()), answers)
    try:
        with transaction.atomic():
            response = _store_response(
                survey, cleaned, respondent_key=respondent_key(survey, user),
                respondent=None if survey.is_anonymous else user,
                shares_name=shares_name and not survey.is_anonymous)
            publish(SurveyAnswered(survey.municipality, survey, scope=survey.process,
                                   data={"channel": Response.Channel.ONLINE}))
    except IntegrityError:
        raise ValidationError(refusal_message("answered"), code="answered") from None
    return response


def do_enter_paper_response(*, survey: Survey, actor: User, answers: Mapping[int, Any],
                            reference: str = "") -> Response:
    """Staff enter a paper questionnaire (assisted participation): marked as paper, audited. Possible while the
    survey is published, also after its phase (questionnaires arrive by post)."""
    _require_manager(actor, survey.municipality)
    if not survey.is_published:
        raise ValidationError(_("Publish the survey before you enter paper questionnaires."))
    cleaned = clean_answers(list(survey.questions.all()), answers)
    with transaction.atomic():
        response = _store_response(survey, cleaned, respondent_key=None, channel=Response.Channel.PAPER,
                                   entered_by=actor, paper_reference=reference.strip()[:100])
        log_action(tenant=survey.municipality, actor=actor, action=AuditLogEntry.Action.SURVEY_PAPER_RESPONSE,
                   survey=survey.pk, response=response.pk, reference=response.paper_reference)
        publish(SurveyAnswered(survey.municipality, survey, actor=actor, scope=survey.process,
                               data={"channel": Response.Channel.PAPER}))
    return response


def delete_personal_links(user: User) -> None:
    """Account deletion: responses lose their link to the account (their answers stay, anonymous), statements
    their author, votes their voter."""
    Response.objects.filter(respondent=user).update(respondent=None, shares_name=False)
    Statement.objects.filter(author=user).update(author=None)
    Vote.objects.filter(participant=user).update(participant=None)


# --- Opinion maps -----------------------------------------------------------------------------------------------


def do_create_opinion_map(*, municipality: Municipality, actor: User, process: Process, title: str,
                          description: str = "", statements: Sequence[str] = ()) -> OpinionMap:
    """A new opinion map with the staff's seed statements (written by the municipality, no author)."""
    _require_manager(actor, municipality)
    _check_process(process, municipality)
    if not title.strip():
        raise ValidationError(_("Please write the question of the debate."))
    seeds = [_clean_statement(text) for text in statements if text.strip()]
    with transaction.atomic():
        opinion_map = OpinionMap.objects.create(municipality=municipality, process=process, title=title.strip(),
                                                description=description.strip(), statement_count=len(seeds))
        Statement.objects.bulk_create(Statement(municipality=municipality, opinion_map=opinion_map, text=text)
                                      for text in seeds)
    return opinion_map


def do_publish_opinion_map(*, opinion_map: OpinionMap, actor: User) -> OpinionMap:
    _require_manager(actor, opinion_map.municipality)
    if opinion_map.is_published:
        return opinion_map
    with transaction.atomic():
        opinion_map.is_published, opinion_map.published_at = True, timezone.now()
        opinion_map.save(update_fields=["is_published", "published_at"])
        publish(OpinionMapPublished(opinion_map.municipality, opinion_map, actor=actor, scope=opinion_map.process))
    return opinion_map


def is_map_open(opinion_map: OpinionMap, now: datetime | None = None) -> bool:
    return opinion_map.is_published and is_feature_open(opinion_map.process, OPINION_MAP_FEATURE, now)


def participation_refusal(opinion_map: OpinionMap, user: Any, *, now: datetime | None = None) -> str | None:
    """Codes: closed, login, unconfirmed; None: the person may write statements and vote."""
    if not is_map_open(opinion_map, now):
        return "closed"
    if not getattr(user, "is_authenticated", False):
        return "login"
    if not user.email_confirmed_at or not user.is_active:
        return "unconfirmed"
    return None


def participation_message(code: str) -> str:
    return {
        "closed": _("This opinion map is not open at the moment: the phase that opens it is not running."),
        "login": _("Please log in to take part. So everyone votes only once on each statement."),
        "unconfirmed": _("Please confirm your e-mail address first."),
    }[code]


def _clean_statement(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ValidationError(_("Please write your statement."))
    if len(text) > Statement.MAX_LENGTH:
        raise ValidationError(_("Please keep your statement under %(max)d characters.") % {"max": Statement.MAX_LENGTH})
    return text


def do_post_statement(*, opinion_map: OpinionMap, author: User, text: str,
                      now: datetime | None = None) -> Statement:
    code = participation_refusal(opinion_map, author, now=now)
    if code is not None:
        raise ValidationError(participation_message(code), code=code)
    text = _clean_statement(text)
    with transaction.atomic():
        statement = Statement.objects.create(municipality=opinion_map.municipality, opinion_map=opinion_map,
                                             author=author, text=text)
        OpinionMap.objects.filter(pk=opinion_map.pk).update(statement_count=F("statement_count") + 1)
        publish(StatementPosted(opinion_map.municipality, statement, actor=author, scope=opinion_map.process))
    return statement


COUNTERS = {Vote.Value.AGREE: "agree_count", Vote.Value.DISAGREE: "disagree_count", Vote.Value.PASS: "pass_count"}


def do_vote(*, statement: Statement, participant: User, value: int, now: datetime | None = None) -> Vote:
    """One vote per person and statement; a hidden statement takes none."""
    opinion_map = statement.opinion_map
    code = participation_refusal(opinion_map, participant, now=now)
    if code is not None:
        raise ValidationError(participation_message(code), code=code)
    if value not in Vote.Value.values:
        raise ValidationError(_("Please choose agree, disagree or pass."))
    try:
        with transaction.atomic():
            # The lock orders the vote after a concurrent hiding: a vote never lands on a hidden statement.
            locked = Statement.objects.select_for_update().get(pk=statement.pk)
            if locked.hidden_at is not None:
                raise ValidationError(_("This statement was hidden by the moderation and can no longer be voted "
                                        "on. Nothing was changed."), code="hidden")
            vote = Vote.objects.create(municipality=statement.municipality, opinion_map=opinion_map,
                                       statement=statement, participant=participant, value=value)
            Statement.objects.filter(pk=statement.pk).update(**{COUNTERS[Vote.Value(value)]: F(COUNTERS[
                Vote.Value(value)]) + 1})
            OpinionMap.objects.filter(pk=opinion_map.pk).update(vote_count=F("vote_count") + 1)
            publish(StatementVoted(statement.municipality, statement, actor=participant, scope=opinion_map.process,
                                   data={"value": value}))
    except IntegrityError:
        raise ValidationError(_("You have already voted on this statement. Nothing was changed."),
                              code="voted") from None
    return vote


def apply_hidden(statement: Statement, *, reason: str, moderator: User) -> None:
    """Called by the moderation inside its transaction, with the locked statement."""
    Statement.objects.filter(pk=statement.pk).update(hidden_at=timezone.now(), hidden_reason=reason)
    statement.refresh_from_db(fields=["hidden_at", "hidden_reason"])
    publish(StatementHidden(statement.municipality, statement, actor=moderator, scope=statement.opinion_map.process,
                            data={"reason": reason}))


def apply_shown(statement: Statement, *, reason: str, moderator: User) -> None:
    Statement.objects.filter(pk=statement.pk).update(hidden_at=None, hidden_reason="")
    statement.refresh_from_db(fields=["hidden_at", "hidden_reason"])
    publish(StatementUnhidden(statement.municipality, statement, actor=moderator,
                              scope=statement.opinion_map.process, data={"reason": reason}))


def vote_matrix(opinion_map: OpinionMap) -> tuple[np.ndarray, list[int | None], list[int]]:
    """Participants × visible statements (NaN: not voted), with the participants' and statements' ids."""
    statement_ids = list(opinion_map.statements.filter(hidden_at__isnull=True).order_by("id")
                         .values_list("id", flat=True))
    column = {pk: index for index, pk in enumerate(statement_ids)}
    rows = (Vote.objects.filter(opinion_map=opinion_map, participant__isnull=False, statement_id__in=statement_ids)
            .values_list("participant_id", "statement_id", "value"))
    triples = np.array(list(rows.iterator(chunk_size=20000)), dtype=np.int64).reshape(-1, 3)
    participants, row_index = np.unique(triples[:, 0], return_inverse=True)
    matrix = np.full((len(participants), len(statement_ids)), np.nan)
    if len(triples):
        columns = np.fromiter((column[pk] for pk in triples[:, 1]), dtype=np.int64, count=len(triples))
        matrix[row_index, columns] = triples[:, 2]
    return matrix, participants.tolist(), statement_ids


def do_compute_opinion_map(*, opinion_map: OpinionMap) -> dict:
    """Compute the groups from the votes and store the result (no person's id is stored, only coordinates)."""
    matrix, _participants, statement_ids = vote_matrix(opinion_map)
    result = opinion.compute(matrix) if matrix.size else None
    now = timezone.now()
    stored: dict[str, Any] = {"participants": len(matrix), "statements": len(statement_ids), "groups": [],
                              "consensus": [], "points": []}
    if result is not None:
        stored.update(
            placed=len(result.participants), k=result.k, silhouette=round(result.silhouette, 3),
            explained_variance=[round(value, 3) for value in result.explained_variance],
            points=[[round(float(x), 3), round(float(y), 3), int(group)]
                    for (x, y), group in zip(result.coordinates, result.labels, strict=True)],
            groups=[{"size": int(np.sum(result.labels == group)),
                     "representative": [{"statement": statement_ids[item.statement], "direction": item.direction,
                                         "group_rate": round(item.group_rate, 3),
                                         "rest_rate": round(item.rest_rate, 3)} for item in items]}
                    for group, items in enumerate(result.representative)],
            consensus=[{"statement": statement_ids[item.statement], "direction": item.direction,
                        "rates": [round(rate, 3) for rate in item.rates]} for item in result.consensus])
    with transaction.atomic():
        OpinionMap.objects.filter(pk=opinion_map.pk).update(result=stored, computed_at=now)
        opinion_map.result, opinion_map.computed_at = stored, now
        publish(OpinionMapComputed(opinion_map.municipality, opinion_map, scope=opinion_map.process,
                                   data={"k": stored.get("k"), "participants": stored["participants"]}))
    return stored
