"""Demo data of the lab workspace for `seed_demo`: the demo lab "Open Government Lab Beispielregion" with two
sub-projects across its member municipalities. "Digitale Sprechstunde" (Musterstadt and Birkenhagen) is public,
with tasks, meeting notes, a document, a link and news; "Gemeinsame Beteiligungssatzung" (the Landkreis with
Ahornfeld and Erlenbrück) is internal to the lab, with internal tasks and notes.

The members are the lab's admin, the staff of Musterstadt and the editor of Birkenhagen (lab role staff) and the
partner of the Bürgerstiftung (lab role partner). Written through the services; idempotent: a sub-project is keyed
on its title in the lab, and its items are only written when it is new.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from kommune.core.demo import DemoData, neighbour_places
from kommune.core.linkables import linkable_by_kind
from kommune.core.models import Lab, Membership, Municipality, Organisation, Role
from kommune.core.services import do_grant_role
from kommune.labs import services
from kommune.labs.models import LabEvent, News, SubProject, Visibility

LAB_SLUG = "og-lab-beispielregion"
LAB_ADMIN = "lab-admin@example.org"
PUBLIC, INTERNAL = Visibility.PUBLIC, Visibility.INTERNAL


def _grant(lab: Lab, actor, user, role: str, organisation: Organisation | None = None) -> None:
    if not Membership.objects.filter(user=user, lab=lab, role=role).exists():
        do_grant_role(tenant=lab, actor=actor, user=user, role=role, organisation=organisation)


def _members(lab: Lab, demo: DemoData):
    admin = get_user_model().objects.get(email=LAB_ADMIN)
    editor = next((place.staff for place in neighbour_places() if place.municipality.slug == "birkenhagen"), None)
    _grant(lab, admin, demo.staff, Role.STAFF)
    if editor is not None:
        _grant(lab, admin, editor, Role.STAFF)
    _grant(lab, admin, demo.partner, Role.PARTNER,
           Organisation.objects.filter(slug="buergerstiftung-musterstadt").first())
    return admin, editor or admin


def _at(days: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour)))


def seed_labs(demo: DemoData) -> None:
    lab = Lab.objects.filter(slug=LAB_SLUG).first()
    if lab is None:
        return
    admin, editor = _members(lab, demo)
    places = {m.slug: m for m in lab.municipalities.all()}
    if not SubProject.objects.filter(lab=lab, title="Digitale Sprechstunde").exists():
        _consultation_hours(lab, demo, admin, editor, places)
    if not SubProject.objects.filter(lab=lab, title="Gemeinsame Beteiligungssatzung").exists():
        _participation_statute(lab, admin, editor, places)
    if not LabEvent.objects.filter(lab=lab).exists():
        services.do_add_event(lab=lab, actor=admin, title="Netzwerktreffen des Labs", starts_at=_at(21, 17),
                              place="Kreishaus Birkenhagen, Saal 2",
                              description="Alle Teilprojekte berichten; offen für Interessierte.", visibility=PUBLIC)
        services.do_add_event(lab=lab, actor=admin, title="Steuerungsrunde (intern)", starts_at=_at(9, 14),
                              place="Videokonferenz", visibility=INTERNAL)


def _consultation_hours(lab: Lab, demo: DemoData, admin, editor, places: dict[str, Municipality]) -> None:
    today = timezone.localdate()
    chosen = [places[slug] for slug in ("musterstadt", "birkenhagen") if slug in places] or list(places.values())[:2]
    sp = services.do_create_subproject(
        lab=lab, actor=demo.staff, title="Digitale Sprechstunde",
        goal="Bürgerinnen und Bürger erreichen ihr Rathaus einmal pro Woche per Video, mit Begleitung durch "
             "Ehrenamtliche der Digitalambulanz für alle, die Hilfe am Gerät brauchen.",
        description="Musterstadt erprobt die Sprechstunde, Birkenhagen übernimmt das Vorgehen im Herbst. Was wir "
                    "lernen, schreiben wir für die anderen Gemeinden des Kreises auf.",
        municipalities=chosen, state=SubProject.State.RUNNING, visibility=PUBLIC,
        starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=120))
    services.do_add_responsible(subproject=sp, actor=demo.staff, user=editor, task="Übertragung nach Birkenhagen")
    services.do_add_responsible(subproject=sp, actor=demo.staff, user=demo.partner, task="Ehrenamtliche Begleitung")
    for title, days, owner, done in (
            ("Terminbuchung im Bürgerbüro einrichten", -20, demo.staff, True),
            ("Ehrenamtliche für die Begleitung gewinnen", 14, demo.partner, False),
            ("Erfahrungsbericht für Birkenhagen schreiben", 45, editor, False)):
        task = services.do_add_task(subproject=sp, actor=demo.staff, title=title, due_on=today + timedelta(days=days),
                                    owner=owner, visibility=PUBLIC)
        if done:
            services.do_set_task_done(task=task, actor=demo.staff, done=True)
    services.do_add_note(
        subproject=sp, actor=demo.staff, title="Auftakt mit Birkenhagen", met_on=today - timedelta(days=55),
        visibility=PUBLIC,
        text="## Ergebnisse\n\n- Musterstadt startet mit **einer** Sprechstunde pro Woche (Dienstag, 16–18 Uhr).\n"
             "- Birkenhagen schaut zu und übernimmt ab Oktober.\n- Die Bürgerstiftung stellt zwei Ehrenamtliche.\n\n"
             "## Nächste Schritte\n\n1. Terminbuchung einrichten\n2. Datenschutzhinweise abstimmen")
    services.do_add_note(
        subproject=sp, actor=demo.staff, title="Abstimmung Datenschutz", met_on=today - timedelta(days=30),
        visibility=INTERNAL,
        text="Die Datenschutzbeauftragte hat dem Videodienst zugestimmt; die Einwilligung wird vor dem Gespräch "
             "eingeholt.")
    services.do_add_document(
        subproject=sp, actor=demo.staff, title="Ablaufplan der Sprechstunde", visibility=PUBLIC,
        file=ContentFile("Ablaufplan der Digitalen Sprechstunde\n\n1. Termin buchen\n2. Link per E-Mail\n"
                         "3. Gespräch (20 Minuten)\n4. Rückmeldung\n".encode(), name="ablaufplan.txt"))
    process = linkable_by_kind("process")
    musterstadt = places.get("musterstadt")
    if process is not None and musterstadt is not None:
        first = process.queryset(musterstadt).order_by("pk").first()
        if first is not None:
            services.do_link(subproject=sp, actor=demo.staff, kind="process", municipality=musterstadt,
                             object_id=first.pk)
    if not News.objects.filter(lab=lab, subproject=sp).exists():
        services.do_publish_news(
            lab=lab, actor=admin, subproject=sp, title="Die Digitale Sprechstunde ist gestartet",
            text="Seit dieser Woche erreichen Sie das Bürgerbüro Musterstadt dienstags per Video. Birkenhagen "
                 "folgt im Herbst.", visibility=PUBLIC)


def _participation_statute(lab: Lab, admin, editor, places: dict[str, Municipality]) -> None:
    today = timezone.localdate()
    chosen = [places[slug] for slug in ("landkreis-beispielkreis", "ahornfeld", "erlenbrueck") if slug in places]
    sp = services.do_create_subproject(
        lab=lab, actor=admin, title="Gemeinsame Beteiligungssatzung",
        goal="Ein gemeinsamer Entwurf einer Satzung für Bürgerbeteiligung, den die Räte der drei Kommunen "
             "beraten können.", municipalities=chosen or list(places.values())[:2], state=SubProject.State.PLANNED,
        visibility=INTERNAL, starts_on=today + timedelta(days=30))
    services.do_add_responsible(subproject=sp, actor=admin, user=editor, task="Entwurf")
    services.do_add_task(subproject=sp, actor=admin, title="Satzungen anderer Kommunen sichten",
                         due_on=today + timedelta(days=20), owner=editor, visibility=INTERNAL)
    services.do_add_task(subproject=sp, actor=admin, title="Termin mit den Fraktionen abstimmen",
                         due_on=today + timedelta(days=40), owner=admin, visibility=INTERNAL)
    services.do_add_note(subproject=sp, actor=admin, title="Vorgespräch der Hauptverwaltungen",
                         met_on=today - timedelta(days=7), visibility=INTERNAL,
                         text="Alle drei Hauptverwaltungen wollen mitmachen; der Kreis übernimmt die Koordination.")
    services.do_publish_news(lab=lab, actor=admin, subproject=sp, title="Arbeitsstand Beteiligungssatzung",
                             text="Intern: erster Entwurf bis Monatsende.", visibility=INTERNAL)
