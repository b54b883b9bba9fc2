"""A person's public page (opt-in, off by default): what they published in a municipality under their public
name; follows of people go through it; without it, the page and the follow endpoint answer exactly as for an
account that does not exist, so nobody learns display names by number."""

import pytest
from django.conf import settings
from django.urls import reverse

from kommune.accounts.services import do_update_profile
from kommune.core.comments import services as comments
from kommune.core.moderation import services as moderation
from kommune.core.notifications.followables import target_key
from kommune.core.notifications.models import Follow
from tests.factories import UserFactory
from tests.factories_processes import published_process
from tests.factories_proposals import published_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def person_url(municipality, user) -> str:
    return reverse("people:person", kwargs={"municipality_slug": municipality.slug, "user_id": user.pk})


def follow(client, key: str, action: str = "follow"):
    return client.post(reverse("notifications:follow"), {"target": key, "action": action})


def test_without_a_public_page_a_person_is_a_404_like_nobody(client, musterstadt, alice, erin):
    assert not alice.public_profile  # off by default
    client.force_login(erin)
    missing = UserFactory.build(pk=999_999)
    for person in (alice, missing):
        assert client.get(person_url(musterstadt, person)).status_code == 404
        response = follow(client, target_key(alice).rsplit(":", 1)[0] + f":{person.pk}")
        assert response.status_code == 404 and alice.display_name not in response.content.decode()
    assert not Follow.objects.exists()


def test_the_public_page_lists_what_the_person_published_and_can_be_followed(client, musterstadt, anderstadt,
                                                                             alice, bob, erin):
    do_update_profile(user=alice, display_name="Alice Aktiv", real_name="Alice Geheim", language="en",
                      public_profile=True)
    process = published_process(musterstadt, title="Marktplatz")
    comments.do_post_comment(actor=alice, target=process, text="Mehr Bäume")
    rude = comments.do_post_comment(actor=alice, target=process, text="Ein schlimmer Satz")
    moderation.do_hide(moderator=bob, comment=rude, reason="Beleidigung")
    published_proposal(musterstadt, author=alice, title="Trinkbrunnen am Markt")
    published_proposal(anderstadt, author=alice, title="Anderswo")

    page = client.get(person_url(musterstadt, alice)).content.decode()
    assert "Alice Aktiv" in page and "Trinkbrunnen am Markt" in page and "Marktplatz" in page
    assert "Alice Geheim" not in page and "Anderswo" not in page and "schlimmer" not in page
    assert page.count("<h1") == 1

    thread = client.get(reverse("comments:thread", kwargs={
        "municipality_slug": musterstadt.slug, "target_type": "processes.process", "target_id": process.pk}))
    assert person_url(musterstadt, alice) in thread.content.decode()

    client.force_login(erin)
    assert 'name="target"' in client.get(person_url(musterstadt, alice)).content.decode()  # the follow button
    follow(client, target_key(alice))
    assert Follow.objects.filter(user=erin, object_id=alice.pk).exists()

    # Turning the page off ends the follows and the page.
    do_update_profile(user=alice, display_name="Alice Aktiv", real_name="", language="en", public_profile=False)
    assert not Follow.objects.exists()
    assert client.get(person_url(musterstadt, alice)).status_code == 404


def test_the_setting_is_on_the_profile_form(client, alice):
    client.force_login(alice)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="public_profile"' in page
    client.post(reverse("accounts:profile"), {"display_name": "Alice", "language": "de", "public_profile": "on"})
    alice.refresh_from_db()
    assert alice.public_profile
