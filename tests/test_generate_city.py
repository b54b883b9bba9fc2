"""generate_city: exact counts, counters that agree with the rows, a search index, and no second run."""

from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum

from kommune.accounts.models import Residency, User
from kommune.adoptions.models import Adoption, CareEntry
from kommune.benchmark import (
    adoptions_city,
    codesign_city,
    consultations_city,
    methods_city,
    surveys_city,
    volunteering_city,
)
from kommune.benchmark.management.commands.generate_city import (
    BENCH_PASSWORD,
    BENCH_USER_EMAIL,
    SCALES,
    Generator,
    split,
)
from kommune.codesign.models import Rating
from kommune.codesign.models import Service as CodesignService
from kommune.consultations.models import Consideration, Consultation, Paragraph, Passage
from kommune.consultations.selectors import table_rows
from kommune.consultations.services import considered_comments
from kommune.core.comments.models import Comment, Thread
from kommune.core.models import Lab, Membership, Municipality, Role
from kommune.core.processes.models import Process
from kommune.core.search import backends as search_backends
from kommune.core.search.models import SearchDocument
from kommune.methods.models import Method, MethodUse, MethodVersion
from kommune.proposals.models import Proposal, SignatureList, Support
from kommune.surveys.models import Answer as SurveyAnswer
from kommune.surveys.models import Response, Survey
from kommune.surveys.services import is_shown, respondent_key
from kommune.volunteering.models import Project as VolunteerProject
from kommune.volunteering.models import Shift, SignUp

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
    on_proposals = Comment.objects.filter(thread__content_type=ContentType.objects.get_for_model(Proposal))
    assert on_proposals.count() == DORF.comments
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
    visible = Comment.objects.filter(hidden_at__isnull=True)
    on_published = visible.filter(thread__content_type=proposal_type).exclude(
        thread__object_id__in=Proposal.objects.filter(state=Proposal.State.DRAFT).values("pk"))
    on_paragraphs = visible.filter(thread__content_type=ContentType.objects.get_for_model(Paragraph))
    assert on_published.count() + on_paragraphs.count() == visible.count()
    assert SearchDocument.objects.filter(content_type=comment_type).count() == visible.count()
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


# --- The participation features (kommune/benchmark/<feature>_city.py) ----------------------------------------


def test_the_consultation_has_its_comments_and_a_complete_published_table(dorf):
    largest = Municipality.objects.order_by("-population").first()
    consultation = Consultation.objects.get(municipality=largest)
    assert consultation.is_public and consultation.considerations_published_at is not None
    paragraphs = Paragraph.objects.filter(version__consultation=consultation)
    assert paragraphs.count() == consultations_city.paragraph_count(DORF.proposals)
    paragraph_type = ContentType.objects.get_for_model(Paragraph)
    comments = Comment.objects.filter(thread__content_type=paragraph_type)
    assert comments.count() == consultations_city.comment_count(DORF.proposals)
    assert comments.filter(parent__isnull=False).exists() and Passage.objects.exists()
    # Every comment the table answers has its answer (the condition of publishing it), and no other has one.
    considered = considered_comments(consultation)
    assert Consideration.objects.filter(consultation=consultation).count() == considered.count() > 0
    assert not Consideration.objects.exclude(comment__in=considered).exists()
    assert all(row.answer is not None for row in table_rows(consultation))
    for passage in Passage.objects.select_related("paragraph"):
        assert passage.paragraph.text[passage.start:passage.end] == passage.quote


def test_the_survey_counts_its_responses_and_answers_what_was_shown(dorf, settings):
    survey = Survey.objects.get()
    assert survey.response_count == Response.objects.filter(survey=survey).count() == surveys_city.response_count(
        DORF.proposals)
    online = Response.objects.filter(survey=survey, respondent_key__isnull=False)
    assert online.count() == online.values("respondent_key").distinct().count()
    assert Response.objects.filter(survey=survey, respondent_key__isnull=True, channel="paper").exists()
    questions = list(survey.questions.all())
    answers: dict[int, dict[int, object]] = {}
    for response_id, question_id, value in SurveyAnswer.objects.values_list("response_id", "question_id", "value"):
        answers.setdefault(response_id, {})[question_id] = value
    for given in answers.values():
        shown = {q.pk for q in questions if is_shown(q, given)}
        assert set(given) <= shown
        assert all(q.pk in given for q in questions if q.is_required and q.pk in shown)
    user = User.objects.filter(email__endswith="@example.invalid").exclude(email__startswith="bench").first()
    assert len(respondent_key(survey, user)) == 64


def test_methods_have_versions_and_uses_in_published_processes(dorf):
    methods = Method.objects.all()
    assert methods.count() == methods_city.method_count(DORF.proposals)
    for method in methods:
        numbers = list(MethodVersion.objects.filter(method=method).order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, method.version + 1))
    assert MethodUse.objects.exists()
    assert not MethodUse.objects.exclude(municipality_id=F("process__municipality_id")).exists()
    assert not Process.objects.filter(is_published=False).exists()


def test_shift_counters_equal_the_confirmed_sign_ups(dorf):
    assert VolunteerProject.objects.count() == volunteering_city.project_count(DORF.proposals)
    confirmed = Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.CONFIRMED))
    for shift in Shift.objects.annotate(rows=confirmed):
        assert shift.signed_up_count == shift.rows <= shift.capacity
    assert SignUp.objects.filter(status=SignUp.Status.CANCELLED).exists()
    assert not SignUp.objects.exclude(name=F("user__display_name")).exists()


def test_assets_have_at_most_one_running_adoption_and_care_by_their_adopters(dorf):
    largest = Municipality.objects.order_by("-population").first()
    assert largest.adoption_assets.count() == adoptions_city.asset_count(DORF.proposals)
    running = Adoption.objects.filter(ended_at__isnull=True)
    assert running.exists() and Adoption.objects.filter(ended_at__isnull=False).exists()
    assert running.values("asset", "season").distinct().count() == running.count()
    assert not CareEntry.objects.exclude(asset_id=F("adoption__asset_id")).exists()
    assert not CareEntry.objects.filter(done_on__lt=F("adoption__adopted_at__date")).exists()


def test_each_service_counts_its_ratings_one_per_person_and_step(dorf):
    services = CodesignService.objects.annotate(rows=Count("ratings"))
    assert services.count() == codesign_city.service_count(DORF.proposals)
    for service in services:
        assert service.rating_count == service.rows > 0
    online = Rating.objects.filter(person__isnull=False)
    assert online.values("step", "person").distinct().count() == online.count()
    assert Rating.objects.filter(person__isnull=True, channel=Rating.EntryChannel.PHONE).exists()
