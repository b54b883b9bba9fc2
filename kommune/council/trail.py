"""The council's trail source (kommune.core.trail): for a matter handed to the council whose referral names a
council Paper, the paper itself, its consultations in the committees and the council (meeting date, committee,
role) and the decision with its result. Three queries at most, whatever the number of consultations: the
referral, the paper, its consultations with their meeting, committee and agenda item.

Registered in CouncilConfig.ready() with the permission of staff to attach a paper to a referral
(trail_services.do_attach_paper_to_referral, the pages in trail_views.py).
"""

from datetime import date, datetime

import rules
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.models import CouncilReferral
from kommune.core.rules import is_staff
from kommune.core.trail import TrailEntry, register_trail_source
from kommune.council.models import Consultation, Meeting, Paper

SOURCE = "council"
# The public pages of papers and meetings, when the council pages are installed; else their OParl objects.
PAPER_PAGES = ("council_pages:paper",)
MEETING_PAGES = ("council_pages:meeting",)


def _first_url(names: tuple[str, ...], municipality_slug: str, object_id: int, key: str) -> str | None:
    for name in names:
        try:
            return reverse(name, kwargs={"municipality_slug": municipality_slug, key: object_id})
        except NoReverseMatch:
            continue
    return None


def paper_url(paper: Paper) -> str:
    """The address of the paper's page (a path), or its OParl object where the council pages are missing."""
    slug = paper.municipality.slug
    return (_first_url(PAPER_PAGES, slug, paper.pk, "paper_id")
            or reverse("council:paper", kwargs={"municipality_slug": slug, "object_id": paper.pk}))


def meeting_url(meeting: Meeting, municipality_slug: str) -> str:
    slug = municipality_slug
    return (_first_url(MEETING_PAGES, slug, meeting.pk, "meeting_id")
            or reverse("council:meeting", kwargs={"municipality_slug": slug, "object_id": meeting.pk}))


def attached_paper(matter: Model) -> Paper | None:
    """The live council Paper attached to the matter's referral, with its municipality, or None."""
    referral = (CouncilReferral.objects.filter(source_type=ContentType.objects.get_for_model(matter),
                                               source_id=matter.pk)
                .only("municipality_id", "paper_type_id", "paper_id").first())
    if referral is None or referral.paper_id is None or referral.paper_type_id != _paper_type_id():
        return None
    consultations = (Consultation.objects.filter(deleted=False)
                     .select_related("meeting", "organization", "agenda_item", "meeting__organization")
                     .order_by("meeting__start", "pk"))
    return (Paper.objects.filter(pk=referral.paper_id, deleted=False, municipality=referral.municipality_id)
            .select_related("municipality").prefetch_related(Prefetch("consultations", queryset=consultations))
            .first())


def _paper_type_id() -> int:
    return ContentType.objects.get_for_model(Paper).pk


def _when(consultation: Consultation) -> datetime | None:
    meeting = consultation.meeting
    if meeting is not None and meeting.start is not None and not meeting.deleted:
        return meeting.start
    item = consultation.agenda_item
    return item.start if item is not None else None


def _committee(consultation: Consultation) -> str:
    organization = consultation.organization or (consultation.meeting.organization if consultation.meeting else None)
    return organization.name if organization is not None else _("the council")


def _decided(result: str) -> str:
    """A machine-readable state of a decision's result as German council information systems write it."""
    lowered = result.lower()
    if "abgelehnt" in lowered:
        return "rejected"
    if "vertagt" in lowered or "zurückgestellt" in lowered:
        return "postponed"
    if "kenntnis" in lowered:
        return "noted"
    return "decided"


def _consultation_entry(consultation: Consultation, now: datetime, slug: str) -> TrailEntry | None:
    when = _when(consultation)
    if when is None:
        return None
    item = consultation.agenda_item
    public = item is not None and item.public and not item.deleted
    result = item.result.strip() if public and item is not None else ""
    committee = _committee(consultation)
    role = consultation.role or (_("decision") if consultation.authoritative else _("consultation"))
    meeting = consultation.meeting
    url = meeting_url(meeting, slug) if meeting is not None and not meeting.deleted else ""
    cancelled = meeting is not None and meeting.cancelled
    if consultation.authoritative and result:
        return TrailEntry(when=when, source=SOURCE, status=_decided(result), url=url,
                          title=_("Decision (%(committee)s): %(result)s") % {"committee": committee,
                                                                            "result": result},
                          text=item.resolution_text.strip() if item is not None else "")
    if cancelled:
        status, text = "cancelled", _("The meeting was cancelled.")
    elif when > now:
        status, text = "scheduled", _("Scheduled.")
    else:
        status, text = "consulted", (_("Result: %(result)s") % {"result": result}) if result else ""
    return TrailEntry(when=when, source=SOURCE, status=status, url=url, text=text,
                      title=_("%(role)s: %(committee)s") % {"role": role, "committee": committee})


def council_trail(matter: Model) -> list[TrailEntry]:
    """The trail source "council": the attached paper, its consultations and the decision, oldest first."""
    paper = attached_paper(matter)
    if paper is None:
        return []
    now = timezone.now()
    when: date | datetime = paper.date or paper.created
    kind = paper.paper_type or _("Council paper")
    entries = [TrailEntry(when=when, source=SOURCE, status="paper", url=paper_url(paper),
                          title=_("%(kind)s %(reference)s: %(name)s") % {
                              "kind": kind, "reference": paper.reference, "name": paper.name}
                          if paper.reference else f"{kind}: {paper.name}")]
    for consultation in paper.consultations.all():
        entry = _consultation_entry(consultation, now, paper.municipality.slug)
        if entry is not None:
            entries.append(entry)
    return entries


def register() -> None:
    from django.utils.translation import gettext_lazy

    from kommune.core.notifications.verbs import register_verb
    from kommune.council.trail_events import CouncilPaperAttached

    register_trail_source(SOURCE, council_trail)
    register_verb(CouncilPaperAttached, gettext_lazy("“%(title)s” was handed to the council: its council paper is "
                                                     "now linked, with its consultations and the decision"))
    if not rules.perm_exists("council.attach_paper"):
        # Staff of the municipality attach a council paper to a matter handed to the council.
        rules.add_perm("council.attach_paper", is_staff)
