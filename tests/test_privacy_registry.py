"""A person's data export covers everything stored about them (Art. 15 GDPR): every foreign key to the user is
covered by a registered exporter or listed with its reason in kommune.core.privacy.NOT_EXPORTED; and account
deletion does what its page says."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kommune.accounts.services import do_delete_account
from kommune.core import privacy
from kommune.core.comments import services as comments
from kommune.core.models import AccessibilityFeedback
from kommune.core.moderation import services as moderation
from kommune.core.moderation.models import ModerationAct, Report, ReviewRequest
from kommune.core.notifications.models import Follow
from kommune.core.notifications.services import do_follow
from kommune.proposals.models import Proposal, Support
from tests.factories import UserFactory
from tests.factories_processes import published_process
from tests.factories_proposals import ProposalFactory, add_supports, published_proposal

RULE = "Respektvoll und beim Thema"


def test_every_foreign_key_to_the_user_has_an_exporter_or_a_reason():
    covered = privacy.covered_foreign_keys()
    missing = [key for key in privacy.personal_foreign_keys()
               if key not in covered and key not in privacy.NOT_EXPORTED]
    assert not missing, ("These foreign keys to the user are in no data export: register an exporter with "
                         "covers=[...] (kommune/core/privacy.py) or list them in NOT_EXPORTED with a reason: "
                         f"{missing}")


def test_the_registry_names_only_foreign_keys_that_exist():
    existing = set(privacy.personal_foreign_keys())
    assert set(privacy.covered_foreign_keys()) <= existing
    assert set(privacy.NOT_EXPORTED) <= existing
    assert not set(privacy.covered_foreign_keys()) & set(privacy.NOT_EXPORTED)


@pytest.mark.django_db
def test_the_export_holds_what_the_moderation_and_the_site_stored_about_a_person(musterstadt, alice, bob):
    process = published_process(musterstadt)
    other = comments.do_post_comment(actor=bob, target=process, text="Ein Beitrag")
    comments.do_react(actor=alice, comment=other, value=1)
    own = comments.do_post_comment(actor=alice, target=process, text="Meine Meinung")
    moderation.do_report(reporter=alice, target=other, reason="spam", text="Werbung?")
    moderation.do_hide(moderator=bob, comment=own, reason="Beleidigung", rule=RULE)
    moderation.do_request_review(user=alice, act=ModerationAct.objects.get(affected_user=alice), text="Bitte")
    moderation.do_block(moderator=bob, municipality=musterstadt, user=alice, reason="Spam", rule=RULE,
                        until=timezone.now() + timedelta(days=1))
    AccessibilityFeedback.objects.create(municipality=musterstadt, message="Kontrast", email=alice.email)

    export = privacy.export_sections(alice)
    assert [r["value"] for r in export["reactions"]] == [1]
    assert export["reports"][0]["text"] == "Werbung?"
    assert {d["action"] for d in export["moderation_decisions"]} == {"hide", "block"}
    assert "Beleidigung" in export["moderation_decisions"][0]["statement"]
    assert export["review_requests"][0]["text"] == "Bitte"
    assert export["blocks"][0]["reason"] == "Spam"
    assert export["accessibility_feedback"][0]["message"] == "Kontrast"
    assert export["activities"] and export["comments"]


@pytest.mark.django_db
def test_deleting_the_account_keeps_supports_deletes_drafts_and_says_so(client, musterstadt, alice, bob):
    page = client
    page.force_login(alice)
    text = page.get(reverse("accounts:delete")).content.decode()
    assert "Unterstützungen von Bürgervorschlägen" in text and "Entwürfe" in text
    proposal = published_proposal(musterstadt, author=bob)
    add_supports(proposal, [alice])
    draft = ProposalFactory(municipality=musterstadt, author=alice)
    do_follow(user=alice, target=proposal)
    own = comments.do_post_comment(actor=alice, target=published_process(musterstadt), text="Meins")
    moderation.do_hide(moderator=bob, comment=own, reason="Beleidigung", rule=RULE)
    moderation.do_request_review(user=alice, act=ModerationAct.objects.get(), text="Bitte")
    moderation.do_report(reporter=alice, target=comments.do_post_comment(actor=bob, target=proposal, text="X"),
                         reason="spam")

    do_delete_account(user=alice)
    proposal.refresh_from_db()
    assert proposal.total_supports == 1 and Support.objects.filter(proposal=proposal).count() == 1
    assert not Proposal.objects.filter(pk=draft.pk).exists()
    assert not Follow.objects.filter(user=alice).exists() and not ReviewRequest.objects.exists()
    assert Report.objects.get().reporter is None and ModerationAct.objects.get().affected_user is None
    assert UserFactory._meta.model.objects.get(pk=alice.pk).is_deleted
