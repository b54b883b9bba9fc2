"""Opinion maps: statements, votes one at a time, moderation, and the computation of groups, representative and
consensus statements on synthetic votes with planted groups."""

import time

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from sklearn.metrics import adjusted_rand_score  # type: ignore[import-untyped]

from kommune.core.processes.evaluation import evaluation_tables
from kommune.core.records import record_sets
from kommune.surveys import opinion, selectors, services
from kommune.surveys.models import Statement, Vote
from kommune.surveys.tasks import compute_opinion_map
from tests.factories import UserFactory
from tests.factories_surveys import open_process, opinion_map

pytestmark = pytest.mark.django_db


# --- The computation ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("groups", [2, 3, 4, 5])
def test_planted_groups_and_consensus_are_recovered(groups):
    votes, truth, consensus = opinion.synthetic_votes(300, 40, groups=groups, consensus=4, seed=groups)
    result = opinion.compute(votes)
    assert result is not None and result.k == groups
    assert adjusted_rand_score(truth[result.participants], result.labels) >= 0.9
    found = {item.statement for item in result.consensus if item.direction == "agree"}
    assert set(consensus) <= found
    assert all(result.representative)  # every group has statements that set it apart


def test_missing_votes_are_imputed_with_the_column_mean():
    votes = np.array([[1.0, np.nan], [-1.0, 1.0], [1.0, np.nan], [np.nan, np.nan]])
    imputed = opinion.impute(votes)
    assert imputed[0, 1] == 1.0 and imputed[3, 0] == pytest.approx(1 / 3)


def test_participants_with_too_few_votes_are_not_placed():
    votes, _truth, _consensus = opinion.synthetic_votes(200, 30, seed=3)
    votes[:20, 3:] = np.nan  # twenty people voted on three statements only
    result = opinion.compute(votes)
    assert result is not None and not set(range(20)) & set(result.participants)


def test_the_full_size_computes_within_a_minute():
    """2,000 participants × 200 statements (the issue's size), 60 % of the votes given."""
    votes, truth, consensus = opinion.synthetic_votes(2000, 200, groups=3, seed=7)
    started = time.perf_counter()
    result = opinion.compute(votes)
    elapsed = time.perf_counter() - started
    assert result is not None and elapsed < 60
    assert adjusted_rand_score(truth[result.participants], result.labels) >= 0.9
    assert set(consensus) <= {item.statement for item in result.consensus}


def test_too_few_votes_give_no_map():
    assert opinion.compute(np.full((3, 5), np.nan)) is None


# --- Statements and votes -----------------------------------------------------------------------------------------


def test_statements_are_shown_one_at_a_time_and_votes_counted(musterstadt, alice):
    debate = opinion_map(musterstadt)
    seen = []
    while (statement := selectors.next_statement(debate, alice)) is not None:
        seen.append(statement.text)
        services.do_vote(statement=statement, participant=alice, value=Vote.Value.AGREE)
    assert sorted(seen) == sorted(["Mehr Bäume", "Mehr Bänke", "Weniger Autos"])
    assert list(Statement.objects.values_list("agree_count", flat=True)) == [1, 1, 1]
    debate.refresh_from_db()
    assert debate.vote_count == 3


def test_a_second_vote_and_a_vote_on_a_hidden_statement_change_nothing(musterstadt, alice, bob):
    debate = opinion_map(musterstadt)
    first, second = debate.statements.order_by("id")[:2]
    services.do_vote(statement=first, participant=alice, value=Vote.Value.AGREE)
    with pytest.raises(ValidationError, match="bereits abgestimmt"):
        services.do_vote(statement=first, participant=alice, value=Vote.Value.DISAGREE)
    services.apply_hidden(second, reason="Beleidigung", moderator=bob)
    with pytest.raises(ValidationError, match="von der Moderation ausgeblendet"):
        services.do_vote(statement=second, participant=alice, value=Vote.Value.AGREE)
    assert Vote.objects.count() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.agree_count, first.disagree_count, second.agree_count) == (1, 0, 0)
    assert selectors.next_statement(debate, alice).text == "Mehr Bänke"  # the hidden one is not offered


def test_a_vote_on_a_hidden_statement_through_the_page_gets_a_clear_message(client, musterstadt, alice, bob):
    debate = opinion_map(musterstadt)
    statement = debate.statements.first()
    services.apply_hidden(statement, reason="Werbung", moderator=bob)
    client.force_login(alice)
    page = client.post(reverse("surveys:vote", kwargs={"municipality_slug": "musterstadt", "map_id": debate.pk}),
                       {"statement": statement.pk, "vote": "agree"}, follow=True)
    assert "Moderation" in page.content.decode()
    assert Vote.objects.count() == 0


def test_voting_and_writing_through_the_pages_without_javascript(client, musterstadt, alice):
    debate = opinion_map(musterstadt)
    client.force_login(alice)
    url = debate.get_absolute_url()
    page = client.get(url)
    statement = selectors.next_statement(debate, alice)
    assert f'value="{statement.pk}"' in page.content.decode()
    client.post(reverse("surveys:vote", kwargs={"municipality_slug": "musterstadt", "map_id": debate.pk}),
                {"statement": statement.pk, "vote": "disagree"})
    assert Vote.objects.get().value == Vote.Value.DISAGREE
    page = client.post(reverse("surveys:post_statement", kwargs={"municipality_slug": "musterstadt",
                                                                 "map_id": debate.pk}), {"text": "x" * 300})
    assert page.status_code == 400 and Statement.objects.count() == 3
    client.post(reverse("surveys:post_statement", kwargs={"municipality_slug": "musterstadt", "map_id": debate.pk}),
                {"text": "Ein Brunnen für heiße Tage"})
    assert Statement.objects.filter(author=alice).count() == 1


def test_a_closed_map_takes_no_votes(musterstadt, alice):
    debate = opinion_map(musterstadt, process=open_process(musterstadt, "comments"))
    with pytest.raises(ValidationError, match="nicht geöffnet"):
        services.do_vote(statement=debate.statements.first(), participant=alice, value=Vote.Value.AGREE)
    assert Vote.objects.count() == 0


def test_the_background_task_computes_the_map_from_the_database(client, musterstadt):
    """Votes with three planted groups and two consensus statements, stored and computed by the task."""
    texts = [f"Aussage {index}" for index in range(12)]
    debate = opinion_map(musterstadt, statements=texts)
    statements = list(debate.statements.order_by("id"))
    votes, truth, consensus = opinion.synthetic_votes(60, 12, groups=3, consensus=2, participation=0.9, seed=11)
    people = UserFactory.create_batch(60)
    Vote.objects.bulk_create(
        Vote(municipality=musterstadt, opinion_map=debate, statement=statements[column], participant=people[row],
             value=int(votes[row, column]))
        for row in range(60) for column in range(12) if not np.isnan(votes[row, column]))
    compute_opinion_map.enqueue(debate.pk)
    debate.refresh_from_db()
    assert debate.result["k"] == 3 and debate.computed_at is not None
    view = selectors.map_view(debate)
    assert {item["text"] for item in view["consensus"]} >= {"Aussage 0", "Aussage 1"}
    page = client.get(debate.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and 'role="img"' in html and "<desc id=\"map-desc\">" in html
    assert html.count("<circle") == view["placed"]
    rows = list(next(s for s in record_sets() if s.key == "opinion-statements").rows(musterstadt))
    assert {row["consensus"] for row in rows if row["statement"] in ("Aussage 0", "Aussage 1")} == {"agree"}
    tables = {t.key: t for t in evaluation_tables(debate.process)}
    vote_rows = list(tables["opinion-votes"].rows)
    assert len(vote_rows) == Vote.objects.count() and all(row[2].startswith("P-") for row in vote_rows)


def test_a_person_has_one_pseudonym_across_the_tables_of_a_process_evaluation(musterstadt, alice):
    """Statements and votes use the pseudonym the comments table uses (core.processes.evaluation.pseudonym_for)."""
    from kommune.core.processes.evaluation import pseudonym_for

    target = opinion_map(musterstadt)
    statement = Statement.objects.filter(opinion_map=target).first()
    Statement.objects.filter(pk=statement.pk).update(author=alice)
    Vote.objects.create(municipality=musterstadt, opinion_map=target, statement=statement, participant=alice, value=1)
    tables = {table.key: table for table in evaluation_tables(target.process)}
    statement_person = {row[2] for row in tables["opinion-statements"].rows if row[1] == statement.pk}
    vote_person = {row[2] for row in tables["opinion-votes"].rows}
    assert statement_person == vote_person == {pseudonym_for(target.process, alice)}
