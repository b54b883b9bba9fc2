"""Council objects for the tests: ``council(municipality, size)`` builds ``size`` of each kind, all linked."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from kommune.council.models import (
    AgendaItem,
    Consultation,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)
from kommune.council.pdf import extract_text, text_pdf


@dataclass
class Council:
    term: LegislativeTerm
    location: Location
    committee: Organization
    people: list[Person]
    meetings: list[Meeting]
    papers: list[Paper]
    files: list[File]


def council_file(municipality, name: str = "Vorlage", **owner) -> File:
    content = text_pdf(name, ["Die Verwaltung empfiehlt, den Antrag anzunehmen."])
    file = File(municipality=municipality, name=name, file_name=f"{name}.pdf", size=len(content),
                sha1_checksum=hashlib.sha1(content).hexdigest(), role=owner.pop("role", File.Role.MAIN),
                text=extract_text(content), **owner)
    file.file.save(f"{name}.pdf", ContentFile(content), save=False)
    file.save()
    return file


def council(municipality, size: int = 2) -> Council:
    term = LegislativeTerm.objects.create(municipality=municipality, name="Wahlperiode 2025–2030")
    location = Location.objects.create(municipality=municipality, description="Ratssaal",
                                       street_address="Markt 1", locality=municipality.name)
    committee = Organization.objects.create(municipality=municipality, name="Rat", location=location)
    party = Organization.objects.create(municipality=municipality, name="Partei",
                                        organization_type=Organization.Type.PARTY)
    people, meetings, papers, files = [], [], [], []
    for number in range(size):
        person = Person.objects.create(municipality=municipality, name=f"Person {number}", location=location)
        Membership.objects.create(municipality=municipality, person=person, organization=committee,
                                  on_behalf_of=party)
        Membership.objects.create(municipality=municipality, person=person, organization=party)
        start = timezone.now() - timedelta(days=number)
        meeting = Meeting.objects.create(municipality=municipality, name=f"Sitzung {number}", start=start,
                                         location=location, organization=committee)
        item = AgendaItem.objects.create(municipality=municipality, meeting=meeting, order=1, name=f"Punkt {number}")
        paper = Paper.objects.create(municipality=municipality, name=f"Vorlage {number}", reference=f"V/{number}",
                                     originator_organization=party, location=location)
        Consultation.objects.create(municipality=municipality, paper=paper, meeting=meeting, agenda_item=item,
                                    organization=committee, authoritative=True, role="Entscheidung")
        files += [council_file(municipality, f"Vorlage {number}", paper=paper),
                  council_file(municipality, f"Einladung {number}", meeting=meeting, role=File.Role.INVITATION),
                  council_file(municipality, f"Anlage {number}", agenda_item=item, role=File.Role.AUXILIARY)]
        people.append(person)
        meetings.append(meeting)
        papers.append(paper)
    return Council(term, location, committee, people, meetings, papers, files)


def council_ids(municipality) -> SimpleNamespace:
    """The id of one object of each OParl kind (named like the URL segments), for the route walk."""
    built = council(municipality, size=1)
    meeting = built.meetings[0]
    item = meeting.agenda_items.get()
    return SimpleNamespace(
        organization=built.committee.pk, person=built.people[0].pk, meeting=meeting.pk, paper=built.papers[0].pk,
        agendaItem=item.pk, consultation=item.consultations.get().pk, file=built.files[0].pk,
        location=built.location.pk, legislativeTerm=built.term.pk,
        membership=built.people[0].memberships.first().pk)
