"""Tenant isolation and authorisation, walked over every URL pattern of the project.

Each route is one test case. The walk reads the view's declaration (``view.access``, set by the decorators in
kommune/core/access.py), fills the URL from the PROVIDERS table below and checks it with every persona:

- anonymous, alice (resident), bob (moderator), carol (staff), erin (admin) of Musterstadt, and dave (admin and
  staff of Anderstadt, the foreign tenant). For the labs, erin administers the lab that joins Musterstadt and
  dave the one that joins Anderstadt.
- scope "public": every persona gets an answer (2xx/3xx, not 403/404/500); POST-only views answer 405 to GET;
  an anonymous visitor may be asked to log in (a view that writes, like a comment form, needs a person).
- scope "login": anonymous visitors are sent to the login page; everyone logged in gets the page.
- scope "municipality"/"lab" with permission P: allowed iff ``user.has_perm(P, tenant)``; otherwise anonymous
  visitors are sent to the login page and logged-in people get the 403 page in their language. Without P the
  route is public within the tenant, as above.
- a slug of a tenant that does not exist gives 404.
- an object of the foreign tenant in a Musterstadt URL gives 404 to everyone allowed on Musterstadt, and an
  object of Musterstadt in an Anderstadt URL gives 404 to dave, for GET and for POST, and the POST changes
  nothing in the database.
- a person's own object (alice's notification) gives 404 to every other person, and their POST changes nothing.
- dave POSTs to every Musterstadt route he may not use: 403, and nothing in the database changes.

A new route needs nothing here unless its URL has a new keyword: then add one line to PROVIDERS (for an
object of a tenant: ``owned(...)`` builds it for Musterstadt and for Anderstadt) and, for a form that writes,
optionally one line to POST_DATA so that dave's POST would succeed if authorisation let it through.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kommune.accounts.services import confirmation_token
from kommune.core.access import Access
from kommune.core.files import file_name
from kommune.core.models import AccessibilityFeedback, PageKind, Role
from kommune.core.moderation.models import ModerationAct, ReviewRequest
from kommune.core.notifications.tokens import unsubscribe_token
from kommune.council.oparl import KINDS as OPARL_KINDS
from kommune.proposals.models import Attachment, Proposal
from tests.factories import LabFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_accounts import LetterCodeBatchFactory, LetterCodeFactory
from tests.factories_codesign import service_ids as codesign_ids
from tests.factories_comments import BlockFactory, CommentFactory, ReportFactory, thread_for
from tests.factories_consultations import finished_scene
from tests.factories_council import council_ids
from tests.factories_notifications import NotificationFactory
from tests.factories_opendata import file_resource, published_dataset
from tests.factories_processes import published_process
from tests.factories_proposals import ProposalSettingsFactory, SignatureListFactory, published_proposal
from tests.factories_surveys import opinion_map, survey_with_questions
from tests.factories_trail import answered_proposal, referral_of

# URL prefixes the walk leaves out: the Django admin has its own authentication, static and media files none.
SKIPPED_PREFIXES = ("admin/", settings.STATIC_URL.lstrip("/"), settings.MEDIA_URL.lstrip("/"))
# URL resolvers the walk leaves out, by app name: the REST API (django-ninja, /api/v1/) authenticates with access
# tokens instead of sessions and answers in its own JSON error format; each operation declares its guard in
# kommune/core/api/auth.py (read / token / write) and its answers in the OpenAPI schema. tests/test_api.py checks
# tenants, roles and scopes there, and tests/test_api_fuzz.py runs schemathesis over every operation.
SKIPPED_APPS = {"ninja"}
# Open311 GeoReport v2 (/open311/v2/): its jurisdictions come in the query string (jurisdiction_id), which the walk
# does not fill; tests/test_reports_open311.py checks every endpoint with a real client, other jurisdictions and
# hostile input.
SKIPPED_APPS |= {"open311"}
# The URL keyword that carries the tenant, per scope.
TENANT_KWARG = {"municipality": "municipality_slug", "lab": "lab_slug"}
MISSING_SLUG = "gibt-es-nicht"
# Who tries another tenant's objects in Musterstadt's URLs, where allowed: a visitor, a resident, staff, an admin.
FOREIGN_OBJECT_PERSONAS = ("anonymous", "alice", "carol", "erin")
DENIED_TEXTS = ("Kein Zugriff", "Access denied")  # the 403 page, German and English
# Rows that change on every request or login and say nothing about authorisation.
SNAPSHOT_IGNORE = {"sessions.Session", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"}


# --- The world every route is checked in --------------------------------------------------------------------


class World:
    """Two tenants of each kind with the personas, and tenant-owned objects built on demand by the providers."""

    def __init__(self, *, musterstadt, anderstadt, alice, bob, carol, erin, dave) -> None:
        self.musterstadt, self.anderstadt = musterstadt, anderstadt
        self.musterlab = LabFactory(name="Labor Musterregion", slug="labor-musterregion")
        self.musterlab.municipalities.add(musterstadt)
        self.anderlab = LabFactory(name="Labor Anderregion", slug="labor-anderregion")
        self.anderlab.municipalities.add(anderstadt)
        MembershipFactory(user=erin, lab=self.musterlab, municipality=None, role=Role.ADMIN)
        MembershipFactory(user=dave, lab=self.anderlab, municipality=None, role=Role.ADMIN)
        self.personas: dict[str, Any] = {"anonymous": AnonymousUser(), "alice": alice, "bob": bob, "carol": carol,
                                         "erin": erin, "dave": dave}
        self._built: dict[tuple[int, str], Any] = {}

    def tenant(self, scope: str, *, foreign: bool = False):
        if scope == "lab":
            return self.anderlab if foreign else self.musterlab
        return self.anderstadt if foreign else self.musterstadt

    def build(self, key: int, scope: str, foreign: bool, make: Callable) -> Any:
        """One object per provider and tenant, shared by all kwargs and personas of the route."""
        slot = (key, f"{scope}:{foreign}")
        if slot not in self._built:
            self._built[slot] = make(self.tenant(scope, foreign=foreign))
        return self._built[slot]

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        if (0, key) not in self._built:
            self._built[(0, key)] = make()
        return self._built[(0, key)]


@pytest.fixture
def world(musterstadt, anderstadt, alice, bob, carol, erin, dave) -> World:
    return World(musterstadt=musterstadt, anderstadt=anderstadt, alice=alice, bob=bob, carol=carol, erin=erin,
                 dave=dave)


# --- Providers: a valid value for every URL keyword ---------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    """The value of one URL keyword: ``own`` for Musterstadt (or its lab); ``foreign``, for a tenant-owned
    object, the same kind of object owned by Anderstadt (or its lab); ``owner``, for a person's own object
    (a notification), the persona it belongs to: everyone else gets 404 for it."""

    own: Callable[[World], Any]
    foreign: Callable[[World], Any] | None = None
    owner: str | None = None


def owned(make: Callable[[Any], Any], scope: str = "municipality", attr: str = "pk") -> Provider:
    """A tenant-owned object, built by ``make(tenant)`` for the home tenant and for the foreign one (once per
    test, shared by every provider with the same ``make``); its ``attr`` goes into the URL."""
    key = id(make)
    return Provider(own=lambda w: getattr(w.build(key, scope, False, make), attr),
                    foreign=lambda w: getattr(w.build(key, scope, True, make), attr))


def personal(make: Callable[[World], Any], owner: str = "alice", attr: str = "pk") -> Provider:
    """An object that belongs to one persona (``make(world)`` builds it for them)."""
    key = f"personal:{id(make)}"
    return Provider(own=lambda w: getattr(w.memo(key, lambda: make(w)), attr), owner=owner)


def _unconfirmed(w: World):
    return w.memo("unconfirmed", lambda: UserFactory(email="neu@example.org", email_confirmed_at=None))


def _forgetful(w: World):
    return w.memo("forgetful", lambda: UserFactory(email="vergesslich@example.org"))


def _letter_code_batch(municipality):
    batch = LetterCodeBatchFactory(municipality=municipality)
    LetterCodeFactory(batch=batch)
    return batch


def _process(municipality):
    return published_process(municipality)


def _comment(municipality):
    # By a resident of the municipality, on a published process whose running phase has comments.
    return CommentFactory(thread=thread_for(published_process(municipality)),
                          author=MembershipFactory(municipality=municipality).user)


def _report(municipality):
    return ReportFactory(target=_comment(municipality))


def _decision(municipality, user=None):
    # A comment hidden by the moderation: the decision its author may ask to have reviewed.
    comment = _comment(municipality)
    return ModerationAct.objects.create(
        municipality=municipality, action=ModerationAct.Action.HIDE, reason="Beleidigung", rule="Respekt",
        public_description="Ein Kommentar", affected_user=user or comment.author, target=comment)


def _review(municipality):
    act = _decision(municipality)
    return ReviewRequest.objects.create(municipality=municipality, act=act, requester=act.affected_user,
                                        text="Bitte prüfen")


def _dataset(municipality):
    # A published dataset with an uploaded CSV; the slug names the tenant, so another tenant's slug is a 404.
    slug = f"einwohner-{municipality.slug}"
    dataset = municipality.datasets.filter(slug=slug).first()
    if dataset is None:
        dataset = published_dataset(municipality, slug=slug)
        file_resource(dataset)
    return dataset


def _dataset_resource(municipality):
    return _dataset(municipality).resources.get()


def _proposal(municipality, **fields):
    # Published by a resident, collecting supports; the municipality's settings let everyone support.
    ProposalSettingsFactory(municipality=municipality)
    return published_proposal(municipality, author=MembershipFactory(municipality=municipality).user, **fields)


def _reached_proposal(municipality):
    return _proposal(municipality, state="threshold_reached", threshold_reached_at=timezone.now(),
                     answer_due_at=timezone.now() + timedelta(days=30))


def _signature_list(municipality):
    scan = SimpleUploadedFile("liste.pdf", b"%PDF-1.4 Unterschriften", content_type="application/pdf")
    return SignatureListFactory(proposal=_proposal(municipality), scan=scan)


def _proposal_files(municipality):
    # A published proposal with an image and an attachment in the storage: their ids and the image's file name.
    image = SimpleUploadedFile("bank.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    proposal = _proposal(municipality, image=image)
    attachment = Attachment.objects.create(
        municipality=municipality, proposal=proposal, title="Lageplan", size=8,
        file=SimpleUploadedFile("lageplan.pdf", b"%PDF-1.4", content_type="application/pdf"))
    return SimpleNamespace(proposal_id=proposal.pk, filename=file_name(proposal.image), attachment_id=attachment.pk)


def _asset(municipality):
    from kommune.adoptions.models import Asset

    return Asset.objects.create(municipality=municipality, kind="tree", name="Linde",
                                geometry={"type": "Point", "coordinates": [7.6, 51.9]}, latitude=51.9, longitude=7.6)


def _care_photo(municipality):
    from kommune.adoptions.models import Adoption, CareEntry

    asset = _asset(municipality)
    adoption = Adoption.objects.create(municipality=municipality, asset=asset, season=timezone.localdate().year,
                                       adopted_at=timezone.now())
    entry = CareEntry.objects.create(
        municipality=municipality, adoption=adoption, asset=asset, kind="watering", done_on=timezone.localdate(),
        photo=SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff", content_type="image/jpeg"), photo_alt="Baum")
    return SimpleNamespace(asset_id=asset.pk, entry_id=entry.pk)
def _answered_proposal(municipality):
    return answered_proposal(municipality)
def _sensor(municipality):
    from tests.factories_sensors import make_sensor

    return make_sensor(municipality)[0]


def _alices_sensor(w: World):
    from tests.factories_sensors import make_sensor

    return make_sensor(w.musterstadt, w.personas["alice"], name="Alices Sensor")[0]


def _logo(municipality):
    municipality.logo = SimpleUploadedFile("wappen.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    municipality.save(update_fields=["logo"])
    return SimpleNamespace(filename=file_name(municipality.logo))


def _project_parts(municipality):
    # A project with a milestone, a funding source and a link to a proposal of its municipality: their ids.
    from django.contrib.contenttypes.models import ContentType

    from kommune.projects.models import ProjectLink
    from tests.factories_projects import FundingFactory, MilestoneFactory, ProjectFactory

    project = ProjectFactory(municipality=municipality)
    link = ProjectLink.objects.create(municipality=municipality, project=project,
                                      content_type=ContentType.objects.get_for_model(Proposal),
                                      object_id=_proposal(municipality).pk)
    return SimpleNamespace(project_id=project.pk, milestone_id=MilestoneFactory(project=project).pk,
                           funding_id=FundingFactory(project=project).pk, link_id=link.pk)


def _access_token(user):
    from kommune.core.api.services import do_create_access_token

    return do_create_access_token(user=user, name="Walk", scope="write")[0]


def _method(tenant):
    from tests.factories_methods import method_of

    return method_of(tenant, title=f"Bürgerrat {tenant.slug}")


def _template(w: World):
    from tests.factories_methods import template_of

    return w.memo("template", lambda: template_of(w.musterstadt))


# Keyed by the URL keyword, or by "<namespace>:<route name>:<keyword>" where the keyword's meaning depends on the
# route (a "pk" is a membership in one route and a batch of letter codes in the next). The specific key wins.
def _lab_scene(lab):
    from tests.factories_labs import lab_scene

    return lab_scene(lab, link_to=("process", published_process(lab.municipalities.order_by("pk").first())))


def _inclusion(municipality):
    from tests.factories_inclusion import inclusion_world

    return inclusion_world(municipality)


def _volunteering(municipality):
    from tests.factories_volunteering import volunteering_world

    return volunteering_world(municipality)


PROVIDERS: dict[str, Provider] = {
    # Tenants
    "municipality_slug": Provider(own=lambda w: w.musterstadt.slug, foreign=lambda w: w.anderstadt.slug),
    "lab_slug": Provider(own=lambda w: w.musterlab.slug, foreign=lambda w: w.anderlab.slug),
    # Plain values
    "kind": Provider(own=lambda w: PageKind.IMPRINT.value),
    "core:logo:filename": owned(_logo, attr="filename"),
    "accounts:confirm:token": Provider(own=lambda w: confirmation_token(_unconfirmed(w))),
    "accounts:password_reset_confirm:uidb64": Provider(
        own=lambda w: urlsafe_base64_encode(force_bytes(_forgetful(w).pk))),
    "accounts:password_reset_confirm:token": Provider(
        own=lambda w: default_token_generator.make_token(_forgetful(w))),
    # Objects of a tenant
    "manage:revoke_role:pk": owned(lambda m: MembershipFactory(municipality=m, role=Role.MODERATOR)),
    "manage:lab_revoke_role:pk": owned(
        lambda lab: MembershipFactory(lab=lab, municipality=None, role=Role.PARTNER,
                                      organisation=OrganisationFactory(municipality=lab.municipalities.get())),
        scope="lab"),
    "manage:feedback_handled:pk": owned(
        lambda m: AccessibilityFeedback.objects.create(municipality=m, message="Der Kontrast ist zu schwach.")),
    "manage_accounts:letter_code_batch:pk": owned(_letter_code_batch),
    "manage_accounts:letter_code_batch_csv:pk": owned(_letter_code_batch),
    "process_slug": owned(_process, attr="slug"),
    "target_type": Provider(own=lambda w: "processes.process"),
    "ckan:action:action": Provider(own=lambda w: "status_show"),
    "ckan:action_unversioned:action": Provider(own=lambda w: "package_list"),
    "target_id": owned(_process),
    "comment_id": owned(_comment),
    "report_id": owned(_report),
    "block_id": owned(lambda m: BlockFactory(municipality=m)),
    "dataset_slug": owned(_dataset, attr="slug"),
    "resource_id": owned(_dataset_resource),
    "opendata:resource_download:filename": owned(_dataset_resource, attr="file_name"),
    "proposal_id": owned(_proposal),
    "proposals:manage_answer:proposal_id": owned(_reached_proposal),
    "proposals:manage_signature_scan:proposal_id": owned(_signature_list, attr="proposal_id"),
    "signature_list_id": owned(_signature_list),
    "proposals:image:proposal_id": owned(_proposal_files, attr="proposal_id"),
    "proposals:image:filename": owned(_proposal_files, attr="filename"),
    "proposals:attachment:proposal_id": owned(_proposal_files, attr="proposal_id"),
    "attachment_id": owned(_proposal_files, attr="attachment_id"),
    **{f"council:{kind}:object_id": owned(council_ids, attr=kind) for kind in OPARL_KINDS},
    "council:file_download:object_id": owned(council_ids, attr="file"),
    "council:file_access:object_id": owned(council_ids, attr="file"),
    "asset_id": owned(_asset),
    "adoptions:photo:asset_id": owned(_care_photo, attr="asset_id"),
    "entry_id": owned(_care_photo, attr="entry_id"),
    # The council's web pages (/<slug>/rat/…)
    "council_pages:meeting:meeting_id": owned(council_ids, attr="meeting"),
    "council_pages:paper:paper_id": owned(council_ids, attr="paper"),
    "council_pages:organization:organization_id": owned(council_ids, attr="organization"),
    "council_pages:person:person_id": owned(council_ids, attr="person"),
    # The accountability trail: an answered proposal handed to the council (tests/factories_trail.py)
    "proposals:manage_updates:proposal_id": owned(_answered_proposal),
    "proposals:updates_feed:proposal_id": owned(_answered_proposal),
    "referral_id": owned(lambda m: referral_of(_answered_proposal(m))),
    "survey_id": owned(survey_with_questions),
    "map_id": owned(opinion_map),
    "sensor_id": owned(_sensor),
    "sensors:day_csv:day": Provider(own=lambda w: "2025-01-15"),
    **{f"sensors:{name}:sensor_id": personal(_alices_sensor) for name in ("edit", "renew_token", "remove")},
    # A person's own
    "notifications:mark_read:notification_id": personal(
        lambda w: NotificationFactory(user=w.personas["alice"], municipality=w.musterstadt)),
    "notifications:unsubscribe:token": Provider(own=lambda w: unsubscribe_token(w.personas["alice"])),
    "api:revoke_token:token_id": personal(lambda w: _access_token(w.personas["alice"])),
    "user_id": Provider(own=lambda w: w.memo("public_person", lambda: UserFactory(public_profile=True)).pk),
    "act_id": personal(lambda w: _decision(w.musterstadt, w.personas["alice"])),
    "review_id": owned(_review),
    "reportable": Provider(own=lambda w: "proposal"),
    "object_id": owned(_proposal),
    "project_id": owned(_project_parts, attr="project_id"),
    "milestone_id": owned(_project_parts, attr="milestone_id"),
    "funding_id": owned(_project_parts, attr="funding_id"),
    "link_id": owned(_project_parts, attr="link_id"),
    # Consultations: a finished one with its published consideration table and a second version.
    "consultation_id": owned(finished_scene, attr="consultation_id"),
    "paragraph_id": owned(finished_scene, attr="paragraph_id"),
    "answer_id": owned(finished_scene, attr="answer_id"),
    "number": Provider(own=lambda w: 2),
    "file_format": Provider(own=lambda w: "csv"),
    # Digital help (kommune/inclusion)
    "partner_slug": owned(_inclusion, attr="partner_slug"),
    "event_id": owned(_inclusion, attr="event_id"),
    "course_id": owned(_inclusion, attr="course_id"),
    "registration_id": owned(_inclusion, attr="registration_id"),
    "inclusion:registered:token": Provider(own=lambda w: w.build(id(_inclusion), "municipality", False,
                                                                 _inclusion).token),
    "inclusion:cancel:token": Provider(own=lambda w: w.build(id(_inclusion), "municipality", False,
                                                             _inclusion).token),
    # Volunteer projects (kommune/volunteering)
    "volunteer_project_id": owned(_volunteering, attr="project_id"),
    "shift_id": owned(_volunteering, attr="shift_id"),
    "sign_up_id": owned(_volunteering, attr="sign_up_id"),
    "volunteering:cancel:token": Provider(own=lambda w: w.build(id(_volunteering), "municipality", False,
                                                                _volunteering).token),
    "category": Provider(own=lambda w: "smartphone"),
    # Co-designing public services (kommune/codesign): a published service and its first step
    "service_id": owned(codesign_ids, attr="service_id"),
    "step_id": owned(codesign_ids, attr="step_id"),
    "year": Provider(own=lambda w: 2027),
    "month_number": Provider(own=lambda w: 3),
    # The lab workspace (kommune/labs): public items of the lab's public sub-project (tests/factories_labs.py).
    **{key: owned(_lab_scene, scope="lab", attr=attr) for key, attr in (
        ("subproject_id", "public_subproject_id"), ("task_id", "public_task_id"), ("note_id", "public_note_id"),
        ("document_id", "public_document_id"), ("news_id", "public_news_id"), ("responsible_id", "responsible_id"),
        ("labs:link_remove:link_id", "link_id"), ("item_id", "public_subproject_id"))},
    "item_kind": Provider(own=lambda w: "subproject"),
    # The methods library (kommune/methods): the library is shared across the installation (a method of Musterstadt
    # for its public pages, with two versions); only the author tenant's edit page scopes the method.
    "method_slug": Provider(own=lambda w: w.memo("method", lambda: _method(w.musterstadt)).slug),
    "methods:edit:method_slug": owned(_method, attr="slug"),
    "methods:lab_edit:method_slug": owned(_method, scope="lab", attr="slug"),
    # A template of any municipality may be copied into one's own: no foreign-tenant case.
    "template_id": Provider(own=lambda w: _template(w).pk),
}

# What dave sends when he POSTs to a route he may not use: a valid form, so that only authorisation stops it.
POST_DATA: dict[str, Callable[[World], dict]] = {
    "volunteering:project_create": lambda w: {"title": "Fremdes Projekt", "summary": "Von außen.",
                                              "publisher": "municipality"},
    "volunteering:roster": lambda w: {"name": "Fremde Person", "phone": "0421 123456"},
    "volunteering:attendance": lambda w: {"attended": "yes", "hours": "2"},
    "proposals:manage_settings": lambda w: {"is_enabled": "on", "supporters": "registered", "minimum_age": "0",
                                            "threshold_kind": "absolute", "threshold_absolute": "1",
                                            "threshold_share": "1", "collection_days": "60", "answer_days": "30"},
    "proposals:manage_categories": lambda w: {"name": "Fremde Kategorie"},
    "proposals:manage_answer": lambda w: {"outcome": "accepted", "answer": "Von außen.", "department": "Fremdamt"},
    "proposals:manage_signatures": lambda w: {"count": "100", "received_on": timezone.localdate().isoformat()},
    "proposals:create": lambda w: {"title": "Fremder Vorschlag", "text": "Von außen geschrieben."},
    "proposals:edit": lambda w: {"title": "Fremd geändert", "text": "Von außen geändert."},
    "manage:roles": lambda w: {"person": w.personas["dave"].email, "role": Role.ADMIN},
    "manage:lab_roles": lambda w: {"person": w.personas["dave"].email, "role": Role.ADMIN},
    "manage:edit_page": lambda w: {"body": "Übernommen von Anderstadt."},
    "manage_accounts:residents": lambda w: {"person": w.personas["alice"].email},
    "manage_accounts:verify_resident": lambda w: {"person": w.personas["alice"].email, "identity_checked": "on"},
    "manage_accounts:letter_codes": lambda w: {
        "count": 3, "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(), "note": "fremd"},
    "processes:manage_create": lambda w: {"title": "Fremdes Verfahren", "summary": "Von Anderstadt angelegt."},
    "processes:manage_topics": lambda w: {"name": "Fremdes Thema"},
    "comments:post": lambda w: {"text": "Ein Beitrag über Mandantengrenzen hinweg."},
    "comments:assisted": lambda w: {"text": "Telefonisch übermittelt.", "channel": "phone", "assisted_name": "X"},
    "comments:reply": lambda w: {"text": "Eine Antwort über Mandantengrenzen hinweg."},
    "comments:edit": lambda w: {"text": "Geändert von außen."},
    "comments:react": lambda w: {"value": "1"},
    "moderation:report_comment": lambda w: {"reason": "insult", "text": "Gemeldet von außen."},
    "moderation:hide": lambda w: {"reason": "Verborgen von außen.", "rule": "Respektvoll und beim Thema"},
    "moderation:unhide": lambda w: {"reason": "Gezeigt von außen."},
    "moderation:block_author": lambda w: {"block-duration": "7", "block-reason": "Gesperrt von außen.",
                                          "block-rule": "Respektvoll und beim Thema"},
    "moderation:report_contribution": lambda w: {"reason": "spam", "text": "Gemeldet von außen."},
    "moderation:hide_contribution": lambda w: {"reason": "Verborgen von außen.", "rule": "Respektvoll und beim Thema"},
    "moderation:unhide_contribution": lambda w: {"reason": "Gezeigt von außen."},
    "proposals:withdraw_proposal": lambda w: {"reason": "Von außen zurückgenommen."},
    "moderation:request_review": lambda w: {"text": "Bitte von außen prüfen."},
    "moderation:review_detail": lambda w: {"decision": "reverse", "answer": "Von außen entschieden."},
    "moderation:unblock": lambda w: {"reason": "Aufgehoben von außen."},
    "moderation:edit_netiquette": lambda w: {"body": "Fremde Netiquette."},
    "opendata:manage_create": lambda w: {
        "title": "Fremde Daten", "description": "Von Anderstadt.", "contact_name": "Anderstadt",
        "contact_email": "daten@anderstadt.example", "license": "dl-by-de/2.0", "accrual_periodicity": "IRREG"},
    "opendata:manage_edit": lambda w: {
        "title": "Fremde Daten", "slug": "fremde-daten", "description": "Von Anderstadt.", "contact_name": "X",
        "contact_email": "daten@anderstadt.example", "license": "dl-by-de/2.0", "accrual_periodicity": "IRREG"},
    "opendata:manage_add_resource": lambda w: {"title": "Fremd", "format": "PDF",
                                               "url": "https://anderstadt.example/fremd.pdf"},
    "opendata:manage_replace_resource": lambda w: {"file": SimpleUploadedFile("fremd.csv", b"a;b\n1;2\n")},
    "projects:manage_create": lambda w: {"title": "Fremdes Vorhaben", "status": "idea"},
    "projects:manage_edit": lambda w: {"title": "Fremd geändert"},
    "projects:manage_status": lambda w: {"status": "stopped", "note": "Von außen eingestellt."},
    "projects:manage_milestones": lambda w: {"title": "Fremder Meilenstein", "planned_on": "2030-01-01"},
    "projects:manage_milestone": lambda w: {"title": "Fremd geändert", "planned_on": "2030-01-01"},
    "projects:manage_funding": lambda w: {"source": "Fremdgeld", "amount": "1"},
    "methods:create": lambda w: {"title": "Fremde Methode", "kind": "method", "summary": "Von außen.",
                                 "purpose": "Von außen.", "perspectives": ["dialogue"], "effort": "low",
                                 "duration": "1 Stunde", "steps": "Von außen."},
    "methods:copy_template": lambda w: {"start": "2030-01-07"},
}


# --- Issue reports (kommune/reports) ---


def _report_service(municipality):
    from kommune.reports.models import Service

    return Service.objects.get_or_create(municipality=municipality, code=f"laterne-{municipality.slug}",
                                         defaults={"name": "Straßenbeleuchtung defekt"})[0]


def _issue_report(municipality):
    from tests.factories_reports import IssueReportFactory

    return IssueReportFactory(service=_report_service(municipality), photo=SimpleUploadedFile(
        "foto.jpg", b"\xff\xd8\xff\xe0 Foto", content_type="image/jpeg"))


def _open311_key(municipality):
    from tests.factories_reports import api_key

    return api_key(municipality, raw=f"o311_walk-{municipality.slug}")


PROVIDERS.update({
    "issue_id": owned(_issue_report),
    "service_code": owned(_report_service, attr="code"),
    "key_id": owned(_open311_key),
})
POST_DATA.update({
    "reports:create": lambda w: {"description": "Von außen gemeldet.", "address": "Fremdweg 1"},
    "reports:manage_assisted": lambda w: {"description": "Von außen erfasst.", "address": "Fremdweg 1"},
    "reports:manage_report": lambda w: {"action": "status", "status-status": "closed", "status-note": "Fremd."},
    "reports:manage_settings": lambda w: {"answer_days": "3", "duplicate_radius": "50", "contact": "fremd"},
    "reports:manage_keys": lambda w: {"name": "Fremde App"},
})


# --- Newsletters (kommune/newsletters) ---


def _newsletters(municipality):
    from tests.factories_newsletters import newsletter_world

    return newsletter_world(municipality)


PROVIDERS.update({
    "newsletter_id": owned(_newsletters, attr="newsletter_id"),
    "newsletters:confirm:token": Provider(own=lambda w: w.build(id(_newsletters), "municipality", False,
                                                                _newsletters).confirm_token),
    "newsletters:unsubscribe:token": Provider(own=lambda w: w.build(id(_newsletters), "municipality", False,
                                                                    _newsletters).unsubscribe_token),
})
POST_DATA.update({
    "newsletters:create": lambda w: {"title": "Fremder Newsletter", "body": "Von außen."},
    "newsletters:edit": lambda w: {"title": "Fremd geändert", "body": "Von außen."},
    "newsletters:enter_subscriber": lambda w: {"email": "fremd@example.org", "consent": "on"},
    "newsletters:districts": lambda w: {"name": "Fremdviertel"},
    "newsletters:bounces": lambda w: {"addresses": "leserin@musterstadt.example.org"},
})


# --- Impact models (kommune/impact) ---


def _impact(municipality):
    # A public model with one indicator entered by hand.
    from kommune.impact.models import ImpactModel, Indicator, Level, Step

    model = ImpactModel.objects.create(municipality=municipality, title="Wirkung", is_public=True)
    steps = Step.objects.bulk_create([Step(municipality=municipality, model=model, level=level)
                                      for level in Level.values])
    indicator = Indicator.objects.create(municipality=municipality, model=model, step=steps[0], source="entered",
                                         title="Ehrenamtliche")
    return SimpleNamespace(model_id=model.pk, indicator_id=indicator.pk)


PROVIDERS.update({
    "model_id": owned(_impact, attr="model_id"),
    "indicator_id": owned(_impact, attr="indicator_id"),
    "impact:step:level": Provider(own=lambda w: "outputs"),
})
POST_DATA.update({
    "impact:new": lambda w: {"title": "Fremdes Modell"},
    "impact:edit": lambda w: {"title": "Fremd geändert"},
    "impact:step": lambda w: {"outputs-description": "Fremd"},
    "impact:indicator_add": lambda w: {"indicator-level": "inputs", "indicator-title": "Fremd",
                                       "indicator-unit": "count"},
    "impact:value": lambda w: {"value": "1", "measured_on": "2026-01-01", "source": "Fremd"},
})

# Editing in the lab workspace: valid forms, so that only authorisation stops dave (the deletions need no data).
POST_DATA.update({
    "labs:task_edit": lambda w: {"title": "Fremd geändert", "visibility": "public"},
    "labs:note_edit": lambda w: {"title": "Fremd geändert", "met_on": "2026-01-01", "text": "Fremd",
                                 "visibility": "public"},
    "labs:news_edit": lambda w: {"title": "Fremd geändert", "text": "Fremd", "visibility": "public"},
})


def provider_for(route: "Route", kwarg: str) -> Provider | None:
    return PROVIDERS.get(f"{route.name}:{kwarg}") or PROVIDERS.get(kwarg)


# --- Routes ---------------------------------------------------------------------------------------------------

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


@dataclass
class Route:
    name: str  # "namespace:name", or the pattern when the route has no name
    pattern: str
    callback: Callable
    pieces: list = field(default_factory=list)  # the patterns from the root down to this route

    @property
    def kwargs(self) -> list[str]:
        names = []
        for piece in self.pieces:
            names += list(piece.converters) if isinstance(piece, RoutePattern) else list(piece.regex.groupindex)
        return names

    def path(self, values: dict[str, Any]) -> str:
        parts = []
        for piece in self.pieces:
            if not isinstance(piece, RoutePattern):
                raise ValueError(f"{self.name}: the walk builds URLs of path() routes only, not re_path().")
            parts.append(_PARAMETER.sub(
                lambda m, piece=piece: piece.converters[m["parameter"]].to_url(values[m["parameter"]]), str(piece)))
        return "/" + "".join(parts)


def collect_routes(patterns=None, pieces=(), namespace="") -> list[Route]:
    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        prefix = "".join(str(p) for p in (*pieces, entry.pattern))
        if prefix.startswith(SKIPPED_PREFIXES) or getattr(entry, "app_name", None) in SKIPPED_APPS:
            continue
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            routes += collect_routes(entry.url_patterns, (*pieces, entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join(filter(None, [namespace, entry.name])) if entry.name else prefix
            routes.append(Route(name=name, pattern="/" + prefix, callback=entry.callback,
                                pieces=[*pieces, entry.pattern]))
    return routes


def declared_access(view: Callable) -> Access | None:
    """The view's ``access``, on the callback or on any function it wraps (``__wrapped__``)."""
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        access = getattr(view, "access", None)
        if isinstance(access, Access):
            return access
        view = getattr(view, "__wrapped__", None)
    return None


ROUTES = collect_routes()


def route_ids(routes: list[Route]) -> list[str]:
    """The route's name as its test id; the pattern too where several routes share a name."""
    names = [route.name for route in routes]
    return [route.name if names.count(route.name) == 1 else f"{route.name} {route.pattern}" for route in routes]


# --- The checks -----------------------------------------------------------------------------------------------


def _snapshot_tables() -> dict[str, tuple[str, str]]:
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.label not in SNAPSHOT_IGNORE:
            tables.setdefault(meta.db_table, (meta.label, meta.pk.column))
    return tables


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (but sessions and login attempts), read with plain SQL to stay fast."""
    state = {}
    with connection.cursor() as cursor:
        for table, (label, pk) in _snapshot_tables().items():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} "
                           f"ORDER BY {connection.ops.quote_name(pk)}")
            state[label] = cursor.fetchall()
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


@functools.cache
def _handler() -> ClientHandler:
    """One request handler for all the walk's clients: building the middleware chain anew for each client costs
    more than the requests themselves (WhiteNoise indexes every collected static file when it starts)."""
    return ClientHandler(enforce_csrf_checks=False)  # as Client() does; the walk tests authorisation, not CSRF


class Walk:
    def __init__(self, route: Route, world: World) -> None:
        self.route, self.world = route, world
        self.problems: list[str] = []
        self.clients: dict[str, Client] = {}
        self.login_url = resolve_url(settings.LOGIN_URL)

    def client(self, persona: str) -> Client:
        if persona not in self.clients:
            client = Client()
            client.handler = _handler()
            if persona != "anonymous":
                client.force_login(self.world.personas[persona])
            self.clients[persona] = client
        return self.clients[persona]

    def problem(self, method: str, url: str, persona: str, message: str) -> None:
        self.problems.append(f"{method} {url} as {persona}: {message}")

    def values(self, *, tenant_foreign: bool = False, objects_foreign: bool = False,
               missing_tenant: bool = False) -> dict[str, Any]:
        values = {}
        for kwarg in self.route.kwargs:
            provider = provider_for(self.route, kwarg)
            is_tenant = kwarg in TENANT_KWARG.values()
            if is_tenant and missing_tenant:
                values[kwarg] = MISSING_SLUG
            elif provider.foreign and (tenant_foreign if is_tenant else objects_foreign):
                values[kwarg] = provider.foreign(self.world)
            else:
                values[kwarg] = provider.own(self.world)
        return values

    def is_login_redirect(self, response) -> bool:
        return response.status_code == 302 and response["Location"].startswith(self.login_url + "?")

    def check_allowed(self, url: str, persona: str, response) -> None:
        status = response.status_code
        if status == 405:
            return  # a POST-only view answers GET with 405
        if status >= 400:
            self.problem("GET", url, persona, f"expected the page (2xx/3xx), got {status}")
        elif self.is_login_redirect(response) and persona != "anonymous":
            # Anonymous visitors may be asked to log in where the view needs a person (writing a comment).
            self.problem("GET", url, persona, "expected the page, was sent to the login")

    def check_denied(self, url: str, persona: str, response, why: str) -> None:
        if persona == "anonymous":
            if not self.is_login_redirect(response):
                self.problem("GET", url, persona, f"expected a redirect to the login ({why}), "
                                                  f"got {response.status_code} {response.get('Location', '')}")
        elif response.status_code != 403:
            self.problem("GET", url, persona, f"expected 403 ({why}), got {response.status_code}")
        elif not any(text in response.content.decode() for text in DENIED_TEXTS):
            self.problem("GET", url, persona, "the 403 answer is not the site's error page")

    def allowed(self, access: Access, persona: str, *, foreign_tenant: bool = False) -> tuple[bool, str]:
        user = self.world.personas[persona]
        if access.scope == "public":
            return True, ""
        if access.scope == "login":
            return user.is_authenticated, "login required"
        if access.permission is None:
            return True, ""
        tenant = self.world.tenant(access.scope, foreign=foreign_tenant)
        return user.has_perm(access.permission, tenant), f"lacks {access.permission} on {tenant.slug}"

    def run(self) -> list[str]:
        route = self.route
        access = declared_access(route.callback)
        if access is None:
            return [f"{route.pattern} ({route.name}): the view {route.callback.__module__}."
                    f"{route.callback.__qualname__} declares no access. Decorate it with public_view, login_view, "
                    f"municipality_view(permission) or lab_view(permission) from kommune.core.access."]
        if access.scope not in ("public", "login", *TENANT_KWARG):
            return [f"{route.pattern}: unknown access scope {access.scope!r}."]
        missing = [kwarg for kwarg in route.kwargs if provider_for(route, kwarg) is None]
        if missing:
            return [f"{route.pattern}: no provider for the URL keyword(s) {', '.join(missing)}. Add a line to "
                    f"PROVIDERS in tests/test_routes.py, keyed {' or '.join(repr(k) for k in missing)} or "
                    f"'{route.name}:<keyword>' (use owned(...) for an object of a tenant)."]
        tenant_kwarg = TENANT_KWARG.get(access.scope)
        if tenant_kwarg and tenant_kwarg not in route.kwargs:
            return [f"{route.pattern}: declared for scope {access.scope!r} but has no {tenant_kwarg} in its URL."]

        url = route.path(self.values())
        try:
            match = resolve(url)
        except Resolver404:
            return [f"{url} ({route.name}) does not resolve."]
        if match.func is not route.callback:
            return [f"{url} ({route.name}) is shadowed by {match.view_name or match.route}, an earlier pattern."]

        owner = self.owner()
        for persona in self.world.personas:
            response = self.client(persona).get(url)
            if response.status_code >= 500:
                self.problem("GET", url, persona, f"server error {response.status_code}")
                continue
            ok, why = self.allowed(access, persona)
            if ok and owner and persona not in (owner, "anonymous"):
                self.check_not_theirs(url, persona, response)
            elif ok:
                self.check_allowed(url, persona, response)
            else:
                self.check_denied(url, persona, response, why)

        if tenant_kwarg:
            self.check_missing_tenant()
            self.check_foreign_objects(access)
            self.check_foreign_posts(access)
        return self.problems

    def owner(self) -> str | None:
        owners = {provider_for(self.route, k).owner for k in self.route.kwargs} - {None}
        return owners.pop() if owners else None

    def check_not_theirs(self, url: str, persona: str, response) -> None:
        """Another person's own object: 404 to GET (405 if POST-only), 404 to POST, and nothing changes."""
        if response.status_code not in (404, 405):
            self.problem("GET", url, persona, f"expected 404 for another person's object, got {response.status_code}")
        self.post_unchanged(persona, url, (404,))

    def check_missing_tenant(self) -> None:
        # The tenant is looked up before anything else, so one visitor and one administrator suffice.
        url = self.route.path(self.values(missing_tenant=True))
        for persona in ("anonymous", "erin"):
            status = self.client(persona).get(url).status_code
            if status != 404:
                self.problem("GET", url, persona, f"expected 404 for a tenant that does not exist, got {status}")

    def object_kwargs(self) -> list[str]:
        return [k for k in self.route.kwargs
                if k not in TENANT_KWARG.values() and provider_for(self.route, k).foreign is not None]

    def check_foreign_objects(self, access: Access) -> None:
        if not self.object_kwargs():
            return
        # Musterstadt's URL with Anderstadt's objects, for everyone allowed on Musterstadt; and Anderstadt's URL
        # with Musterstadt's objects for dave, who is allowed on Anderstadt. GET (unless the view is POST-only),
        # then POST: 404 both times, and the POST changes nothing.
        checks = [(persona, self.route.path(self.values(objects_foreign=True)))
                  for persona in FOREIGN_OBJECT_PERSONAS if self.allowed(access, persona)[0]]
        if self.allowed(access, "dave", foreign_tenant=True)[0]:
            checks.append(("dave", self.route.path(self.values(tenant_foreign=True))))
        for persona, url in checks:
            response = self.client(persona).get(url)
            if response.status_code not in (404, 405) and not (persona == "anonymous"
                                                               and self.is_login_redirect(response)):
                self.problem("GET", url, persona, f"expected 404 for another tenant's object, "
                                                  f"got {response.status_code}")
            self.post_unchanged(persona, url, (404,))
        if not checks:
            self.problems.append(f"{self.route.pattern}: no persona may open it, so the foreign-object check did "
                                 f"not run; give a persona the role it needs in World.")

    def post_unchanged(self, persona: str, url: str, expected: tuple[int, ...]) -> None:
        data = POST_DATA.get(self.route.name, lambda w: {})(self.world)
        before = snapshot()
        response = self.client(persona).post(url, data)
        changed = changed_tables(before, snapshot())
        if persona == "anonymous" and self.is_login_redirect(response):
            pass  # asked to log in first: as good as a refusal, if nothing changed
        elif response.status_code not in expected:
            self.problem("POST", url, persona, f"expected {' or '.join(map(str, expected))}, "
                                               f"got {response.status_code}")
        elif response.status_code == 403 and not any(text in response.content.decode() for text in DENIED_TEXTS):
            self.problem("POST", url, persona, "the 403 answer is not the site's error page")
        if changed:
            self.problem("POST", url, persona, f"changed {', '.join(changed)}")

    def check_foreign_posts(self, access: Access) -> None:
        # dave, admin of the foreign tenant, POSTs to Musterstadt's route.
        if not self.allowed(access, "dave")[0]:
            self.post_unchanged("dave", self.route.path(self.values()), (403,))


# --- Tests ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=route_ids(ROUTES))
def test_route(route: Route, world: World) -> None:
    problems = Walk(route, world).run()
    assert not problems, f"{route.pattern} ({route.name}):\n  " + "\n  ".join(problems)


def test_the_walk_sees_the_project_but_not_the_admin() -> None:
    names = {route.name for route in ROUTES}
    assert {"core:start", "core:municipality_home", "labs:home", "accounts:register", "accounts:profile",
            "manage:dashboard"} <= names
    assert not any(route.pattern.startswith("/admin/") for route in ROUTES)
    assert len(set(route_ids(ROUTES))) == len(ROUTES)


def test_every_provider_is_used() -> None:
    used = set()
    for route in ROUTES:
        for kwarg in route.kwargs:
            used.add(f"{route.name}:{kwarg}" if f"{route.name}:{kwarg}" in PROVIDERS else kwarg)
    assert set(PROVIDERS) <= used, f"providers for routes that no longer exist: {set(PROVIDERS) - used}"


def _undeclared(request):  # pragma: no cover - never called
    raise AssertionError


@pytest.mark.django_db
def test_a_route_without_declaration_fails_the_walk(world) -> None:
    from django.urls import path

    [route] = collect_routes([path("<slug:municipality_slug>/neu/", _undeclared, name="neu")])
    [problem] = Walk(route, world).run()
    assert "declares no access" in problem and "public_view" in problem


@pytest.mark.django_db
def test_a_keyword_without_provider_fails_the_walk(world) -> None:
    from django.urls import path

    from kommune.core.access import municipality_view

    view = municipality_view("core.view_management")(_undeclared)
    [route] = collect_routes([path("<slug:municipality_slug>/x/<int:widget_id>/", view, name="x")])
    [problem] = Walk(route, world).run()
    assert "no provider for the URL keyword(s) widget_id" in problem and "PROVIDERS" in problem


# --- Openness (kommune/openness) ---
# The home tenant's round and report are of 2024, the foreign tenant's of 2023, so that a foreign year in a home
# address finds nothing (a year is the key of a round or a report inside its tenant).


def _openness_year(tenant) -> int:
    return 2024 if tenant.slug in ("musterstadt", "labor-musterregion") else 2023


def _openness_round(municipality):
    from kommune.openness.models import Round

    return Round.objects.create(municipality=municipality, year=_openness_year(municipality), version="2026.1")


def _openness_report(tenant):
    from django.core.files.base import ContentFile

    from kommune.core.models import Municipality
    from kommune.openness.models import Report

    field = "municipality" if isinstance(tenant, Municipality) else "lab"
    year = _openness_year(tenant)
    return Report.objects.create(**{field: tenant}, year=year, title=f"Bericht {year}", published_at=timezone.now(),
                                 pdf=ContentFile(b"%PDF-1.4 walk", name="og-bericht.pdf"))


def _openness_year_of(make: Callable[[Any], Any], scope: str = "municipality") -> Provider:
    """The year of a round or report as the URL's text (the routes take the year as a string)."""
    key = id(make)
    return Provider(own=lambda w: str(w.build(key, scope, False, make).year),
                    foreign=lambda w: str(w.build(key, scope, True, make).year))


PROVIDERS.update({
    **{f"openness:{name}:year": _openness_year_of(_openness_round)
       for name in ("questionnaire", "result", "close_round", "sharing")},
    **{f"openness:{name}:year": _openness_year_of(_openness_report) for name in ("report", "report_pdf")},
    **{f"openness:{name}:year": _openness_year_of(_openness_report, "lab")
       for name in ("lab_report", "lab_report_pdf")},
})
POST_DATA.update({
    "openness:open_round": lambda w: {"round-year": "2025"},
    "openness:publish_report": lambda w: {"report-year": "2024"},
    "openness:lab_publish_report": lambda w: {"report-year": "2024"},
    "openness:questionnaire": lambda w: {"rating_transparency_1": "5"},
    "openness:sharing": lambda w: {"shared": "on"},
})
