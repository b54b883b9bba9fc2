"""What the digital-help app registers with core in AppConfig.ready(): the mail consumer, verbs, followables,
audit labels, privacy, search, open data, the REST API, demo data and the dashboard entry."""

from django.utils.translation import gettext_lazy as _

from kommune.inclusion.models import Partner


def _registration_name(value) -> str:
    return str(value)


def register_audit_details() -> None:
    from kommune.core.audit import register_audit_detail
    from kommune.core.models import AuditLogEntry

    action = AuditLogEntry.Action
    register_audit_detail("partner", _("Partner"), action=action.INCLUSION_PARTNER_DECIDED)
    register_audit_detail("approved", _("Approved"), action=action.INCLUSION_PARTNER_DECIDED)
    for assisted in (action.INCLUSION_ASSISTED_REGISTRATION, action.INCLUSION_ASSISTED_CANCELLATION):
        register_audit_detail("registration", _("Registration number"), action=assisted)
        register_audit_detail("event", _("Event"), action=assisted)
        register_audit_detail("person", _("Person"), action=assisted)
        register_audit_detail("status", _("Status"), action=assisted)


def register_verbs() -> None:
    from kommune.core.notifications.verbs import register_verb
    from kommune.inclusion import events

    register_verb(events.EventPublished, _("New date in the digital-help calendar: “%(title)s”"))
    register_verb(events.PartnerApproved, _("New place in the digital-help network: “%(title)s”"))
    register_verb(events.PartnerProposed, _("A new place for the digital-help network waits for approval: "
                                           "“%(title)s”"), public=False)
    register_verb(events.PartnerRejected, _("The place “%(title)s” was not approved for the digital-help network"),
                  public=False)


def register() -> None:
    register_home_link()
    register_assisted_entry()
    from kommune.core.notifications.followables import register_followable
    from kommune.inclusion import mails, privacy, records, searchables

    mails.register()
    searchables.register()
    records.register()
    privacy.register()
    register_verbs()
    register_audit_details()
    register_followable(Partner, is_visible=lambda partner: partner.is_approved)


def register_assisted_entry() -> None:
    """Where staff enter this app's contributions for a resident (kommune/core/assisted.py)."""
    from kommune.core.assisted import register_assisted_entry as register
    from kommune.core.models import AuditLogEntry

    register(key="inclusion", label=_("Registration for a course or event"),
             description=_("Open the event; “Register a person (assisted)” takes someone who called or came "
                           "by, also without e-mail."),
             url_name="inclusion:list", permission="inclusion.organise",
             actions=[AuditLogEntry.Action.INCLUSION_ASSISTED_REGISTRATION,
                      AuditLogEntry.Action.INCLUSION_ASSISTED_CANCELLATION], order=40)


def register_home_link() -> None:
    """The feature's entry in the home page's "Take part" section (kommune/core/home_sections.py)."""
    from kommune.core.home_sections import HomeLink
    from kommune.core.home_sections import register_home_link as register

    register(HomeLink("digital_help", _("Digital help and courses"),
                      _("Smartphone courses, online banking and video calls explained at meeting places near you, "
                        "in simple language."),
                      "inclusion:list", order=10))
