"""The volunteer projects' services: publishing, signing up with exact capacity (also under concurrency on
PostgreSQL), assisted sign-up and cancellation (audited), cancellation by link, attendance with hours, reminders,
and the refusals that say why and change nothing."""

import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from kommune.core.models import AuditLogEntry, Role
from kommune.volunteering import services, tokens
from kommune.volunteering.models import Project, Shift, SignUp
from tests.factories import LabFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_volunteering import ShiftFactory, SignUpFactory, VolunteerProjectFactory

BERLIN = ZoneInfo("Europe/Berlin")
Action = AuditLogEntry.Action


def _snapshot(shift):
    shift.refresh_from_db()
    return shift.signed_up_count, sorted(SignUp.objects.values_list("name", "status"))


@pytest.fixture(autouse=True)
def _messages_in_german():
    # The messages are compared in German; another test file on the same worker may leave a language active.
    from django.utils import translation

    with translation.override("de"):
        yield


@pytest.fixture
def project(musterstadt):
    return VolunteerProjectFactory(municipality=musterstadt)


def _shift_data(**extra):
    begin = timezone.now() + timedelta(days=5)
    return {"title": "Beete anlegen", "starts_at": begin, "ends_at": begin + timedelta(hours=3),
            "place_name": "Gemeinschaftsgarten", "street": "Parkallee 40", "postcode": "12345",
            "city": "Musterstadt", "district": "Südpark", "latitude": Decimal("51.95"), "longitude": Decimal("7.62"),
            "capacity": 2, "accessibility": "suitable", **extra}


def test_the_shift_fills_the_next_is_refused_and_a_cancellation_frees_the_place(musterstadt, carol, alice, bob):
    """The issue's "Done when": a shift fills, the next sign-up is refused with a message, a cancellation frees
    the place; an assisted sign-up is marked and audited."""
    project = services.do_create_project(actor=carol, municipality=musterstadt, data={
        "title": "Gemeinschaftsgarten", "summary": "Wir legen einen Garten an."})
    shift = services.do_add_shift(actor=carol, project=project, data=_shift_data(), skills=["gardening", "none"])
    assert shift.skill_list == ["none", "gardening"] and shift.hours() == Decimal("3.00")

    first = services.do_sign_up(shift=shift, user=alice)
    assert (first.name, first.email, first.assisted_by) == ("Alice", "alice@example.org", None)
    assisted = services.do_sign_up(shift=shift, assisted_by=carol, name="Renate Hoffmann", phone="0251 445501")
    assert assisted.is_assisted and assisted.user is None
    entry = AuditLogEntry.objects.get(action=Action.VOLUNTEER_ASSISTED_SIGNUP)
    assert entry.actor == carol and entry.details["person"] == "Renate Hoffmann"

    with pytest.raises(ValidationError) as refused:
        services.do_sign_up(shift=shift, user=bob)
    assert refused.value.code == "full" and "voll" in refused.value.messages[0]
    assert _snapshot(shift)[0] == 2

    services.do_cancel_sign_up(sign_up=assisted, actor=carol, assisted=True)
    assert AuditLogEntry.objects.filter(action=Action.VOLUNTEER_ASSISTED_CANCELLATION, actor=carol).exists()
    assert _snapshot(shift)[0] == 1
    services.do_sign_up(shift=shift, user=bob)
    assert _snapshot(shift)[0] == 2
    # The e-mails: each sign-up with an address got its confirmation with the signed cancellation link.
    assert any("abmelden" in message.body and message.to == ["bob@example.org"] for message in mail.outbox)


@pytest.mark.parametrize("case", ["twice", "past", "cancelled", "unpublished", "no_contact", "bad_phone", "bad_email",
                                  "anonymous"])
def test_refusals_say_why_and_change_nothing(musterstadt, project, carol, alice, case):
    shift = ShiftFactory(project=project, capacity=5)
    services.do_sign_up(shift=shift, user=alice)
    before = _snapshot(shift)
    kwargs: dict = {"shift": shift, "user": alice}
    if case == "past":
        Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() - timedelta(hours=1))
        kwargs["user"] = UserFactory()
    elif case == "cancelled":
        Shift.objects.filter(pk=shift.pk).update(is_cancelled=True)
        kwargs["user"] = UserFactory()
    elif case == "unpublished":
        Project.objects.filter(pk=project.pk).update(is_published=False)
        kwargs["user"] = UserFactory()
    elif case in ("no_contact", "bad_phone", "bad_email"):
        contact = {"no_contact": {}, "bad_phone": {"phone": "12"}, "bad_email": {"email": "kein-at"}}[case]
        kwargs = {"shift": shift, "assisted_by": carol, "name": "Rita", **contact}
    elif case == "anonymous":
        kwargs["user"] = None
    error = PermissionDenied if case == "anonymous" else ValidationError
    with pytest.raises(error) as refused:
        services.do_sign_up(**kwargs)
    assert str(refused.value)
    assert _snapshot(shift) == before


def test_the_same_person_by_phone_is_recognised(musterstadt, project, carol):
    shift = ShiftFactory(project=project, capacity=5)
    services.do_sign_up(shift=shift, assisted_by=carol, name="Renate", phone="+49 251 445501")
    with pytest.raises(ValidationError, match="bereits eingetragen"):
        services.do_sign_up(shift=shift, assisted_by=carol, name="Renate H.", phone="0251 / 44 55 01")


def test_only_organisers_enter_and_cancel_for_others(musterstadt, project, alice, dave):
    shift = ShiftFactory(project=project)
    with pytest.raises(PermissionDenied):
        services.do_sign_up(shift=shift, assisted_by=alice, name="X", phone="0251 123456")
    with pytest.raises(PermissionDenied):
        services.do_sign_up(shift=shift, assisted_by=dave, name="X", phone="0251 123456")
    row = SignUpFactory(shift=shift)
    with pytest.raises(PermissionDenied):
        services.do_cancel_sign_up(sign_up=row, actor=alice, assisted=True)


def test_cancelling_by_link_twice_and_forged_or_foreign_links(musterstadt, anderstadt, project, alice):
    shift = ShiftFactory(project=project)
    row = services.do_sign_up(shift=shift, user=alice)
    token = tokens.cancel_token(row)
    assert tokens.sign_up_for_token(token, musterstadt) == row
    assert tokens.sign_up_for_token(token, anderstadt) is None
    assert tokens.sign_up_for_token(token + "x", musterstadt) is None
    assert tokens.sign_up_for_token("kaputt", musterstadt) is None
    services.do_cancel_sign_up(sign_up=row)
    with pytest.raises(ValidationError, match="bereits storniert"):
        services.do_cancel_sign_up(sign_up=row)
    shift.refresh_from_db()
    assert shift.signed_up_count == 0
    # Cancelled, the person may sign up again.
    services.do_sign_up(shift=shift, user=alice)


def test_attendance_with_hours_is_audited_and_counts_for_the_person(musterstadt, project, carol, alice):
    shift = ShiftFactory(project=project)
    row = services.do_sign_up(shift=shift, user=alice)
    with pytest.raises(ValidationError, match="noch nicht begonnen"):
        services.do_confirm_attendance(actor=carol, sign_up=row, attended=True, hours=None)
    Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() - timedelta(hours=4),
                                             ends_at=timezone.now() - timedelta(hours=1, minutes=30))
    with pytest.raises(PermissionDenied):
        services.do_confirm_attendance(actor=alice, sign_up=row, attended=True, hours=Decimal("2"))
    with pytest.raises(ValidationError, match="zwischen 0,25 und 24"):
        services.do_confirm_attendance(actor=carol, sign_up=row, attended=True, hours=Decimal("30"))
    row = services.do_confirm_attendance(actor=carol, sign_up=row, attended=True, hours=None)
    assert row.hours == Decimal("2.50") and row.attendance == SignUp.Attendance.ATTENDED
    assert AuditLogEntry.objects.get(action=Action.VOLUNTEER_ATTENDANCE_CONFIRMED).details["hours"] == "2.50"
    with pytest.raises(ValidationError, match="schon begonnen"):
        services.do_cancel_sign_up(sign_up=row)

    from kommune.volunteering import selectors

    [contribution] = selectors.contributions_of(alice, musterstadt)
    assert (contribution.project, contribution.hours, contribution.shifts) == (project, Decimal("2.50"), 1)


def test_who_publishes_for_whom(musterstadt, anderstadt, alice, carol):
    organisation = OrganisationFactory(municipality=musterstadt)
    partner = UserFactory()
    MembershipFactory(user=partner, municipality=musterstadt, role=Role.PARTNER, organisation=organisation)
    data = {"title": "Lesepaten", "summary": "Vorlesen in der Bibliothek."}
    with pytest.raises(PermissionDenied):
        services.do_create_project(actor=alice, municipality=musterstadt, data=data)
    with pytest.raises(ValidationError, match="Organisation oder das Lab"):
        services.do_create_project(actor=partner, municipality=musterstadt, data=data)
    other = OrganisationFactory(municipality=musterstadt)
    with pytest.raises(ValidationError, match="eigene Organisation"):
        services.do_create_project(actor=partner, municipality=musterstadt, data=data, organisation=other)
    project = services.do_create_project(actor=partner, municipality=musterstadt, data=data, organisation=organisation)
    assert project.publisher == organisation.name
    with pytest.raises(ValidationError, match="anderen Kommune"):
        services.do_create_project(actor=carol, municipality=musterstadt, data=data,
                                   organisation=OrganisationFactory(municipality=anderstadt))
    # A lab's team publishes for the lab in its municipalities.
    lab = LabFactory()
    lab.municipalities.add(musterstadt)
    lab_admin = UserFactory()
    MembershipFactory(user=lab_admin, lab=lab, municipality=None, role=Role.ADMIN)
    assert not lab_admin.has_perm("volunteering.organise", musterstadt)  # a lab role gives nothing on its pages
    lab_project = services.do_create_project(actor=lab_admin, municipality=musterstadt, data=data, lab=lab)
    assert lab_project.publisher == lab.name
    services.do_add_shift(actor=lab_admin, project=lab_project, data=_shift_data(), skills=[])
    with pytest.raises(PermissionDenied):
        services.do_add_shift(actor=partner, project=lab_project, data=_shift_data(), skills=[])
    # The municipality's staff publish for a lab that joins it, not for another.
    assert services.do_create_project(actor=carol, municipality=musterstadt, data=data, lab=lab).lab == lab
    with pytest.raises(ValidationError):
        services.do_create_project(actor=carol, municipality=musterstadt, data=data, lab=LabFactory())


@pytest.mark.parametrize("bad, field", [
    ({"starts_at": timezone.now() - timedelta(days=1)}, "starts_at"),
    ({"ends_at": timezone.now() + timedelta(days=4)}, "ends_at"),
    ({"capacity": 0}, "capacity"),
    ({"latitude": None}, "latitude"),
    ({"starts_at": None}, "starts_at"),
])
def test_bad_shifts_are_refused(musterstadt, project, carol, bad, field):
    with pytest.raises(ValidationError) as refused:
        services.do_add_shift(actor=carol, project=project, data=_shift_data(**bad), skills=[])
    assert field in refused.value.error_dict
    with pytest.raises(ValidationError, match="Unbekannte Fähigkeit"):
        services.do_add_shift(actor=carol, project=project, data=_shift_data(), skills=["juggling"])
    assert not Shift.objects.exists()


def test_an_ongoing_task_without_a_date(musterstadt, project, carol, alice):
    shift = services.do_add_shift(actor=carol, project=project, skills=[], data=_shift_data(
        starts_at=None, ends_at=None, title="Gießdienst"))
    assert shift.is_ongoing and not shift.is_past()
    services.do_sign_up(shift=shift, user=alice)


def test_reminders_go_out_once_the_day_before(musterstadt, project, alice, carol):
    with time_machine.travel(datetime(2027, 5, 10, 9, 0, tzinfo=BERLIN), tick=False):
        tomorrow = ShiftFactory(project=project, starts_at=datetime(2027, 5, 11, 10, 0, tzinfo=BERLIN),
                                ends_at=datetime(2027, 5, 11, 12, 0, tzinfo=BERLIN))
        later = ShiftFactory(project=project, starts_at=datetime(2027, 5, 14, 10, 0, tzinfo=BERLIN),
                             ends_at=datetime(2027, 5, 14, 12, 0, tzinfo=BERLIN))
        services.do_sign_up(shift=tomorrow, user=alice)
        services.do_sign_up(shift=tomorrow, assisted_by=carol, name="Nur Telefon", phone="0421 999999")
        services.do_sign_up(shift=later, assisted_by=carol, name="Später", email="spaeter@example.org")
        mail.outbox.clear()
        assert services.do_send_reminders() == 1
        assert services.do_send_reminders() == 0
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert "morgen" in mail.outbox[0].body or "tomorrow" in mail.outbox[0].body
    assert "abmelden" in mail.outbox[0].body


def test_account_deletion_cancels_future_and_blanks_past_sign_ups(musterstadt, project, alice):
    from kommune.volunteering.privacy import export_sign_ups

    future = ShiftFactory(project=project)
    past = ShiftFactory(project=project, starts_at=timezone.now() - timedelta(days=3),
                        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2), signed_up_count=1)
    services.do_sign_up(shift=future, user=alice)
    SignUpFactory(shift=past, user=alice, name="Alice", email="alice@example.org", hours=Decimal("2"),
                  attendance=SignUp.Attendance.ATTENDED)
    services.do_set_preference(user=alice, municipality=musterstadt, show_on_profile=True)
    assert len(export_sign_ups(alice)) == 2
    services.delete_sign_ups_of(alice)
    future.refresh_from_db()
    assert future.signed_up_count == 0
    kept = SignUp.objects.get(shift=past)
    assert (kept.user, kept.name, kept.email, kept.hours) == (None, "–", "", Decimal("2.00"))
    assert export_sign_ups(alice) == []


def _in_threads(count: int, work) -> list[Exception]:
    barrier = threading.Barrier(count)
    errors: list[Exception] = []

    def run(number: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            work(number)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_for_the_last_places_never_overbook():
    from tests.factories import MunicipalityFactory

    municipality = MunicipalityFactory()
    shift = ShiftFactory(project=VolunteerProjectFactory(municipality=municipality), capacity=3)
    people = [UserFactory() for _ in range(10)]
    errors = _in_threads(10, lambda number: services.do_sign_up(shift=shift, user=people[number]))
    assert len(errors) == 7 and all(getattr(error, "code", "") == "full" for error in errors)
    shift.refresh_from_db()
    assert shift.signed_up_count == 3 == SignUp.objects.filter(shift=shift, status="confirmed").count()

    # One person clicking eight times at once: one sign-up.
    second = ShiftFactory(project=shift.project, capacity=5)
    errors = _in_threads(8, lambda number: services.do_sign_up(shift=second, user=people[0]))
    assert len(errors) == 7
    second.refresh_from_db()
    assert second.signed_up_count == 1 == SignUp.objects.filter(shift=second).count()

    # Parallel cancellations and sign-ups: the counter stays the number of rows.
    rows = list(SignUp.objects.filter(shift=shift, status="confirmed"))
    newcomers = people[5:8]

    def cancel_or_sign_up(number: int) -> None:
        if number < 3:
            services.do_cancel_sign_up(sign_up=rows[number])
        else:
            services.do_sign_up(shift=shift, user=newcomers[number - 3])

    _in_threads(6, cancel_or_sign_up)
    shift.refresh_from_db()
    assert shift.signed_up_count == SignUp.objects.filter(shift=shift, status="confirmed").count() <= 3
