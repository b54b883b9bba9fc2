"""The platform-measured indicators (kommune/core/indicators.py and each app's indicators.py): on generated data
each value equals an independent computation in Python over the rows, another municipality's rows never count,
and each measure runs the same number of queries whatever the data size."""

import random
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kommune.adoptions.models import Adoption, Asset
from kommune.consultations.models import Answer, Consideration
from kommune.core.comments.models import Comment
from kommune.core.indicators import (
    AGE_BANDS,
    UNKNOWN_AGE,
    Unit,
    age_band_of,
    indicator_by_key,
    indicators,
    median,
)
from kommune.inclusion.models import Event, Registration
from kommune.opendata.models import Dataset
from kommune.proposals.models import Proposal, SignatureList, Support
from kommune.reports.models import Report
from kommune.surveys.models import Response
from tests.factories import MunicipalityFactory, UserFactory
from tests.factories_comments import CommentFactory, thread_for
from tests.factories_consultations import consultation as make_consultation
from tests.factories_inclusion import EventFactory, PartnerFactory, RegistrationFactory
from tests.factories_opendata import DatasetFactory
from tests.factories_processes import published_process
from tests.factories_proposals import ProposalFactory, SignatureListFactory
from tests.factories_reports import IssueReportFactory, ServiceFactory
from tests.factories_surveys import survey_with_questions

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 1, tzinfo=BERLIN)
END = datetime(2026, 6, 1, tzinfo=BERLIN)
SPAN_START = datetime(2026, 1, 1, tzinfo=BERLIN)
SPAN_DAYS = 240  # the generated rows spread from January to August
ON = date(2026, 5, 31)  # the last day of the period: the ages of the breakdown are taken on it

MEASURED = ("core.participants", "core.assisted_share", "proposals.answered_in_time",
            "proposals.median_answer_days", "consultations.comments_answered", "inclusion.registrations",
            "inclusion.events_held", "opendata.datasets_published", "opendata.datasets_available", "reports.closed",
            "reports.median_close_days", "adoptions.active")


def in_period(moment) -> bool:
    return moment is not None and START <= moment < END


def share(part: int, whole: int):
    return round(100.0 * part / whole, 1) if whole else None


def median_of_days(pairs):
    result = median([(later - earlier).total_seconds() / 86400.0 for earlier, later in pairs])
    return None if result is None else round(result, 1)


class Generator:
    """Rows of every kind with times spread over eight months, some inside the measured period, some outside."""

    def __init__(self, municipality, seed: int, size: int):
        self.municipality, self.random, self.size = municipality, random.Random(seed), size
        self.people = [UserFactory(birth_date=self.birth_date()) for _ in range(max(4, size // 2))]

    def moment(self) -> datetime:
        return SPAN_START + timedelta(minutes=self.random.randrange(SPAN_DAYS * 24 * 60))

    def birth_date(self):
        if self.random.random() < 0.15:
            return None
        return date(1940, 1, 1) + timedelta(days=self.random.randrange(80 * 365))

    def person(self):
        return self.random.choice(self.people)

    def build(self) -> None:
        self.comments()
        self.proposals()
        self.survey()
        self.consultation()
        self.inclusion()
        self.datasets()
        self.reports()
        self.adoptions()

    def comments(self) -> None:
        thread = thread_for(published_process(self.municipality))
        for _ in range(self.size):
            channel = self.random.choice(["", "", "", "phone", "letter", "event"])
            comment = CommentFactory(thread=thread, author=self.person(), channel=channel,
                                     hidden_at=self.moment() if self.random.random() < 0.1 else None)
            Comment.objects.filter(pk=comment.pk).update(created_at=self.moment())

    def proposals(self) -> None:
        for _ in range(max(2, self.size // 2)):
            reached = self.moment() - timedelta(days=60)
            due = reached + timedelta(days=90)
            answered = reached + timedelta(days=self.random.randrange(10, 140)) if self.random.random() < 0.7 else None
            proposal = ProposalFactory(municipality=self.municipality, state="answered" if answered else "collecting",
                                       outcome="council" if answered else "", published_at=reached,
                                       threshold_reached_at=reached if self.random.random() < 0.9 else None,
                                       answer_due_at=due if self.random.random() < 0.9 else None,
                                       answered_at=answered)
            for person in self.random.sample(self.people, k=min(3, len(self.people))):
                support = Support.objects.create(municipality=self.municipality, proposal=proposal, user=person)
                Support.objects.filter(pk=support.pk).update(created_at=self.moment())
            paper = SignatureListFactory(proposal=proposal, count=self.random.randrange(1, 30))
            SignatureList.objects.filter(pk=paper.pk).update(created_at=self.moment())

    def survey(self) -> None:
        survey = survey_with_questions(self.municipality, is_anonymous=False)
        for index in range(self.size):
            paper = self.random.random() < 0.3
            response = Response.objects.create(
                municipality=self.municipality, survey=survey, respondent=None if paper else self.person(),
                respondent_key=None if paper else f"{self.municipality.pk}-{index}",
                channel=Response.Channel.PAPER if paper else Response.Channel.ONLINE)
            Response.objects.filter(pk=response.pk).update(created_at=self.moment())

    def consultation(self) -> None:
        for opens_at in (datetime(2026, 2, 1, tzinfo=BERLIN), datetime(2026, 4, 1, tzinfo=BERLIN),
                         datetime(2026, 7, 1, tzinfo=BERLIN)):
            item = make_consultation(self.municipality, opens_at=opens_at, closes_at=opens_at + timedelta(days=30))
            paragraphs = list(item.versions.get().paragraphs.all())
            answer = Answer.objects.create(municipality=self.municipality, consultation=item, disposition="noted",
                                           text="Wird geprüft.")
            for _ in range(max(2, self.size // 4)):
                comment = CommentFactory(thread=thread_for(self.random.choice(paragraphs)), author=self.person())
                if self.random.random() < 0.2:
                    CommentFactory(thread=comment.thread, parent=comment, author=self.person())
                if self.random.random() < 0.6:
                    Consideration.objects.create(municipality=self.municipality, consultation=item, comment=comment,
                                                 answer=answer)

    def inclusion(self) -> None:
        partner = PartnerFactory(municipality=self.municipality, slug=f"ort-{self.municipality.pk}")
        for _ in range(max(2, self.size // 2)):
            event = EventFactory(partner=partner, starts_at=self.moment(), is_cancelled=self.random.random() < 0.2)
            for _ in range(3):
                status = self.random.choice(list(Registration.Status.values))
                RegistrationFactory(event=event, status=status, created_at=self.moment())

    def datasets(self) -> None:
        for _ in range(max(2, self.size // 3)):
            published = self.random.random() < 0.7
            DatasetFactory(municipality=self.municipality, is_published=published,
                           issued_at=self.moment() if published or self.random.random() < 0.5 else None)

    def reports(self) -> None:
        service = ServiceFactory(municipality=self.municipality)
        for _ in range(max(2, self.size // 2)):
            created = self.moment()
            hours = self.random.randrange(1, 60 * 24)
            closed = created + timedelta(hours=hours) if self.random.random() < 0.6 else None
            report = IssueReportFactory(service=service, status="closed" if closed else "open", closed_at=closed)
            Report.objects.filter(pk=report.pk).update(created_at=created)

    def adoptions(self) -> None:
        for index in range(max(2, self.size // 3)):
            asset = Asset.objects.create(municipality=self.municipality, kind="tree", name=f"Linde {index}",
                                         geometry={"type": "Point", "coordinates": [7.6, 51.9]},
                                         latitude="51.900000", longitude="7.600000")
            adopted = self.moment() - timedelta(days=self.random.randrange(0, 400))
            ended = adopted + timedelta(days=self.random.randrange(5, 200)) if self.random.random() < 0.5 else None
            Adoption.objects.create(municipality=self.municipality, asset=asset, season=adopted.year,
                                    user=self.person(), adopted_at=adopted, ended_at=ended)


def expected_values(municipality) -> dict:
    """Every indicator computed in Python from the rows of ``municipality``, without the indicators' code."""
    mine = {"municipality": municipality}
    comments = [c for c in Comment.objects.filter(**mine) if c.hidden_at is None and in_period(c.created_at)]
    supports = [s for s in Support.objects.filter(**mine) if in_period(s.created_at)]
    papers = [p for p in SignatureList.objects.filter(**mine) if in_period(p.created_at)]
    responses = [r for r in Response.objects.filter(**mine) if in_period(r.created_at)]
    people = ({c.author_id for c in comments if c.author_id} | {s.user_id for s in supports}
              | {r.respondent_id for r in responses if r.respondent_id})
    contributions = len(comments) + len(supports) + sum(p.count for p in papers) + len(responses)
    assisted = (len([c for c in comments if c.channel]) + sum(p.count for p in papers)
                + len([r for r in responses if r.channel == "paper"]))

    answered = [p for p in Proposal.objects.filter(**mine) if in_period(p.answered_at)]
    in_time = [p for p in answered if p.answer_due_at is None or p.answered_at <= p.answer_due_at]

    considered = set(Consideration.objects.values_list("comment_id", flat=True))
    consultation_comments = [
        c for c in Comment.objects.filter(**mine, parent__isnull=True, hidden_at__isnull=True,
                                          thread__content_type__model="paragraph")
        if in_period(_consultation_of(c).comments_close_at)]

    events = list(Event.objects.filter(**mine))
    datasets = list(Dataset.objects.filter(**mine, is_published=True))
    closed = [r for r in Report.objects.filter(**mine) if r.status == "closed" and in_period(r.closed_at)]
    adoptions = [a for a in Adoption.objects.filter(**mine) if a.season in (2026,) and a.adopted_at < END
                 and (a.ended_at is None or a.ended_at >= START)]
    return {
        "core.participants": float(len(people)),
        "core.assisted_share": share(assisted, contributions),
        "proposals.answered_in_time": share(len(in_time), len(answered)),
        "proposals.median_answer_days": median_of_days(
            [(p.threshold_reached_at, p.answered_at) for p in answered if p.threshold_reached_at]),
        "consultations.comments_answered": share(len([c for c in consultation_comments if c.pk in considered]),
                                                 len(consultation_comments)),
        "inclusion.registrations": float(len([
            r for r in Registration.objects.filter(**mine) if r.status == "confirmed" and in_period(r.created_at)])),
        "inclusion.events_held": float(len([e for e in events if not e.is_cancelled and in_period(e.starts_at)])),
        "opendata.datasets_published": float(len([d for d in datasets if in_period(d.issued_at)])),
        "opendata.datasets_available": float(len([d for d in datasets if d.issued_at and d.issued_at < END])),
        "reports.closed": float(len(closed)),
        "reports.median_close_days": median_of_days([(r.created_at, r.closed_at) for r in closed]),
        "adoptions.active": float(len(adoptions)),
    }


def _consultation_of(comment):
    from kommune.consultations.models import Paragraph

    paragraph = Paragraph.objects.select_related("version__consultation").get(pk=comment.thread.object_id)
    return paragraph.version.consultation


def expected_age_bands(municipality) -> dict[str, float]:
    mine = {"municipality": municipality}
    ids = ({c.author_id for c in Comment.objects.filter(**mine) if c.hidden_at is None and in_period(c.created_at)}
           | {s.user_id for s in Support.objects.filter(**mine) if in_period(s.created_at)}
           | {r.respondent_id for r in Response.objects.filter(**mine)
              if r.respondent_id and in_period(r.created_at)})
    ids.discard(None)
    counts = dict.fromkeys([label for label, _low, _below in AGE_BANDS] + [UNKNOWN_AGE], 0.0)
    for person in UserFactory._meta.model.objects.filter(pk__in=ids):
        counts[age_band_of(person.birth_date, ON)] += 1
    return counts


@pytest.fixture
def generated():
    home = MunicipalityFactory(slug="musterstadt", name="Musterstadt")
    other = MunicipalityFactory(slug="anderstadt", name="Anderstadt")
    Generator(home, seed=15, size=24).build()
    Generator(other, seed=16, size=12).build()  # must never count for Musterstadt
    return SimpleNamespace(home=home, other=other)


def test_at_least_eight_measured_indicators_are_registered_with_descriptions():
    keys = {indicator.key for indicator in indicators()}
    assert set(MEASURED) <= keys
    assert len(keys) >= 8
    for key in MEASURED:
        indicator = indicator_by_key(key)
        assert indicator is not None and str(indicator.label) and len(str(indicator.description)) > 20
        assert isinstance(indicator.unit, Unit)


@pytest.mark.parametrize("key", MEASURED)
def test_each_indicator_equals_an_independent_computation_on_generated_data(generated, key):
    expected = expected_values(generated.home)
    value = indicator_by_key(key).measure([generated.home.pk], START, END)
    assert value == (pytest.approx(expected[key]) if expected[key] is not None else None), key


def test_the_generated_data_gives_every_indicator_a_value(generated):
    """So that the comparison above compares numbers, not two Nones."""
    assert [key for key, value in expected_values(generated.home).items() if value is None] == []


def test_a_lab_measures_the_sum_of_its_members(generated):
    both = [generated.home.pk, generated.other.pk]
    for key in ("core.participants", "reports.closed", "inclusion.events_held", "opendata.datasets_available"):
        indicator = indicator_by_key(key)
        assert indicator.measure(both, START, END) == (indicator.measure([generated.home.pk], START, END)
                                                       + indicator.measure([generated.other.pk], START, END))


def test_the_participants_break_down_by_age_band(generated):
    indicator = indicator_by_key("core.participants")
    bands = indicator.breakdown([generated.home.pk], START, END)
    assert bands == expected_age_bands(generated.home)
    assert sum(bands.values()) == indicator.measure([generated.home.pk], START, END)


def test_age_bands_count_a_birthday_on_the_day():
    assert age_band_of(date(2008, 5, 31), ON) == "18–29"
    assert age_band_of(date(2008, 6, 1), ON) == "unter 18"
    assert age_band_of(date(1961, 5, 31), ON) == "65 und älter"
    assert age_band_of(None, ON) == UNKNOWN_AGE


def test_an_empty_period_gives_none_for_shares_and_medians_and_zero_for_counts(generated):
    empty_start, empty_end = datetime(2020, 1, 1, tzinfo=BERLIN), datetime(2020, 2, 1, tzinfo=BERLIN)
    for key in MEASURED:
        indicator = indicator_by_key(key)
        value = indicator.measure([generated.home.pk], empty_start, empty_end)
        assert value == (0.0 if indicator.unit == Unit.COUNT else None), key


def _queries(key: str, municipality_ids) -> int:
    indicator = indicator_by_key(key)
    with CaptureQueriesContext(connection) as context:
        indicator.measure(municipality_ids, START, END)
        if indicator.breakdown:
            indicator.breakdown(municipality_ids, START, END)
    return len(context.captured_queries)


def test_each_measure_runs_the_same_few_queries_whatever_the_data_size():
    small = MunicipalityFactory(slug="klein", name="Kleinstadt")
    large = MunicipalityFactory(slug="gross", name="Großstadt")
    Generator(small, seed=1, size=4).build()
    for key in MEASURED:  # warm the content-type cache
        _queries(key, [small.pk])
    before = {key: _queries(key, [small.pk]) for key in MEASURED}
    Generator(large, seed=2, size=40).build()
    after = {key: _queries(key, [large.pk]) for key in MEASURED}
    assert before == after
    assert max(after.values()) <= 4
