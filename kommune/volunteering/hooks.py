"""What the volunteering app registers with core and accounts in AppConfig.ready(): the mail consumer, verbs,
followables, audit labels, privacy, search, open data, the person-page section and the dashboard entry."""

from django.utils.translation import gettext_lazy as _

from kommune.volunteering.models import Project


def register_audit_details() -> None:
    from kommune.core.audit import register_audit_detail
    from kommune.core.models import AuditLogEntry

    action = AuditLogEntry.Action
    for kind in (action.VOLUNTEER_ASSISTED_SIGNUP, action.VOLUNTEER_ASSISTED_CANCELLATION,
                 action.VOLUNTEER_ATTENDANCE_CONFIRMED):
        register_audit_detail("sign_up", _("Sign-up number"), action=kind)
        register_audit_detail("shift", _("Shift"), action=kind)
        register_audit_detail("person", _("Person"), action=kind)
    for kind in (action.VOLUNTEER_ASSISTED_SIGNUP, action.VOLUNTEER_ASSISTED_CANCELLATION):
        register_audit_detail("project", _("Project"), action=kind)
    register_audit_detail("attended", _("Took part"), action=action.VOLUNTEER_ATTENDANCE_CONFIRMED)
    register_audit_detail("hours", _("Hours"), action=action.VOLUNTEER_ATTENDANCE_CONFIRMED)


def register_verbs() -> None:
    from kommune.core.notifications.verbs import register_verb
    from kommune.volunteering import events

    register_verb(events.VolunteerProjectPublished, _("New volunteer project: “%(title)s”"))
    register_verb(events.ShiftAdded, _("New shift in the volunteer project “%(scope)s”: “%(title)s”"))


def _profile_items(user, municipality, limit: int):
    from django.utils.translation import ngettext

    from kommune.accounts.profiles import ProfileItem
    from kommune.volunteering import selectors

    if not selectors.shows_on_profile(user, municipality):
        return []
    return [ProfileItem(title=ngettext("%(project)s: %(hours)s hours in %(num)s shift",
                                       "%(project)s: %(hours)s hours in %(num)s shifts", item.shifts) % {
                            "project": item.project.title, "hours": _hours(item.hours), "num": item.shifts},
                        url=item.project.get_absolute_url(), date=None)
            for item in selectors.contributions_of(user, municipality)[:limit]]


def _hours(value) -> str:
    from django.utils.formats import number_format

    return number_format(value)  # already plain (selectors.plain_hours)


def register_profile_section() -> None:
    from kommune.accounts.profiles import ProfileSection, register_profile_section

    register_profile_section(ProfileSection("volunteering", _("Volunteering"), _profile_items, order=30))


def register_management_entry() -> None:
    from kommune.core.management_menu import ManagementEntry, register_entry

    def describe(municipality) -> str:
        count = Project.objects.filter(municipality=municipality, is_published=True).count()
        return _("%(num)s volunteer projects") % {"num": count}

    register_entry(ManagementEntry("volunteering", _("Volunteer projects"), "volunteering.organise",
                                   "volunteering:organise", describe, order=62))


def register() -> None:
    register_home_link()
    register_assisted_entry()
    from kommune.core.notifications.followables import register_followable
    from kommune.volunteering import mails, privacy, records, searchables

    mails.register()
    searchables.register()
    records.register()
    privacy.register()
    register_verbs()
    register_audit_details()
    register_profile_section()
    register_management_entry()
    register_followable(Project, is_visible=lambda project: project.is_published)


def register_assisted_entry() -> None:
    """Where staff enter this app's contributions for a resident (kommune/core/assisted.py)."""
    from kommune.core.assisted import register_assisted_entry as register
    from kommune.core.models import AuditLogEntry

    register(key="volunteering", label=_("Sign-up for a volunteer shift"),
             description=_("Among your projects, open a shift’s list; “Sign up a person (assisted)” takes someone "
                           "who phoned or came by, also without e-mail."),
             url_name="volunteering:organise", permission="volunteering.organise",
             actions=[AuditLogEntry.Action.VOLUNTEER_ASSISTED_SIGNUP,
                      AuditLogEntry.Action.VOLUNTEER_ASSISTED_CANCELLATION], order=55)


def register_home_link() -> None:
    """The feature's entry in the home page's "Take part" section (kommune/core/home_sections.py)."""
    from kommune.core.home_sections import HomeLink
    from kommune.core.home_sections import register_home_link as register

    register(HomeLink("volunteering", _("Volunteer"),
                      _("Join projects of the town and its associations for an afternoon or longer."),
                      "volunteering:list", order=20))
