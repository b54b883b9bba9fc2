"""The people journeys: registration, confirmation, login, password reset, profile, language, privacy.

Messages are compared with what a German reader sees (``german()``): the catalogue's translation, or the
source text while a string is still untranslated. So the tests hold while the translations are written.
"""

import html
import json
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from kommune.accounts.forms import LoginForm
from kommune.accounts.models import Residency, User
from kommune.accounts.services import do_verify_at_counter
from kommune.core.models import Membership, Role
from tests.factories import TEST_PASSWORD, LabFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ein-gutes-Passwort-2025"
LOGIN_BACKEND = "kommune.accounts.backends.EmailBackend"


def german(message: str | Promise) -> str:
    with translation.override("de"):
        return str(translation.gettext(message) if isinstance(message, str) else message)


def text(response: HttpResponse) -> str:
    """The page as a reader sees it, with entities decoded."""
    return html.unescape(response.content.decode())


def path_in(message: mail.EmailMessage, prefix: str) -> str:
    """The path of the first link in ``message`` whose path starts with ``prefix``."""
    match = re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S+)", message.body)
    assert match, f"no link to {prefix} in:\n{message.body}"
    return match.group(1)


def confirm_path(message: mail.EmailMessage) -> str:
    return path_in(message, "/konto/bestaetigen/")


def log_in(client: Client, user: User) -> None:
    client.force_login(user, backend=LOGIN_BACKEND)


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def post_login(client: Client, email: str, password: str) -> HttpResponse:
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


@pytest.fixture
def register(client: Client, django_capture_on_commit_callbacks) -> Callable[..., HttpResponse]:
    """Post the registration form; the confirmation mail goes out on commit, so run those callbacks."""

    def post(**fields) -> HttpResponse:
        data = {"email": "frieda@example.org", "display_name": "Frieda", "password": NEW_PASSWORD,
                "accept_privacy": "on"} | fields
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:register"), data)

    return post


# --- Registration and confirmation ---------------------------------------------------------------------------


def test_registration_creates_an_unconfirmed_account_and_mails_a_working_link(client, register, musterstadt):
    response = register(email="Frieda@Example.org", municipality=musterstadt.pk)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_done")
    user = User.objects.get(email="frieda@example.org")
    assert user.email_confirmed_at is None
    assert user.check_password(NEW_PASSWORD)
    assert user.memberships.filter(municipality=musterstadt, role=Role.RESIDENT).exists()
    assert not is_logged_in(client)
    [message] = mail.outbox
    assert message.to == ["frieda@example.org"]

    response = client.get(confirm_path(message))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_registering_an_existing_address_creates_nothing_and_mails_the_owner(client, register, alice):
    count = User.objects.count()

    response = register(email="ALICE@example.org")

    # The same answer as for a new address, so the form does not reveal who has an account.
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_done")
    assert User.objects.count() == count
    alice.refresh_from_db()
    assert alice.display_name == "Alice"
    assert alice.check_password(TEST_PASSWORD)
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert reverse("accounts:login") in message.body
    assert reverse("accounts:password_reset") in message.body
    assert "/konto/bestaetigen/" not in message.body


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("Kurz-7!", {"password_too_short"}),
        ("qwertyuiop", {"password_too_common"}),
        ("4711081512", {"password_entirely_numeric"}),
        ("frieda@example.org", {"password_too_similar"}),
    ],
)
def test_weak_password_is_refused_with_a_clear_error_and_creates_nothing(client, register, password, codes):
    probe = User(email="frieda@example.org", display_name="Frieda")
    with translation.override("de"), pytest.raises(ValidationError) as error:
        password_validation.validate_password(password, probe)
    assert {e.code for e in error.value.error_list} == codes

    response = register(password=password)

    assert response.status_code == 200
    for expected in error.value.messages:
        assert expected.strip() in text(response)
    assert not User.objects.filter(email="frieda@example.org").exists()
    assert mail.outbox == []


def test_login_before_confirmation_is_refused_with_a_hint(client):
    UserFactory(email="frieda@example.org", email_confirmed_at=None)

    response = post_login(client, "frieda@example.org", TEST_PASSWORD)

    assert response.status_code == 200
    assert german(LoginForm.error_messages["unconfirmed"]) in text(response)
    assert not is_logged_in(client)


EXPIRED = "This confirmation link has expired. Enter your e-mail address to get a new one."
INVALID = "This confirmation link is not valid. Please copy the whole link from the e-mail, or ask for a new one."


def test_confirmation_link_works_until_it_expires(client, register):
    register()
    link = confirm_path(mail.outbox[0])
    max_age = settings.EMAIL_CONFIRMATION_MAX_AGE

    with time_machine.travel(timezone.now() + max_age + timedelta(minutes=1), tick=False):
        response = client.get(link)

    assert response.status_code == 400
    assert german(EXPIRED) in text(response)
    assert 'name="email"' in response.content.decode()  # the page offers a new link right away
    assert User.objects.get(email="frieda@example.org").email_confirmed_at is None
    assert not is_logged_in(client)

    with time_machine.travel(timezone.now() + max_age - timedelta(minutes=1), tick=False):
        assert client.get(link).status_code == 302
    assert User.objects.get(email="frieda@example.org").email_confirmed_at is not None


def test_tampered_confirmation_link_is_refused(client, register):
    register()
    token = confirm_path(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.get(reverse("accounts:confirm", kwargs={"token": forged}))

    assert response.status_code == 400
    assert german(INVALID) in text(response)
    assert User.objects.get(email="frieda@example.org").email_confirmed_at is None
    assert not is_logged_in(client)


def test_resend_mails_a_new_link_that_works(client, register):
    register()
    mail.outbox.clear()

    response = client.post(reverse("accounts:resend_confirmation"), {"email": "Frieda@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_done")
    [message] = mail.outbox
    assert message.to == ["frieda@example.org"]
    assert client.get(confirm_path(message)).status_code == 302
    assert User.objects.get(email="frieda@example.org").email_confirmed_at is not None


def test_resend_for_an_unknown_or_confirmed_address_sends_nothing_and_says_the_same(client, alice):
    for email in ("niemand@example.org", alice.email):
        response = client.post(reverse("accounts:resend_confirmation"), {"email": email})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:register_done")
    assert mail.outbox == []


# --- Login throttling and password reset ---------------------------------------------------------------------


def test_login_is_paused_after_repeated_failures(client, alice, bob):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, alice.email, "falsches-passwort").status_code == 200
    # Another spelling of the same address counts towards the same lockout.
    assert post_login(client, "ALICE@Example.org", "falsches-passwort").status_code == 429

    response = post_login(client, alice.email, TEST_PASSWORD)

    assert response.status_code == 429
    assert german("Too many attempts") in text(response)
    assert not is_logged_in(client)
    # The lock is per address and IP: another person at the same address (a town hall's network) gets in.
    assert post_login(Client(), bob.email, TEST_PASSWORD).status_code == 302

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1), tick=False):
        assert post_login(client, alice.email, TEST_PASSWORD).status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password_once(client, alice):
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    link = path_in(message, "/konto/passwort/neu/")

    # Django swaps the token in the link for a session entry and redirects to the form.
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert post_login(Client(), alice.email, NEW_PASSWORD).status_code == 302
    reused = Client().get(link, follow=True)
    assert 'name="new_password1"' not in reused.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "niemand@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


# --- Profile and language ------------------------------------------------------------------------------------


def test_profile_update_saves_names_and_language(client, alice):
    log_in(client, alice)

    response = client.post(reverse("accounts:profile"),
                           {"display_name": " Alice W. ", "real_name": "Alice Wunderlich", "language": "en"})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.real_name, alice.language) == ("Alice W.", "Alice Wunderlich", "en")
    page = client.get(reverse("accounts:profile"))
    assert '<html lang="en">' in page.content.decode()
    assert page["Content-Language"] == "en"


def test_profile_without_a_public_name_is_refused_and_changes_nothing(client, alice):
    log_in(client, alice)

    response = client.post(reverse("accounts:profile"), {"display_name": "", "real_name": "X", "language": "en"})

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    alice.refresh_from_db()
    assert (alice.display_name, alice.real_name, alice.language) == ("Alice", "", "de")


def test_language_switch_sets_the_cookie_and_the_next_page_is_english(client, musterstadt):
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/musterstadt/"})

    assert response.status_code == 302
    assert response["Location"] == "/musterstadt/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/musterstadt/")
    assert '<html lang="en">' in page.content.decode()
    assert page["Content-Language"] == "en"


def test_language_switch_when_logged_in_is_kept_in_the_profile(client, alice):
    log_in(client, alice)

    client.post(reverse("core:set_language"), {"language": "en", "next": reverse("accounts:profile")})

    alice.refresh_from_db()
    assert alice.language == "en"
    # On another device, without the cookie, the profile's choice holds.
    other_device = Client()
    log_in(other_device, alice)
    page = other_device.get(reverse("accounts:profile"))
    assert '<html lang="en">' in page.content.decode()
    assert page["Content-Language"] == "en"


def test_language_switch_ignores_unknown_languages_and_foreign_addresses(client, db):
    response = client.post(reverse("core:set_language"), {"language": "fr", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# --- Privacy: export and deletion ----------------------------------------------------------------------------


def test_data_export_contains_profile_memberships_and_residencies(client, alice, carol, musterstadt):
    do_verify_at_counter(municipality=musterstadt, actor=carol, user=alice)
    log_in(client, alice)

    response = client.get(reverse("accounts:export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["email"] == "alice@example.org"
    assert data["profile"]["display_name"] == "Alice"
    assert [(m["municipality"], m["role"]) for m in data["memberships"]] == [("Musterstadt", "resident")]
    assert [(r["municipality"], r["method"]) for r in data["residencies"]] == [("Musterstadt", "counter")]


def test_data_export_needs_a_login(client, db):
    response = client.get(reverse("accounts:export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_deletion_page_says_before_confirming_that_contributions_stay_anonymised(client, alice):
    log_in(client, alice)

    response = client.get(reverse("accounts:delete"))

    assert response.status_code == 200
    assert german("Your public contributions (for example comments and proposals) stay visible, because others "
                  "have answered them; they are shown as “deleted account” without your name.") in text(response)
    assert 'name="password"' in response.content.decode()


def test_account_deletion_needs_the_password(client, alice):
    log_in(client, alice)

    response = client.post(reverse("accounts:delete"), {"password": "nicht-mein-passwort"})

    assert response.status_code == 200
    assert german("The password is not correct.") in text(response)
    alice.refresh_from_db()
    assert alice.is_active
    assert alice.email == "alice@example.org"
    assert is_logged_in(client)


def test_account_deletion_anonymises_the_account_and_logs_out(client, alice, carol, musterstadt):
    do_verify_at_counter(municipality=musterstadt, actor=carol, user=alice)
    log_in(client, alice)

    response = client.post(reverse("accounts:delete"), {"password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("core:start")
    alice.refresh_from_db()
    assert alice.email == f"deleted-{alice.pk}@invalid"
    assert (alice.display_name, alice.real_name) == ("", "")
    assert not alice.is_active
    assert alice.deleted_at is not None
    assert not alice.has_usable_password()
    assert not Membership.objects.filter(user=alice).exists()
    assert not Residency.objects.filter(user=alice).exists()
    assert not is_logged_in(client)
    # The old address and password open nothing any more.
    assert post_login(Client(), "alice@example.org", TEST_PASSWORD).status_code == 200


def test_last_admin_of_a_municipality_cannot_delete_the_account(client, erin, musterstadt):
    log_in(client, erin)

    response = client.post(reverse("accounts:delete"), {"password": TEST_PASSWORD})

    assert response.status_code == 200
    expected = german("You are the only administrator of %(names)s. Appoint another administrator before you "
                      "delete your account.") % {"names": "Musterstadt"}
    assert expected in text(response)
    erin.refresh_from_db()
    assert erin.is_active
    assert erin.email == "erin@example.org"
    assert Membership.objects.filter(user=erin, municipality=musterstadt, role=Role.ADMIN).exists()
    assert is_logged_in(client)


def test_last_admin_of_a_lab_cannot_delete_the_account(client, alice):
    lab = LabFactory(name="Labor Nord")
    MembershipFactory(user=alice, municipality=None, lab=lab, role=Role.ADMIN)
    log_in(client, alice)

    response = client.post(reverse("accounts:delete"), {"password": TEST_PASSWORD})

    assert response.status_code == 200
    assert "Labor Nord" in text(response)
    alice.refresh_from_db()
    assert alice.is_active


def test_admin_with_a_second_admin_may_delete_the_account(client, erin, musterstadt):
    MembershipFactory(user=UserFactory(), municipality=musterstadt, role=Role.ADMIN)
    log_in(client, erin)

    response = client.post(reverse("accounts:delete"), {"password": TEST_PASSWORD})

    assert response.status_code == 302
    erin.refresh_from_db()
    assert not erin.is_active


# --- The session's user (EmailBackend.get_user reads it by one fixed statement) ----------------------------------


def user_of_next_request(client: Client):
    return client.get(reverse("accounts:profile")).wsgi_request.user


def test_each_request_reads_the_sessions_user_as_it_is_now(client, alice, bob):
    log_in(client, alice)
    assert user_of_next_request(client) == alice
    User.objects.filter(pk=alice.pk).update(display_name="Alice Neu")  # no signal: nothing cached may answer
    assert user_of_next_request(client).display_name == "Alice Neu"
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert not user_of_next_request(client).is_authenticated


def test_a_changed_password_ends_the_other_sessions(client, alice):
    log_in(client, alice)
    other = Client()
    log_in(other, alice)
    alice.set_password("ein ganz anderes Kennwort 42")
    alice.save()
    assert not user_of_next_request(client).is_authenticated
    assert not user_of_next_request(other).is_authenticated


def test_a_session_of_a_removed_account_is_anonymous(client, bob):
    log_in(client, bob)
    User.objects.filter(pk=bob.pk).delete()
    assert not user_of_next_request(client).is_authenticated
