"""The operator's duties in moderation (Art. 17 DSA): the person whose comment is hidden or who is blocked is
told what, why, under which netiquette rule, that no automated means decided, and how to ask for a review; the
review request reaches the moderators and its outcome the person; the public log names nobody."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from kommune.core.comments import services as comments
from kommune.core.moderation import services
from kommune.core.moderation.models import ModerationAct, ReviewRequest
from kommune.core.notifications.models import Notification, NotificationSettings
from tests.factories import UserFactory
from tests.factories_processes import published_process

pytestmark = pytest.mark.django_db

SLUG = {"municipality_slug": "musterstadt"}
RULE = "Respektvoll und beim Thema"  # a heading of the default netiquette, in the platform's language


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def troll(musterstadt):
    return UserFactory(display_name="Trolli Troll", email="troll@example.org", language="en")


@pytest.fixture
def process(musterstadt):
    return published_process(musterstadt, title="Spielplatz Nord")


@pytest.fixture
def rude(troll, process):
    return comments.do_post_comment(actor=troll, target=process, text="Ihr seid alle Idioten!")


def login(client, user) -> None:
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


def url(name: str, **kwargs) -> str:
    return reverse(f"moderation:{name}", kwargs={**SLUG, **kwargs})


def test_hiding_a_comment_gives_its_author_the_statement_of_reasons(bob, client, rude, troll):
    NotificationSettings.objects.create(user=troll, email="off")  # a legal notice is e-mailed all the same
    mail.outbox.clear()
    login(client, bob)
    response = client.post(url("hide", comment_id=rude.pk), {"reason": "Beleidigung", "rule": RULE})
    assert response["Location"] == url("comment", comment_id=rude.pk)

    act = ModerationAct.objects.get(action="hide")
    assert (act.rule, act.affected_user, act.automated) == (RULE, troll, False)
    [notice] = Notification.objects.filter(user=troll)
    assert notice.verb == "moderation.decision" and notice.url == url("request_review", act_id=act.pk)
    for part in ("Ihr seid alle Idioten!", "Reason: Beleidigung", f"Rule of the netiquette: {RULE}",
                 "Automated decision: no", "ask the moderators to review"):
        assert part in notice.text, part
    [email] = mail.outbox
    assert email.to == ["troll@example.org"] and "Reason: Beleidigung" in email.body
    assert url("request_review", act_id=act.pk) in email.body

    log = client.get(url("log")).content.decode()
    assert "Trolli Troll" not in log and "troll@example.org" not in log


def test_the_hide_form_requires_a_rule_of_the_municipalitys_netiquette(bob, client, rude):
    login(client, bob)
    page = client.get(url("comment", comment_id=rude.pk)).content.decode()
    assert RULE in page and "Privatsphäre schützen" in page and "So moderieren wir" not in page
    response = client.post(url("hide", comment_id=rude.pk), {"reason": "Beleidigung", "rule": "Erfunden"})
    assert response.status_code == 200 and "choose a rule" in response.content.decode()
    with pytest.raises(ValidationError, match="rule of the netiquette"):
        services.do_hide(moderator=bob, comment=rude, reason="x", rule="Erfunden")
    assert not ModerationAct.objects.exists()


def test_a_blocked_person_is_told_and_the_review_can_lift_the_block(bob, client, troll, musterstadt):
    block = services.do_block(moderator=bob, municipality=musterstadt, user=troll, reason="Spam", rule=RULE,
                              until=timezone.now() + timedelta(days=7))
    act = ModerationAct.objects.get(action="block")
    [notice] = Notification.objects.filter(user=troll)
    assert "You were blocked from taking part in Musterstadt until" in notice.text and RULE in notice.text

    login(client, troll)
    page = client.get(url("request_review", act_id=act.pk)).content.decode()
    assert "Reason: Spam" in page and "Ask for a review" in page
    response = client.post(url("request_review", act_id=act.pk), {"text": "Das war kein Spam."})
    assert response["Location"] == url("request_review", act_id=act.pk)
    review = ReviewRequest.objects.get()
    with pytest.raises(ValidationError, match="already asked"):
        services.do_request_review(user=troll, act=act, text="Nochmal")

    login(client, bob)
    assert "1 request to review a decision is open" in client.get(url("queue")).content.decode()
    assert "1 review request" in client.get(reverse("manage:dashboard", kwargs=SLUG)).content.decode()
    assert "Das war kein Spam" not in client.get(url("reviews")).content.decode()  # the queue lists, not quotes
    assert url("review_detail", review_id=review.pk) in client.get(url("reviews")).content.decode()
    response = client.post(url("review_detail", review_id=review.pk),
                           {"decision": "reverse", "answer": "Sie haben recht."})
    assert response["Location"] == url("reviews")
    block.refresh_from_db()
    review.refresh_from_db()
    assert not block.is_active and review.status == "reversed"
    outcome = Notification.objects.filter(user=troll, verb="moderation.review_decided").get()
    assert "reversed" in outcome.text and "Your block has been lifted" in outcome.text
    assert "Sie haben recht." in outcome.text


def test_an_upheld_review_keeps_the_comment_hidden(bob, troll, rude):
    services.do_hide(moderator=bob, comment=rude, reason="Beleidigung", rule=RULE)
    act = ModerationAct.objects.get()
    review = services.do_request_review(user=troll, act=act, text="Bitte prüfen")
    services.do_decide_review(moderator=bob, review=review, uphold=True, answer="Bleibt verborgen.")
    rude.refresh_from_db()
    assert rude.hidden_at is not None
    assert "upheld" in Notification.objects.get(user=troll, verb="moderation.review_decided").text
    with pytest.raises(ValidationError, match="already been decided"):
        services.do_decide_review(moderator=bob, review=review, uphold=False, answer="Doch nicht")


def test_only_the_affected_person_sees_a_decision_and_may_ask_for_its_review(alice, bob, client, troll, rude):
    services.do_hide(moderator=bob, comment=rude, reason="Beleidigung", rule=RULE)
    act = ModerationAct.objects.get()
    with pytest.raises(PermissionDenied):
        services.do_request_review(user=alice, act=act, text="Ich auch")
    login(client, alice)
    assert client.get(url("request_review", act_id=act.pk)).status_code == 404
    assert client.get(url("request_review", act_id=act.pk + 1000)).status_code == 404
    client.logout()
    assert client.get(url("request_review", act_id=act.pk)).status_code == 302  # to the login


def test_an_assisted_comment_has_nobody_to_tell(bob, carol, process):
    assisted = comments.do_post_assisted_comment(staff=carol, target=process, text="Per Telefon", channel="phone",
                                                 assisted_name="Herr K.")
    services.do_hide(moderator=bob, comment=assisted, reason="Off topic", rule=RULE)
    assert ModerationAct.objects.get().affected_user is None
    assert not Notification.objects.filter(verb="moderation.decision").exists()
