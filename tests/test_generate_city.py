"""generate_city: exact counts, counters that agree with the rows, a search index, and no second run."""

from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum

from kommune.accounts.models import Residency, User
from kommune.benchmark.management.commands.generate_city import (
    BENCH_PASSWORD,
    BENCH_USER_EMAIL,
    SCALES,
    Generator,
    split,
)
from kommune.core.comments.models import Comment, Thread
from kommune.core.models import Lab, Membership, Municipality, Role
from kommune.core.search import backends as search_backends
from kommune.core.search.models import SearchDocument
from kommune.proposals.models import Proposal, SignatureList, Support

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("benchmark_installed")]

DORF = SCALES["dorf"]


@pytest.fixture
def dorf() -> str:
    out = StringIO()
    call_command("generate_city", scale="dorf", stdout=out)
    return out.getvalue()


def test_the_counts_are_exactly_those_of_the_scale(dorf):
    assert Municipality.objects.count() == DORF.municipalities
    people = User.objects.filter(email__endswith="@example.invalid")
    assert people.count() == DORF.people + 1 + DORF.bench_supporters
    assert Proposal.objects.count() == DORF.proposals
    assert Support.objects.count() == DORF.supports
    assert Comment.objects.count() == DORF.comments
    assert Thread.objects.annotate(rows=Count("comments")).filter(rows=DORF.big_thread).count() == 1
    assert Lab.objects.get(slug="generiert-dorf").municipalities.count() == DORF.municipalities
    assert "Done in" in dorf


def test_everybody_is_a_verified_resident_and_only_bench_accounts_can_log_in(dorf):
    users = User.objects.filter(email__endswith="@example.invalid")
    assert Residency.objects.filter(user__in=users).count() == users.count()
    assert Membership.objects.filter(user__in=users, role=Role.RESIDENT).count() == users.count()
    usable = [user for user in users if user.has_usable_password()]
    assert {user.email for user in usable} == {BENCH_USER_EMAIL} | {
        f"bench-supporter-{n}@example.invalid" for n in range(DORF.bench_supporters)}
    assert check_password(BENCH_PASSWORD, usable[0].password)
    largest = Municipality.objects.order_by("-population").first()
    assert Residency.objects.filter(user__email=BENCH_USER_EMAIL, municipality=largest).exists()


def test_support_counters_agree_with_the_rows(dorf):
    rows = dict(Support.objects.values("proposal").annotate(n=Count("pk")).values_list("proposal", "n"))
    paper = dict(SignatureList.objects.values("proposal").annotate(n=Sum("count")).values_list("proposal", "n"))
    for proposal in Proposal.objects.all():
        assert proposal.online_supports == rows.get(proposal.pk, 0)
        assert proposal.paper_supports == paper.get(proposal.pk, 0)
        assert proposal.total_supports == proposal.online_supports + proposal.paper_supports
    assert paper, "some proposals have paper signature lists"
    assert not Support.objects.filter(user_id=F("proposal__author_id")).exists()
    assert not Support.objects.exclude(municipality_id=F("proposal__municipality_id")).exists()
    assert not Support.objects.filter(proposal__state=Proposal.State.DRAFT).exists()


def test_states_follow_from_supports_and_dates(dorf):
    reached = Proposal.objects.filter(state__in=[Proposal.State.THRESHOLD_REACHED, Proposal.State.ANSWERED])
    assert reached.exists() and not reached.filter(threshold_reached_at__isnull=True).exists()
    collecting = Proposal.objects.filter(state=Proposal.State.COLLECTING)
    assert collecting.exists()
    for proposal in collecting:
        assert proposal.total_supports < proposal.required_supports
    assert not Proposal.objects.filter(state=Proposal.State.ANSWERED, outcome="").exists()
    assert not Proposal.objects.filter(state=Proposal.State.DRAFT, published_at__isnull=False).exists()


def test_comment_counters_agree_with_the_visible_rows(dorf):
    visible = Q(comments__hidden_at__isnull=True)
    threads = Thread.objects.annotate(
        visible=Count("comments", filter=visible),
        visible_top=Count("comments", filter=visible & Q(comments__parent__isnull=True)))
    for thread in threads:
        assert (thread.comment_count, thread.top_level_count) == (thread.visible, thread.visible_top)
    replies = Comment.objects.filter(parent__isnull=True).annotate(
        visible_replies=Count("replies", filter=Q(replies__hidden_at__isnull=True)))
    for comment in replies:
        assert comment.reply_count == comment.visible_replies
    assert Comment.objects.filter(hidden_at__isnull=False).exists() or DORF.comments < 200
    assert not Comment.objects.exclude(parent=None).filter(parent__parent__isnull=False).exists()  # one level


def test_the_search_index_holds_what_was_created(dorf):
    proposal_type = ContentType.objects.get_for_model(Proposal)
    comment_type = ContentType.objects.get_for_model(Comment)
    published = Proposal.objects.exclude(state=Proposal.State.DRAFT)
    assert SearchDocument.objects.filter(content_type=proposal_type).count() == published.count()
    visible_on_published = Comment.objects.filter(hidden_at__isnull=True).exclude(
        thread__object_id__in=Proposal.objects.filter(state=Proposal.State.DRAFT).values("pk"))
    assert SearchDocument.objects.filter(content_type=comment_type).count() == visible_on_published.count()
    proposal = published.order_by("pk").first()
    hits = search_backends.search(f'"{proposal.title}"', municipality=proposal.municipality, kinds=["proposal"])
    assert hits.total >= published.filter(municipality=proposal.municipality, title=proposal.title).count() >= 1


def test_a_second_run_is_refused_clearly(dorf):
    out = StringIO()
    call_command("generate_city", scale="dorf", stdout=out)
    assert "already generated" in out.getvalue()
    assert Proposal.objects.count() == DORF.proposals
    with pytest.raises(CommandError, match="already holds the generated city of scale “dorf”"):
        call_command("generate_city", scale="stadt", stdout=StringIO())


def test_a_database_with_municipalities_is_refused(musterstadt):
    with pytest.raises(CommandError, match="already holds 1 municipalities"):
        call_command("generate_city", scale="dorf", stdout=StringIO())
    assert not Proposal.objects.exists()


def test_the_generator_is_deterministic(db):
    one, two = Generator(DORF, lambda line: None), Generator(DORF, lambda line: None)
    assert one.texts == two.texts and one.comment_texts == two.comment_texts
    assert [one._place_name() for _ in range(20)] == [two._place_name() for _ in range(20)]


@pytest.mark.parametrize(("total", "weights", "caps"), [
    (100, [1, 1, 1], None), (7, [5, 0.1, 0.1], [2, 10, 10]), (10, [1, 2, 3, 4], [1, 1, 1, 10])])
def test_split_adds_up_and_keeps_the_caps(total, weights, caps):
    parts = split(total, weights, caps)
    assert sum(parts) == total
    assert all(part <= cap for part, cap in zip(parts, caps or [total] * len(parts), strict=True))
