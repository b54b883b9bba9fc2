"""Factories of the consultations: a consultation with its draft, and a finished one with a published table."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from kommune.consultations import services
from kommune.consultations.documents import read_markdown
from kommune.consultations.models import Answer, Consideration, Consultation, Passage
from kommune.core.models import Role
from tests.factories import MembershipFactory
from tests.factories_comments import CommentFactory, thread_for
from tests.factories_processes import published_process

DRAFT = """# § 1 Geltungsbereich

(1) Diese Satzung gilt für alle öffentlichen Spielplätze der Stadt.

(2) Sie gilt nicht für Spielplätze von Kindertageseinrichtungen.

# § 2 Benutzungszeiten

Die Spielplätze dürfen zu folgenden Zeiten benutzt werden:

| Anlage | Werktags | Sonntags |
| --- | --- | --- |
| Spielplätze | 8 bis 20 Uhr | 9 bis 19 Uhr |

## Verbote

- Rauchen ist untersagt.
- Glasflaschen sind untersagt.
"""


def staff_of(municipality):
    return MembershipFactory(municipality=municipality, role=Role.STAFF).user


def consultation(municipality, *, opens_at=None, closes_at=None, text: str = DRAFT, published: bool = True,
                 staff=None) -> Consultation:
    """A published consultation (in a published process whose phase opens consultations), written through the
    service; its comment period runs now unless told otherwise."""
    now = timezone.now()
    opens_at = opens_at or now - timedelta(days=1)
    closes_at = closes_at or now + timedelta(days=14)
    process = published_process(municipality, starts_at=opens_at - timedelta(days=1),
                                days=max(2, (closes_at - opens_at).days + 3), features=(services.FEATURE,))
    return services.do_create_consultation(
        actor=staff or staff_of(municipality), phase=process.phases.get(), title="Entwurf der Spielplatzsatzung",
        opens_at=opens_at, closes_at=closes_at, blocks=read_markdown(text), publish_now=published)


def paragraph_starting(consultation: Consultation, start: str):
    version = consultation.versions.order_by("-number").first()
    return next(p for p in version.paragraphs.order_by("position") if p.text.startswith(start))


def finished_scene(municipality) -> SimpleNamespace:
    """A consultation whose period has ended, with two comments (one on a passage), both answered with one shared
    answer, the table published, and a second version of the draft. Written directly where the service would
    need another time."""
    now = timezone.now()
    staff = staff_of(municipality)
    item = consultation(municipality, opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1),
                        staff=staff)
    first = paragraph_starting(item, "(1) Diese Satzung")
    author = MembershipFactory(municipality=municipality).user
    comments = [CommentFactory(thread=thread_for(first), author=author, text="Auch für Bolzplätze?"),
                CommentFactory(thread=thread_for(first), author=author, text="Was ist mit Schulhöfen?")]
    Passage.objects.create(municipality=municipality, comment=comments[1], paragraph=first, start=4,
                           end=17, quote=first.text[4:17])
    answer = Answer.objects.create(municipality=municipality, consultation=item, disposition=Answer.Disposition.PARTLY,
                                   text="Bolzplätze ja, Schulhöfe nur außerhalb des Unterrichts.")
    for comment in comments:
        Consideration.objects.create(municipality=municipality, consultation=item, comment=comment, answer=answer)
    Consultation.objects.filter(pk=item.pk).update(considerations_published_at=now)
    version = services.do_add_version(actor=staff, consultation=item, blocks=read_markdown(
        DRAFT.replace("alle öffentlichen Spielplätze der Stadt.", "alle öffentlichen Spielplätze und Bolzplätze.")))
    return SimpleNamespace(consultation_id=item.pk, paragraph_id=first.pk, answer_id=answer.pk,
                           number=version.number, consultation=item, comments=comments, answer=answer, staff=staff)
