"""Surveys: building, answering step by step without JavaScript, conditions, one response per person, paper
questionnaires, results (SVG charts with tables, CSV), open data, privacy and the evaluation export."""

import csv
import io
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kommune.core import privacy
from kommune.core.models import AuditLogEntry
from kommune.core.processes.evaluation import evaluation_tables
from kommune.core.records import record_sets
from kommune.surveys import services
from kommune.surveys.models import Answer, Response, Survey
from tests.factories_surveys import open_process, survey_with_questions

pytestmark = pytest.mark.django_db


def _ids(survey):
    return [question.pk for question in survey.questions.order_by("position")]


def _full_answers(survey, use=0):
    q1, q2, q3, q4, q5 = _ids(survey)
    return {q1: str(use), q2: "Einkaufen am Samstag", q3: ["0", "2"], q4: "4", q5: {0: "2", 1: "1", 2: "3"}}


def test_a_complete_response_is_stored_with_every_question_type(musterstadt, alice):
    survey = survey_with_questions(musterstadt)
    response = services.do_submit_response(survey=survey, user=alice, answers=_full_answers(survey))
    values = {answer.question.position: answer.value for answer in response.answers.select_related("question")}
    assert values == {1: 0, 2: "Einkaufen am Samstag", 3: [0, 2], 4: 4, 5: [1, 0, 2]}
    survey.refresh_from_db()
    assert survey.response_count == 1
    assert response.respondent is None  # anonymous: no link to the account, only the key
    assert response.respondent_key == services.respondent_key(survey, alice)


def test_the_answer_to_a_hidden_question_is_ignored_and_a_hidden_required_one_is_not_required(musterstadt, alice):
    survey = survey_with_questions(musterstadt)
    answers = _full_answers(survey, use=1)  # "Nein": question 2 does not apply
    response = services.do_submit_response(survey=survey, user=alice, answers=answers)
    assert 2 not in {answer.question.position for answer in response.answers.select_related("question")}


def test_missing_required_and_wrong_answers_are_refused_and_change_nothing(musterstadt, alice):
    survey = survey_with_questions(musterstadt)
    q1, q2, q3, q4, q5 = _ids(survey)
    with pytest.raises(ValidationError) as error:
        services.do_submit_response(survey=survey, user=alice, answers={q1: "0", q3: ["7"], q4: "9",
                                                                         q5: {0: "1", 1: "1", 2: "2"}})
    messages = error.value.message_dict
    assert set(messages) == {str(q2), str(q3), str(q4), str(q5)}
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_a_second_response_gets_a_clear_message_and_changes_nothing(musterstadt, alice):
    survey = survey_with_questions(musterstadt)
    services.do_submit_response(survey=survey, user=alice, answers=_full_answers(survey))
    with pytest.raises(ValidationError, match="bereits beantwortet") as error:
        services.do_submit_response(survey=survey, user=alice, answers=_full_answers(survey, use=1))
    assert error.value.code == "answered"
    assert Response.objects.count() == 1
    survey.refresh_from_db()
    assert survey.response_count == 1


def test_a_survey_is_open_only_while_a_phase_that_opens_surveys_runs(musterstadt, alice):
    process = open_process(musterstadt, "comments")
    survey = survey_with_questions(musterstadt, process=process)
    assert services.answer_refusal(survey, alice) == "closed"
    survey = survey_with_questions(musterstadt)
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert services.answer_refusal(survey, alice) == "closed"
        with pytest.raises(ValidationError, match="nicht geöffnet"):
            services.do_submit_response(survey=survey, user=alice, answers=_full_answers(survey))
    assert Response.objects.count() == 0


def test_verified_residents_only(musterstadt, alice):
    from kommune.accounts.models import Residency

    survey = survey_with_questions(musterstadt, audience="verified")
    assert services.answer_refusal(survey, alice) == "not_verified"
    Residency.objects.create(user=alice, municipality=musterstadt, method="counter")
    assert services.answer_refusal(survey, alice) is None


def test_staff_build_a_survey_with_a_condition(musterstadt, carol, alice):
    process = open_process(musterstadt)
    survey = services.do_create_survey(municipality=musterstadt, actor=carol, process=process, title="Radwege")
    first = services.do_add_question(survey=survey, actor=carol, kind="single", text="Fahren Sie Rad?",
                                     options=["Ja", "Nein"], is_required=True)
    with pytest.raises(ValidationError):
        services.do_add_question(survey=survey, actor=carol, kind="text", text="Wo?", condition_question=first,
                                 condition_value=5)
    services.do_add_question(survey=survey, actor=carol, kind="text", text="Wo?", condition_question=first,
                             condition_value=0)
    with pytest.raises(PermissionDenied):
        services.do_add_question(survey=survey, actor=alice, kind="text", text="Fremd?")
    services.do_publish_survey(survey=survey, actor=carol)
    assert survey.is_published and survey.questions.count() == 2


# --- The pages ----------------------------------------------------------------------------------------------------


def test_answering_step_by_step_without_javascript(client, musterstadt, alice):
    survey = survey_with_questions(musterstadt)
    q1, q2, q3, q4, q5 = _ids(survey)
    client.force_login(alice)
    url = reverse("surveys:answer", kwargs={"municipality_slug": "musterstadt", "survey_id": survey.pk})
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="q{q1}"' in html and f'name="q{q2}"' not in html  # the conditional question comes later
    # Step 1 without the required answer: the step again, with the error in German.
    page = client.post(url, {"step": "0"})
    assert page.status_code == 400 and "Bitte beantworten Sie diese Frage." in page.content.decode()
    # "Ja": step 2 shows the conditional question, the first answer travels along as a hidden input.
    page = client.post(url, {"step": "0", f"q{q1}": "0"})
    html = page.content.decode()
    assert page.status_code == 200 and f'name="q{q2}"' in html and f'type="hidden" name="q{q1}" value="0"' in html
    page = client.post(url, {"step": "1", f"q{q1}": "0", f"q{q2}": "Wochenmarkt", f"q{q3}": ["1"], f"q{q4}": "5",
                             f"q{q5}_0": "1", f"q{q5}_1": "2", f"q{q5}_2": "3"})
    assert page.status_code == 302
    assert Response.objects.filter(survey=survey).count() == 1
    # A second time: a clear message on the survey's page, nothing changes.
    page = client.get(url, follow=True)
    assert "bereits" in page.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_no_skips_the_conditional_question(client, musterstadt, alice):
    survey = survey_with_questions(musterstadt)
    q1, q2, q3, q4, q5 = _ids(survey)
    client.force_login(alice)
    url = reverse("surveys:answer", kwargs={"municipality_slug": "musterstadt", "survey_id": survey.pk})
    page = client.post(url, {"step": "0", f"q{q1}": "1"})
    assert f'name="q{q2}"' not in page.content.decode() and f'name="q{q4}"' in page.content.decode()


def test_results_show_accessible_svg_charts_with_tables_and_a_csv(client, musterstadt, alice, bob):
    survey = survey_with_questions(musterstadt)
    services.do_submit_response(survey=survey, user=alice, answers=_full_answers(survey))
    services.do_submit_response(survey=survey, user=bob, answers=_full_answers(survey, use=1))
    page = client.get(reverse("surveys:results", kwargs={"municipality_slug": "musterstadt", "survey_id": survey.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('role="img"') == 4  # every question but the free text
    assert "<title id=" in html and "<desc id=" in html and "Ja: 1 (50 %)" in html
    assert html.count('<th scope="row"') >= 11
    assert "Einkaufen am Samstag" not in html  # free texts are not published
    response = client.get(reverse("surveys:results_csv", kwargs={"municipality_slug": "musterstadt",
                                                                 "survey_id": survey.pk}))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:5] == ["1", "Nutzen Sie den Marktplatz?", "single", "Ja", "1"]


def test_staff_enter_a_paper_questionnaire_marked_and_audited(client, musterstadt, carol):
    survey = survey_with_questions(musterstadt)
    q1, q2, q3, q4, q5 = _ids(survey)
    client.force_login(carol)
    url = reverse("surveys:manage_paper", kwargs={"municipality_slug": "musterstadt", "survey_id": survey.pk})
    assert client.get(url).status_code == 200
    page = client.post(url, {"reference": "Bogen 17", f"q{q1}": "1", f"q{q2}": "ignoriert", f"q{q4}": "2"})
    assert page.status_code == 302
    response = Response.objects.get(survey=survey)
    assert response.channel == "paper" and response.entered_by == carol and response.respondent_key is None
    assert not response.answers.filter(question_id=q2).exists()
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.SURVEY_PAPER_RESPONSE)
    assert entry.actor == carol and entry.details["reference"] == "Bogen 17"
    # Two paper questionnaires are two responses (no key, no collision).
    services.do_enter_paper_response(survey=survey, actor=carol, answers={q1: "1", q4: "3"})
    assert Response.objects.filter(survey=survey).count() == 2


def test_open_data_has_aggregates_only_and_evaluation_pseudonyms(musterstadt, alice):
    survey = survey_with_questions(musterstadt, is_anonymous=False)
    services.do_submit_response(survey=survey, user=alice, answers=_full_answers(survey))
    record_set = next(item for item in record_sets() if item.key == "survey-results")
    rows = list(record_set.rows(musterstadt))
    assert {row["answer"] for row in rows} >= {"Ja", "Nein", "Bänke", "Schatten"}
    assert all("Einkaufen" not in str(row.values()) and "Alice" not in str(row.values()) for row in rows)
    table = next(t for t in evaluation_tables(survey.process, include_personal=True) if t.key == "survey-answers")
    rows = list(table.rows)
    assert rows and all(row[1].startswith("P-") and row[2] == "" for row in rows)  # no consent: no name


def test_privacy_export_finds_anonymous_responses_and_deletion_unlinks(musterstadt, alice):
    anonymous = survey_with_questions(musterstadt)
    named = survey_with_questions(musterstadt, is_anonymous=False)
    services.do_submit_response(survey=anonymous, user=alice, answers=_full_answers(anonymous))
    services.do_submit_response(survey=named, user=alice, answers=_full_answers(named), shares_name=True)
    exported = privacy.export_sections(alice)["survey_responses"]
    assert len(exported) == 2
    privacy.run_anonymisers(alice)
    assert not Response.objects.filter(respondent=alice).exists()
    assert Response.objects.count() == 2


def test_foreign_survey_is_a_404(client, musterstadt, anderstadt, dave):
    survey = survey_with_questions(musterstadt)
    client.force_login(dave)
    assert client.get(reverse("surveys:detail", kwargs={"municipality_slug": "anderstadt",
                                                        "survey_id": survey.pk})).status_code == 404


def test_unpublished_survey_is_hidden_from_residents(client, musterstadt, alice):
    survey = survey_with_questions(musterstadt, published=False)
    client.force_login(alice)
    assert client.get(survey.get_absolute_url()).status_code == 404
    assert Survey.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_second_responses_store_one(musterstadt, alice):
    """Two requests of the same person at once: the unique constraint lets one through (PostgreSQL: real
    parallel connections; SQLite serialises the writers)."""
    if connection.vendor != "postgresql":
        pytest.skip("parallel connections need PostgreSQL")
    survey = survey_with_questions(musterstadt)
    answers = _full_answers(survey)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def submit() -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.do_submit_response(survey=survey, user=alice, answers=answers)
            outcomes.append("stored")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("stored") == 1
    assert Response.objects.filter(survey=survey).count() == 1
    survey.refresh_from_db()
    assert survey.response_count == 1


def test_the_evaluation_names_only_those_who_agreed(musterstadt, alice, bob):
    survey = survey_with_questions(musterstadt, is_anonymous=False)
    services.do_submit_response(survey=survey, user=alice, answers=_full_answers(survey), shares_name=True)
    services.do_submit_response(survey=survey, user=bob, answers=_full_answers(survey, use=1))
    table = next(t for t in evaluation_tables(survey.process, include_personal=True) if t.key == "survey-answers")
    names = {row[2] for row in table.rows}
    assert names == {"Alice", ""}
    table = next(t for t in evaluation_tables(survey.process) if t.key == "survey-answers")
    assert {row[2] for row in table.rows} == {""}
