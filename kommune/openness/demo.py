"""Demo data of the openness app for `seed_demo`: two yearly rounds of the self-assessment in Musterstadt,
answered by three people of its team (the administrator, the staff member and the moderator), a second member
of the demo lab that answered too and shared its result with the lab, and the published report of last year.

Written through the services. Idempotent: a round is only answered when it is new, and the report only
published when the year has none."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from kommune.core.demo import DemoData, neighbour_places
from kommune.core.models import Lab, Municipality
from kommune.core.types import User
from kommune.openness import services
from kommune.openness.models import Report, Round
from kommune.openness.questionnaire import CURRENT_VERSION, statements

# The team's starting point per perspective (scale 1–5), the year before last and last year: a municipality that
# is good at dialogue, weak at organisational culture, and catching up on open data.
MUSTERSTADT_BASE = (
    {"transparency": 3, "agenda_setting": 3, "dialogue": 4, "co_production": 3, "innovation": 2, "open_data": 2,
     "culture": 2},
    {"transparency": 4, "agenda_setting": 3, "dialogue": 4, "co_production": 3, "innovation": 3, "open_data": 4,
     "culture": 2},
)
NEIGHBOUR_BASE = {"transparency": 3, "agenda_setting": 2, "dialogue": 3, "co_production": 4, "innovation": 3,
                  "open_data": 2, "culture": 3}
# Each person sees it a little differently: an offset per statement of a perspective (1st, 2nd, 3rd).
OFFSETS = ((0, 1, 0), (-1, 0, 0), (1, 0, -1))
EVIDENCE = {
    "transparency.1": "Ratsinformationssystem und Vorhabenliste sind auf der Plattform veröffentlicht.",
    "dialogue.2": "Die Abwägungstabelle zur Marktplatz-Konsultation wurde veröffentlicht.",
    "open_data.1": "Zwölf Datensätze im Open-Data-Katalog, alle unter DL-DE-Zero.",
    "culture.2": "Erstes Wirkungsmodell zum Bürgerhaushalt in Arbeit.",
    "innovation.2": "Austausch im Open Government Lab Beispielregion, zwei gemeinsame Teilprojekte.",
}


def _ratings(base: dict[str, int], person: int) -> dict[str, int]:
    ratings = {}
    for statement in statements(CURRENT_VERSION):
        position = int(statement.key.rpartition(".")[2]) - 1
        offset = OFFSETS[person % len(OFFSETS)][position % 3]
        ratings[statement.key] = max(1, min(5, base[statement.perspective.value] + offset))
    return ratings


def _seed_round(municipality: Municipality, year: int, manager: User, team: list[User],
                base: dict[str, int]) -> None:
    if Round.objects.filter(municipality=municipality, year=year).exists():
        return
    round_ = services.do_open_round(municipality=municipality, actor=manager, year=year)
    for person, member in enumerate(team):
        services.do_answer_round(round=round_, actor=member, ratings=_ratings(base, person),
                                 evidence=EVIDENCE if person == 0 else {})
    services.do_set_sharing(round=round_, actor=manager, shared=True)
    services.do_close_round(round=round_, actor=manager)


def seed(demo: DemoData) -> None:
    municipality = demo.municipality
    users = get_user_model().objects
    admin = users.filter(email="admin@example.org").first() or demo.staff
    team = [person for person in (admin, demo.staff, users.filter(email="moderator@example.org").first())
            if person is not None and person.has_perm(services.ASSESS_PERMISSION, municipality)]
    this_year = timezone.localdate().year
    for index, year in enumerate((this_year - 2, this_year - 1)):
        _seed_round(municipality, year, admin, team, MUSTERSTADT_BASE[index])
    lab = Lab.objects.filter(municipalities=municipality).order_by("pk").first()
    if lab is not None:
        members = set(lab.municipalities.values_list("pk", flat=True))
        neighbour = next((place for place in neighbour_places() if place.municipality.pk in members
                          and place.staff.has_perm(services.MANAGE_PERMISSION, place.municipality)), None)
        if neighbour is not None:
            _seed_round(neighbour.municipality, this_year - 1, neighbour.staff, [neighbour.staff], NEIGHBOUR_BASE)
    if not Report.objects.filter(municipality=municipality, year=this_year - 1).exists():
        services.do_publish_report(tenant=municipality, actor=admin, year=this_year - 1)
