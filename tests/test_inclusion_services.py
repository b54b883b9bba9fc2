"""The digital-help network's services: partners proposed and approved, events and courses published, the
registration with capacity and waiting list, cancellation by link, reminders, assisted registration."""

import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from kommune.core.models import AuditLogEntry, Role
from kommune.inclusion import services, tokens
from kommune.inclusion.models import Course, Event, Partner, Registration
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_inclusion import EventFactory, PartnerFactory, RegistrationFactory

BERLIN = ZoneInfo("Europe/Berlin")
Status = Registration.Status

PARTNER_DATA = {"name": "Seniorentreff Altstadt", "kind": Partner.Kind.SENIOR_CENTRE, "street": "Lindenweg 3",
                "postcode": "12345", "city": "Musterstadt", "district": "Altstadt", "step_free": True,
                "phone": "0123 987654", "email": "treff@example.org"}


def _course_data(partner, **extra):
    return {"title": "Smartphone für Einsteiger", "description": "Wir üben in kleinen Gruppen.",
            "category": "smartphone", "level": "beginner", "language": "Deutsch", "partner": partner,
            "is_online": False, "online_url": "", "accessibility_notes": "", "cost": "", "capacity": 2,
            "waiting_list": True, **extra}


def _snapshot(target):
    target.refresh_from_db()
    rows = sorted(Registration.objects.values_list("name", "status"))
    return target.confirmed_count, target.waiting_count, rows


@pytest.fixture
def partner(musterstadt):
    return PartnerFactory(municipality=musterstadt)


def test_the_whole_journey_of_the_issue(musterstadt, alice, carol):
    """A new partner registers, is approved, publishes a four-week course; a resident without an account
    registers, a full course puts the next person on the waiting list, a cancellation moves them up and both get
    e-mails."""
    proposed = services.do_propose_partner(actor=alice, municipality=musterstadt, data=PARTNER_DATA,
                                           offers=["smartphone", "online_banking"])
    assert proposed.state == Partner.State.PENDING and proposed.slug == "seniorentreff-altstadt"
    assert sorted(proposed.offer_rows.values_list("category", flat=True)) == ["online_banking", "smartphone"]
    with pytest.raises(PermissionDenied):
        services.do_decide_partner(actor=alice, partner=proposed, approve=True)
    services.do_decide_partner(actor=carol, partner=proposed, approve=True)
    proposed.refresh_from_db()
    assert proposed.is_approved
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.INCLUSION_PARTNER_DECIDED, actor=carol).exists()

    first_day = (datetime.now(BERLIN) + timedelta(days=7)).date()
    course = services.do_publish_event(actor=alice, municipality=musterstadt, data=_course_data(proposed),
                                       first_day=first_day, starts=time(10), ends=time(12), sessions=4)
    assert isinstance(course, Course)
    assert course.sessions.count() == 4
    assert all(session.starts_at.astimezone(BERLIN).time() == time(10) for session in course.sessions.all())

    mail.outbox.clear()
    first = services.do_register(target=course, name="Erna Meyer", email="erna@example.org")
    second = services.do_register(target=course, name="Heinz Otto", phone="0421 123456")
    third = services.do_register(target=course, name="Gisela Brandt", email="gisela@example.org")
    assert [first.status, second.status, third.status] == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING]
    course.refresh_from_db()
    assert (course.confirmed_count, course.waiting_count) == (2, 1)
    assert [message.to for message in mail.outbox] == [["erna@example.org"], ["gisela@example.org"]]
    assert "Warteliste" in mail.outbox[1].body or "waiting list" in mail.outbox[1].body

    mail.outbox.clear()
    token = tokens.cancel_token(first)
    found = tokens.registration_for_token(token, musterstadt)
    assert found == first
    moved = services.do_cancel_registration(registration=found)
    assert [row.pk for row in moved] == [third.pk]
    third.refresh_from_db()
    assert third.status == Status.CONFIRMED and third.moved_up_at is not None
    course.refresh_from_db()
    assert (course.confirmed_count, course.waiting_count) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == ["erna@example.org", "gisela@example.org"]
    moved_up_mail = next(message for message in mail.outbox if message.to == ["gisela@example.org"])
    assert "/veranstaltungen/abmelden/" in moved_up_mail.body


@pytest.mark.parametrize("case", ["twice_by_email", "twice_by_phone", "full_without_list", "declined_list",
                                  "past", "no_contact", "session_of_course", "cancelled"])
def test_refusals_say_why_and_change_nothing(musterstadt, partner, case):
    event = EventFactory(partner=partner, capacity=1, waiting_list=case != "full_without_list")
    RegistrationFactory(event=event, name="Erste Person", email="erste@example.org", phone="0421 555 111")
    Event.objects.filter(pk=event.pk).update(confirmed_count=1)
    kwargs = {"target": event, "name": "Neue Person", "email": "neu@example.org"}
    if case == "twice_by_email":
        kwargs["email"] = "ERSTE@example.org"
    elif case == "twice_by_phone":
        kwargs.update(email="", phone="+49 421 555111")
    elif case == "declined_list":
        kwargs["accept_waiting_list"] = False
    elif case == "past":
        Event.objects.filter(pk=event.pk).update(starts_at=event.starts_at - timedelta(days=10),
                                                 ends_at=event.ends_at - timedelta(days=10))
    elif case == "no_contact":
        kwargs.update(email="", phone="")
    elif case == "session_of_course":
        course = Course.objects.create(municipality=musterstadt, partner=partner, title="Kurs", category="smartphone",
                                       capacity=5)
        Event.objects.filter(pk=event.pk).update(course=course)
    elif case == "cancelled":
        Event.objects.filter(pk=event.pk).update(is_cancelled=True)
    event.refresh_from_db()
    before = _snapshot(event)
    mail.outbox.clear()
    with pytest.raises(ValidationError) as error:
        services.do_register(**kwargs)
    assert error.value.messages and all(message.strip() for message in error.value.messages)
    assert _snapshot(event) == before
    assert mail.outbox == []


def test_a_logged_in_person_cannot_register_twice(musterstadt, partner, alice):
    event = EventFactory(partner=partner)
    services.do_register(target=event, name="Alice", email="a1@example.org", user=alice)
    with pytest.raises(ValidationError):
        services.do_register(target=event, name="Alice", email="a2@example.org", user=alice)
    assert Registration.objects.count() == 1


def test_cancelling_twice_is_refused_and_a_forged_link_finds_nothing(musterstadt, anderstadt, partner):
    event = EventFactory(partner=partner)
    registration = services.do_register(target=event, name="Hans", phone="0421 777777")
    token = tokens.cancel_token(registration)
    assert tokens.registration_for_token(token + "x", musterstadt) is None
    assert tokens.registration_for_token(token, anderstadt) is None
    services.do_cancel_registration(registration=registration)
    with pytest.raises(ValidationError):
        services.do_cancel_registration(registration=registration)
    event.refresh_from_db()
    assert event.confirmed_count == 0


def test_assisted_registration_is_marked_and_audited(musterstadt, partner, carol, alice):
    event = EventFactory(partner=partner)
    with pytest.raises(PermissionDenied):
        services.do_register(target=event, name="Frau Kaya", phone="0421 1234567", assisted_by=alice)
    registration = services.do_register(target=event, name="Frau Kaya", phone="0421 1234567", assisted_by=carol)
    assert registration.assisted_by == carol and registration.user is None
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.INCLUSION_ASSISTED_REGISTRATION)
    assert entry.actor == carol and entry.details["person"] == "Frau Kaya"
    services.do_cancel_registration(registration=registration, actor=carol, assisted=True)
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.INCLUSION_ASSISTED_CANCELLATION).exists()


def test_partner_members_manage_their_place_and_publish_there(musterstadt, partner):
    organisation = OrganisationFactory(municipality=musterstadt)
    partner.organisation = organisation
    partner.save()
    member = UserFactory()
    MembershipFactory(user=member, municipality=musterstadt, role=Role.PARTNER, organisation=organisation)
    stranger = UserFactory()
    MembershipFactory(user=stranger, municipality=musterstadt, role=Role.PARTNER,
                      organisation=OrganisationFactory(municipality=musterstadt))
    services.do_update_partner(actor=member, partner=partner, data={"opening_hours": "Mo 10–12"},
                               offers=["security"])
    partner.refresh_from_db()
    assert partner.opening_hours == "Mo 10–12" and partner.offers == ["security"]
    with pytest.raises(PermissionDenied):
        services.do_update_partner(actor=stranger, partner=partner, data={"name": "Gekapert"}, offers=[])
    first_day = (datetime.now(BERLIN) + timedelta(days=3)).date()
    event = services.do_publish_event(actor=member, municipality=musterstadt, data=_course_data(partner),
                                      first_day=first_day, starts=time(14), ends=time(16))
    assert isinstance(event, Event) and event.capacity == 2
    with pytest.raises(PermissionDenied):
        services.do_publish_event(actor=stranger, municipality=musterstadt, data=_course_data(partner),
                                  first_day=first_day, starts=time(14), ends=time(16))


def test_lab_admins_approve_partners_of_their_municipalities(musterstadt, anderstadt):
    from tests.factories import LabFactory

    lab = LabFactory()
    lab.municipalities.add(musterstadt)
    lab_admin = UserFactory()
    MembershipFactory(user=lab_admin, lab=lab, municipality=None, role=Role.ADMIN)
    pending = PartnerFactory(municipality=musterstadt, state=Partner.State.PENDING)
    foreign = PartnerFactory(municipality=anderstadt, state=Partner.State.PENDING)
    services.do_decide_partner(actor=lab_admin, partner=pending, approve=True)
    with pytest.raises(PermissionDenied):
        services.do_decide_partner(actor=lab_admin, partner=foreign, approve=True)
    # A lab role gives nothing on the municipality's own pages and services (the lab has its page).
    assert not lab_admin.has_perm("inclusion.manage", musterstadt)


def test_weekly_sessions_keep_their_local_time_across_the_change_to_summer_time():
    times = services.session_times(date(2027, 3, 18), time(10), time(12), 3)  # 28 March 2027: summer time
    assert [begin.astimezone(BERLIN).hour for begin, _end in times] == [10, 10, 10]
    assert [begin.utcoffset() for begin, _end in times] == [timedelta(hours=1), timedelta(hours=1),
                                                            timedelta(hours=2)]


def test_reminders_go_out_once_the_day_before(musterstadt, partner):
    with time_machine.travel(datetime(2027, 5, 10, 9, 0, tzinfo=BERLIN), tick=False):
        tomorrow = EventFactory(partner=partner, starts_at=datetime(2027, 5, 11, 10, 0, tzinfo=BERLIN),
                                ends_at=datetime(2027, 5, 11, 12, 0, tzinfo=BERLIN))
        later = EventFactory(partner=partner, starts_at=datetime(2027, 5, 14, 10, 0, tzinfo=BERLIN),
                             ends_at=datetime(2027, 5, 14, 12, 0, tzinfo=BERLIN))
        services.do_register(target=tomorrow, name="Mit Mail", email="mail@example.org")
        services.do_register(target=tomorrow, name="Nur Telefon", phone="0421 999999")
        services.do_register(target=later, name="Später", email="spaeter@example.org")
        mail.outbox.clear()
        assert services.do_send_reminders() == 1
        assert services.do_send_reminders() == 0
    assert [message.to for message in mail.outbox] == [["mail@example.org"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_for_the_last_places_never_overbook():
    from tests.factories import MunicipalityFactory

    municipality = MunicipalityFactory()
    event = EventFactory(partner=PartnerFactory(municipality=municipality), capacity=3, waiting_list=True)
    barrier = threading.Barrier(8)
    errors: list[Exception] = []

    def register(number: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.do_register(target=event, name=f"Person {number}", phone=f"0421 10000{number}")
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=register, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    event.refresh_from_db()
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(Status.CONFIRMED) == 3 == event.confirmed_count
    assert statuses.count(Status.WAITING) == 5 == event.waiting_count

    # Parallel cancellations: each freed place goes to exactly one person waiting.
    confirmed = list(Registration.objects.filter(event=event, status=Status.CONFIRMED))
    barrier2 = threading.Barrier(len(confirmed))

    def cancel(registration) -> None:
        from django.db import connection as thread_connection

        try:
            barrier2.wait()
            services.do_cancel_registration(registration=registration)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=cancel, args=(registration,)) for registration in confirmed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    event.refresh_from_db()
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(Status.CONFIRMED) == 3 == event.confirmed_count
    assert statuses.count(Status.WAITING) == 2 == event.waiting_count
    assert statuses.count(Status.CANCELLED) == 3
