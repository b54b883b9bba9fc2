"""Assisted participation across the features: staff and partners enter contributions for residents who phoned,
wrote or came by; each entry is marked, keeps who entered it, and is in the audit log and on the overview page."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from kommune.adoptions import services as adoptions
from kommune.adoptions.models import Adoption, Asset, CareEntry
from kommune.core.assisted import assisted_actions, assisted_entries
from kommune.core.comments import services as comments
from kommune.core.comments.models import Comment
from kommune.core.models import AuditLogEntry, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_processes import published_process
from tests.factories_reports import lamp_service

pytestmark = pytest.mark.django_db
JUNE = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def paula(musterstadt):
    """A partner: a volunteer of the senior centre, a meeting place of the digital-help network."""
    user = UserFactory(email="paula@example.org", display_name="Paula", language="en")
    MembershipFactory(user=user, municipality=musterstadt, role=Role.PARTNER,
                      organisation=OrganisationFactory(municipality=musterstadt, name="Seniorenzentrum"))
    return user


@pytest.fixture
def hedge(musterstadt):
    return Asset.objects.create(municipality=musterstadt, kind="hedge", name="Hecke am Feldweg",
                                latitude="51.971", longitude="7.61",
                                geometry={"type": "Point", "coordinates": [7.61, 51.971]})


def audit(action: str) -> list[AuditLogEntry]:
    return list(AuditLogEntry.objects.filter(action=action))


def test_every_feature_with_assisted_entry_names_its_audit_actions():
    keys = {entry.key for entry in assisted_entries()}
    assert {"comments", "proposals", "surveys", "inclusion", "reports", "adoptions", "codesign", "volunteering",
            "newsletters"} <= keys
    assert AuditLogEntry.Action.COMMENT_ENTERED_ASSISTED in assisted_actions()
    assert set(assisted_actions()) <= set(AuditLogEntry.Action.values)


def test_a_partner_enters_a_comment_for_a_resident_and_it_is_audited(musterstadt, paula, alice):
    process = published_process(musterstadt, title="Spielplatz Nord")
    comment = comments.do_post_assisted_comment(staff=paula, target=process, text="Mehr Bänke, bitte.",
                                                channel="phone", assisted_name="Frau K.")
    assert comment.is_assisted and comment.author == paula
    [entry] = audit(AuditLogEntry.Action.COMMENT_ENTERED_ASSISTED)
    assert entry.actor == paula and entry.municipality == musterstadt
    assert entry.details["comment"] == comment.pk and entry.details["channel"] == "phone"
    with pytest.raises(PermissionDenied):
        comments.do_post_assisted_comment(staff=alice, target=process, text="x", channel="phone",
                                          assisted_name="Frau K.")
    assert Comment.objects.count() == 1 and len(audit(AuditLogEntry.Action.COMMENT_ENTERED_ASSISTED)) == 1


def test_the_overview_lists_the_places_and_the_entries(client, musterstadt, carol, paula, alice):
    process = published_process(musterstadt, title="Spielplatz Nord")
    comments.do_post_assisted_comment(staff=carol, target=process, text="Per Telefon", channel="phone",
                                      assisted_name="Herr B.")
    comments.do_post_assisted_comment(staff=paula, target=process, text="Per Brief", channel="letter",
                                      assisted_name="Frau K.")
    url = reverse("manage:assisted", kwargs={"municipality_slug": "musterstadt"})
    carol.language = "en"
    carol.save(update_fields=["language"])
    client.force_login(carol)
    page = client.get(url).content.decode()
    assert "Comment for a resident" in page and "Issue report for a resident" in page
    assert page.count("comment entered for a resident") == 2
    client.force_login(paula)  # a partner sees the places open to partners and only their own entries
    page = client.get(url).content.decode()
    assert page.count("comment entered for a resident") == 1 and "Paper signatures" not in page
    client.force_login(alice)
    assert client.get(url).status_code == 403


def test_staff_adopt_a_hedge_for_a_resident_without_an_account(client, musterstadt, carol, alice, hedge):
    adoption = adoptions.do_adopt_for_resident(asset=hedge, actor=carol, public_name="Familie Yilmaz",
                                               contact="0251 123456", channel="phone")
    assert adoption.user is None and adoption.entered_by == carol and adoption.is_assisted
    [entry] = audit(AuditLogEntry.Action.ADOPTION_ENTERED_ASSISTED)
    assert entry.details["public_name"] == "Familie Yilmaz" and entry.actor == carol
    page = client.get(hedge.get_absolute_url()).content.decode()
    assert "Familie Yilmaz" in page and "0251 123456" not in page
    with pytest.raises(PermissionDenied):
        adoptions.do_adopt_for_resident(asset=hedge, actor=alice, public_name="X", contact="1", channel="phone")
    adoptions.do_end_adoption(adoption=adoption, actor=carol)
    adoption.refresh_from_db()
    assert adoption.contact == ""  # not kept once the adoption ended


@pytest.mark.parametrize("fields, field", [
    ({"public_name": "", "contact": "0251 1", "channel": "phone"}, "public_name"),
    ({"public_name": "Familie Y", "contact": "", "channel": "phone"}, "contact"),
    ({"public_name": "Familie Y", "contact": "0251 1", "channel": "email"}, "channel"),
])
def test_an_incomplete_assisted_adoption_is_refused_and_changes_nothing(carol, hedge, fields, field):
    with pytest.raises(ValidationError) as error:
        adoptions.do_adopt_for_resident(asset=hedge, actor=carol, **fields)
    assert field in error.value.message_dict
    assert not Adoption.objects.exists() and not audit(AuditLogEntry.Action.ADOPTION_ENTERED_ASSISTED)


@time_machine.travel("2026-06-15 10:00 +0200")
def test_care_entered_for_the_adopters_is_marked_and_the_cutting_ban_holds(client, carol, paula, hedge):
    adoption = adoptions.do_adopt_for_resident(asset=hedge, actor=carol, public_name="Hecken-AG",
                                               contact="hecken@example.org", channel="counter")
    with pytest.raises(ValidationError, match="1 March"):
        adoptions.do_record_care(adoption=adoption, actor=paula, kind="cutting", done_on=JUNE, channel="phone")
    entry = adoptions.do_record_care(adoption=adoption, actor=paula, kind="watering", done_on=JUNE,
                                     channel="phone")
    assert entry.author == paula and entry.channel == "phone"
    assert CareEntry.objects.count() == 1
    assert len(audit(AuditLogEntry.Action.ADOPTION_ENTERED_ASSISTED)) == 2
    assert "mit Unterstützung eingetragen" in client.get(hedge.get_absolute_url()).content.decode()  # German page


@time_machine.travel("2026-06-15 10:00 +0200")
def test_the_assisted_forms_on_the_asset_page(client, carol, alice, hedge):
    client.force_login(carol)
    adopt_url = reverse("adoptions:adopt_assisted", kwargs={"municipality_slug": "musterstadt",
                                                            "asset_id": hedge.pk})
    response = client.post(adopt_url, {"assisted-public_name": "Familie Y", "assisted-contact": "",
                                       "assisted-channel": "phone"})
    assert response.status_code == 400 and not Adoption.objects.exists()
    response = client.post(adopt_url, {"assisted-public_name": "Familie Y", "assisted-contact": "0251 1",
                                       "assisted-channel": "phone"})
    assert response.status_code == 302 and Adoption.objects.get().is_assisted
    care_url = reverse("adoptions:care_assisted", kwargs={"municipality_slug": "musterstadt", "asset_id": hedge.pk})
    response = client.post(care_url, {"assisted-channel": "letter", "assisted-kind": "watering",
                                      "assisted-done_on": "2026-06-14"})
    assert response.status_code == 302 and CareEntry.objects.get().channel == "letter"
    client.force_login(alice)
    assert client.post(care_url, {"assisted-channel": "letter", "assisted-kind": "watering",
                                  "assisted-done_on": "2026-06-14"}).status_code == 403


def test_damage_at_an_adopted_hedge_is_reported_from_its_page(client, musterstadt, alice, hedge):
    service = lamp_service(musterstadt)
    alice.email_confirmed_at = alice.date_joined
    alice.language = "en"
    alice.save()
    client.force_login(alice)
    page = client.get(hedge.get_absolute_url()).content.decode()
    link = reverse("reports:choose", kwargs={"municipality_slug": "musterstadt"})
    assert f'href="{link}?lat=51.971' in page
    choose = client.get(f"{link}?lat=51.971&lon=7.61&description=Schaden").content.decode()
    create = reverse("reports:create", kwargs={"municipality_slug": "musterstadt", "service_code": service.code})
    assert f"{create}?lat=51.971&amp;lon=7.61&amp;description=Schaden" in choose
    form = client.get(f"{create}?lat=51.971&lon=7.61&description=Schaden").content.decode()
    assert 'value="51.971"' in form and ">Schaden</textarea>" in form.replace("\n", "")
