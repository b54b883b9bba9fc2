"""A lab's workspace for the tests: a lab joining Musterstadt and a neighbour, members with lab roles, a public
sub-project with public and internal items, and an internal sub-project. Internal titles start with "GEHEIM", so a
test can look for them in any answer."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kommune.core.models import Lab, Municipality, Role
from kommune.labs import services
from kommune.labs.models import Visibility
from tests.factories import LabFactory, MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory

PUBLIC, INTERNAL = Visibility.PUBLIC, Visibility.INTERNAL
SECRET = "GEHEIM"


@dataclass
class LabScene:
    lab: Lab
    neighbour: Municipality
    lead: object  # a lab staff member from Musterstadt
    partner: object  # a partner of a civil-society organisation of the neighbour
    public_subproject_id: int
    internal_subproject_id: int
    public_task_id: int
    internal_task_id: int
    public_note_id: int
    internal_note_id: int
    public_document_id: int
    internal_document_id: int
    public_news_id: int
    internal_news_id: int
    public_event_id: int
    internal_event_id: int
    responsible_id: int
    link_id: int

    @property
    def subproject_id(self) -> int:
        return self.public_subproject_id


def _file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def lab_scene(lab: Lab | None = None, *, municipality: Municipality | None = None, link_to=None) -> LabScene:
    """A lab with its members and items; ``lab`` (with at least one municipality) or a new one on
    ``municipality``. ``link_to``: a public linkable object of the lab's first municipality (kind, object)."""
    if lab is None:
        lab = LabFactory()
        lab.municipalities.add(municipality)
    first = lab.municipalities.order_by("pk").first()
    tag = lab.slug
    neighbour = MunicipalityFactory()
    lab.municipalities.add(neighbour)
    organisation = OrganisationFactory(municipality=neighbour)
    lab.organisations.add(organisation)
    lead = UserFactory(display_name=f"Lea Lab {tag}")
    MembershipFactory(user=lead, lab=lab, municipality=None, role=Role.STAFF)
    partner = UserFactory(display_name=f"Paul Partner {tag}")
    MembershipFactory(user=partner, lab=lab, municipality=None, role=Role.PARTNER, organisation=organisation)
    today = timezone.localdate()

    public = services.do_create_subproject(
        lab=lab, actor=lead, title=f"Offenes Teilprojekt {tag}", goal="Gemeinsam lernen.",
        municipalities=[first, neighbour], state="running", visibility=PUBLIC, starts_on=today - timedelta(days=10))
    internal = services.do_create_subproject(
        lab=lab, actor=lead, title=f"{SECRET} Teilprojekt {tag}", goal=f"{SECRET} Ziel",
        municipalities=[first, neighbour], visibility=INTERNAL, starts_on=today - timedelta(days=5))
    responsible = services.do_add_responsible(subproject=public, actor=lead, user=partner, task="Begleitung")
    ids = {}
    for key, sp, visibility, prefix in (("public", public, PUBLIC, "Offene"), ("internal", public, INTERNAL, SECRET)):
        ids[f"{key}_task_id"] = services.do_add_task(
            subproject=sp, actor=lead, title=f"{prefix} Aufgabe {tag}", due_on=today + timedelta(days=7),
            owner=partner, visibility=visibility).pk
        ids[f"{key}_note_id"] = services.do_add_note(
            subproject=sp, actor=lead, title=f"{prefix} Notiz {tag}", met_on=today, text=f"{prefix} Protokolltext",
            visibility=visibility).pk
        ids[f"{key}_document_id"] = services.do_add_document(
            subproject=sp, actor=lead, title=f"{prefix} Dokument {tag}",
            file=_file(f"{key}.txt", f"{prefix} Inhalt"), visibility=visibility).pk
    # Items marked public inside the internal sub-project stay internal with it.
    services.do_add_task(subproject=internal, actor=lead, title=f"{SECRET} Aufgabe im internen Teilprojekt {tag}",
                         visibility=PUBLIC)
    services.do_add_note(subproject=internal, actor=lead, title=f"{SECRET} Notiz im internen Teilprojekt {tag}",
                         met_on=today, text="Text", visibility=PUBLIC)
    admin = UserFactory()
    MembershipFactory(user=admin, lab=lab, municipality=None, role=Role.ADMIN)
    public_news = services.do_publish_news(lab=lab, actor=admin, title=f"Offene Neuigkeit {tag}", text="Hallo.",
                                           visibility=PUBLIC, subproject=public)
    internal_news = services.do_publish_news(lab=lab, actor=admin, title=f"{SECRET} Neuigkeit {tag}",
                                             text=f"{SECRET} Text", visibility=INTERNAL)
    services.do_publish_news(lab=lab, actor=admin, title=f"{SECRET} Neuigkeit im internen Teilprojekt {tag}",
                             text="Text", visibility=PUBLIC, subproject=internal)
    soon = timezone.now() + timedelta(days=3)
    public_event = services.do_add_event(lab=lab, actor=admin, title=f"Offenes Treffen {tag}", starts_at=soon,
                                         visibility=PUBLIC)
    internal_event = services.do_add_event(lab=lab, actor=admin, title=f"{SECRET} Treffen {tag}", starts_at=soon,
                                           visibility=INTERNAL)
    link_id = 0
    if link_to is not None:
        kind, target = link_to
        link_id = services.do_link(subproject=public, actor=lead, kind=kind, municipality=first,
                                   object_id=target.pk).pk
    return LabScene(lab=lab, neighbour=neighbour, lead=lead, partner=partner, public_subproject_id=public.pk,
                    internal_subproject_id=internal.pk, public_news_id=public_news.pk,
                    internal_news_id=internal_news.pk, public_event_id=public_event.pk,
                    internal_event_id=internal_event.pk, responsible_id=responsible.pk, link_id=link_id, **ids)
