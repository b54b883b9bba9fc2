"""Citizen proposals and the moderation: reported, hidden with a reason and the author told, gone from every
public place (list, search, feed, API, open data), shown again; and their author's withdrawal of a published
proposal and deletion of a draft."""

import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from kommune.core.models import Role
from kommune.core.moderation import services as moderation
from kommune.core.moderation.models import ModerationAct, Report
from kommune.core.notifications.models import Notification
from kommune.core.search.models import SearchDocument
from kommune.proposals import records, services
from kommune.proposals.models import Attachment, Proposal, Support
from tests.factories import MembershipFactory, UserFactory
from tests.factories_proposals import ProposalSettingsFactory, add_supports, verified_resident

pytestmark = pytest.mark.django_db

RULE = "Respektvoll und beim Thema"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def login(client, user) -> None:
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


@pytest.fixture
def author(musterstadt):
    user = verified_resident(musterstadt, display_name="Anna Antrag", language="en")
    MembershipFactory(user=user, municipality=musterstadt, role=Role.RESIDENT)
    return user


@pytest.fixture
def proposal(musterstadt, author, alice):
    ProposalSettingsFactory(municipality=musterstadt)
    draft = services.do_create_proposal(municipality=musterstadt, author=author, title="Werbung für Schuhe",
                                        text="Kauft Schuhe bei uns!")
    return services.do_publish_proposal(proposal=draft, actor=author)


def public_places(client, municipality, proposal) -> dict[str, bool]:
    slug = municipality.slug
    return {
        "list": proposal.title in client.get(reverse("proposals:list", kwargs={"municipality_slug": slug}))
        .content.decode(),
        "feed": proposal.title in client.get(reverse("proposals:feed", kwargs={"municipality_slug": slug}))
        .content.decode(),
        "api": proposal.pk in [item["id"] for item in
                               client.get(f"/api/v1/municipalities/{slug}/proposals").json()["items"]],
        "api_detail": client.get(f"/api/v1/municipalities/{slug}/proposals/{proposal.pk}").status_code == 200,
        "search": SearchDocument.objects.filter(kind="proposal", object_id=proposal.pk).exists(),
        "open_data": any(row["id"] == proposal.pk for row in records.rows(municipality)),
    }


def test_a_hidden_proposal_is_gone_everywhere_and_its_author_is_told(client, musterstadt, proposal, alice, bob,
                                                                      author):
    assert all(public_places(client, musterstadt, proposal).values())
    thread_url = reverse("comments:thread", kwargs={"municipality_slug": musterstadt.slug,
                                                    "target_type": "proposals.proposal", "target_id": proposal.pk})
    assert client.get(thread_url).status_code == 200
    login(client, alice)
    report_url = reverse("moderation:report_contribution", kwargs={
        "municipality_slug": musterstadt.slug, "reportable": "proposal", "object_id": proposal.pk})
    assert report_url in client.get(proposal.get_absolute_url()).content.decode()
    response = client.post(report_url, {"reason": "spam", "text": "Werbung"})
    assert response["Location"] == proposal.get_absolute_url()
    report = Report.objects.get()

    login(client, bob)
    moderate_url = reverse("moderation:contribution", kwargs={
        "municipality_slug": musterstadt.slug, "reportable": "proposal", "object_id": proposal.pk})
    assert "Kauft Schuhe" in client.get(reverse("moderation:report_detail", kwargs={
        "municipality_slug": musterstadt.slug, "report_id": report.pk})).content.decode()
    response = client.post(moderate_url + "verbergen/", {"reason": "Werbung", "rule": RULE})
    assert response["Location"] == moderate_url
    proposal.refresh_from_db()
    report.refresh_from_db()
    assert proposal.hidden_reason == "Werbung" and report.status == "answered"

    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert not any(public_places(client, musterstadt, proposal).values())
    page = client.get(proposal.get_absolute_url())
    assert page.status_code == 410 and "Hidden by the moderation" in page.content.decode()
    assert "Kauft Schuhe" not in page.content.decode()
    assert client.get(thread_url).status_code == 404
    log = client.get(reverse("moderation:log", kwargs={"municipality_slug": musterstadt.slug})).content.decode()
    assert "Werbung für Schuhe" in log and "Anna Antrag" not in log
    [notice] = Notification.objects.filter(user=author, verb="moderation.decision")
    assert "Werbung für Schuhe" in notice.text and RULE in notice.text
    login(client, author)
    own = client.get(proposal.get_absolute_url()).content.decode()
    assert "Only you see this proposal. Reason: Werbung" in own

    moderation.do_unhide_contribution(moderator=bob, target=proposal, reason="Nach Prüfung zulässig")
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert all(public_places(client, musterstadt, proposal).values())
    assert list(ModerationAct.objects.order_by("pk").values_list("action", flat=True)) == ["hide", "unhide"]


def test_a_hidden_proposal_takes_no_supports(musterstadt, proposal, bob):
    moderation.do_hide_contribution(moderator=bob, target=proposal, reason="Werbung", rule=RULE)
    proposal.refresh_from_db()
    assert services.collection_refusal(proposal, proposal.published_at).code == "hidden"


def test_a_draft_cannot_be_reported(client, musterstadt, author, alice):
    ProposalSettingsFactory(municipality=musterstadt)
    draft = services.do_create_proposal(municipality=musterstadt, author=author, title="Geheim", text="Entwurf")
    with pytest.raises(ValidationError, match="cannot be reported"):
        moderation.do_report(reporter=alice, target=draft, reason="spam")
    login(client, alice)
    assert client.get(reverse("moderation:report_contribution", kwargs={
        "municipality_slug": musterstadt.slug, "reportable": "proposal", "object_id": draft.pk})).status_code == 404


def test_the_author_withdraws_a_published_proposal_keeping_its_supports(client, musterstadt, proposal, author):
    add_supports(proposal, [UserFactory(), UserFactory()])
    login(client, author)
    withdraw_url = reverse("proposals:withdraw_proposal", kwargs={"municipality_slug": musterstadt.slug,
                                                                  "proposal_id": proposal.pk})
    assert withdraw_url in client.get(proposal.get_absolute_url()).content.decode()
    assert client.post(withdraw_url, {"reason": ""}).status_code == 200
    response = client.post(withdraw_url, {"reason": "Die Stadt plant das schon."})
    assert response["Location"] == proposal.get_absolute_url()
    proposal.refresh_from_db()
    assert proposal.state == "withdrawn" and proposal.total_supports == 2 and Support.objects.count() == 2
    assert not proposal.is_collecting(proposal.published_at)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Die Stadt plant das schon." in page and withdraw_url not in page
    api = client.get(f"/api/v1/municipalities/{musterstadt.slug}/proposals", {"state": "withdrawn"})
    assert [item["state"] for item in api.json()["items"]] == ["withdrawn"]
    assert "Withdrawn by its author on" in client.get(reverse("proposals:list", kwargs={
        "municipality_slug": musterstadt.slug})).content.decode()
    with pytest.raises(ValidationError, match="can be withdrawn"):
        services.do_withdraw_proposal(proposal=proposal, actor=author, reason="Nochmal")


def test_only_the_author_may_withdraw(musterstadt, proposal, alice):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.do_withdraw_proposal(proposal=proposal, actor=alice, reason="Nicht meiner")


def test_the_author_deletes_a_draft_with_its_files(client, musterstadt, author):
    ProposalSettingsFactory(municipality=musterstadt)
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(png, format="PNG")
    image = SimpleUploadedFile("bank.png", png.getvalue(), content_type="image/png")
    draft = services.do_create_proposal(municipality=musterstadt, author=author, title="Bank am Teich",
                                        text="Eine Bank.", image=image, image_alt="Eine Bank")
    attachment = services.do_add_attachment(proposal=draft, actor=author, title="Plan", file=SimpleUploadedFile(
        "plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf"))
    names = [draft.image.name, attachment.file.name]
    assert all(default_storage.exists(name) for name in names)
    login(client, author)
    delete_url = reverse("proposals:delete_draft", kwargs={"municipality_slug": musterstadt.slug,
                                                          "proposal_id": draft.pk})
    assert delete_url in client.get(draft.get_absolute_url()).content.decode()
    assert "cannot be undone" in client.get(delete_url).content.decode()
    response = client.post(delete_url)
    assert response["Location"] == reverse("proposals:list", kwargs={"municipality_slug": musterstadt.slug})
    assert not Proposal.objects.exists() and not Attachment.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_a_published_proposal_cannot_be_deleted(musterstadt, proposal, author):
    with pytest.raises(ValidationError, match="can be withdrawn"):
        services.do_delete_draft(proposal=proposal, actor=author)
