"""Demo citizen proposals for `seed_demo`: Musterstadt's settings, three categories and five proposals, one in
each state (collecting, threshold reached, answered in time, expired), with online supports and paper lists; and
one whose accountability trail runs to a council decision and the start of its implementation (seed_trail_*).

Written through the services; afterwards the dates are moved into the past, so that the pages tell a believable
story (published weeks ago, answered in time). Idempotent: a proposal is keyed on its title in the municipality,
and nothing is written when it exists.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from kommune.core.demo import neighbour_places
from kommune.core.models import CouncilReferral, Municipality
from kommune.core.trail import trail_for
from kommune.proposals import services
from kommune.proposals.models import Category, Proposal, ProposalSettings, ProposalUpdate, SignatureList

SETTINGS: dict[str, Any] = {"is_enabled": True, "supporters": ProposalSettings.Supporters.VERIFIED, "minimum_age": 0,
            "threshold_kind": ProposalSettings.ThresholdKind.ABSOLUTE, "threshold_absolute": 300,
            "collection_days": 90, "answer_days": 60, "authors_may_support": False}
CATEGORIES = ["Stadtbild", "Verkehr", "Grünflächen"]


@dataclass(frozen=True)
class DemoProposal:
    title: str
    text: str
    category: str
    area: str
    author: str  # "resident" or "partner"
    point: tuple[str, str] | None
    published_days_ago: int
    paper: int = 0
    resident_supports: bool = False
    outcome: str = ""  # answered with this outcome
    expired: bool = False
    reached_days_ago: int = 0
    extra: dict = field(default_factory=dict)


PROPOSALS = [
    DemoProposal(
        "Mehr Sitzbänke auf dem Marktplatz",
        "Auf dem Marktplatz gibt es nur zwei Bänke. Ältere Menschen und Familien finden an Markttagen keinen Platz "
        "zum Ausruhen.\n\n## Vorschlag\n\n- zehn zusätzliche Bänke, davon vier im Schatten der Linden\n"
        "- eine Bank mit Armlehnen an jeder Seite des Brunnens\n\nSo wird der Platz zu einem Ort, an dem man gern "
        "bleibt.",
        "Stadtbild", "Altstadt", "partner", ("51.962510", "7.625570"), 12, paper=41, resident_supports=True),
    DemoProposal(
        "Tempo 30 vor der Grundschule Nord",
        "Vor der Grundschule Nord gilt Tempo 50. Morgens queren über 200 Kinder die Nordstraße.\n\n"
        "Die Stadt soll auf dem Abschnitt zwischen Lindenweg und Schulstraße **Tempo 30** anordnen, wie es die "
        "Straßenverkehrs-Ordnung vor Schulen erlaubt.",
        "Verkehr", "Nordviertel", "resident", ("51.975310", "7.619880"), 50, paper=318, reached_days_ago=20),
    DemoProposal(
        "Trinkbrunnen im Stadtpark",
        "Im Sommer gibt es im Stadtpark kein Trinkwasser. Ein öffentlicher Trinkbrunnen am Spielplatz hilft "
        "Kindern, Sportlerinnen und Menschen ohne Wohnung.",
        "Grünflächen", "Stadtpark", "partner", ("51.955640", "7.632410"), 80, paper=305, resident_supports=True,
        outcome=Proposal.Outcome.ACCEPTED, reached_days_ago=45,
        extra={"answer": "Die Stadt baut im Frühjahr einen Trinkbrunnen am Spielplatz des Stadtparks. Die Kosten "
                         "von rund 18.000 Euro trägt der Haushalt des Grünflächenamts; die Stadtwerke übernehmen "
                         "Wartung und Wasserproben.\n\nVielen Dank an alle, die den Vorschlag unterstützt haben!",
               "department": "Grünflächenamt"}),
    DemoProposal(
        "Hundewiese am Südpark",
        "Am Südpark fehlt eine eingezäunte Wiese, auf der Hunde frei laufen dürfen.",
        "Grünflächen", "Südstadt", "resident", None, 120, paper=12, expired=True),
    DemoProposal(
        "Längere Öffnungszeiten der Stadtbibliothek",
        "Die Stadtbibliothek schließt werktags um 18 Uhr. Wer bis 17 Uhr arbeitet, schafft es kaum. Die Bibliothek "
        "soll an zwei Abenden bis 20 Uhr öffnen.",
        "Stadtbild", "Innenstadt", "resident", None, 3),
]


# The other demo municipalities: (supports needed, category, proposal) with a smaller threshold for smaller places.
NEIGHBOUR_PROPOSALS = {
    "landkreis-beispielkreis": (250, "Nahverkehr", DemoProposal(
        "Rufbus auch am Wochenende",
        "Der Rufbus fährt nur montags bis freitags. Wer in den kleinen Orten kein Auto hat, kommt am Wochenende "
        "weder zum Arzt-Notdienst noch zu Familie und Vereinen.\n\nDer Kreis soll den Rufbus samstags und "
        "sonntags von 8 bis 22 Uhr anbieten.",
        "Nahverkehr", "ganzer Kreis", "resident", None, 20, paper=96)),
    "birkenhagen": (200, "Verkehr", DemoProposal(
        "Sicherer Radweg zur Gesamtschule",
        "Auf der Bahnhofstraße fahren jeden Morgen Hunderte Schülerinnen und Schüler zwischen parkenden Autos und "
        "Lastwagen zur Gesamtschule.\n\nDie Stadt soll einen geschützten Radfahrstreifen von der Bahnhofstraße "
        "bis zum Schulzentrum anlegen.",
        "Verkehr", "Bahnhofsviertel", "resident", ("52.402110", "10.788340"), 15, paper=64)),
    "ahornfeld": (100, "Dorfleben", DemoProposal(
        "Dorfladen im alten Bahnhof",
        "Seit der Bäcker geschlossen hat, gibt es in Ahornfeld nichts mehr zu kaufen. Im leerstehenden Bahnhof "
        "könnte ein Dorfladen mit Café entstehen, getragen von einer Genossenschaft.\n\nDie Gemeinde soll das "
        "Gebäude dafür günstig verpachten und einen Förderantrag stellen.",
        "Dorfleben", "Ortsmitte", "resident", None, 30, paper=58)),
    "erlenbrueck": (80, "Mobilität", DemoProposal(
        "Mitfahrbank am Anger",
        "Eine Mitfahrbank an der Bushaltestelle Am Anger: Wer sich setzt, zeigt, dass er mitgenommen werden "
        "möchte. In anderen Dörfern des Kreises klappt das gut.",
        "Mobilität", "Am Anger", "resident", None, 8, paper=23)),
}


def seed_proposals(*, municipality: Municipality, staff, resident, partner) -> None:
    seed_neighbour_proposals()
    _settings(municipality, staff)
    categories = {name: _category(municipality, staff, name) for name in CATEGORIES}
    existing = set(Proposal.objects.filter(municipality=municipality).values_list("title", flat=True))
    authors = {"resident": resident, "partner": partner}
    for demo in PROPOSALS:
        if demo.title not in existing:
            _proposal(municipality, demo, categories[demo.category], authors[demo.author], staff, resident)


def seed_neighbour_proposals() -> None:
    for place in neighbour_places():
        threshold, category_name, demo = NEIGHBOUR_PROPOSALS[place.municipality.slug]
        _settings(place.municipality, place.staff, threshold_absolute=threshold)
        category = _category(place.municipality, place.staff, category_name)
        if not Proposal.objects.filter(municipality=place.municipality, title=demo.title).exists():
            _proposal(place.municipality, demo, category, place.resident, place.staff, place.resident)


def _settings(municipality: Municipality, staff, **changes) -> None:
    wanted = {**SETTINGS, **changes}
    current = ProposalSettings.objects.filter(municipality=municipality).first()
    if current is None or any(getattr(current, name) != value for name, value in wanted.items()):
        services.do_update_proposal_settings(municipality=municipality, actor=staff, **wanted)


def _category(municipality: Municipality, staff, name: str) -> Category:
    category = Category.objects.filter(municipality=municipality, name=name).first()
    return category or services.do_create_category(municipality=municipality, actor=staff, name=name)


def _proposal(municipality: Municipality, demo: DemoProposal, category: Category, author, staff, resident) -> None:
    latitude, longitude = demo.point or (None, None)
    proposal = services.do_create_proposal(
        municipality=municipality, author=author, title=demo.title, text=demo.text, category=category,
        area=demo.area, latitude=Decimal(latitude) if latitude else None,
        longitude=Decimal(longitude) if longitude else None)
    proposal = services.do_publish_proposal(proposal=proposal, actor=author)
    now = timezone.now()
    published = now - timedelta(days=demo.published_days_ago)
    _move(proposal, published_at=published, collection_ends_at=published + timedelta(days=SETTINGS["collection_days"]))
    if demo.resident_supports:
        services.do_support_proposal(proposal=proposal, user=resident)
    if demo.paper:
        last_day = timezone.localdate(published + timedelta(days=SETTINGS["collection_days"]))
        services.do_add_signature_list(proposal=proposal, actor=staff, count=demo.paper,
                                       received_on=min(timezone.localdate(), last_day - timedelta(days=3)),
                                       note="Listen aus dem Bürgerbüro")
    if demo.reached_days_ago:
        reached = now - timedelta(days=demo.reached_days_ago)
        _move(proposal, threshold_reached_at=reached, answer_due_at=reached + timedelta(days=SETTINGS["answer_days"]))
    if demo.outcome:
        proposal.refresh_from_db()
        services.do_answer_proposal(proposal=proposal, actor=staff, outcome=demo.outcome, **demo.extra)
    if demo.expired:  # its collection ended weeks ago
        services.do_expire_due_proposals(now=now)
        _move(proposal, expired_at=published + timedelta(days=SETTINGS["collection_days"]))


def _move(proposal: Proposal, **dates) -> None:
    """Dates of the demo story; the services always write 'now'."""
    Proposal.objects.filter(pk=proposal.pk).update(**dates)


# --- The accountability trail: a proposal handed to the council, decided there and being implemented -------------

TRAIL_PROPOSAL = DemoProposal(
    "Geschützte Radwege auf dem Wallring",
    "Auf dem Wallring teilen sich Radfahrende die Fahrbahn mit Bussen und Lastwagen. Viele Eltern lassen ihre "
    "Kinder deshalb nicht mit dem Rad zur Schule fahren.\n\n## Vorschlag\n\n- ein baulich getrennter Radweg auf "
    "beiden Seiten des Wallrings\n- sichere Kreuzungen mit eigenen Ampelphasen für den Radverkehr",
    "Verkehr", "Innenstadt", "resident", ("51.960720", "7.621350"), 280, paper=342, reached_days_ago=192)
TRAIL_ANSWER = {
    "answer": "Die Stadt unterstützt den Vorschlag. Geschützte Radwege auf dem Wallring sind Teil des "
              "Radverkehrskonzepts 2030, das die Verwaltung dem Rat zur Entscheidung vorlegt. Über die "
              "Finanzierung entscheidet der Rat; die Stadt beantragt Fördermittel des Landes.",
    "department": "Amt für Mobilität und Tiefbau",
    "paper_reference": "VO/2026/014",  # the demo council's paper (kommune/council/demo.py), attached by reference
}
TRAIL_ANSWERED_DAYS_AGO = 190
TRAIL_STARTED_DAYS_AGO = 14


def seed_trail_proposal(*, municipality: Municipality, staff, resident) -> None:
    """Order 25, after the proposals: the proposal, answered months ago with the outcome "handed to the council"
    and the council paper's reference. The council's seeder (40) attaches the paper by that reference."""
    if Proposal.objects.filter(municipality=municipality, title=TRAIL_PROPOSAL.title).exists():
        return
    category = _category(municipality, staff, TRAIL_PROPOSAL.category)
    _proposal(municipality, TRAIL_PROPOSAL, category, resident, staff, resident)
    proposal = Proposal.objects.get(municipality=municipality, title=TRAIL_PROPOSAL.title)
    services.do_answer_proposal(proposal=proposal, actor=staff, outcome=Proposal.Outcome.COUNCIL, **TRAIL_ANSWER)
    answered = timezone.now() - timedelta(days=TRAIL_ANSWERED_DAYS_AGO)
    _move(proposal, answered_at=answered)
    CouncilReferral.objects.filter(source_type=ContentType.objects.get_for_model(Proposal),
                                   source_id=proposal.pk).update(referred_at=answered)


def seed_trail_updates(*, municipality: Municipality, staff) -> None:
    """Order 45, after the council's paper is attached: the staff's updates under the answer, the council's
    decision on the day the trail (kommune.core.trail, the council's source) reports it, and the start of the
    work two weeks ago; the proposal's dates move back when the council's paper is older than its answer. Nothing
    when the proposal has updates, or when no decision is known."""
    proposal = Proposal.objects.filter(municipality=municipality, title=TRAIL_PROPOSAL.title,
                                       state=Proposal.State.ANSWERED).select_related("municipality").first()
    if proposal is None or proposal.updates.exists():
        return
    entries = trail_for(proposal)
    decisions = [entry for entry in entries if entry.status == "decided"]
    if not decisions:
        return
    _answer_before_the_council(proposal, min(_day(entry.when) for entry in entries))
    proposal.refresh_from_db()
    decided_on = _day(decisions[-1].when)
    services.do_add_proposal_update(
        proposal=proposal, actor=staff, kind=ProposalUpdate.Kind.DECISION, happened_on=decided_on,
        title="Der Rat hat das Radverkehrskonzept beschlossen",
        text="Der Rat hat das Radverkehrskonzept 2030 einstimmig beschlossen. Die geschützten Radwege auf dem "
             "Wallring werden im ersten Bauabschnitt gebaut; das Land fördert sie mit 60 Prozent der Kosten.")
    started = timezone.localdate() - timedelta(days=TRAIL_STARTED_DAYS_AGO)
    services.do_add_proposal_update(
        proposal=proposal, actor=staff, kind=ProposalUpdate.Kind.IMPLEMENTATION_STARTED,
        happened_on=max(started, decided_on), title="Baubeginn am Wallring",
        text="Die Bauarbeiten für den ersten Abschnitt zwischen Ludgeriplatz und Hauptbahnhof haben begonnen. "
             "Sie dauern voraussichtlich bis zum Herbst; der Radverkehr wird während der Bauzeit umgeleitet.")


def _day(when: date | datetime) -> date:
    return timezone.localdate(when) if isinstance(when, datetime) else when


def _answer_before_the_council(proposal: Proposal, first_step: date) -> None:
    """The story runs proposal, answer, council: when the council's demo dates its paper before the answer, the
    proposal's dates (and its referral and paper lists) move back, so that it was answered a month before."""
    answered = timezone.localdate(proposal.answered_at)
    if answered < first_step:
        return
    shift = timedelta(days=(answered - first_step).days + 30)
    Proposal.objects.filter(pk=proposal.pk).update(
        published_at=F("published_at") - shift, collection_ends_at=F("collection_ends_at") - shift,
        threshold_reached_at=F("threshold_reached_at") - shift, answer_due_at=F("answer_due_at") - shift,
        answered_at=F("answered_at") - shift)
    CouncilReferral.objects.filter(source_type=ContentType.objects.get_for_model(Proposal),
                                   source_id=proposal.pk).update(referred_at=F("referred_at") - shift)
    SignatureList.objects.filter(proposal=proposal).update(received_on=F("received_on") - shift)
