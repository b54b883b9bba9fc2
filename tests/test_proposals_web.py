"""The pages of citizen proposals: list, map, feed, detail, writing and publishing, supporting, management and the
home-page section. The services themselves are tested in tests/test_proposals_services.py.

Most tests read English (the person's language, or the language cookie) because the German catalogue is
translated at the end; the German tests use Django's own translated messages.
"""

import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kommune.core.models import AuditLogEntry, CouncilReferral
from kommune.proposals import selectors, services
from kommune.proposals.models import Attachment, Category, Proposal, ProposalSettings, SignatureList, Support
from tests.factories import MembershipFactory, UserFactory
from tests.factories_comments import bulk_thread
from tests.factories_proposals import (
    CategoryFactory,
    ProposalFactory,
    ProposalSettingsFactory,
    add_supports,
    published_proposal,
    verified_resident,
)

pytestmark = pytest.mark.django_db

State = Proposal.State
ATOM = "{http://www.w3.org/2005/Atom}"


def login(client, user) -> None:
    """Log in with English as the person's language, the language these tests read."""
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


def url(name: str, municipality, proposal=None, **kwargs) -> str:
    kwargs["municipality_slug"] = municipality.slug
    if proposal is not None:
        kwargs["proposal_id"] = proposal.pk
    return reverse(f"proposals:{name}", kwargs=kwargs)


def text_of(response) -> str:
    """The page's text with tags removed and whitespace collapsed, for reading sentences."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture(autouse=True)
def _english(client):
    """Anonymous visitors read English too (logged-in personas get it through login())."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def rules(musterstadt):
    """Every confirmed account may support; 3 supports; 60 days; answer in 30 days."""
    return ProposalSettingsFactory(municipality=musterstadt)


@pytest.fixture
def frank(musterstadt):
    """Another resident of Musterstadt, who supports."""
    return MembershipFactory(municipality=musterstadt, user=UserFactory(display_name="Frank")).user


def write(author, municipality, title="Spielplatz an der Schule sanieren",
          text="Die Geräte sind kaputt und der Sand ist schmutzig.", **fields) -> Proposal:
    return services.do_create_proposal(municipality=municipality, author=author, title=title, text=text, **fields)


def publish(proposal: Proposal) -> Proposal:
    return services.do_publish_proposal(proposal=proposal, actor=proposal.author)


def png(name: str = "platz.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name: str = "Lageplan Spielplatz.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 Lageplan", content_type="application/pdf")


def answered(municipality, *, late: bool = False, **fields) -> Proposal:
    now = timezone.now()
    reached = now - timedelta(days=40)
    due = reached + timedelta(days=30)
    fields.setdefault("outcome", Proposal.Outcome.ACCEPTED)
    return published_proposal(municipality, state=State.ANSWERED, threshold_reached_at=reached, answer_due_at=due,
                              answered_at=due + timedelta(days=5) if late else due - timedelta(days=5),
                              answer="Wir machen das.", answer_html="<p>Wir machen das.</p>",
                              answer_department="Grünflächenamt", **fields)


def dated(proposal: Proposal, **dates) -> Proposal:
    Proposal.objects.filter(pk=proposal.pk).update(**dates)
    proposal.refresh_from_db()
    return proposal


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


# --- The list ---------------------------------------------------------------------------------------------------


def test_the_list_shows_published_proposals_with_progress_and_the_own_drafts(client, rules, musterstadt, alice,
                                                                             frank):
    proposal = published_proposal(musterstadt, title="Mehr Bänke am Markt", required=500)
    Proposal.objects.filter(pk=proposal.pk).update(online_supports=100, paper_supports=23, total_supports=123)
    ProposalFactory(municipality=musterstadt, author=frank, title="Franks Entwurf")
    ProposalFactory(municipality=musterstadt, author=alice, title="Alices Entwurf")
    login(client, alice)

    response = client.get(url("list", musterstadt))

    page = text_of(response)
    assert response.status_code == 200
    assert "Mehr Bänke am Markt" in page
    assert "123 of 500 supports (24 %)" in page
    assert "100 online and 23 on paper" in page
    assert "1 proposal" in page
    assert "Franks Entwurf" not in page
    assert "Your drafts Alices Entwurf" in page
    assert 'max="500" value="123"' in response.content.decode()


def test_the_list_filters_by_state_category_and_area(client, rules, musterstadt):
    traffic = CategoryFactory(municipality=musterstadt, name="Verkehr", slug="verkehr")
    published_proposal(musterstadt, title="Tempo 30 in der Altstadt", category=traffic, area="Altstadt")
    published_proposal(musterstadt, title="Radweg Nord", category=traffic, area="Nordviertel")
    published_proposal(musterstadt, title="Bücherschrank", area="Altstadt", state=State.EXPIRED)

    by_category = text_of(client.get(url("list", musterstadt), {"category": "verkehr"}))
    by_area = text_of(client.get(url("list", musterstadt), {"area": "Altstadt", "state": "collecting"}))
    expired = text_of(client.get(url("list", musterstadt), {"state": "expired"}))

    assert "Tempo 30" in by_category and "Radweg Nord" in by_category and "Bücherschrank" not in by_category
    assert "2 proposals" in by_category
    assert "Tempo 30" in by_area and "Radweg Nord" not in by_area and "Bücherschrank" not in by_area
    assert "Bücherschrank" in expired and "Tempo 30" not in expired


def test_an_unknown_filter_value_is_reported_and_shows_everything(client, rules, musterstadt):
    published_proposal(musterstadt, title="Tempo 30 in der Altstadt")

    response = client.get(url("list", musterstadt), {"category": "gibt-es-nicht", "sort": "zufall"})

    page = text_of(response)
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert "Tempo 30 in der Altstadt" in page


def _titles(response) -> list[str]:
    return re.findall(r'class="kern-heading-small proposal-card__title" id="proposal-\d+">\s*<a class="kern-link" '
                      r'href="[^"]+">([^<]+)</a>', response.content.decode())


def test_the_list_sorts_by_supports_newest_answered_and_deadline(client, rules, musterstadt):
    now = timezone.now()
    few = dated(published_proposal(musterstadt, title="Wenige"), published_at=now - timedelta(days=3),
                collection_ends_at=now + timedelta(days=5))
    many = dated(published_proposal(musterstadt, title="Viele"), published_at=now - timedelta(days=2),
                 collection_ends_at=now + timedelta(days=50))
    add_supports(many, [UserFactory() for _ in range(2)])
    add_supports(few, [UserFactory()])
    answered(musterstadt, title="Beantwortet")

    assert _titles(client.get(url("list", musterstadt)))[:2] == ["Viele", "Wenige"]
    assert _titles(client.get(url("list", musterstadt), {"sort": "newest"}))[:2] == ["Beantwortet", "Viele"]
    assert _titles(client.get(url("list", musterstadt), {"sort": "answered"})) == ["Beantwortet"]
    assert _titles(client.get(url("list", musterstadt), {"sort": "deadline"})) == ["Wenige", "Viele"]
    assert few.pk


def test_the_list_pages_with_a_cursor_and_keeps_the_filters(client, rules, musterstadt):
    for number in range(selectors.PAGE_SIZE + 5):
        published_proposal(musterstadt, title=f"Vorschlag Nummer {number:02d}", area="Altstadt")

    first = client.get(url("list", musterstadt), {"area": "Altstadt"})
    next_link = re.search(r'rel="next" href="\?([^"]+)"', first.content.decode())
    second = client.get(url("list", musterstadt) + "?" + unescape(next_link[1]))

    assert len(_titles(first)) == selectors.PAGE_SIZE
    assert "area=Altstadt" in next_link[1]
    assert len(_titles(second)) == 5
    assert not set(_titles(first)) & set(_titles(second))
    assert f"{selectors.PAGE_SIZE + 5} proposals" in text_of(second)


def test_a_broken_cursor_gets_a_clear_message(client, rules, musterstadt):
    response = client.get(url("list", musterstadt), {"cursor": "kaputt"})

    assert response.status_code == 400
    assert "invalid position" in text_of(response)


def test_the_list_query_count_does_not_grow(client, rules, musterstadt, alice):
    login(client, alice)
    category = CategoryFactory(municipality=musterstadt)

    def build(count: int) -> None:
        for number in range(count):
            proposal = published_proposal(musterstadt, category=category, area=f"Viertel {number % 7}",
                                          latitude="51.5", longitude="7.5")
            add_supports(proposal, [alice]) if number % 3 == 0 else None

    build(10)
    client.get(url("list", musterstadt))
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url("list", musterstadt)).status_code == 200
    build(190)
    with CaptureQueriesContext(connection) as many:
        client.get(url("list", musterstadt))
    assert len(many.captured_queries) == len(ten.captured_queries)
    with CaptureQueriesContext(connection) as on_map:
        client.get(url("map", musterstadt))
    assert len(on_map.captured_queries) <= len(ten.captured_queries) + 1


# --- The map ----------------------------------------------------------------------------------------------------


def _geojson(response) -> dict:
    match = re.search(r'data-geojson="([^"]*)"', response.content.decode())
    return json.loads(unescape(match[1])) if match else {"features": []}


def test_the_map_shows_the_points_of_one_page_and_lists_the_same_proposals(client, rules, musterstadt):
    for number in range(selectors.PAGE_SIZE + 10):
        published_proposal(musterstadt, title=f"Ort {number:02d}", latitude=f"51.{number:02d}", longitude="7.6")
    published_proposal(musterstadt, title="Ohne Ort")

    response = client.get(url("map", musterstadt))

    features = _geojson(response)["features"]
    page = text_of(response)
    assert response.status_code == 200
    assert 0 < len(features) <= selectors.PAGE_SIZE
    for feature in features:
        assert feature["geometry"]["type"] == "Point"
        assert feature["properties"]["title"] in page  # the same proposals in the accessible table
        assert feature["properties"]["url"].startswith("/musterstadt/vorschlaege/")
    assert f"{selectors.PAGE_SIZE + 11} proposals match" in page
    assert 'rel="next"' in response.content.decode()


def test_the_map_escapes_titles_and_uses_the_configured_tiles(client, rules, musterstadt, settings):
    settings.MAP_TILE_URL = "https://karten.musterstadt.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Musterstadt & OSM"
    published_proposal(musterstadt, title='Platz "<script>alert(1)</script>"', latitude="51.9", longitude="7.6")

    response = client.get(url("map", musterstadt))

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert _geojson(response)["features"][0]["properties"]["title"] == 'Platz "<script>alert(1)</script>"'
    assert 'data-tile-url="https://karten.musterstadt.example/{z}/{x}/{y}.png"' in html
    assert 'data-attribution="© Musterstadt &amp; OSM"' in html
    assert "leaflet/leaflet.js" in html and "kommune/map.js" in html and "kommune/map.css" in html
    assert "<script>" not in re.sub(r"<script src=[^>]+></script>", "", html)  # no inline scripts


# --- The feed ---------------------------------------------------------------------------------------------------


def test_the_feed_is_atom_with_the_published_proposals_only(client, rules, musterstadt, alice):
    category = CategoryFactory(municipality=musterstadt, name="Grün")
    published_proposal(musterstadt, title="Bäume für die Allee", category=category,
                       text_html="<p>Mehr <strong>Bäume</strong></p>")
    ProposalFactory(municipality=musterstadt, author=alice, title="Geheimer Entwurf")

    response = client.get(url("feed", musterstadt))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Bäume für die Allee"]
    assert entries[0].find(f"{ATOM}category").get("term") == "Grün"
    assert entries[0].findtext(f"{ATOM}id").startswith("tag:")
    assert "<strong>Bäume</strong>" in entries[0].findtext(f"{ATOM}summary")


# --- The detail page --------------------------------------------------------------------------------------------


def test_the_detail_page_shows_the_facts_the_progress_and_the_time_left(client, rules, musterstadt, alice, frank):
    category = CategoryFactory(municipality=musterstadt, name="Spielplätze")
    proposal = publish(write(alice, musterstadt, category=category, area="Altstadt", latitude="51.9607",
                             longitude="7.6261", text="## Warum\n\nDie **Geräte** sind kaputt."))
    add_supports(proposal, [frank])

    response = client.get(proposal.get_absolute_url())

    page = text_of(response)
    html = response.content.decode()
    assert "Spielplatz an der Schule sanieren" in page
    assert "Collecting supports" in page
    assert "1 of 3 supports (33 %)" in page
    assert "59 days left to support" in page
    assert "Spielplätze" in page and "Altstadt" in page
    assert "Latitude 51.960700, longitude 7.626100" in page
    assert "<h2>Warum</h2>" in html and "<strong>Geräte</strong>" in html
    assert 'data-map="points"' in html
    assert "Proposed by Alice" in page
    assert "Log in to support this proposal." in page
    assert "Published, collecting supports" in page and "3 supports needed by the end of the collection" in page
    assert "Official answer, within 30 days of reaching the threshold" in page


def test_a_draft_is_a_404_for_everyone_but_its_author(client, rules, musterstadt, alice, carol):
    draft = write(alice, musterstadt)

    assert client.get(draft.get_absolute_url()).status_code == 404
    login(client, carol)
    assert client.get(draft.get_absolute_url()).status_code == 404
    login(client, alice)
    page = text_of(client.get(draft.get_absolute_url()))
    assert "Preview of your draft" in page and "Publish the proposal" in page


def test_the_detail_page_offers_support_to_whoever_may(client, rules, musterstadt, alice, frank):
    proposal = publish(write(alice, musterstadt))
    login(client, frank)

    page = text_of(client.get(proposal.get_absolute_url()))

    assert "Support this proposal" in page
    assert "Supports are counted, not shown with names." in page


@pytest.mark.parametrize("case", ["own", "not_verified", "too_young", "no_birth_date", "period_over",
                                  "unconfirmed"])
def test_the_detail_page_explains_why_a_person_may_not_support(case, client, rules, musterstadt, alice, frank):
    proposal = publish(write(alice, musterstadt))
    person, expected, link = frank, "", None
    if case == "own":
        person, expected = alice, "You cannot support your own proposal in Musterstadt."
    elif case == "not_verified":
        ProposalSettings.objects.filter(pk=rules.pk).update(supporters=ProposalSettings.Supporters.VERIFIED)
        expected, link = "Only verified residents of Musterstadt can support", reverse("accounts:residency")
    elif case in ("too_young", "no_birth_date"):
        ProposalSettings.objects.filter(pk=rules.pk).update(minimum_age=16)
        if case == "too_young":
            frank.birth_date = timezone.localdate() - timedelta(days=365 * 14)
            frank.save()
            expected = "Only people aged 16 or older can support proposals in Musterstadt."
        else:
            expected, link = "requires a minimum age of 16", reverse("accounts:profile")
    elif case == "period_over":
        Proposal.objects.filter(pk=proposal.pk).update(state=State.EXPIRED, expired_at=timezone.now())
        expected = "no longer"
    elif case == "unconfirmed":
        frank.email_confirmed_at = None
        frank.save()
        expected, link = "Please confirm your e-mail address first", reverse("accounts:resend_confirmation")
    login(client, person)

    response = client.get(proposal.get_absolute_url())

    page = text_of(response)
    assert expected in page
    assert "Support this proposal" not in page
    if link:
        assert f'href="{link}"' in response.content.decode()


def test_the_detail_page_shows_the_answer_in_time_or_late_and_the_council_paper(client, rules, musterstadt, carol):
    in_time = answered(musterstadt, title="Pünktlich")
    late = answered(musterstadt, title="Verspätet", late=True, outcome=Proposal.Outcome.COUNCIL)
    CouncilReferral.objects.create(municipality=musterstadt, source_type_id=_proposal_type(), source_id=late.pk,
                                   referred_at=timezone.now(), paper_reference="Drucksache 2026/0815",
                                   paper_url="https://rat.musterstadt.example/vorlage/815")

    on_time_page = text_of(client.get(in_time.get_absolute_url()))
    late_response = client.get(late.get_absolute_url())
    late_page = text_of(late_response)

    assert "Official answer of Musterstadt" in on_time_page
    assert "Outcome Accepted" in on_time_page
    assert "Responsible department Grünflächenamt" in on_time_page
    assert ": in time (due by" in on_time_page
    assert "Wir machen das." in on_time_page
    assert "Handed to the council" in late_page and ": late (due by" in late_page
    assert ('href="https://rat.musterstadt.example/vorlage/815">Drucksache 2026/0815</a>'
            in late_response.content.decode())


def _proposal_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Proposal).pk


def test_the_detail_page_shows_image_and_attachments(client, rules, musterstadt, alice):
    proposal = write(alice, musterstadt, image=png(), image_alt="Der kaputte Spielplatz")
    attachment = services.do_add_attachment(proposal=proposal, actor=alice, title="Lageplan", file=pdf())
    publish(proposal)

    html = client.get(proposal.get_absolute_url()).content.decode()

    image_src = re.search(r'<img src="([^"]+)" alt="Der kaputte Spielplatz"', html)[1]
    assert image_src == url("image", musterstadt, proposal, filename=proposal.image.name.rsplit("/", 1)[-1])
    assert f'<a class="kern-link" href="{url("attachment", musterstadt, proposal, attachment_id=attachment.pk)}">' \
           f'Lageplan</a>' in html
    assert settings.MEDIA_URL not in html


# --- Image and attachments, served through the app ------------------------------------------------------------


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def image_url(proposal: Proposal) -> str:
    return url("image", proposal.municipality, proposal, filename=proposal.image.name.rsplit("/", 1)[-1])


def attachment_url(attachment: Attachment) -> str:
    return url("attachment", attachment.municipality, attachment.proposal, attachment_id=attachment.pk)


def test_a_drafts_image_and_attachments_are_a_404_for_everyone_but_the_author(client, rules, musterstadt, alice,
                                                                                frank, carol, dave):
    proposal = write(alice, musterstadt, image=png(), image_alt="Der Platz")
    attachment = services.do_add_attachment(proposal=proposal, actor=alice, title="Lageplan", file=pdf())

    assert client.get(image_url(proposal)).status_code == 404
    for person in (frank, carol, dave):
        login(client, person)
        assert client.get(image_url(proposal)).status_code == 404
        assert client.get(attachment_url(attachment)).status_code == 404
    login(client, alice)
    image = client.get(image_url(proposal))
    document = client.get(attachment_url(attachment))

    assert image.status_code == 200 and content_of(image) == proposal.image.open("rb").read()
    assert document.status_code == 200 and content_of(document) == b"%PDF-1.4 Lageplan"
    for response in (image, document):
        assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("debug", [True, False])
def test_a_published_image_is_served_inline_and_an_attachment_as_a_download(debug, client, rules, musterstadt,
                                                                              alice, settings):
    settings.DEBUG = debug
    proposal = write(alice, musterstadt, image=png("bank am platz.png"), image_alt="Die Bank")
    attachment = services.do_add_attachment(proposal=proposal, actor=alice, title="Lageplan", file=pdf())
    publish(proposal)

    image = client.get(image_url(proposal))
    document = client.get(attachment_url(attachment))

    assert image.status_code == 200 and content_of(image)[:8] == b"\x89PNG\r\n\x1a\n"
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline; filename=")
    assert image["X-Content-Type-Options"] == "nosniff"
    assert "public" in image["Cache-Control"] and "max-age=3600" in image["Cache-Control"]
    assert document.status_code == 200 and content_of(document) == b"%PDF-1.4 Lageplan"
    assert document["Content-Type"] == "application/pdf"
    assert document["Content-Disposition"].startswith('attachment; filename="Lageplan_Spielplatz')
    assert document["X-Content-Type-Options"] == "nosniff"


def test_an_attachment_that_is_an_image_is_shown_and_anything_else_downloaded(client, rules, musterstadt, alice):
    proposal = write(alice, musterstadt)
    photo = services.do_add_attachment(proposal=proposal, actor=alice, title="Foto", file=png("foto.png"))
    table = services.do_add_attachment(proposal=proposal, actor=alice, title="Zahlen", file=SimpleUploadedFile(
        "zahlen.csv", b"<html><script>alert(1)</script>", content_type="text/html"))
    publish(proposal)

    shown, downloaded = client.get(attachment_url(photo)), client.get(attachment_url(table))

    assert shown["Content-Disposition"].startswith("inline;")
    assert downloaded["Content-Type"] == "text/csv"
    assert downloaded["Content-Disposition"].startswith("attachment;")


def test_an_old_image_address_leads_to_the_new_image_and_a_missing_file_is_a_404(client, rules, musterstadt,
                                                                                  alice):
    proposal = write(alice, musterstadt, image=png("alt.png"), image_alt="Alt")
    old = image_url(proposal)
    proposal = services.do_update_proposal(proposal=proposal, actor=alice, image=png("neu.png"), image_alt="Neu")
    publish(proposal)

    assert client.get(old)["Location"] == image_url(proposal)
    proposal.image.storage.delete(proposal.image.name)
    assert client.get(image_url(proposal)).status_code == 404


def test_files_of_another_municipality_or_proposal_are_a_404(client, rules, musterstadt, anderstadt, alice):
    proposal = write(alice, musterstadt, image=png(), image_alt="Der Platz")
    attachment = services.do_add_attachment(proposal=proposal, actor=alice, title="Lageplan", file=pdf())
    publish(proposal)
    filename = proposal.image.name.rsplit("/", 1)[-1]

    other = publish(write(alice, musterstadt, title="Ein anderer Vorschlag"))

    assert client.get(url("image", anderstadt, proposal, filename=filename)).status_code == 404
    assert client.get(url("attachment", anderstadt, proposal, attachment_id=attachment.pk)).status_code == 404
    assert client.get(url("attachment", musterstadt, other, attachment_id=attachment.pk)).status_code == 404


def test_the_detail_query_count_does_not_grow_with_comments(client, rules, musterstadt, alice, frank):
    proposal = publish(write(alice, musterstadt))
    services.do_add_attachment(proposal=proposal, actor=alice, title="Plan", file=pdf())
    add_supports(proposal, [frank])
    login(client, frank)
    bulk_thread(proposal, top_level=5)
    client.get(proposal.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        assert client.get(proposal.get_absolute_url()).status_code == 200
    other = published_proposal(musterstadt)
    bulk_thread(other, top_level=1)
    bulk_thread(proposal, top_level=295, replies_per=1)
    with CaptureQueriesContext(connection) as many:
        client.get(proposal.get_absolute_url())
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Supporting -------------------------------------------------------------------------------------------------


def test_supporting_and_withdrawing_move_the_counter_and_say_so(client, rules, musterstadt, alice, frank):
    proposal = publish(write(alice, musterstadt))
    login(client, frank)

    supported = client.post(url("support", musterstadt, proposal), follow=True)
    proposal.refresh_from_db()
    assert proposal.online_supports == 1 and Support.objects.filter(proposal=proposal, user=frank).exists()
    assert "Thank you: you now support “Spielplatz an der Schule sanieren”." in text_of(supported)
    assert "You support this proposal." in text_of(supported)
    assert "Withdraw my support" in text_of(supported)

    again = client.post(url("support", musterstadt, proposal), follow=True)
    assert "You already support this proposal." in text_of(again)
    proposal.refresh_from_db()
    assert proposal.online_supports == 1

    withdrawn = client.post(url("withdraw", musterstadt, proposal), follow=True)
    proposal.refresh_from_db()
    assert proposal.online_supports == 0 and not Support.objects.filter(proposal=proposal).exists()
    assert "Your support for “Spielplatz an der Schule sanieren” was withdrawn." in text_of(withdrawn)

    nothing = client.post(url("withdraw", musterstadt, proposal), follow=True)
    assert "You do not support this proposal, so there is nothing to withdraw." in text_of(nothing)


def test_a_refused_support_changes_nothing_and_explains(client, rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt))
    login(client, alice)

    response = client.post(url("support", musterstadt, proposal))

    assert response.status_code == 302 and response["Location"].endswith("#support")
    assert messages_of(response) == ["You cannot support your own proposal in Musterstadt."]
    assert not Support.objects.exists()


def test_anonymous_support_asks_to_log_in_and_get_is_not_allowed(client, rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt))

    response = client.post(url("support", musterstadt, proposal))

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.get(url("support", musterstadt, proposal)).status_code == 405
    assert not Support.objects.exists()


def test_supporting_a_draft_or_another_municipalitys_proposal_is_a_404(client, rules, musterstadt, anderstadt,
                                                                      alice, frank, dave):
    draft = write(alice, musterstadt)
    ProposalSettingsFactory(municipality=anderstadt)
    foreign = publish(write(dave, anderstadt))
    login(client, frank)

    assert client.post(url("support", musterstadt, draft)).status_code == 404
    assert client.post(url("support", musterstadt, foreign)).status_code == 404
    assert not Support.objects.exists()


# --- Writing, previewing, publishing ----------------------------------------------------------------------------


def test_writing_needs_a_login_and_a_municipality(client, rules, musterstadt, dave):
    assert client.get(url("create", musterstadt))["Location"].startswith(reverse("accounts:login"))
    login(client, dave)

    response = client.get(url("create", musterstadt))

    page = text_of(response)
    assert response.status_code == 200
    assert "add Musterstadt as your municipality" in page
    assert f'action="{reverse("accounts:join_municipality")}"' in response.content.decode()
    assert 'name="title"' not in response.content.decode()


def test_writing_is_closed_when_proposals_are_switched_off(client, rules, musterstadt, alice):
    ProposalSettings.objects.filter(pk=rules.pk).update(is_enabled=False)
    login(client, alice)

    page = text_of(client.get(url("create", musterstadt)))

    assert "does not accept new citizen proposals" in page


def _form(**fields) -> dict:
    data = {"title": "Spielplatz an der Schule sanieren", "text": "Die Geräte sind kaputt.", "category": "",
            "area": "", "latitude": "", "longitude": "", "image_alt": "", "action": "preview"}
    data.update(fields)
    return data


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"title": ""}, "title", "This field is required."),
    ({"text": ""}, "text", "This field is required."),
    ({"title": "x" * 151}, "title", "Ensure this value has at most 150 characters"),
    ({"latitude": "51.9"}, "longitude", "Please enter both latitude and longitude, or leave both empty."),
    ({"latitude": "Norden", "longitude": "7.6"}, "latitude", "Please enter a decimal number, for example 51.9607."),
    ({"latitude": "91", "longitude": "7.6"}, "latitude", "Please enter a number between -90 and 90."),
    ({"category": "999999"}, "category", "Select a valid choice."),
    ({"image": "png"}, "image_alt", "Please describe the image in one sentence for people who cannot see it."),
    ({"image": "broken", "image_alt": "Ein Bild"}, "image", "The image could not be read."),
    ({"attachments": "exe"}, "attachments", "virus.exe: Please upload a file of one of these types:"),
])
def test_every_error_of_the_writing_form_is_shown_and_nothing_is_saved(fields, field, message, client, rules,
                                                                         musterstadt, alice):
    files = {"png": png(), "broken": SimpleUploadedFile("kaputt.png", b"not an image", content_type="image/png"),
             "exe": SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")}
    data = _form(**{name: files.get(value, value) for name, value in fields.items()})
    login(client, alice)

    response = client.post(url("create", musterstadt), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert message in unescape(html)
    assert f'href="#id_{field}"' in html
    assert not Proposal.objects.exists() and not Attachment.objects.exists()


def test_errors_of_the_writing_form_are_german_by_default(client, rules, musterstadt, alice):
    alice.language = "de"
    alice.save()
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    client.force_login(alice)

    response = client.post(url("create", musterstadt), _form(title=""))

    assert '<html lang="de">' in response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in text_of(response)
    assert not Proposal.objects.exists()


def test_a_resident_writes_previews_and_publishes_a_proposal(client, rules, musterstadt, alice):
    category = CategoryFactory(municipality=musterstadt, name="Spielplätze")
    login(client, alice)

    saved = client.post(url("create", musterstadt), _form(
        category=category.pk, area="Altstadt", latitude="51,96071", longitude="7.6261",
        image=png(), image_alt="Der Spielplatz", attachments=[pdf(), pdf("Fotos_vom_Platz.pdf")]))

    proposal = Proposal.objects.get()
    assert saved["Location"] == proposal.get_absolute_url()
    assert proposal.state == State.DRAFT and proposal.author == alice and proposal.category == category
    assert (str(proposal.latitude), str(proposal.longitude)) == ("51.960710", "7.626100")
    assert proposal.image and proposal.image_alt == "Der Spielplatz"
    assert sorted(proposal.attachments.values_list("title", flat=True)) == ["Fotos vom Platz", "Lageplan Spielplatz"]

    preview = text_of(client.get(saved["Location"]))
    assert "Preview of your draft" in preview and "Only you can see this draft." in preview

    published = client.post(url("publish", musterstadt, proposal), follow=True)
    proposal.refresh_from_db()
    assert proposal.state == State.COLLECTING
    assert "Your proposal is published and collects supports now." in text_of(published)


def test_saving_a_draft_returns_to_the_form(client, rules, musterstadt, alice):
    login(client, alice)

    response = client.post(url("create", musterstadt), _form(action="draft"), follow=True)

    proposal = Proposal.objects.get()
    assert response.redirect_chain[-1][0] == url("edit", musterstadt, proposal)
    assert "Your draft was saved. Only you can see it until you publish it." in text_of(response)
    assert 'value="Spielplatz an der Schule sanieren"' in response.content.decode()


def test_the_step_before_publishing_offers_similar_proposals_to_support_instead(client, rules, musterstadt, alice,
                                                                                frank):
    existing = publish(write(frank, musterstadt, title="Spielplatz im Park sanieren"))
    draft = write(alice, musterstadt, title="Spielplätze sanieren")
    login(client, alice)

    response = client.get(draft.get_absolute_url())

    page = text_of(response)
    assert "1 similar proposal exists" in page
    assert "Spielplatz im Park sanieren" in page
    assert f'action="{url("support", musterstadt, existing)}"' in response.content.decode()
    assert "Support this instead" in page


def test_the_similar_endpoint_answers_the_title_being_written(client, rules, musterstadt, frank):
    existing = publish(write(frank, musterstadt, title="Spielplatz im Park sanieren"))

    found = client.get(url("similar", musterstadt), {"title": "Spielplätze sanieren"}, HTTP_HX_REQUEST="true")
    nothing = client.get(url("similar", musterstadt), {"title": "Bus"})

    assert found.status_code == 200 and "<html" not in found.content.decode()
    assert existing.title in text_of(found) and "Support this instead" in text_of(found)
    assert text_of(nothing) == ""


def test_the_writing_form_has_the_similar_search_and_the_map_picker(client, rules, musterstadt, alice):
    login(client, alice)

    html = client.get(url("create", musterstadt)).content.decode()

    assert f'hx-get="{url("similar", musterstadt)}"' in html
    assert 'data-map="picker"' in html and 'data-lat-input="id_latitude"' in html
    assert 'enctype="multipart/form-data"' in html


def test_the_author_edits_until_the_first_support(client, rules, musterstadt, alice, frank):
    proposal = publish(write(alice, musterstadt))
    login(client, alice)

    saved = client.post(url("edit", musterstadt, proposal), _form(title="Spielplatz an der Grundschule sanieren"),
                        follow=True)
    proposal.refresh_from_db()
    assert proposal.title == "Spielplatz an der Grundschule sanieren"
    assert "Your changes were saved." in text_of(saved)

    add_supports(proposal, [frank])
    refused = client.get(url("edit", musterstadt, proposal), follow=True)
    assert "already has supports and can no longer be changed" in text_of(refused)
    client.post(url("edit", musterstadt, proposal), _form(title="Ganz anders"))
    proposal.refresh_from_db()
    assert proposal.title == "Spielplatz an der Grundschule sanieren"


def test_only_the_author_edits_or_publishes(client, rules, musterstadt, alice, carol):
    proposal = publish(write(alice, musterstadt))
    draft = write(alice, musterstadt, title="Noch ein Entwurf")
    login(client, carol)

    refused = client.post(url("edit", musterstadt, proposal), _form(title="Von Carol"), follow=True)

    assert "Only its author can change a proposal" in text_of(refused)
    proposal.refresh_from_db()
    assert proposal.title == "Spielplatz an der Schule sanieren"
    assert client.post(url("publish", musterstadt, draft)).status_code == 404
    assert Proposal.objects.get(pk=draft.pk).state == State.DRAFT


def test_the_author_removes_the_image(client, rules, musterstadt, alice):
    proposal = write(alice, musterstadt, image=png(), image_alt="Alt")
    login(client, alice)

    client.post(url("edit", musterstadt, proposal), _form(remove_image="on", image_alt="Alt"))

    proposal.refresh_from_db()
    assert not proposal.image and proposal.image_alt == ""


# --- Management -------------------------------------------------------------------------------------------------

MANAGE_ROUTES = ["manage", "manage_settings", "manage_categories"]
PROPOSAL_MANAGE_ROUTES = ["manage_answer", "manage_signatures"]


@pytest.mark.parametrize("persona", ["alice", "dave"])
def test_residents_and_other_municipalities_cannot_manage(persona, request, client, rules, musterstadt, alice):
    proposal = publish(write(alice, musterstadt))
    reached = published_proposal(musterstadt, state=State.THRESHOLD_REACHED,
                                 threshold_reached_at=timezone.now(), answer_due_at=timezone.now())
    login(client, request.getfixturevalue(persona))
    before = (Proposal.objects.values_list("state", "answer").order_by("pk").first(), Category.objects.count(),
              SignatureList.objects.count(), ProposalSettings.objects.values_list("threshold_absolute").get())

    for name in MANAGE_ROUTES:
        assert client.get(url(name, musterstadt)).status_code == 403
    for name in PROPOSAL_MANAGE_ROUTES:
        assert client.get(url(name, musterstadt, proposal)).status_code == 403
    assert client.post(url("manage_categories", musterstadt), {"name": "Fremd"}).status_code == 403
    assert client.post(url("manage_settings", musterstadt), {"threshold_absolute": 1}).status_code == 403
    assert client.post(url("manage_answer", musterstadt, reached), {
        "outcome": "accepted", "answer": "Ja", "department": "Fremdamt"}).status_code == 403
    assert client.post(url("manage_signatures", musterstadt, proposal), {
        "count": 5, "received_on": timezone.localdate().isoformat()}).status_code == 403

    after = (Proposal.objects.values_list("state", "answer").order_by("pk").first(), Category.objects.count(),
             SignatureList.objects.count(), ProposalSettings.objects.values_list("threshold_absolute").get())
    assert after == before


def test_dave_gets_a_404_for_musterstadts_proposals_in_his_own_municipality(client, rules, musterstadt, anderstadt,
                                                                           alice, dave):
    proposal = publish(write(alice, musterstadt))
    login(client, dave)

    for name in PROPOSAL_MANAGE_ROUTES:
        assert client.get(url(name, anderstadt, proposal)).status_code == 404
    assert client.post(url("manage_signatures", anderstadt, proposal), {
        "count": 5, "received_on": timezone.localdate().isoformat()}).status_code == 404
    assert not SignatureList.objects.exists()


def test_the_queue_lists_proposals_awaiting_the_answer_by_deadline_with_overdue_marked(client, rules, musterstadt,
                                                                                    carol):
    now = timezone.now()
    published_proposal(musterstadt, title="Bald fällig", state=State.THRESHOLD_REACHED,
                       threshold_reached_at=now - timedelta(days=25), answer_due_at=now + timedelta(days=5))
    published_proposal(musterstadt, title="Überfällig", state=State.THRESHOLD_REACHED,
                       threshold_reached_at=now - timedelta(days=40), answer_due_at=now - timedelta(days=10))
    published_proposal(musterstadt, title="Sammelt noch")
    login(client, carol)

    response = client.get(url("manage", musterstadt))

    html = response.content.decode()
    queue = html[html.index('id="queue-heading"'):html.index('id="ending-heading"')]
    assert queue.index("Überfällig") < queue.index("Bald fällig")
    assert "Sammelt noch" not in queue
    assert re.search(r'queue-row--overdue">\s*<th scope="row" class="kern-table__cell"><a class="kern-link" '
                     r'href="[^"]+">Überfällig', queue)
    assert queue.count("overdue</span>") == 1
    assert "Sammelt noch" in html[html.index('id="ending-heading"'):]


def test_staff_change_the_settings(client, rules, musterstadt, carol):
    login(client, carol)
    data = {"is_enabled": "on", "supporters": "verified", "minimum_age": "16", "threshold_kind": "absolute",
            "threshold_absolute": "250", "threshold_share": "1.5", "collection_days": "90", "answer_days": "60"}

    response = client.post(url("manage_settings", musterstadt), data, follow=True)

    rules.refresh_from_db()
    assert "The settings of citizen proposals were saved." in text_of(response)
    assert (rules.supporters, rules.minimum_age, rules.threshold_absolute, rules.collection_days) == (
        "verified", 16, 250, 90)
    assert str(rules.threshold_share) == "1.50"
    assert not rules.authors_may_support


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"threshold_absolute": "0"}, "threshold_absolute", "Ensure this value is greater than or equal to 1."),
    ({"collection_days": ""}, "collection_days", "This field is required."),
    ({"minimum_age": "30"}, "minimum_age", "Ensure this value is less than or equal to 21."),
    ({"threshold_kind": "share"}, "threshold_kind", "needs the population of Musterstadt"),
])
def test_settings_errors_are_shown_and_change_nothing(change, field, message, client, rules, musterstadt, carol):
    login(client, carol)
    data = {"is_enabled": "on", "supporters": "registered", "minimum_age": "0", "threshold_kind": "absolute",
            "threshold_absolute": "3", "threshold_share": "1", "collection_days": "60", "answer_days": "30"}
    data.update(change)
    before = list(ProposalSettings.objects.values())
    logged = AuditLogEntry.objects.count()

    response = client.post(url("manage_settings", musterstadt), data)

    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert f'href="#id_{field}' in response.content.decode()
    assert list(ProposalSettings.objects.values()) == before
    assert AuditLogEntry.objects.count() == logged


def test_staff_create_categories_once(client, rules, musterstadt, carol):
    login(client, carol)

    created = client.post(url("manage_categories", musterstadt), {"name": "Straßen und Wege"}, follow=True)
    twice = client.post(url("manage_categories", musterstadt), {"name": "Straßen und Wege"})
    empty = client.post(url("manage_categories", musterstadt), {"name": ""})

    assert "The category “Straßen und Wege” was created." in text_of(created)
    assert "A category with this name already exists in Musterstadt." in text_of(twice)
    assert "This field is required." in text_of(empty)
    assert list(Category.objects.values_list("slug", flat=True)) == ["strassen-und-wege"]


def _reached(municipality, **fields) -> Proposal:
    now = timezone.now()
    return published_proposal(municipality, state=State.THRESHOLD_REACHED, threshold_reached_at=now,
                              answer_due_at=now + timedelta(days=30), **fields)


def test_staff_answer_and_hand_a_proposal_to_the_council(client, rules, musterstadt, carol):
    proposal = _reached(musterstadt, title="Neue Buslinie")
    login(client, carol)

    response = client.post(url("manage_answer", musterstadt, proposal), {
        "outcome": "council", "answer": "Der Rat entscheidet im Mai.", "department": "Verkehrsamt",
        "paper_reference": "Drucksache 2026/0815", "paper_url": "https://rat.musterstadt.example/815"}, follow=True)

    proposal.refresh_from_db()
    referral = CouncilReferral.objects.get()
    assert "The answer to “Neue Buslinie” is published." in text_of(response)
    assert (proposal.state, proposal.outcome, proposal.answer_department) == (State.ANSWERED, "council",
                                                                              "Verkehrsamt")
    assert (referral.source_id, referral.paper_reference, referral.paper_url) == (
        proposal.pk, "Drucksache 2026/0815", "https://rat.musterstadt.example/815")
    detail = text_of(client.get(proposal.get_absolute_url()))
    assert "Drucksache 2026/0815" in detail and ": in time" in detail


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"outcome": ""}, "outcome", "This field is required."),
    ({"answer": ""}, "answer", "This field is required."),
    ({"department": ""}, "department", "This field is required."),
    ({"paper_reference": "Drucksache 1"}, "paper_reference",
     "A council paper belongs only to the outcome “handed to the council”."),
    ({"outcome": "council", "paper_url": "kein link"}, "paper_url", "Enter a valid URL."),
])
def test_answer_errors_are_shown_and_change_nothing(data, field, message, client, rules, musterstadt, carol):
    proposal = _reached(musterstadt)
    login(client, carol)
    form = {"outcome": "accepted", "answer": "Ja.", "department": "Bauamt", "paper_reference": "", "paper_url": ""}
    form.update(data)

    response = client.post(url("manage_answer", musterstadt, proposal), form)

    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert f'href="#id_{field}' in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == State.THRESHOLD_REACHED and not CouncilReferral.objects.exists()


def test_a_proposal_still_collecting_cannot_be_answered(client, rules, musterstadt, alice, carol):
    proposal = publish(write(alice, musterstadt))
    login(client, carol)

    page = text_of(client.get(url("manage_answer", musterstadt, proposal)))
    client.post(url("manage_answer", musterstadt, proposal), {"outcome": "accepted", "answer": "Ja.",
                                                              "department": "Bauamt"})

    assert "Only a proposal that reached its threshold can be answered." in page
    assert Proposal.objects.get(pk=proposal.pk).state == State.COLLECTING


def test_staff_enter_paper_signatures_with_a_scan_only_staff_can_open(client, rules, musterstadt, alice, carol):
    proposal = publish(write(alice, musterstadt))
    login(client, carol)
    scan = SimpleUploadedFile("liste.pdf", b"%PDF-1.4 Unterschriften", content_type="application/pdf")

    response = client.post(url("manage_signatures", musterstadt, proposal), {
        "count": "2", "received_on": timezone.localdate().isoformat(), "scan": scan, "note": "Bürgerbüro"},
        follow=True)

    proposal.refresh_from_db()
    signature_list = SignatureList.objects.get()
    assert "2 signatures on paper were added to “Spielplatz an der Schule sanieren”." in text_of(response)
    assert (proposal.paper_supports, proposal.total_supports) == (2, 2)
    scan_url = reverse("proposals:manage_signature_scan", kwargs={
        "municipality_slug": musterstadt.slug, "proposal_id": proposal.pk, "signature_list_id": signature_list.pk})
    assert scan_url in response.content.decode()
    download = client.get(scan_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 Unterschriften"
    assert "private" in download["Cache-Control"]
    login(client, alice)
    assert client.get(scan_url).status_code == 403


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"count": "0"}, "count", "Ensure this value is greater than or equal to 1."),
    ({"count": "viele"}, "count", "Enter a whole number."),
    ({"received_on": ""}, "received_on", "This field is required."),
    ({"received_on": "2999-01-01"}, "received_on", "The day the lists were received cannot be in the future."),
    ({"scan": "exe"}, "scan", "Please upload a file of one of these types:"),
])
def test_signature_list_errors_are_shown_and_change_nothing(data, field, message, client, rules, musterstadt, alice,
                                                            carol):
    proposal = publish(write(alice, musterstadt))
    login(client, carol)
    form = {"count": "5", "received_on": timezone.localdate().isoformat(), "note": ""}
    form.update(data)
    if form.get("scan") == "exe":
        form["scan"] = SimpleUploadedFile("liste.exe", b"MZ", content_type="application/octet-stream")

    response = client.post(url("manage_signatures", musterstadt, proposal), form)

    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert f'href="#id_{field}' in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.total_supports == 0 and not SignatureList.objects.exists()


def test_the_dashboard_lists_proposals_for_staff_only(client, rules, musterstadt, carol, bob):
    _reached(musterstadt)
    login(client, carol)
    assert "1 proposal awaits its answer" in text_of(client.get(reverse("manage:dashboard", kwargs={
        "municipality_slug": musterstadt.slug})))
    login(client, bob)
    assert "Citizen proposals" not in text_of(client.get(reverse("manage:dashboard", kwargs={
        "municipality_slug": musterstadt.slug})))


# --- The municipality's home page -------------------------------------------------------------------------------


def test_the_home_page_shows_the_leading_proposals_and_the_answer_record(client, rules, musterstadt):
    for supports in (5, 1, 3, 0):
        proposal = published_proposal(musterstadt, title=f"Mit {supports} Stimmen")
        add_supports(proposal, [UserFactory() for _ in range(supports)])
    answered(musterstadt)
    answered(musterstadt, late=True)
    home = reverse("core:municipality_home", kwargs={"municipality_slug": musterstadt.slug})

    response = client.get(home)

    page = text_of(response)
    html = response.content.decode()
    section = html[html.index('id="home-proposals-heading"'):]
    assert section.index("Mit 5 Stimmen") < section.index("Mit 3 Stimmen") < section.index("Mit 1 Stimmen")
    assert "Mit 0 Stimmen" not in section
    assert "1 of 2 answered proposals were answered in time." in page
    assert f'href="{url("list", musterstadt)}"' in section


def test_the_home_page_query_count_does_not_grow(client, rules, musterstadt):
    home = reverse("core:municipality_home", kwargs={"municipality_slug": musterstadt.slug})
    for _ in range(3):
        published_proposal(musterstadt)
    answered(musterstadt)
    client.get(home)
    with CaptureQueriesContext(connection) as few:
        client.get(home)
    for _ in range(30):
        published_proposal(musterstadt)
        answered(musterstadt)
    with CaptureQueriesContext(connection) as many:
        client.get(home)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_home_page_leaves_the_section_out_when_proposals_are_off(client, rules, musterstadt):
    ProposalSettings.objects.filter(pk=rules.pk).update(is_enabled=False)

    html = client.get(reverse("core:municipality_home", kwargs={"municipality_slug": musterstadt.slug})).content

    assert b"home-proposals-heading" not in html


def test_a_verified_resident_supports_when_only_verified_residents_may(client, rules, musterstadt, alice):
    ProposalSettings.objects.filter(pk=rules.pk).update(supporters=ProposalSettings.Supporters.VERIFIED)
    proposal = publish(write(alice, musterstadt))
    resident = verified_resident(musterstadt)
    login(client, resident)

    client.post(url("support", musterstadt, proposal))

    assert Support.objects.filter(user=resident).exists()


def test_paper_signatures_received_after_the_end_are_refused(client, rules, musterstadt, alice, carol):
    proposal = publish(write(alice, musterstadt))
    Proposal.objects.filter(pk=proposal.pk).update(collection_ends_at=timezone.now() - timedelta(days=3),
                                                   state=State.EXPIRED)
    login(client, carol)

    response = client.post(url("manage_signatures", musterstadt, proposal), {
        "count": "5", "received_on": timezone.localdate().isoformat()})

    assert "lists received later do not count" in text_of(response)
    assert not SignatureList.objects.exists()
