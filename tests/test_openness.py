"""The openness self-assessment: three people answer, the radar, the spread and the change since last year;
answers change until the round closes; the lab comparison shows only members that consented; access."""

import re
import statistics

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kommune.core.models import Role
from kommune.core.perspectives import Perspective
from kommune.openness import selectors, services
from kommune.openness.models import Answer, Round
from kommune.openness.questionnaire import CURRENT_VERSION, statements
from tests.factories import LabFactory, MembershipFactory, MunicipalityFactory, UserFactory
from tests.factories_openness import answered_round, by_perspective, registered_indicator, uniform

pytestmark = pytest.mark.django_db


def _varied(base: int, offsets: tuple[int, int, int]) -> dict[str, int]:
    """Ratings that differ inside a perspective: statement n of each perspective gets base + offsets[n-1]."""
    return {s.key: max(1, min(5, base + offsets[int(s.key[-1]) - 1])) for s in statements(CURRENT_VERSION)}


@pytest.fixture
def team(musterstadt, carol, bob, erin):
    return [carol, bob, erin]


def _expected(answers: dict) -> dict[str, list[float]]:
    """Independent computation: each person's mean per perspective."""
    result: dict[str, list[float]] = {p.value: [] for p in Perspective}
    for ratings in answers.values():
        for perspective in Perspective:
            values = [ratings[s.key] for s in statements(CURRENT_VERSION) if s.perspective == perspective]
            result[perspective.value].append(sum(values) / len(values))
    return result


def test_three_people_give_the_radar_the_spread_and_the_change_since_last_year(client, musterstadt, team, carol):
    last_year = {carol: uniform(2), team[1]: uniform(3), team[2]: uniform(2)}
    this_year = {carol: _varied(4, (0, 1, 0)), team[1]: _varied(2, (-1, 0, 0)), team[2]: _varied(3, (1, 0, -1))}
    answered_round(musterstadt, 2025, carol, last_year)
    current = answered_round(musterstadt, 2026, carol, this_year, close=False)

    outcome = selectors.round_result(current)
    expected = _expected(this_year)
    previous = _expected(last_year)
    assert outcome.people == 3 and outcome.previous.year == 2025
    for result in outcome.perspectives:
        scores = sorted(expected[result.perspective.value])
        assert result.spread.people == 3
        assert result.spread.minimum == pytest.approx(scores[0], abs=0.01)
        assert result.spread.maximum == pytest.approx(scores[-1], abs=0.01)
        assert result.spread.median == pytest.approx(statistics.median(scores), abs=0.01)
        assert result.spread.mean == pytest.approx(statistics.fmean(scores), abs=0.01)
        assert result.previous_mean == pytest.approx(statistics.fmean(previous[result.perspective.value]), abs=0.01)
        assert result.change == pytest.approx(statistics.fmean(scores) - statistics.fmean(
            previous[result.perspective.value]), abs=0.02)
    # Transparency: people score 13/3, 5/3, 3 → mean 3.0, last year 7/3 → change +0.67.
    transparency = outcome.by_key()["transparency"]
    assert transparency.spread.mean == pytest.approx(3.0) and transparency.change == pytest.approx(0.67, abs=0.01)

    client.force_login(carol)
    response = client.get("/musterstadt/verwaltung/offenheit/2026/ergebnis/")
    assert response.status_code == 200
    html = response.content.decode()
    svg = re.search(r'<svg class="openness-radar" role="img" aria-labelledby="radar-title radar-desc".*?</svg>',
                    html, re.S)
    assert svg and '<title id="radar-title">' in svg.group(0) and '<desc id="radar-desc">' in svg.group(0)
    assert svg.group(0).count("<polygon") == 5 + 2  # the rings, last year's mean, this year's mean
    assert "fill-rule=\"evenodd\"" in svg.group(0)  # the band of the spread
    assert "4,3" in html and "1,7" in html  # German decimals: the highest and lowest transparency scores
    assert "+0,7" in html  # the change since 2025
    assert "Lower quartile" in html or "Unteres Quartil" in html


def test_answers_change_until_the_round_is_closed(musterstadt, carol):
    round_ = services.do_open_round(municipality=musterstadt, actor=carol, year=2026)
    services.do_answer_round(round=round_, actor=carol, ratings=uniform(2), evidence={"transparency.1": "Ratsinfo"})
    services.do_answer_round(round=round_, actor=carol, ratings=uniform(4))
    assert set(Answer.objects.filter(round=round_, user=carol).values_list("rating", flat=True)) == {4}
    assert Answer.objects.filter(round=round_).count() == len(statements(CURRENT_VERSION))
    services.do_close_round(round=round_, actor=carol)
    with pytest.raises(ValidationError) as error:
        services.do_answer_round(round=round_, actor=carol, ratings=uniform(5))
    assert error.value.code == "closed"


def test_every_statement_needs_a_rating_on_the_scale(musterstadt, carol):
    round_ = services.do_open_round(municipality=musterstadt, actor=carol, year=2026)
    incomplete = uniform(3)
    incomplete.pop("culture.3")
    with pytest.raises(ValidationError):
        services.do_answer_round(round=round_, actor=carol, ratings=incomplete)
    with pytest.raises(ValidationError):
        services.do_answer_round(round=round_, actor=carol, ratings={**uniform(3), "culture.3": 6})
    with pytest.raises(ValidationError):
        services.do_open_round(municipality=musterstadt, actor=carol, year=2026)


def test_the_questionnaire_saves_and_shows_errors(client, musterstadt, carol):
    services.do_open_round(municipality=musterstadt, actor=carol, year=2026)
    client.force_login(carol)
    url = "/musterstadt/verwaltung/offenheit/2026/"
    response = client.get(url)
    assert response.status_code == 200 and "Selbstbewertung 2026" in response.content.decode()
    response = client.post(url, {"rating_transparency_1": "4"})
    assert response.status_code == 400 and 'id="error-summary"' in response.content.decode()
    data = {f"rating_{s.key.replace('.', '_')}": "3" for s in statements(CURRENT_VERSION)}
    data["evidence_dialogue_2"] = "Abwägungstabelle veröffentlicht"
    response = client.post(url, data)
    assert response.status_code == 302
    assert Answer.objects.get(user=carol, statement="dialogue.2").evidence == "Abwägungstabelle veröffentlicht"
    assert client.post(url, {**data, "evidence_dialogue_2": "a\x00b"}).status_code == 400


def test_a_resident_and_a_foreign_admin_cannot_see_or_answer(client, musterstadt, carol, alice, dave, bob):
    round_ = services.do_open_round(municipality=musterstadt, actor=carol, year=2026)
    for person in (alice, dave):
        client.force_login(person)
        assert client.get("/musterstadt/verwaltung/offenheit/2026/").status_code == 403
        assert client.get("/musterstadt/verwaltung/offenheit/2026/ergebnis/").status_code == 403
        with pytest.raises(PermissionDenied):
            services.do_answer_round(round=round_, actor=person, ratings=uniform(3))
    client.logout()
    assert client.get("/musterstadt/verwaltung/offenheit/").status_code == 302  # to the login
    # The moderator belongs to the team: answers, but neither closes the round nor publishes the report.
    client.force_login(bob)
    assert client.get("/musterstadt/verwaltung/offenheit/2026/").status_code == 200
    assert client.post("/musterstadt/verwaltung/offenheit/2026/abschliessen/").status_code == 403
    assert client.post("/musterstadt/verwaltung/offenheit/bericht/", {"report-year": "2025"}).status_code == 403


@pytest.mark.parametrize("year", ["99999999999999999999", "abc", "1999", "²"])
def test_a_bad_year_in_the_address_is_a_404(client, musterstadt, carol, year):
    client.force_login(carol)
    assert client.get(f"/musterstadt/verwaltung/offenheit/{year}/").status_code == 404
    assert client.get(f"/musterstadt/offenheit/{year}/").status_code == 404


def test_a_bad_year_in_the_form_is_a_german_error(client, musterstadt, carol):
    client.force_login(carol)
    response = client.post("/musterstadt/verwaltung/offenheit/runde/", {"round-year": "zwanzig"})
    assert response.status_code == 400 and 'id="error-summary"' in response.content.decode()
    response = client.post("/musterstadt/verwaltung/offenheit/runde/", {"round-year": "2026"})
    assert response.status_code == 302
    response = client.post("/musterstadt/verwaltung/offenheit/runde/", {"round-year": "2026"})
    assert response.status_code == 400 and "2026" in response.content.decode()
    assert Round.objects.filter(municipality=musterstadt).count() == 1


def test_the_lab_comparison_hides_members_that_did_not_consent(client, musterstadt, anderstadt, carol, dave, erin):
    third = MunicipalityFactory(name="Dritthausen", slug="dritthausen")
    third_staff = UserFactory()
    MembershipFactory(user=third_staff, municipality=third, role=Role.STAFF)
    lab = LabFactory(name="Labor Test", slug="labor-test")
    lab.municipalities.add(musterstadt, anderstadt, third)
    MembershipFactory(user=erin, lab=lab, municipality=None, role=Role.ADMIN)
    answered_round(musterstadt, 2026, carol, {carol: uniform(4)}, shared=True)
    answered_round(anderstadt, 2026, dave, {dave: uniform(1)}, shared=False)
    answered_round(third, 2026, third_staff, {third_staff: uniform(3)}, shared=True)

    names = [member.municipality.name for member in selectors.lab_comparison(lab, 2026)]
    assert names == ["Dritthausen", "Musterstadt"]

    client.force_login(carol)
    html = client.get("/musterstadt/verwaltung/offenheit/2026/ergebnis/").content.decode()
    assert "Dritthausen" in html and "Anderstadt" not in html
    client.force_login(erin)
    html = client.get("/labs/labor-test/verwaltung/offenheit/").content.decode()
    assert "Dritthausen" in html and "Musterstadt" in html and "Anderstadt" not in html
    assert client.get("/labs/labor-test/verwaltung/offenheit/?jahr=1999").status_code == 400

    # Anderstadt did not share: it sees nobody else's result either.
    client.force_login(dave)
    html = client.get("/anderstadt/verwaltung/offenheit/2026/ergebnis/").content.decode()
    assert "Dritthausen" not in html and "Musterstadt" not in html.split("<main", 1)[-1]


def test_the_result_shows_the_platforms_evidence_next_to_the_self_rating(client, musterstadt, carol):
    answered_round(musterstadt, 2026, carol, {carol: by_perspective({"open_data": 5})})
    with registered_indicator(Perspective.OPEN_DATA):
        client.force_login(carol)
        html = client.get("/musterstadt/verwaltung/offenheit/2026/ergebnis/").content.decode()
    assert "Testdatensätze veröffentlicht: 36" in html  # 10 × one municipality + 26


def test_the_privacy_export_and_deletion_cover_the_answers(musterstadt, carol):
    from kommune.openness.privacy import export_answers

    round_ = services.do_open_round(municipality=musterstadt, actor=carol, year=2026)
    services.do_answer_round(round=round_, actor=carol, ratings=uniform(4), evidence={"culture.1": "Leitbild"})
    exported = export_answers(carol)
    assert len(exported) == len(statements(CURRENT_VERSION))
    assert {"statement": "culture.1", "rating": 4, "evidence": "Leitbild"}.items() <= next(
        row for row in exported if row["statement"] == "culture.1").items()
    services.delete_answers_of(carol)
    assert not Answer.objects.filter(user=carol).exists()
