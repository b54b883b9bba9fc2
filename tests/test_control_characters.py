"""Text that breaks machines: control characters are refused on the way in, web and API alike, and dropped on
the way out of the Atom feeds (for rows stored before the check); feeds carry plain text as plain text."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from kommune.accounts import services as accounts
from kommune.core import services as core
from kommune.core.cleaning import clean_text, without_control_characters
from kommune.core.comments.services import do_post_assisted_comment, do_post_comment
from kommune.core.models import AccessibilityFeedback
from kommune.core.moderation.services import do_report
from kommune.core.processes import services as processes
from kommune.opendata.services import clean_keywords
from kommune.proposals.services import do_create_proposal
from tests.factories_api import ApiClient, api_token
from tests.factories_notifications import activity_for
from tests.factories_processes import ProcessNewsFactory, published_process
from tests.factories_proposals import ProposalSettingsFactory, published_proposal

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
REFUSED = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x80", "\x85", "\x9f"]
KEPT = ["\t", "\n", "\r", "\x7f" + "ok", "ä€🙂", "\u202e"]


@pytest.fixture(autouse=True)
def _german():
    with translation.override("de"):
        yield


@pytest.mark.parametrize("character", REFUSED)
def test_clean_text_refuses_c0_and_c1_control_characters_with_a_german_message(character):
    with pytest.raises(ValidationError) as error:
        clean_text(f"Spiel{character}platz", max_length=100)
    assert error.value.code == "control_character"
    assert "Steuerzeichen" in error.value.messages[0] and f"U+{ord(character):04X}" in error.value.messages[0]


@pytest.mark.parametrize("text", KEPT)
def test_tab_line_breaks_and_other_characters_stay(text):
    assert clean_text(f"a{text}b", max_length=100) == f"a{text}b"
    assert without_control_characters(f"a{text}b") == f"a{text}b"


def test_without_control_characters_drops_exactly_the_refused_ones():
    assert without_control_characters("".join(REFUSED) + "Text\t\n") == "Text\t\n"


# --- Services refuse, each with the same message ---------------------------------------------------------------


def _refused(call) -> None:
    with pytest.raises(ValidationError) as error:
        call()
    assert "Steuerzeichen" in str(error.value.messages)


def test_the_services_refuse_a_control_character(musterstadt, alice, bob, carol):
    ProposalSettingsFactory(municipality=musterstadt)
    process = published_process(musterstadt, title="Marktplatz")
    _refused(lambda: do_create_proposal(municipality=musterstadt, author=alice, title="Spiel\x01platz", text="T"))
    _refused(lambda: processes.do_create_process(municipality=musterstadt, actor=carol, title="A\x01", summary="S"))
    _refused(lambda: processes.do_publish_news(process=process, actor=carol, title="Neu", text="a\x01b"))
    now = timezone.now()
    _refused(lambda: processes.do_set_phases(process=process, actor=carol, phases=[
        processes.PhaseInput(kind="dialogue", title="Dia\x01log", starts_at=now, ends_at=now + timedelta(days=1))]))
    _refused(lambda: do_post_comment(actor=alice, target=process, text="Hal\x85lo"))
    _refused(lambda: do_post_assisted_comment(staff=carol, target=process, text="Hallo", channel="phone",
                                              assisted_name="Frau\x01Meier"))
    comment = do_post_comment(actor=alice, target=process, text="Hallo")
    _refused(lambda: do_report(reporter=bob, target=comment, reason="insult", text="Bitte\x1b prüfen"))
    _refused(lambda: accounts.do_update_profile(user=alice, display_name="Alice\x01", real_name="", language="de"))
    _refused(lambda: accounts.do_update_profile(user=alice, display_name="Alice", real_name="A\x9f", language="de"))
    _refused(lambda: accounts.do_register(email="neu@example.org", password="ein-langes-Passwort-1",
                                          display_name="Neu\x01", language="de"))
    _refused(lambda: accounts.do_create_letter_codes(municipality=musterstadt, actor=carol, count=1,
                                                     expires_at=timezone.now() + timedelta(days=1), note="A\x01"))
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


def test_feedback_pages_and_open_data_refuse_a_control_character(musterstadt, carol):
    _refused(lambda: core.do_submit_accessibility_feedback(municipality=musterstadt, message="Kontrast\x01"))
    _refused(lambda: core.do_update_page(municipality=musterstadt, actor=carol, kind="imprint", body="A\x0bB"))
    _refused(lambda: clean_keywords(["Ver\x01kehr"]))
    assert not AccessibilityFeedback.objects.exists()


def test_the_accessibility_feedback_form_shows_the_message(client, musterstadt):
    response = client.post(reverse("core:accessibility", kwargs={"municipality_slug": musterstadt.slug}),
                           {"message": "Der Kontrast\x02 ist zu schwach."})
    assert response.status_code == 200
    assert "Steuerzeichen (U+0002)" in response.content.decode()
    assert not AccessibilityFeedback.objects.exists()


def test_the_registration_form_shows_the_message(client):
    response = client.post(reverse("accounts:register"), {
        "email": "neu@example.org", "display_name": "Neu\x01ling", "password": "ein-langes-Passwort-1",
        "accept_privacy": "on"})
    assert response.status_code == 200
    assert "Steuerzeichen (U+0001)" in response.content.decode()


def test_the_api_refuses_a_control_character_with_422(musterstadt, alice):
    ProposalSettingsFactory(municipality=musterstadt)
    api = ApiClient(api_token(alice))
    response = api.post("/api/v1/municipalities/musterstadt/proposals", {"title": "Spiel\x01platz", "text": "T"})
    assert response.status_code == 422, response.content
    assert "U+0001" in response.content.decode()


# --- Feeds ----------------------------------------------------------------------------------------------------


def _entries(client, address: str) -> list[ET.Element]:
    response = client.get(address)
    assert response.status_code == 200, address
    root = ET.fromstring(response.content)  # well-formed XML 1.0
    return root.findall(f"{ATOM}entry")


@pytest.fixture
def old_rows(musterstadt):
    """Rows as stored before the check existed, written directly to the database, each with a control character."""
    ProposalSettingsFactory(municipality=musterstadt)
    process = published_process(musterstadt, title="Markt\x01platz", summary="<b>Fett</b>\x02 und \x85frei",
                                slug="marktplatz")
    published_proposal(musterstadt, title="Spiel\x01platz", text_html="<p>Ge\x1bräte</p>")
    ProcessNewsFactory(process=process, title="Neu\x03igkeit", text_html="<p>Er\x04gebnis</p>")
    activity_for(process, verb="comment.posted", actor_name="<b>Bob</b>\x05", summary="Markt\x01platz").save()
    return process


def _feeds(process) -> dict[str, str]:
    slug = {"municipality_slug": process.municipality.slug}
    both = {**slug, "process_slug": process.slug}
    return {"proposals": reverse("proposals:feed", kwargs=slug), "processes": reverse("processes:feed", kwargs=slug),
            "news": reverse("processes:news_feed", kwargs=both),
            "activity": reverse("notifications:municipality_feed", kwargs=slug),
            "process_activity": reverse("processes:activity_feed", kwargs=both)}


def test_every_feed_answers_with_the_control_characters_dropped(client, old_rows):
    titles = {name: [e.find(f"{ATOM}title").text for e in _entries(client, address)]
              for name, address in _feeds(old_rows).items()}
    assert titles["proposals"] == ["Spielplatz"]
    assert titles["processes"] == ["Marktplatz"]
    assert titles["news"] == ["Neuigkeit"]
    assert titles["activity"] == titles["process_activity"] == ["<b>Bob</b> hat „Marktplatz“ kommentiert"]


def test_plain_text_goes_out_as_text_and_html_only_where_it_is_sanitised_html(client, old_rows):
    summaries = {name: _entries(client, address)[0].find(f"{ATOM}summary")
                 for name, address in _feeds(old_rows).items()}
    assert {name: summary.get("type") for name, summary in summaries.items()} == {
        "proposals": "html", "news": "html", "processes": "text", "activity": "text", "process_activity": "text"}
    # A feed reader shows the markup as characters: one level of XML escaping only, no HTML inside.
    assert summaries["processes"].text == "<b>Fett</b> und frei"
    assert summaries["activity"].text == "<b>Bob</b> hat „Marktplatz“ kommentiert"
    assert summaries["proposals"].text == "<p>Geräte</p>"
    assert summaries["news"].text == "<p>Ergebnis</p>"
