"""The REST API of surveys and opinion maps: reads, one response per person, votes and hidden statements."""

import pytest

from kommune.surveys import services
from kommune.surveys.models import Response, Vote
from tests.factories_api import ApiClient, api_token, error_of
from tests.factories_surveys import opinion_map, survey_with_questions

pytestmark = pytest.mark.django_db
M = "municipalities/musterstadt"


def test_surveys_are_read_with_questions_and_results(musterstadt, alice):
    survey = survey_with_questions(musterstadt)
    survey_with_questions(musterstadt, published=False)
    api = ApiClient()
    listed = api.get(f"{M}/surveys").json()
    assert [item["id"] for item in listed["items"]] == [survey.pk] and listed["items"][0]["is_open"] is True
    detail = api.get(f"{M}/surveys/{survey.pk}").json()
    assert [q["kind"] for q in detail["questions"]] == ["single", "text", "multiple", "rating", "ranking"]
    assert detail["questions"][1]["condition_question"] == detail["questions"][0]["id"]
    ids = [q["id"] for q in detail["questions"]]
    answered = ApiClient(api_token(alice)).post(f"{M}/surveys/{survey.pk}/responses", {"answers": {
        str(ids[0]): 1, str(ids[1]): "ignoriert", str(ids[3]): 3, str(ids[4]): {"0": 3, "1": 1, "2": 2}}})
    assert answered.status_code == 201
    again = ApiClient(api_token(alice)).post(f"{M}/surveys/{survey.pk}/responses",
                                             {"answers": {str(ids[0]): 0, str(ids[3]): 3}})
    assert again.status_code == 422 and "bereits" in error_of(again)["message"]
    assert Response.objects.count() == 1
    results = api.get(f"{M}/surveys/{survey.pk}/results").json()
    assert results[0]["answers"][1] == {"label": "Nein", "count": 1, "share": 1.0, "average_place": None}
    assert results[4]["answers"][0]["label"] == "Sitzplätze"  # placed first


def test_missing_required_answers_name_the_question(musterstadt, alice):
    survey = survey_with_questions(musterstadt)
    refused = ApiClient(api_token(alice)).post(f"{M}/surveys/{survey.pk}/responses", {"answers": {}})
    assert refused.status_code == 422
    assert Response.objects.count() == 0


def test_opinion_maps_votes_and_hidden_statements(musterstadt, alice, bob):
    debate = opinion_map(musterstadt)
    statement, hidden = debate.statements.order_by("id")[:2]
    services.apply_hidden(hidden, reason="Beleidigung", moderator=bob)
    api, anonymous = ApiClient(api_token(alice)), ApiClient()
    assert [s["id"] for s in anonymous.get(f"{M}/opinion-maps/{debate.pk}/statements").json()["items"]] == [
        statement.pk, debate.statements.order_by("id")[2].pk]
    base = f"{M}/opinion-maps/{debate.pk}/statements"
    assert api.post(f"{base}/{statement.pk}/vote", {"vote": "agree"}).status_code == 201
    assert error_of(api.post(f"{base}/{statement.pk}/vote", {"vote": "pass"}))["code"] == "voted"
    refused = api.post(f"{base}/{hidden.pk}/vote", {"vote": "agree"})
    assert refused.status_code == 422 and error_of(refused)["code"] == "hidden"
    assert Vote.objects.count() == 1
    assert api.post(base, {"text": "Mehr Wasserspender"}).status_code == 201
    detail = anonymous.get(f"{M}/opinion-maps/{debate.pk}").json()
    assert detail["statement_count"] == 4 and detail["groups"] == [] and detail["consensus"] == []


def test_foreign_and_unpublished_are_404(musterstadt, anderstadt):
    survey = survey_with_questions(musterstadt)
    draft = opinion_map(musterstadt, published=False)
    assert ApiClient().get(f"municipalities/anderstadt/surveys/{survey.pk}").status_code == 404
    assert ApiClient().get(f"{M}/opinion-maps/{draft.pk}").status_code == 404
