"""Personal access tokens: created in the account, shown once, stored hashed, scoped, revocable, expiring."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from kommune.accounts.services import do_delete_account
from kommune.core.api.models import AccessToken
from kommune.core.api.services import (
    MAX_ACTIVE_TOKENS,
    do_create_access_token,
    do_note_token_use,
    do_revoke_access_token,
)
from kommune.core.privacy import export_sections
from tests.factories_api import ApiClient, api_token, error_of

pytestmark = pytest.mark.django_db

TOKENS = "/konto/zugangsschluessel/"


def _all_text_in_database() -> str:
    """Every value of the tokens table, as text: where a leaked secret would show up."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(AccessToken._meta.db_table)}")
        return json.dumps(cursor.fetchall(), default=str)


# --- Creating -------------------------------------------------------------------------------------------------


def test_the_secret_is_returned_once_and_only_its_sha256_is_stored(alice):
    token, secret = do_create_access_token(user=alice, name="Ratsinfo-App", scope="read")
    assert secret.startswith("ok_") and len(secret) > 40
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:9]
    assert secret not in _all_text_in_database()
    assert secret[9:] not in _all_text_in_database()


def test_the_page_shows_the_new_token_once_and_afterwards_only_its_beginning(client, alice):
    client.force_login(alice)
    response = client.post(TOKENS, {"name": "Auswertung", "scope": "write", "valid_until": ""})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = AccessToken.objects.get(user=alice)
    secret = next(word for word in response.content.decode().split() if word.startswith("ok_") and len(word) > 40)
    secret = secret.split("<")[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.secret_hash
    assert token.scope == "write" and token.expires_at is None

    listing = client.get(TOKENS).content.decode()
    assert "Auswertung" in listing and token.prefix in listing
    assert secret not in listing
    assert ApiClient(secret).get("me").status_code == 200


def test_the_chosen_day_is_the_last_day_of_validity(client, alice):
    client.force_login(alice)
    day = timezone.localdate() + timedelta(days=10)
    client.post(TOKENS, {"name": "Befristet", "scope": "read", "valid_until": day.isoformat()})
    token = AccessToken.objects.get(user=alice)
    assert timezone.localtime(token.expires_at).date() == day + timedelta(days=1)
    assert timezone.localtime(token.expires_at).hour == 0


@pytest.mark.parametrize("data, field", [
    ({"name": "", "scope": "read"}, "name"),
    ({"name": "Gestern", "scope": "read", "valid_until": "2001-01-01"}, "valid_until"),
    ({"name": "X", "scope": "admin"}, "scope"),
])
def test_bad_input_shows_an_error_and_creates_nothing(client, alice, data, field):
    client.force_login(alice)
    response = client.post(TOKENS, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert field == "scope" or f'href="#id_{field}"' in page  # (a radio group's summary link has no target)
    assert not AccessToken.objects.exists()


def test_the_number_of_valid_tokens_is_limited(alice):
    for number in range(MAX_ACTIVE_TOKENS):
        do_create_access_token(user=alice, name=f"T{number}", scope="read")
    with translation.override("en"), pytest.raises(ValidationError, match="valid tokens"):
        do_create_access_token(user=alice, name="Zu viel", scope="read")
    assert AccessToken.objects.filter(user=alice).count() == MAX_ACTIVE_TOKENS
    do_revoke_access_token(token=AccessToken.objects.filter(user=alice).first(), actor=alice)
    do_create_access_token(user=alice, name="Wieder Platz", scope="read")


def test_the_pages_need_a_login(client):
    response = client.get(TOKENS)
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


# --- Using and revoking ---------------------------------------------------------------------------------------


def test_a_revoked_token_gets_401_and_changes_nothing(client, alice, musterstadt):
    secret = api_token(alice)
    token = AccessToken.objects.get(user=alice)
    client.force_login(alice)
    confirm = client.get(f"{TOKENS}{token.pk}/widerrufen/")
    assert confirm.status_code == 200 and token.name in confirm.content.decode()
    response = client.post(f"{TOKENS}{token.pk}/widerrufen/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None

    api = ApiClient(secret)
    answer = api.post("municipalities/musterstadt/proposals", {"title": "Neu", "text": "Text"})
    assert answer.status_code == 401
    assert error_of(answer)["code"] == "token_revoked"
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert error_of(api.get("municipalities"))["code"] == "token_revoked"  # also where no token is needed
    from kommune.proposals.models import Proposal

    assert not Proposal.objects.exists()


def test_revoking_twice_changes_nothing(alice):
    secret = api_token(alice)
    token = AccessToken.objects.get(user=alice)
    first = do_revoke_access_token(token=token, actor=alice).revoked_at
    assert do_revoke_access_token(token=token, actor=alice).revoked_at == first
    assert secret


def test_nobody_revokes_another_persons_token(client, alice, bob):
    api_token(alice)
    token = AccessToken.objects.get(user=alice)
    with pytest.raises(PermissionDenied):
        do_revoke_access_token(token=token, actor=bob)
    client.force_login(bob)
    assert client.get(f"{TOKENS}{token.pk}/widerrufen/").status_code == 404
    assert client.post(f"{TOKENS}{token.pk}/widerrufen/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_gets_401(alice):
    token, secret = do_create_access_token(user=alice, name="Kurz", scope="read",
                                           expires_at=timezone.now() + timedelta(days=1))
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = ApiClient(secret).get("me")
    assert response.status_code == 401 and error_of(response)["code"] == "token_expired"


@pytest.mark.parametrize("header", ["Bearer ok_gibtsnicht", "Bearer", "Basic YWxpY2U6cGFzcw==", "Bearer " + "x" * 500])
def test_an_unknown_or_malformed_token_gets_401(client, header):
    response = client.get("/api/v1/municipalities", headers={"Authorization": header})
    assert response.status_code == 401
    assert error_of(response)["code"] == "token_invalid"


def test_a_token_without_a_token_is_401_where_one_is_needed(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and error_of(response)["code"] == "token_missing"


def test_the_last_use_is_noted_at_most_once_a_minute(alice):
    secret = api_token(alice, scope="read")
    token = AccessToken.objects.get(user=alice)
    assert token.last_used_at is None
    ApiClient(secret).get("me")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    ApiClient(secret).get("me")
    token.refresh_from_db()
    assert token.last_used_at == first
    do_note_token_use(token=token, now=first + timedelta(minutes=2))
    token.refresh_from_db()
    assert token.last_used_at == first + timedelta(minutes=2)


def test_a_read_token_may_not_write(alice, musterstadt):
    secret = api_token(alice, scope="read")
    response = ApiClient(secret).post("municipalities/musterstadt/proposals", {"title": "Neu", "text": "Text"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "insufficient_scope"


# --- Privacy --------------------------------------------------------------------------------------------------


def test_the_data_export_lists_tokens_without_secrets(alice):
    token, secret = do_create_access_token(user=alice, name="Export", scope="write")
    section = export_sections(alice)["access_tokens"]
    assert section == [{"name": "Export", "beginning": token.prefix, "scope": "write",
                        "created": token.created_at.isoformat(), "last_used": None, "valid_until": None,
                        "revoked": None}]
    assert secret not in json.dumps(section) and token.secret_hash not in json.dumps(section)


def test_deleting_the_account_revokes_its_tokens(alice):
    secret = api_token(alice)
    do_delete_account(user=alice)
    assert AccessToken.objects.get().revoked_at is not None
    assert ApiClient(secret).get("me").status_code == 401


def test_the_profile_links_to_the_tokens(client, alice):
    client.force_login(alice)
    assert TOKENS in client.get("/konto/").content.decode()
