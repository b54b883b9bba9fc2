"""Verification of residency: at the counter, and with letter codes (generation, printing, CSV, redemption)."""

import csv
import io
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kommune.accounts.models import LetterCode, LetterCodeBatch, Residency
from kommune.accounts.services import CODE_ALREADY_USED, do_redeem_letter_code
from kommune.core.models import AuditLogEntry, Membership, Role
from tests.factories import UserFactory
from tests.factories_accounts import LetterCodeBatchFactory, LetterCodeFactory

RESIDENCY_URL = reverse("accounts:residency")


def login(client, user) -> None:
    """Log in with English as the person's language, the language these tests read."""
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


def _url(name: str, municipality, **kwargs) -> str:
    return reverse(f"manage_accounts:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


# --- At the counter -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_find_a_person_by_email_and_see_the_real_name(client, musterstadt, carol):
    person = UserFactory(email="paula@example.org", display_name="Paula P.", real_name="Paula Pohl")
    login(client, carol)
    response = client.post(_url("residents", musterstadt), {"person": "PAULA@example.org"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Paula P." in body and "Paula Pohl" in body
    assert 'name="identity_checked"' in body
    assert not Residency.objects.filter(user=person).exists()


@pytest.mark.django_db
def test_an_unknown_email_at_the_counter_is_a_clear_error(client, musterstadt, carol):
    login(client, carol)
    response = client.post(_url("residents", musterstadt), {"person": "niemand@example.org"})
    assert response.status_code == 200
    assert "No account uses this e-mail address" in response.content.decode()


@pytest.mark.django_db
def test_staff_verify_a_person_at_the_counter(client, musterstadt, carol):
    person = UserFactory(email="paula@example.org", display_name="Paula P.", real_name="Paula Pohl")
    login(client, carol)
    response = client.post(_url("verify_resident", musterstadt), {"person": person.email, "identity_checked": "on"})
    assert response.status_code == 302

    residency = Residency.objects.get(user=person, municipality=musterstadt)
    assert (residency.method, residency.verified_by) == (Residency.Method.COUNTER, carol)
    assert Membership.objects.filter(user=person, municipality=musterstadt, role=Role.RESIDENT).exists()
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.RESIDENT_VERIFIED)
    assert (entry.actor, entry.subject, entry.municipality) == (carol, person, musterstadt)

    body = client.get(_url("residents", musterstadt)).content.decode()
    assert "Paula Pohl" in body and "is now verified" in body


@pytest.mark.django_db
def test_verification_needs_the_identity_check_and_changes_nothing_without(client, musterstadt, carol):
    person = UserFactory(email="paula@example.org")
    login(client, carol)
    response = client.post(_url("verify_resident", musterstadt), {"person": person.email})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Residency.objects.exists()
    assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
def test_verifying_twice_is_refused(client, musterstadt, carol, erin):
    person = UserFactory(email="paula@example.org", display_name="Paula")
    Residency.objects.create(user=person, municipality=musterstadt, method=Residency.Method.COUNTER,
                             verified_by=erin)
    login(client, carol)
    response = client.post(_url("verify_resident", musterstadt), {"person": person.email, "identity_checked": "on"})
    assert response.status_code == 200
    assert "already verified" in response.content.decode()
    assert Residency.objects.get(user=person).verified_by == erin
    assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
def test_verification_at_the_counter_is_for_the_municipalitys_staff(client, musterstadt, bob, dave):
    person = UserFactory(email="paula@example.org")
    for user in (bob, dave):
        login(client, user)
        response = client.post(_url("verify_resident", musterstadt),
                               {"person": person.email, "identity_checked": "on"})
        assert response.status_code == 403
    assert not Residency.objects.exists()


@pytest.mark.django_db
def test_verify_is_post_only(client, musterstadt, carol):
    login(client, carol)
    assert client.get(_url("verify_resident", musterstadt)).status_code == 405


# --- Letter codes: generation, list, print, CSV ---------------------------------------------------------------


@pytest.mark.django_db
def test_staff_generate_a_batch_and_see_the_printable_list(client, musterstadt, carol):
    login(client, carol)
    valid_until = timezone.localdate() + timedelta(days=60)
    response = client.post(_url("letter_codes", musterstadt),
                           {"count": 3, "valid_until": valid_until.isoformat(), "note": "Hauptstraße"})
    batch = LetterCodeBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("letter_code_batch", musterstadt, pk=batch.pk)
    assert batch.codes.count() == 3 and batch.note == "Hauptstraße" and batch.created_by == carol
    assert timezone.localtime(batch.expires_at).date() == valid_until
    assert AuditLogEntry.objects.get().action == AuditLogEntry.Action.LETTER_CODES_CREATED

    body = client.get(response["Location"]).content.decode()
    for code in batch.codes.all():
        assert code.formatted in body
    assert body.count(settings.SITE_URL + RESIDENCY_URL) == 3
    assert body.count("Musterstadt") >= 3
    stylesheet = (Path(settings.BASE_DIR) / "kommune/core/static/kommune/site.css").read_text()
    assert "class=\"letter-slips\"" in body and ".letter-slip { break-inside: avoid" in stylesheet


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "message"), [
    ({"count": 0}, "greater than or equal to 1"),
    ({"count": 5001}, "less than or equal to 5000"),
    ({"count": "viele"}, "Enter a whole number"),
    ({"valid_until": "2000-01-01"}, "must lie in the future"),
    ({"valid_until": "31.02.2030"}, "Enter a valid date"),
])
def test_bad_batch_input_is_refused_and_creates_nothing(client, musterstadt, carol, data, message):
    login(client, carol)
    form = {"count": 10, "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(), **data}
    response = client.post(_url("letter_codes", musterstadt), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LetterCodeBatch.objects.exists() and not LetterCode.objects.exists()


@pytest.mark.django_db
def test_batches_show_used_and_unused_counts_without_n_plus_1(client, musterstadt, carol, alice,
                                                              django_assert_num_queries):
    login(client, carol)
    url = _url("letter_codes", musterstadt)
    batch = LetterCodeBatchFactory(municipality=musterstadt, note="Erster Versand")
    LetterCodeFactory.create_batch(3, batch=batch)
    LetterCodeFactory(batch=batch, used_at=timezone.now(), used_by=alice)
    client.get(url)  # warm up the session and the roles of the request user

    with CaptureQueriesContext(connection) as one_batch:
        body = client.get(url).content.decode()
    assert "Erster Versand" in body
    assert '<td class="kern-table__cell kern-table__cell--numeric">4</td>' in body
    assert '<td class="kern-table__cell kern-table__cell--numeric">1</td>' in body
    assert '<td class="kern-table__cell kern-table__cell--numeric">3</td>' in body

    for _ in range(5):
        LetterCodeFactory.create_batch(2, batch=LetterCodeBatchFactory(municipality=musterstadt))
    with django_assert_num_queries(len(one_batch.captured_queries)):
        client.get(url)


@pytest.mark.django_db
def test_the_csv_for_a_mail_merge_has_a_bom_and_the_codes_with_the_letters_date_format(client, musterstadt, carol):
    login(client, carol)
    batch = LetterCodeBatchFactory(municipality=musterstadt,
                                   expires_at=datetime(2030, 3, 31, 23, 59, tzinfo=timezone.get_current_timezone()))
    codes = LetterCodeFactory.create_batch(3, batch=batch)
    response = client.get(_url("letter_code_batch_csv", musterstadt, pk=batch.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["code", "valid_until", "url"]
    assert len(rows) == 4
    entry_url = settings.SITE_URL + RESIDENCY_URL
    assert {tuple(row) for row in rows[1:]} == {(code.formatted, "31.03.2030", entry_url) for code in codes}
    assert all(len(row[0]) == 14 and row[0][4] == row[0][9] == "-" for row in rows[1:])


@pytest.mark.django_db
def test_another_municipality_cannot_see_or_download_a_batch(client, musterstadt, anderstadt, dave):
    batch = LetterCodeBatchFactory(municipality=musterstadt)
    LetterCodeFactory(batch=batch)
    login(client, dave)
    # Through dave's own municipality the foreign batch id does not exist ...
    assert client.get(_url("letter_code_batch", anderstadt, pk=batch.pk)).status_code == 404
    assert client.get(_url("letter_code_batch_csv", anderstadt, pk=batch.pk)).status_code == 404
    # ... and Musterstadt's pages are closed to him.
    assert client.get(_url("letter_code_batch", musterstadt, pk=batch.pk)).status_code == 403
    assert client.get(_url("letter_code_batch_csv", musterstadt, pk=batch.pk)).status_code == 403
    assert client.get(_url("letter_codes", musterstadt)).status_code == 403
    body = client.get(_url("letter_codes", anderstadt)).content.decode()
    assert batch.note not in body


@pytest.mark.django_db
def test_the_dashboard_counts_valid_unused_codes(client, musterstadt, carol, alice):
    batch = LetterCodeBatchFactory(municipality=musterstadt)
    LetterCodeFactory.create_batch(2, batch=batch)
    LetterCodeFactory(batch=batch, used_at=timezone.now(), used_by=alice)
    LetterCodeFactory(batch=LetterCodeBatchFactory(municipality=musterstadt,
                                                   expires_at=timezone.now() - timedelta(days=1)))
    login(client, carol)
    body = client.get(reverse("manage:dashboard", kwargs={"municipality_slug": musterstadt.slug})).content.decode()
    assert "2 valid codes not used yet" in body


# --- Letter codes: redemption by the resident (/konto/wohnsitz/) ----------------------------------------------


def _nothing_changed(code: LetterCode, *, used_by=None) -> None:
    code.refresh_from_db()
    assert code.used_by == used_by
    assert Residency.objects.filter(method=Residency.Method.LETTER_CODE).count() == (1 if used_by else 0)
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.LETTER_CODE_REDEEMED).count() == (
        1 if used_by else 0)


@pytest.mark.django_db
def test_a_resident_redeems_a_letter_code(client, musterstadt):
    person = UserFactory(email="paula@example.org")
    code = LetterCodeFactory(batch=LetterCodeBatchFactory(municipality=musterstadt))
    login(client, person)
    response = client.post(RESIDENCY_URL, {"code": code.formatted.lower().replace("-", " ")})
    assert response.status_code == 302
    residency = Residency.objects.get(user=person)
    assert (residency.municipality, residency.method) == (musterstadt, Residency.Method.LETTER_CODE)
    code.refresh_from_db()
    assert code.used_by == person and code.used_at is not None


@pytest.mark.django_db
def test_a_reused_code_gets_a_clear_message_and_changes_nothing(client, musterstadt):
    first = UserFactory(email="erste@example.org")
    second = UserFactory(email="zweite@example.org")
    code = LetterCodeFactory(batch=LetterCodeBatchFactory(municipality=musterstadt))
    do_redeem_letter_code(user=first, code=code.code)

    login(client, second)
    response = client.post(RESIDENCY_URL, {"code": code.formatted})
    assert response.status_code == 200
    assert "This code has already been used" in response.content.decode()
    assert not Residency.objects.filter(user=second).exists()
    _nothing_changed(code, used_by=first)


@pytest.mark.django_db
def test_an_expired_code_gets_a_clear_message_and_changes_nothing(client, musterstadt):
    person = UserFactory(email="paula@example.org")
    code = LetterCodeFactory(batch=LetterCodeBatchFactory(municipality=musterstadt,
                                                          expires_at=timezone.now() - timedelta(minutes=1)))
    login(client, person)
    response = client.post(RESIDENCY_URL, {"code": code.formatted})
    assert response.status_code == 200
    assert "This code expired on" in response.content.decode()
    _nothing_changed(code)


@pytest.mark.django_db
def test_an_unknown_code_gets_a_clear_message_and_changes_nothing(client, musterstadt):
    person = UserFactory(email="paula@example.org")
    code = LetterCodeFactory(batch=LetterCodeBatchFactory(municipality=musterstadt))
    login(client, person)
    response = client.post(RESIDENCY_URL, {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert response.status_code == 200
    assert "This code is not known" in response.content.decode()
    _nothing_changed(code)
    assert not Residency.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real parallel connections")
@pytest.mark.parametrize("round_", range(3))  # several rounds, so that the threads really meet in the update
def test_parallel_connections_redeeming_one_code_exactly_one_wins(musterstadt, round_):
    code = LetterCodeFactory(batch=LetterCodeBatchFactory(municipality=musterstadt))
    people = [UserFactory(email=f"racer{n}@example.org") for n in range(4)]
    start = threading.Barrier(len(people))
    outcomes: dict[int, str] = {}

    def redeem(person) -> None:
        with translation.override("en"):
            try:
                start.wait(timeout=10)
                do_redeem_letter_code(user=person, code=code.code)
                outcomes[person.pk] = "won"
            except ValidationError as error:
                outcomes[person.pk] = error.messages[0]
            except Exception as error:  # noqa: BLE001 - reported by the assertions below
                outcomes[person.pk] = f"unexpected: {error!r}"
            finally:
                connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=redeem, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    with translation.override("en"):
        already_used = str(CODE_ALREADY_USED)
    assert len(outcomes) == len(people)
    winners = [pk for pk, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    assert all(outcome == already_used for pk, outcome in outcomes.items() if pk not in winners), outcomes
    code.refresh_from_db()
    assert code.used_by_id == winners[0]
    assert list(Residency.objects.values_list("user_id", flat=True)) == winners
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.LETTER_CODE_REDEEMED).count() == 1
