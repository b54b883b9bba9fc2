"""The digital-help network in the site search: approved places, single events and courses (a course's sessions
are found through the course)."""

from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.inclusion import events
from kommune.inclusion.models import Course, Event, Partner


def partner_document(partner: Partner) -> SearchDocumentData | None:
    if not partner.is_approved:
        return None
    body = [partner.description, partner.address_line, partner.district, ", ".join(partner.offer_labels()),
            partner.opening_hours]
    return SearchDocumentData(municipality=partner.municipality, title=partner.name,
                              body="\n".join(part for part in body if part), url=partner.get_absolute_url(),
                              context=str(partner.get_kind_display()))


def _bookable_body(target: Event | Course) -> str:
    parts = [target.description, str(target.get_category_display()), str(target.get_level_display())]
    if target.partner is not None:
        parts += [target.partner.name, target.partner.address_line, target.partner.district]
    return "\n".join(part for part in parts if part)


def event_document(event: Event) -> SearchDocumentData | None:
    if event.course_id or (event.partner is not None and not event.partner.is_approved):
        return None
    return SearchDocumentData(municipality=event.municipality, title=event.title, body=_bookable_body(event),
                              url=event.get_absolute_url(), context=str(Event._meta.verbose_name))


def course_document(course: Course) -> SearchDocumentData | None:
    if course.partner is not None and not course.partner.is_approved:
        return None
    return SearchDocumentData(municipality=course.municipality, title=course.title, body=_bookable_body(course),
                              url=course.get_absolute_url(), context=str(Course._meta.verbose_name))


EVENT_CHANGES = (events.EventPublished, events.EventUpdated, events.EventCancelled)


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    register_searchable(Partner, kind="digital_help_place", label=_("Place of the digital help"),
                        document=partner_document,
                        queryset=lambda: Partner.objects.filter(state=Partner.State.APPROVED)
                        .select_related("municipality"),
                        index_on=(events.PartnerApproved, events.PartnerUpdated),
                        remove_on=(events.PartnerRejected,))
    register_searchable(Event, kind="digital_help_event", label=_("Digital-help event"), document=event_document,
                        queryset=lambda: Event.objects.filter(course__isnull=True)
                        .select_related("municipality", "partner"),
                        index_on=EVENT_CHANGES)
    register_searchable(Course, kind="digital_help_course", label=_("Digital-help course"),
                        document=course_document,
                        queryset=lambda: Course.objects.select_related("municipality", "partner"),
                        index_on=EVENT_CHANGES)
