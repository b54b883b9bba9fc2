"""axe-core on every page type (WCAG 2.0/2.1 A and AA), and reflow at 320 CSS pixels.

Each visit opens one page, as one persona, checks that the real stylesheets are applied (so colour contrast is
measured on what people see) and runs axe; then, where the visit says so, does something on the page (submit
its form with bad input to show the error summary) and runs axe again. Visits are subtests, grouped into one
test per persona. test_every_html_route_is_visited keeps the list complete: a new route that renders a page
must get a visit here, or be listed in NOT_PAGES with the reason.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kommune.accounts.services import confirmation_token
from kommune.core import services
from kommune.core.comments.services import do_post_comment, do_react
from kommune.core.models import AccessibilityFeedback, PageKind, Role
from kommune.core.moderation.services import do_report
from kommune.core.notifications.services import do_follow
from kommune.core.notifications.tokens import unsubscribe_token
from tests.browser.conftest import assert_styled, axe_violations, enable_axe, format_violations
from tests.factories import LabFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_accounts import LetterCodeBatchFactory, LetterCodeFactory
from tests.factories_comments import BlockFactory
from tests.factories_inclusion import inclusion_world
from tests.factories_notifications import NotificationFactory
from tests.factories_opendata import GEOJSON, file_resource, published_dataset
from tests.factories_processes import ProcessNewsFactory, TopicFactory, published_process
from tests.factories_proposals import (
    CategoryFactory,
    ProposalFactory,
    ProposalSettingsFactory,
    add_supports,
    published_proposal,
)

pytestmark = pytest.mark.browser

MARKDOWN = """## Angaben gemäß § 5 DDG

Stadt Musterstadt, vertreten durch die Bürgermeisterin.

- Rathausplatz 1
- 59999 Musterstadt

Mehr unter [musterstadt.example](https://musterstadt.example/) und *hervorgehoben* **wichtig**.
"""


class Site:
    """Musterstadt with content on every page a visit opens."""

    def __init__(self, *, musterstadt, alice, bob, carol, erin, dave) -> None:
        self.musterstadt = musterstadt
        self.people = {"alice": alice, "bob": bob, "carol": carol, "erin": erin, "dave": dave}
        musterstadt.contact_email = "info@musterstadt.example"
        musterstadt.save()
        for kind in PageKind:
            services.do_update_page(municipality=musterstadt, actor=carol, kind=kind, body=MARKDOWN)
        self.lab = LabFactory(name="Labor Musterregion", slug="labor-musterregion", description="Gemeinsam offen.")
        self.lab.municipalities.add(musterstadt)
        self.organisation = OrganisationFactory(name="Digitalambulanz e. V.", municipality=musterstadt)
        self.lab.organisations.add(self.organisation)
        MembershipFactory(user=erin, lab=self.lab, municipality=None, role=Role.ADMIN)
        self.lab_partner = MembershipFactory(lab=self.lab, municipality=None, role=Role.PARTNER,
                                             organisation=self.organisation,
                                             user=UserFactory(display_name="Paula Partner"))
        services.do_grant_role(tenant=musterstadt, actor=erin, user=UserFactory(display_name="Mo Derator"),
                               role=Role.MODERATOR)
        self.membership = bob.memberships.get(municipality=musterstadt)
        AccessibilityFeedback.objects.create(municipality=musterstadt, message="Der Kontrast ist zu schwach.",
                                             page_url="/musterstadt/", name="Frau Test", email="test@example.org")
        self.batch = LetterCodeBatchFactory(municipality=musterstadt, created_by=carol, note="Altstadt",
                                            expires_at=timezone.now() + timedelta(days=30))
        LetterCodeFactory.create_batch(3, batch=self.batch)
        self.unconfirmed = UserFactory(email="neu@example.org", email_confirmed_at=None)
        # Participation: a process with a topic, news, a comment with a reply, a report, a block, a notification.
        topic = TopicFactory(municipality=musterstadt, name="Verkehr", slug="verkehr")
        self.process = published_process(musterstadt, title="Marktplatz neu gestalten", slug="marktplatz",
                                         topic=topic, description="Wie soll der **Marktplatz** aussehen?")
        ProcessNewsFactory(process=self.process, title="Die Befragung beginnt")
        self.comment = do_post_comment(actor=alice, target=self.process, text="Mehr Bäume und Bänke, bitte.")
        do_post_comment(actor=bob, target=self.process, text="Danke für den Vorschlag!", parent=self.comment)
        do_react(actor=bob, comment=self.comment, value=1)
        self.report = do_report(reporter=bob, target=self.comment, reason="insult", text="Bitte prüfen.")
        self.block = BlockFactory(municipality=musterstadt, user=UserFactory(display_name="Rüdiger Rüpel"))
        NotificationFactory(user=alice, municipality=musterstadt, url=self.process.get_absolute_url())
        do_follow(user=alice, target=self.process)
        # Open data: a published dataset with a CSV table and a GeoJSON file, both previewed on its page.
        self.dataset = published_dataset(musterstadt, title="Einwohner nach Stadtteil", slug="einwohner",
                                         keywords=["Bevölkerung", "Statistik"], themes=["SOCI", "REGI"])
        self.csv = file_resource(self.dataset)
        self.geojson = file_resource(self.dataset, GEOJSON, "GEOJSON", title="Standorte der Trinkbrunnen")

        self.add_proposals(musterstadt, alice)
        self.add_decisions(musterstadt, alice, bob)
        self.add_council(musterstadt)
        self.add_trail(musterstadt)
        self.add_projects(musterstadt)
        self.add_consultations(musterstadt, alice)
        self.add_surveys(musterstadt, bob)
        self.inclusion = inclusion_world(musterstadt)
        from tests.factories_volunteering import volunteering_world

        self.volunteering = volunteering_world(musterstadt)
        self.add_sensors(musterstadt, alice)
        from kommune.core.api.services import do_create_access_token

        self.access_token, _secret = do_create_access_token(user=alice, name="Ratsinfo-App", scope="read")
        self.add_adoptions(musterstadt, alice, carol)
        self.add_codesign(musterstadt, alice, carol)

    def add_codesign(self, musterstadt, alice, carol) -> None:
        """A service with three steps, alice's ratings with a problem before a published change, a theme."""
        from datetime import timedelta

        from kommune.codesign import services as codesign
        from tests.factories_codesign import service_with_steps

        self.codesign_service = service_with_steps(musterstadt)
        steps = list(self.codesign_service.steps.order_by("position"))
        today = timezone.localdate()
        codesign.do_rate_steps(service=self.codesign_service, actor=alice, used_on=today - timedelta(days=20),
                               ratings=[codesign.StepRating(steps[0], 4, 2, "Kein Termin frei", "Samstags öffnen"),
                                        codesign.StepRating(steps[1], 3, 3)])
        theme = codesign.do_create_theme(service=self.codesign_service, actor=carol, title="Terminvergabe")
        codesign.do_publish_change(service=self.codesign_service, actor=carol, title="Mehr Online-Termine",
                                   changed_on=today - timedelta(days=5), step=steps[0], theme=theme)
        self.codesign_step = steps[0]
        from tests.factories_labs import lab_scene

        self.labs = lab_scene(self.lab, link_to=("process", self.process))  # the lab workspace (kommune/labs)

    def add_adoptions(self, musterstadt, alice, carol) -> None:
        """A hedge (a line) adopted by alice with a care entry, and a free tree."""
        import json

        from kommune.adoptions.models import Asset
        from kommune.adoptions.services import do_adopt, do_import_assets, do_record_care

        features = [
            {"type": "Feature", "id": "h", "properties": {"kind": "hedge", "name": "Hecke am Feldweg"},
             "geometry": {"type": "LineString", "coordinates": [[7.60, 51.97], [7.61, 51.971]]}},
            {"type": "Feature", "id": "t", "properties": {"kind": "tree", "name": "Linde am Markt"},
             "geometry": {"type": "Point", "coordinates": [7.6258, 51.9625]}}]
        do_import_assets(municipality=musterstadt, actor=carol,
                         geojson=json.dumps({"type": "FeatureCollection", "features": features}))
        self.hedge = Asset.objects.get(external_id="h")
        adoption = do_adopt(asset=self.hedge, actor=alice, public_name="Hecken-AG")
        do_record_care(adoption=adoption, actor=alice, kind="cleaning", done_on=timezone.localdate(),
                       note="Müll gesammelt.")

    def add_surveys(self, musterstadt, bob) -> None:
        """A survey with every question type (bob answered it) and an opinion map with computed groups."""
        from tests.factories_surveys import add_demo_votes, opinion_map, survey_with_questions

        self.survey = survey_with_questions(musterstadt)
        add_demo_votes(self.survey, bob)
        self.opinion_map = opinion_map(musterstadt, statements=[f"Aussage Nummer {n}" for n in range(8)])
        add_demo_votes(self.opinion_map, None)

    def add_proposals(self, musterstadt, alice) -> None:
        """Citizen proposals: one collecting with a place, one answered in time, alice's draft; paper signatures."""
        from kommune.proposals.services import do_add_signature_list

        ProposalSettingsFactory(municipality=musterstadt)
        category = CategoryFactory(municipality=musterstadt, name="Spielplätze", slug="spielplaetze")
        self.proposal = published_proposal(
            musterstadt, title="Spielplatz an der Schule sanieren", category=category, area="Altstadt",
            latitude="51.960700", longitude="7.626100", required=500,
            text_html="<h2>Warum</h2><p>Die <strong>Geräte</strong> sind kaputt.</p>",
            author=MembershipFactory(municipality=musterstadt, user=UserFactory(display_name="Paul")).user)
        add_supports(self.proposal, [alice])
        do_add_signature_list(proposal=self.proposal, actor=self.people["carol"], count=120,
                              received_on=timezone.localdate(), note="Bürgerbüro")
        now = timezone.now()
        self.answered = published_proposal(
            musterstadt, title="Mehr Bänke am Markt", state="answered", outcome="council",
            threshold_reached_at=now - timedelta(days=20), answer_due_at=now + timedelta(days=10),
            answered_at=now - timedelta(days=2), answer="Der Rat entscheidet.",
            answer_html="<p>Der Rat entscheidet.</p>", answer_department="Grünflächenamt")
        self.reached = published_proposal(musterstadt, title="Neue Buslinie", state="threshold_reached",
                                          threshold_reached_at=now - timedelta(days=40),
                                          answer_due_at=now - timedelta(days=10))
        self.draft = ProposalFactory(municipality=musterstadt, author=alice, title="Spielplätze sanieren")

    def add_trail(self, musterstadt) -> None:
        """The accountability trail: a proposal handed to the council, its paper attached with a committee's
        consultation and the council's decision, and an update under the answer."""
        from kommune.council.trail_services import do_attach_paper_to_referral
        from kommune.proposals.services import do_add_proposal_update
        from tests.factories_trail import answered_proposal, paper_with_decision, referral_of

        carol = self.people["carol"]
        self.trail_proposal = answered_proposal(musterstadt, title="Geschützte Radwege auf dem Wallring")
        self.referral = referral_of(self.trail_proposal)
        do_attach_paper_to_referral(referral=self.referral, paper=paper_with_decision(musterstadt).paper, actor=carol)
        do_add_proposal_update(proposal=self.trail_proposal, actor=carol, kind="implementation_started",
                               happened_on=timezone.localdate(), title="Baubeginn",
                               text="Die Arbeiten dauern bis zum **Herbst**.")
    def add_projects(self, musterstadt) -> None:
        """The Vorhabenliste: a project with a place, history, a milestone, funding and a link to a proposal."""
        from kommune.projects.models import ProjectLink
        from tests.factories_projects import FundingFactory, MilestoneFactory, ProjectFactory

        self.project = ProjectFactory(municipality=musterstadt, title="Neubau Kita Lindenhof", area="Lindenhof",
                                      latitude="51.97", longitude="7.61", estimated_costs=6_400_000)
        self.milestone = MilestoneFactory(project=self.project, title="Richtfest")
        FundingFactory(project=self.project, source="Land NRW", amount=2_500_000)
        ProjectLink.objects.create(municipality=musterstadt, project=self.project, content_type=ContentType.objects
                                   .get_for_model(self.proposal), object_id=self.proposal.pk)
    def add_consultations(self, musterstadt, alice) -> None:
        """Consultations: one running with alice's comment on a passage, one finished with its published table
        and a second version."""
        from kommune.consultations.services import do_comment_on_paragraph
        from tests.factories_consultations import consultation, finished_scene, paragraph_starting

        self.consultation = consultation(musterstadt, staff=self.people["carol"])
        self.paragraph = paragraph_starting(self.consultation, "(1) Diese Satzung")
        do_comment_on_paragraph(actor=alice, paragraph=self.paragraph, text="Auch für Bolzplätze?",
                                quote="öffentlichen Spielplätze")
        self.finished = finished_scene(musterstadt)
    def add_sensors(self, musterstadt, alice) -> None:
        """Fine-dust sensors: the demo's four with a month of readings (days above the limit among them)."""
        from kommune.sensors.demo import seed_sensors
        from kommune.sensors.models import Sensor

        seed_sensors(municipality=musterstadt, resident=alice)
        self.sensor = Sensor.objects.order_by("pk").first()

    def add_decisions(self, musterstadt, alice, bob) -> None:
        """alice has a public page, a published proposal of her own, two comments hidden by bob (one of them with
        her review request); the collecting proposal is reported, another one hidden."""
        from kommune.core.moderation.models import ModerationAct
        from kommune.core.moderation.netiquette import netiquette_rules
        from kommune.core.moderation.services import do_hide, do_hide_contribution, do_request_review
        from kommune.core.selectors import page_of

        alice.public_profile = True
        alice.save(update_fields=["public_profile"])
        rule = netiquette_rules(musterstadt, page_of(musterstadt, PageKind.NETIQUETTE))[0]  # the site's own text
        self.own_proposal = published_proposal(musterstadt, author=alice, title="Radweg am Fluss")
        for text in ("Ein Satz gegen die Netiquette.", "Noch ein Satz gegen die Netiquette."):
            do_hide(moderator=bob, comment=do_post_comment(actor=alice, target=self.process, text=text),
                    reason="Beleidigung", rule=rule)
        self.decision, reviewed = ModerationAct.objects.filter(affected_user=alice).order_by("pk")
        self.review = do_request_review(user=alice, act=reviewed, text="Das war sachlich gemeint.")
        self.hidden_proposal = published_proposal(musterstadt, title="Werbung für Schuhe")
        do_hide_contribution(moderator=bob, target=self.hidden_proposal, reason="Werbung", rule=rule)
        do_report(reporter=bob, target=self.proposal, reason="off_topic", text="Gehört nicht hierher.")

    def add_council(self, musterstadt) -> None:
        """Council information: committees with members, meetings with agendas and files, papers."""
        from kommune.council.models import Meeting
        from tests.factories_council import council

        self.council = council(musterstadt, size=2)
        Meeting.objects.create(municipality=musterstadt, name="Sitzung des Rates", organization=self.council.committee,
                               start=timezone.now() + timedelta(days=7))  # for the home page's section

    def url(self, name: str, **kwargs) -> str:
        return reverse(name, kwargs=kwargs)

    def m(self, name: str, **kwargs) -> str:
        return reverse(name, kwargs={"municipality_slug": self.musterstadt.slug, **kwargs})

    def l(self, name: str, **kwargs) -> str:  # noqa: E743 - l for lab, next to m for municipality
        return reverse(name, kwargs={"lab_slug": self.lab.slug, **kwargs})

    def p(self, name: str, **kwargs) -> str:
        return self.m(name, process_slug=self.process.slug, **kwargs)

    def d(self, name: str, **kwargs) -> str:
        return self.m(name, dataset_slug=self.dataset.slug, **kwargs)

    def thread(self, name: str) -> str:
        return self.m(name, target_type="processes.process", target_id=self.process.pk)

    def reset_link(self, person: str) -> str:
        user = self.people[person]
        return self.url("accounts:password_reset_confirm", uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
                        token=default_token_generator.make_token(user))


@pytest.fixture
def site(musterstadt, alice, bob, carol, erin, dave) -> Site:
    return Site(musterstadt=musterstadt, alice=alice, bob=bob, carol=carol, erin=erin, dave=dave)


def submit(page, fill: dict[str, str] | None = None, form: str = "main form.form-stack", *,
           errors: bool = True) -> None:
    """Fill fields of the page's main form and submit it; the answer shows the form's errors."""
    target = page.locator(form).first
    for name, value in (fill or {}).items():
        target.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        target.locator("button[type=submit]").first.click()
    if errors:
        assert page.locator("#error-summary").count() > 0, f"{page.url}: the form shows no errors"


@dataclass(frozen=True)
class Visit:
    id: str
    route: str  # the route name, for test_every_html_route_is_visited
    url: Callable[[Site], str]
    persona: str | None = None
    then: Callable | None = None  # (page, site) -> None: a second state of the page, e.g. its form's errors
    status: int = 200


VISITS = [
    # Public pages
    Visit("start", "core:start", lambda s: "/"),
    Visit("municipality_home", "core:municipality_home", lambda s: s.m("core:municipality_home")),
    Visit("lab_home", "labs:home", lambda s: s.l("labs:home")),
    Visit("imprint", "core:imprint", lambda s: s.m("core:imprint")),
    Visit("privacy", "core:privacy", lambda s: s.m("core:privacy")),
    Visit("easy_language", "core:easy_language", lambda s: s.m("core:easy_language")),
    Visit("accessibility", "core:accessibility", lambda s: s.m("core:accessibility"),
          then=lambda page, s: submit(page)),
    Visit("imprint_as_staff", "core:imprint", lambda s: s.m("core:imprint"), persona="carol"),
    # Accounts, anonymous
    Visit("register", "accounts:register", lambda s: s.url("accounts:register"),
          then=lambda page, s: submit(page, {"email": "kein-at-zeichen", "password": "1234"})),
    Visit("register_done", "accounts:register_done", lambda s: s.url("accounts:register_done")),
    Visit("confirm_failed", "accounts:confirm", lambda s: s.url("accounts:confirm", token="kaputt"), status=400),
    Visit("resend_confirmation", "accounts:resend_confirmation", lambda s: s.url("accounts:resend_confirmation"),
          then=lambda page, s: submit(page, {"email": "kein-at-zeichen"})),
    Visit("login", "accounts:login", lambda s: s.url("accounts:login"),
          then=lambda page, s: submit(page, {"username": "alice@example.org", "password": "falsch"})),
    Visit("password_reset", "accounts:password_reset", lambda s: s.url("accounts:password_reset"),
          then=lambda page, s: submit(page, {"email": "kein-at-zeichen"})),
    Visit("password_reset_done", "accounts:password_reset_done", lambda s: s.url("accounts:password_reset_done")),
    Visit("password_reset_confirm", "accounts:password_reset_confirm", lambda s: s.reset_link("alice"),
          then=lambda page, s: submit(page, {"new_password1": "kurz", "new_password2": "anders"})),
    Visit("password_reset_invalid", "accounts:password_reset_confirm",
          lambda s: s.url("accounts:password_reset_confirm", uidb64="MQ", token="abgelaufen")),
    Visit("password_reset_complete", "accounts:password_reset_complete",
          lambda s: s.url("accounts:password_reset_complete")),
    # Accounts, logged in; the confirmation link logs the new person in and shows the profile
    Visit("confirm", "accounts:confirm", lambda s: s.url("accounts:confirm", token=confirmation_token(s.unconfirmed))),
    Visit("profile", "accounts:profile", lambda s: s.url("accounts:profile"), persona="alice",
          then=lambda page, s: submit(page, {"display_name": ""})),
    Visit("password_change", "accounts:password_change", lambda s: s.url("accounts:password_change"),
          persona="alice", then=lambda page, s: submit(page, {"old_password": "falsch"})),
    Visit("residency", "accounts:residency", lambda s: s.url("accounts:residency"), persona="alice",
          then=lambda page, s: submit(page, {"code": "AAAA-BBBB-CCCC"})),
    Visit("delete_account", "accounts:delete", lambda s: s.url("accounts:delete"), persona="alice",
          then=lambda page, s: submit(page, {"password": "falsch"})),
    Visit("management_areas", "accounts:management_areas", lambda s: s.url("accounts:management_areas"),
          persona="dave"),
    # Management of Musterstadt
    Visit("dashboard_admin", "manage:dashboard", lambda s: s.m("manage:dashboard"), persona="erin"),
    Visit("dashboard_staff", "manage:dashboard", lambda s: s.m("manage:dashboard"), persona="carol"),
    Visit("dashboard_moderator", "manage:dashboard", lambda s: s.m("manage:dashboard"), persona="bob"),
    Visit("roles", "manage:roles", lambda s: s.m("manage:roles"), persona="erin",
          then=lambda page, s: submit(page, {"person": "niemand@example.org"})),
    Visit("revoke_role", "manage:revoke_role", lambda s: s.m("manage:revoke_role", pk=s.membership.pk),
          persona="erin"),
    Visit("audit_log", "manage:audit_log", lambda s: s.m("manage:audit_log"), persona="erin"),
    Visit("assisted", "manage:assisted", lambda s: s.m("manage:assisted"), persona="carol"),
    Visit("edit_page", "manage:edit_page", lambda s: s.m("manage:edit_page", kind="imprint"), persona="carol"),
    Visit("feedback", "manage:feedback", lambda s: s.m("manage:feedback"), persona="carol"),
    Visit("residents", "manage_accounts:residents", lambda s: s.m("manage_accounts:residents"), persona="carol",
          then=lambda page, s: submit(page, {"person": "niemand@example.org"})),
    # The search finds alice; confirming without ticking "identity checked" shows the verify form's errors.
    Visit("verify_resident", "manage_accounts:verify_resident", lambda s: s.m("manage_accounts:residents"),
          persona="carol", then=lambda page, s: (submit(page, {"person": "alice@example.org"}, errors=False),
                                                 submit(page, form="main form.form-stack >> nth=1"))),
    Visit("letter_codes", "manage_accounts:letter_codes", lambda s: s.m("manage_accounts:letter_codes"),
          persona="carol", then=lambda page, s: submit(page, {"count": "0"})),
    Visit("letter_code_batch", "manage_accounts:letter_code_batch",
          lambda s: s.m("manage_accounts:letter_code_batch", pk=s.batch.pk), persona="carol"),
    # Management of the lab
    Visit("lab_dashboard", "manage:lab_dashboard", lambda s: s.l("manage:lab_dashboard"), persona="erin"),
    Visit("lab_roles", "manage:lab_roles", lambda s: s.l("manage:lab_roles"), persona="erin",
          then=lambda page, s: submit(page, {"person": "niemand@example.org"})),
    Visit("lab_revoke_role", "manage:lab_revoke_role", lambda s: s.l("manage:lab_revoke_role", pk=s.lab_partner.pk),
          persona="erin"),
    Visit("lab_audit_log", "manage:lab_audit_log", lambda s: s.l("manage:lab_audit_log"), persona="erin"),
    # Participation, public
    Visit("process_list", "processes:list", lambda s: s.m("processes:list")),
    Visit("process_detail", "processes:detail", lambda s: s.p("processes:detail")),
    Visit("process_news", "processes:news", lambda s: s.p("processes:news")),
    Visit("comment_thread", "comments:thread", lambda s: s.thread("comments:thread")),
    Visit("comment_replies", "comments:replies", lambda s: s.m("comments:replies", comment_id=s.comment.pk)),
    Visit("report_comment", "moderation:report_comment",
          lambda s: s.m("moderation:report_comment", comment_id=s.comment.pk)),
    Visit("moderation_log", "moderation:log", lambda s: s.m("moderation:log")),
    Visit("netiquette", "moderation:netiquette", lambda s: s.m("moderation:netiquette")),
    Visit("activity", "notifications:municipality_stream", lambda s: s.m("notifications:municipality_stream")),
    Visit("process_activity", "processes:activity", lambda s: s.p("processes:activity")),
    Visit("search", "search:search", lambda s: s.url("search:search") + "?q=Marktplatz"),
    Visit("municipality_search", "search:municipality_search",
          lambda s: s.m("search:municipality_search") + "?q=B%C3%A4ume"),
    Visit("unsubscribe", "notifications:unsubscribe",
          lambda s: s.url("notifications:unsubscribe", token=unsubscribe_token(s.people["alice"]))),
    # Participation, as a resident: writing with errors shown
    Visit("comment_post", "comments:post", lambda s: s.thread("comments:thread"), persona="alice",
          then=lambda page, s: submit(page, {"text": ""}, form="#comment-form")),
    Visit("comment_reply", "comments:reply", lambda s: s.m("comments:replies", comment_id=s.comment.pk),
          persona="alice", then=lambda page, s: submit(page, {"text": ""}, form="form.reply-form")),
    Visit("comment_edit", "comments:edit", lambda s: s.m("comments:edit", comment_id=s.comment.pk),
          persona="alice", then=lambda page, s: submit(page, {"text": ""})),
    Visit("report_comment_errors", "moderation:report_comment",
          lambda s: s.m("moderation:report_comment", comment_id=s.comment.pk), persona="bob",
          then=lambda page, s: submit(page)),
    Visit("inbox", "notifications:inbox", lambda s: s.url("notifications:inbox"), persona="alice"),
    Visit("notification_settings", "notifications:settings", lambda s: s.url("notifications:settings"),
          persona="alice"),
    # Participation, managed by staff
    Visit("manage_processes", "processes:manage_list", lambda s: s.m("processes:manage_list"), persona="carol"),
    Visit("manage_create_process", "processes:manage_create", lambda s: s.m("processes:manage_create"),
          persona="carol", then=lambda page, s: submit(page)),
    Visit("manage_topics", "processes:manage_topics", lambda s: s.m("processes:manage_topics"), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("manage_edit_process", "processes:manage_edit", lambda s: s.p("processes:manage_edit"), persona="carol",
          then=lambda page, s: submit(page, {"title": ""})),
    Visit("manage_phases", "processes:manage_phases", lambda s: s.p("processes:manage_phases"), persona="carol"),
    Visit("manage_news", "processes:manage_news", lambda s: s.p("processes:manage_news"), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("assisted_comment", "comments:assisted", lambda s: s.thread("comments:assisted"), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("edit_netiquette", "moderation:edit_netiquette", lambda s: s.m("moderation:edit_netiquette"),
          persona="carol"),
    # REST API: the documentation, and a person's access tokens (with errors, and the new token shown once)
    Visit("api_docs", "api:docs", lambda s: s.url("api:docs")),
    Visit("access_tokens", "api:tokens", lambda s: s.url("api:tokens"), persona="alice",
          then=lambda page, s: submit(page, {"name": ""})),
    Visit("access_token_created", "api:tokens", lambda s: s.url("api:tokens"), persona="alice",
          then=lambda page, s: submit(page, {"name": "Auswertung"}, errors=False)),
    Visit("revoke_token", "api:revoke_token", lambda s: s.url("api:revoke_token", token_id=s.access_token.pk),
          persona="alice"),
    # Open data
    Visit("opendata_catalogue", "opendata:catalogue", lambda s: s.m("opendata:catalogue") + "?q=Einwohner"),
    Visit("opendata_dataset", "opendata:dataset", lambda s: s.d("opendata:dataset"),
          then=lambda page, s: page.wait_for_selector(".map--geojson path.leaflet-interactive", state="attached")),
    Visit("opendata_manage_list", "opendata:manage_list", lambda s: s.m("opendata:manage_list"), persona="carol"),
    Visit("opendata_manage_create", "opendata:manage_create", lambda s: s.m("opendata:manage_create"),
          persona="carol", then=lambda page, s: submit(page, {"contact_email": "kein-at-zeichen"})),
    Visit("opendata_manage_edit", "opendata:manage_edit", lambda s: s.d("opendata:manage_edit"), persona="carol",
          then=lambda page, s: submit(page, {"title": "", "temporal_start": "2026-12-31",
                                             "temporal_end": "2026-01-01"})),
    Visit("opendata_manage_delete", "opendata:manage_delete", lambda s: s.d("opendata:manage_delete"),
          persona="carol"),
    Visit("opendata_add_resource", "opendata:manage_add_resource", lambda s: s.d("opendata:manage_add_resource"),
          persona="carol", then=lambda page, s: submit(page, {"url": "kein Link"})),
    Visit("opendata_replace_resource", "opendata:manage_replace_resource",
          lambda s: s.d("opendata:manage_replace_resource", resource_id=s.csv.pk), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("opendata_delete_resource", "opendata:manage_delete_resource",
          lambda s: s.d("opendata:manage_delete_resource", resource_id=s.geojson.pk), persona="carol"),
    # Citizen proposals
    Visit("proposal_list", "proposals:list", lambda s: s.m("proposals:list")),
    Visit("proposal_map", "proposals:map", lambda s: s.m("proposals:map"),
          then=lambda page, s: page.wait_for_selector("#proposal-map .leaflet-marker-icon", state="attached")),
    Visit("proposal_detail", "proposals:detail", lambda s: s.m("proposals:detail", proposal_id=s.proposal.pk),
          then=lambda page, s: page.wait_for_selector("#proposal-map .leaflet-marker-icon", state="attached")),
    Visit("proposal_answered", "proposals:detail", lambda s: s.m("proposals:detail", proposal_id=s.answered.pk)),
    Visit("proposal_supported", "proposals:detail", lambda s: s.m("proposals:detail", proposal_id=s.proposal.pk),
          persona="alice"),
    Visit("proposal_preview", "proposals:detail", lambda s: s.m("proposals:detail", proposal_id=s.draft.pk),
          persona="alice"),
    Visit("proposal_create", "proposals:create", lambda s: s.m("proposals:create"), persona="alice",
          then=lambda page, s: submit(page, {"title": "", "latitude": "91", "longitude": ""})),
    Visit("proposal_edit", "proposals:edit", lambda s: s.m("proposals:edit", proposal_id=s.draft.pk),
          persona="alice", then=lambda page, s: submit(page, {"text": ""})),
    Visit("proposal_hidden", "proposals:detail",
          lambda s: s.m("proposals:detail", proposal_id=s.hidden_proposal.pk), status=410),
    Visit("proposal_withdraw", "proposals:withdraw_proposal",
          lambda s: s.m("proposals:withdraw_proposal", proposal_id=s.own_proposal.pk), persona="alice",
          then=lambda page, s: submit(page)),
    Visit("proposal_delete_draft", "proposals:delete_draft",
          lambda s: s.m("proposals:delete_draft", proposal_id=s.draft.pk), persona="alice"),
    Visit("person", "people:person", lambda s: s.m("people:person", user_id=s.people["alice"].pk)),
    Visit("proposal_cannot_write", "proposals:create", lambda s: s.m("proposals:create"), persona="dave"),
    Visit("manage_proposals", "proposals:manage", lambda s: s.m("proposals:manage"), persona="carol"),
    Visit("manage_proposal_settings", "proposals:manage_settings", lambda s: s.m("proposals:manage_settings"),
          persona="carol", then=lambda page, s: submit(page, {"threshold_absolute": "0"})),
    Visit("manage_proposal_categories", "proposals:manage_categories",
          lambda s: s.m("proposals:manage_categories"), persona="carol", then=lambda page, s: submit(page)),
    Visit("manage_proposal_answer", "proposals:manage_answer",
          lambda s: s.m("proposals:manage_answer", proposal_id=s.reached.pk), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("manage_proposal_signatures", "proposals:manage_signatures",
          lambda s: s.m("proposals:manage_signatures", proposal_id=s.proposal.pk), persona="carol",
          then=lambda page, s: submit(page, {"count": "0"})),
    # The accountability trail
    Visit("proposal_trail", "proposals:detail",
          lambda s: s.m("proposals:detail", proposal_id=s.trail_proposal.pk)),
    Visit("manage_proposal_updates", "proposals:manage_updates",
          lambda s: s.m("proposals:manage_updates", proposal_id=s.trail_proposal.pk), persona="carol",
          then=lambda page, s: submit(page, {"title": ""})),
    Visit("council_referrals", "council_trail:referrals", lambda s: s.m("council_trail:referrals"),
          persona="carol"),
    Visit("council_attach_paper", "council_trail:attach_paper",
          lambda s: s.m("council_trail:attach_paper", referral_id=s.referral.pk), persona="carol",
          then=lambda page, s: submit(page, {"reference": "VO/1999/001"})),
    # Municipal projects (Vorhabenliste)
    Visit("project_list", "projects:list", lambda s: s.m("projects:list")),
    Visit("project_map", "projects:map", lambda s: s.m("projects:map")),
    Visit("project_detail", "projects:detail", lambda s: s.m("projects:detail", project_id=s.project.pk)),
    Visit("manage_projects", "projects:manage", lambda s: s.m("projects:manage"), persona="carol"),
    Visit("manage_project_create", "projects:manage_create", lambda s: s.m("projects:manage_create"),
          persona="carol", then=lambda page, s: submit(page, {"estimated_costs": "-1"})),
    Visit("manage_project_edit", "projects:manage_edit",
          lambda s: s.m("projects:manage_edit", project_id=s.project.pk), persona="carol",
          then=lambda page, s: submit(page, {"title": ""})),
    Visit("manage_project_status", "projects:manage_status",
          lambda s: s.m("projects:manage_status", project_id=s.project.pk), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("manage_project_milestones", "projects:manage_milestones",
          lambda s: s.m("projects:manage_milestones", project_id=s.project.pk), persona="carol",
          then=lambda page, s: submit(page, form="main form.form-stack >> nth=-1")),
    Visit("manage_project_milestone", "projects:manage_milestone",
          lambda s: s.m("projects:manage_milestone", project_id=s.project.pk, milestone_id=s.milestone.pk),
          persona="carol"),
    Visit("manage_project_funding", "projects:manage_funding",
          lambda s: s.m("projects:manage_funding", project_id=s.project.pk), persona="carol",
          then=lambda page, s: submit(page, form="main form.form-stack >> nth=-1")),
    Visit("manage_project_links", "projects:manage_links",
          lambda s: s.m("projects:manage_links", project_id=s.project.pk) + "?kind=proposal&text=", persona="carol"),
    # Moderation
    Visit("moderation_queue", "moderation:queue", lambda s: s.m("moderation:queue"), persona="bob"),
    Visit("report_detail", "moderation:report_detail",
          lambda s: s.m("moderation:report_detail", report_id=s.report.pk), persona="bob"),
    Visit("moderate_comment", "moderation:comment", lambda s: s.m("moderation:comment", comment_id=s.comment.pk),
          persona="bob", then=lambda page, s: submit(page, form="main form.form-stack >> nth=0")),
    Visit("report_proposal", "moderation:report_contribution",
          lambda s: s.m("moderation:report_contribution", reportable="proposal", object_id=s.proposal.pk),
          persona="alice", then=lambda page, s: submit(page)),
    Visit("moderate_proposal", "moderation:contribution",
          lambda s: s.m("moderation:contribution", reportable="proposal", object_id=s.proposal.pk), persona="bob",
          then=lambda page, s: submit(page)),
    Visit("request_review", "moderation:request_review",
          lambda s: s.m("moderation:request_review", act_id=s.decision.pk), persona="alice",
          then=lambda page, s: submit(page)),
    Visit("reviews", "moderation:reviews", lambda s: s.m("moderation:reviews"), persona="bob"),
    Visit("review_detail", "moderation:review_detail",
          lambda s: s.m("moderation:review_detail", review_id=s.review.pk), persona="bob",
          then=lambda page, s: submit(page)),
    Visit("blocks", "moderation:blocks", lambda s: s.m("moderation:blocks"), persona="bob"),
    Visit("unblock", "moderation:unblock", lambda s: s.m("moderation:unblock", block_id=s.block.pk), persona="bob"),
    # Adoptions of public green
    Visit("adoption_list", "adoptions:list", lambda s: s.m("adoptions:list")),
    Visit("adoption_map", "adoptions:map", lambda s: s.m("adoptions:map"),
          then=lambda page, s: page.wait_for_selector("#adoption-map .leaflet-marker-icon", state="attached")),
    Visit("adoption_asset", "adoptions:asset", lambda s: s.m("adoptions:asset", asset_id=s.hedge.pk)),
    Visit("adoption_care", "adoptions:asset", lambda s: s.m("adoptions:asset", asset_id=s.hedge.pk),
          persona="alice", then=lambda page, s: submit(page, {"done_on": ""},
                                                       form="#care-heading ~ form.form-stack")),
    Visit("adoption_assisted", "adoptions:asset", lambda s: s.m("adoptions:asset", asset_id=s.hedge.pk),
          persona="carol", then=lambda page, s: submit(page, {"assisted-done_on": ""},
                                                       form="#assisted-heading ~ form.form-stack")),
    Visit("adoption_import", "adoptions:import", lambda s: s.m("adoptions:import"), persona="carol",
          then=lambda page, s: submit(page)),
    # Co-designing public services
    Visit("codesign_list", "codesign:list", lambda s: s.m("codesign:list")),
    Visit("codesign_detail", "codesign:detail", lambda s: s.m("codesign:detail", service_id=s.codesign_service.pk)),
    Visit("codesign_step", "codesign:step", lambda s: s.m("codesign:step", service_id=s.codesign_service.pk,
                                                          step_id=s.codesign_step.pk)),
    Visit("codesign_rate", "codesign:rate", lambda s: s.m("codesign:rate", service_id=s.codesign_service.pk),
          persona="bob", then=lambda page, s: submit(page)),
    Visit("codesign_manage", "codesign:manage", lambda s: s.m("codesign:manage"), persona="carol",
          then=lambda page, s: submit(page, {"leika_key": "123"})),
    Visit("codesign_manage_service", "codesign:manage_service",
          lambda s: s.m("codesign:manage_service", service_id=s.codesign_service.pk), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("codesign_manage_step", "codesign:manage_step",
          lambda s: s.m("codesign:manage_step", service_id=s.codesign_service.pk, step_id=s.codesign_step.pk),
          persona="carol", then=lambda page, s: submit(page, {"title": ""})),
    Visit("codesign_manage_feedback", "codesign:manage_feedback",
          lambda s: s.m("codesign:manage_feedback", service_id=s.codesign_service.pk), persona="carol"),
    Visit("codesign_manage_change", "codesign:manage_change",
          lambda s: s.m("codesign:manage_change", service_id=s.codesign_service.pk), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("codesign_manage_assisted", "codesign:manage_assisted",
          lambda s: s.m("codesign:manage_assisted", service_id=s.codesign_service.pk), persona="carol",
          then=lambda page, s: submit(page)),
    # Council information (the OParl JSON routes are in NOT_PAGE_NAMESPACES)
    Visit("council_home", "council_pages:home", lambda s: s.m("council_pages:home")),
    Visit("council_calendar", "council_pages:calendar", lambda s: s.m("council_pages:calendar")),
    Visit("council_calendar_bad_month", "council_pages:calendar",
          lambda s: s.m("council_pages:calendar") + "?monat=2026-13", status=400),
    Visit("council_meeting", "council_pages:meeting",
          lambda s: s.m("council_pages:meeting", meeting_id=s.council.meetings[0].pk)),
    Visit("council_papers", "council_pages:papers",
          lambda s: s.m("council_pages:papers") + "?von=gestern"),  # with a field error
    Visit("council_paper", "council_pages:paper",
          lambda s: s.m("council_pages:paper", paper_id=s.council.papers[0].pk)),
    Visit("council_organizations", "council_pages:organizations", lambda s: s.m("council_pages:organizations")),
    Visit("council_organization", "council_pages:organization",
          lambda s: s.m("council_pages:organization", organization_id=s.council.committee.pk)),
    Visit("council_people", "council_pages:people", lambda s: s.m("council_pages:people")),
    Visit("council_person", "council_pages:person",
          lambda s: s.m("council_pages:person", person_id=s.council.people[0].pk)),
    # Consultations (the paragraph page also with its error state: a passage that is not in the text)
    Visit("consultation_list", "consultations:list", lambda s: s.m("consultations:list")),
    Visit("consultation_detail", "consultations:detail",
          lambda s: s.m("consultations:detail", consultation_id=s.consultation.pk)),
    Visit("consultation_paragraph", "consultations:paragraph",
          lambda s: s.m("consultations:paragraph", consultation_id=s.consultation.pk, paragraph_id=s.paragraph.pk),
          persona="alice", then=lambda page, s: submit(page, {"text": "Zitat", "quote": "steht nicht im Text"},
                                                       form="#comment-form")),
    Visit("consultation_table", "consultations:considerations",
          lambda s: s.m("consultations:considerations", consultation_id=s.finished.consultation_id)),
    Visit("consultation_changes", "consultations:changes",
          lambda s: s.m("consultations:changes", consultation_id=s.finished.consultation_id, number=2)),
    Visit("manage_consultations", "consultations:manage", lambda s: s.m("consultations:manage"), persona="carol"),
    Visit("manage_consultation_create", "consultations:manage_create", lambda s: s.m("consultations:manage_create"),
          persona="carol", then=lambda page, s: submit(page)),
    Visit("manage_consultation_edit", "consultations:manage_edit",
          lambda s: s.m("consultations:manage_edit", consultation_id=s.consultation.pk), persona="carol"),
    Visit("manage_consultation_version", "consultations:manage_version",
          lambda s: s.m("consultations:manage_version", consultation_id=s.consultation.pk), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("manage_consultation_answers", "consultations:manage_considerations",
          lambda s: s.m("consultations:manage_considerations", consultation_id=s.finished.consultation_id),
          persona="carol"),
    Visit("manage_consultation_answer", "consultations:manage_answer",
          lambda s: s.m("consultations:manage_answer", consultation_id=s.finished.consultation_id,
                        answer_id=s.finished.answer_id), persona="carol"),
    Visit("manage_consultation_reasons", "consultations:manage_change_reasons",
          lambda s: s.m("consultations:manage_change_reasons", consultation_id=s.finished.consultation_id,
                        number=2), persona="carol"),
    # Surveys and opinion maps
    Visit("surveys", "surveys:overview", lambda s: s.m("surveys:overview")),
    Visit("survey_detail", "surveys:detail", lambda s: s.m("surveys:detail", survey_id=s.survey.pk)),
    Visit("survey_answer", "surveys:answer", lambda s: s.m("surveys:answer", survey_id=s.survey.pk),
          persona="alice", then=lambda page, s: submit(page)),
    Visit("survey_results", "surveys:results", lambda s: s.m("surveys:results", survey_id=s.survey.pk)),
    Visit("opinion_map", "surveys:map_detail", lambda s: s.m("surveys:map_detail", map_id=s.opinion_map.pk)),
    Visit("opinion_map_vote", "surveys:map_detail", lambda s: s.m("surveys:map_detail", map_id=s.opinion_map.pk),
          persona="alice", then=lambda page, s: submit(page, form="main form.form-stack")),
    Visit("manage_surveys", "surveys:manage", lambda s: s.m("surveys:manage"), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("manage_survey", "surveys:manage_survey", lambda s: s.m("surveys:manage_survey", survey_id=s.survey.pk),
          persona="carol"),
    Visit("manage_survey_paper", "surveys:manage_paper",
          lambda s: s.m("surveys:manage_paper", survey_id=s.survey.pk), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("manage_opinion_map", "surveys:manage_map", lambda s: s.m("surveys:manage_map", map_id=s.opinion_map.pk),
          persona="carol"),
    # Digital help (kommune/inclusion): calendar, registration with its errors, places, organisers' pages
    Visit("inclusion_list", "inclusion:list", lambda s: s.m("inclusion:list") + "?when=week"),
    Visit("inclusion_month", "inclusion:month_current", lambda s: s.m("inclusion:month_current")),
    Visit("inclusion_month_given", "inclusion:month", lambda s: s.m("inclusion:month", year=2027, month_number=3)),
    Visit("inclusion_programme", "inclusion:programme", lambda s: s.m("inclusion:programme")),
    Visit("inclusion_category", "inclusion:category", lambda s: s.m("inclusion:category", category="smartphone")),
    Visit("inclusion_event", "inclusion:event", lambda s: s.m("inclusion:event", event_id=s.inclusion.event_id),
          then=lambda page, s: submit(page, {"name": "Erna"})),
    Visit("inclusion_course", "inclusion:course",
          lambda s: s.m("inclusion:course", course_id=s.inclusion.course_id)),
    Visit("inclusion_registered", "inclusion:registered",
          lambda s: s.m("inclusion:registered", token=s.inclusion.token)),
    Visit("inclusion_cancel", "inclusion:cancel", lambda s: s.m("inclusion:cancel", token=s.inclusion.token)),
    Visit("inclusion_cancel_bad_link", "inclusion:cancel", lambda s: s.m("inclusion:cancel", token="kaputt"),
          status=404),
    Visit("inclusion_partners", "inclusion:partners", lambda s: s.m("inclusion:partners"),
          then=lambda page, s: page.wait_for_selector("#partner-map .leaflet-marker-icon", state="attached")),
    Visit("inclusion_partner", "inclusion:partner",
          lambda s: s.m("inclusion:partner", partner_slug=s.inclusion.partner_slug)),
    Visit("inclusion_partner_propose", "inclusion:partner_propose", lambda s: s.m("inclusion:partner_propose"),
          persona="alice", then=lambda page, s: submit(page, {"name": ""})),
    Visit("inclusion_partner_edit", "inclusion:partner_edit",
          lambda s: s.m("inclusion:partner_edit", partner_slug=s.inclusion.partner_slug), persona="carol",
          then=lambda page, s: submit(page, {"name": ""})),
    Visit("inclusion_create", "inclusion:create", lambda s: s.m("inclusion:create"), persona="carol",
          then=lambda page, s: submit(page, {"title": ""})),
    Visit("inclusion_participants", "inclusion:participants_event",
          lambda s: s.m("inclusion:participants_event", event_id=s.inclusion.event_id), persona="carol",
          then=lambda page, s: submit(page, {"name": "Herr Yilmaz"}, form="main form.form-stack")),
    Visit("inclusion_participants_course", "inclusion:participants_course",
          lambda s: s.m("inclusion:participants_course", course_id=s.inclusion.course_id), persona="carol"),
    Visit("inclusion_manage_partners", "inclusion:manage_partners", lambda s: s.m("inclusion:manage_partners"),
          persona="carol"),
    Visit("inclusion_lab_partners", "inclusion:lab_partners", lambda s: s.l("inclusion:lab_partners"),
          persona="erin"),
    # Volunteer projects (kommune/volunteering): list with map and filters (also a bad filter), project, shift with
    # its sign-up (open and full), cancellation by link (also a bad one), my volunteering, the organisers' pages
    Visit("volunteering_list", "volunteering:list", lambda s: s.m("volunteering:list"),
          then=lambda page, s: page.wait_for_selector("#shift-map .leaflet-marker-icon", state="attached")),
    Visit("volunteering_list_bad_filter", "volunteering:list",
          lambda s: s.m("volunteering:list") + "?date_from=2026-05-01&date_to=2026-04-01", status=400),
    Visit("volunteering_project", "volunteering:project",
          lambda s: s.m("volunteering:project", volunteer_project_id=s.volunteering.project_id)),
    Visit("volunteering_shift", "volunteering:shift",
          lambda s: s.m("volunteering:shift", shift_id=s.volunteering.shift_id)),
    Visit("volunteering_shift_sign_up", "volunteering:shift",
          lambda s: s.m("volunteering:shift", shift_id=s.volunteering.shift_id), persona="alice",
          then=lambda page, s: submit(page, {"phone": "12"}, form="main form.form-stack")),
    Visit("volunteering_shift_full", "volunteering:shift",
          lambda s: s.m("volunteering:shift", shift_id=s.volunteering.full_shift_id), persona="alice"),
    Visit("volunteering_cancel", "volunteering:cancel",
          lambda s: s.m("volunteering:cancel", token=s.volunteering.token)),
    Visit("volunteering_cancel_bad_link", "volunteering:cancel",
          lambda s: s.m("volunteering:cancel", token="kaputt"), status=404),
    Visit("volunteering_mine", "volunteering:mine", lambda s: s.m("volunteering:mine"), persona="alice"),
    Visit("volunteering_organise", "volunteering:organise", lambda s: s.m("volunteering:organise"), persona="carol"),
    Visit("volunteering_project_create", "volunteering:project_create", lambda s: s.m("volunteering:project_create"),
          persona="carol", then=lambda page, s: submit(page, {"title": ""})),
    Visit("volunteering_project_edit", "volunteering:project_edit",
          lambda s: s.m("volunteering:project_edit", volunteer_project_id=s.volunteering.project_id),
          persona="carol"),
    Visit("volunteering_shift_create", "volunteering:shift_create",
          lambda s: s.m("volunteering:shift_create", volunteer_project_id=s.volunteering.project_id),
          persona="carol", then=lambda page, s: submit(page, {"title": ""})),
    Visit("volunteering_roster", "volunteering:roster",
          lambda s: s.m("volunteering:roster", shift_id=s.volunteering.shift_id), persona="carol",
          then=lambda page, s: submit(page, {"name": ""}, form="main form.form-stack")),
    Visit("volunteering_roster_past", "volunteering:roster",
          lambda s: s.m("volunteering:roster", shift_id=s.volunteering.past_shift_id), persona="carol"),
    # Errors; the 404 page also in English
    # Fine-dust sensors
    Visit("sensor_list", "sensors:list", lambda s: s.m("sensors:list")),
    Visit("sensor_detail", "sensors:detail", lambda s: s.m("sensors:detail", sensor_id=s.sensor.pk)),
    Visit("sensor_register", "sensors:register", lambda s: s.m("sensors:register"), persona="alice",
          then=lambda page, s: submit(page)),
    Visit("sensor_mine", "sensors:mine", lambda s: s.m("sensors:mine"), persona="alice"),
    Visit("sensor_edit", "sensors:edit", lambda s: s.m("sensors:edit", sensor_id=s.sensor.pk), persona="alice"),
    Visit("sensor_renew_token", "sensors:renew_token",
          lambda s: s.m("sensors:renew_token", sensor_id=s.sensor.pk), persona="alice",
          then=lambda page, s: submit(page, errors=False)),  # the second state: the new token, shown once
    Visit("sensor_remove", "sensors:remove", lambda s: s.m("sensors:remove", sensor_id=s.sensor.pk),
          persona="alice"),
    # The lab workspace (kommune/labs); erin administers the lab and sees its internal items too
    Visit("labs_home", "labs:home", lambda s: s.l("labs:home"), persona="erin"),
    Visit("labs_subproject", "labs:subproject",
          lambda s: s.l("labs:subproject", subproject_id=s.labs.public_subproject_id), persona="erin"),
    Visit("labs_subproject_public", "labs:subproject",
          lambda s: s.l("labs:subproject", subproject_id=s.labs.public_subproject_id)),
    Visit("labs_note", "labs:note", lambda s: s.l("labs:note", subproject_id=s.labs.public_subproject_id,
                                                  note_id=s.labs.public_note_id)),
    Visit("labs_news_list", "labs:news_list", lambda s: s.l("labs:news_list")),
    Visit("labs_news", "labs:news", lambda s: s.l("labs:news", news_id=s.labs.public_news_id), persona="erin"),
    Visit("labs_subproject_create", "labs:subproject_create", lambda s: s.l("labs:subproject_create"),
          persona="erin", then=lambda page, s: submit(page)),
    Visit("labs_subproject_edit", "labs:subproject_edit",
          lambda s: s.l("labs:subproject_edit", subproject_id=s.labs.public_subproject_id), persona="erin"),
    Visit("labs_task_create", "labs:task_create",
          lambda s: s.l("labs:task_create", subproject_id=s.labs.public_subproject_id), persona="erin",
          then=lambda page, s: submit(page)),
    Visit("labs_note_create", "labs:note_create",
          lambda s: s.l("labs:note_create", subproject_id=s.labs.public_subproject_id), persona="erin"),
    Visit("labs_document_create", "labs:document_create",
          lambda s: s.l("labs:document_create", subproject_id=s.labs.public_subproject_id), persona="erin"),
    Visit("labs_responsible_add", "labs:responsible_add",
          lambda s: s.l("labs:responsible_add", subproject_id=s.labs.public_subproject_id), persona="erin"),
    Visit("labs_link_create", "labs:link_create",
          lambda s: s.l("labs:link_create", subproject_id=s.labs.public_subproject_id), persona="erin"),
    Visit("labs_news_create", "labs:news_create", lambda s: s.l("labs:news_create"), persona="erin"),
    Visit("labs_event_create", "labs:event_create", lambda s: s.l("labs:event_create"), persona="erin",
          then=lambda page, s: submit(page)),
    Visit("labs_task_edit", "labs:task_edit",
          lambda s: s.l("labs:task_edit", subproject_id=s.labs.public_subproject_id, task_id=s.labs.public_task_id),
          persona="erin", then=lambda page, s: submit(page, {"title": ""})),
    Visit("labs_task_delete", "labs:task_delete",
          lambda s: s.l("labs:task_delete", subproject_id=s.labs.public_subproject_id,
                        task_id=s.labs.public_task_id), persona="erin"),
    Visit("labs_note_edit", "labs:note_edit",
          lambda s: s.l("labs:note_edit", subproject_id=s.labs.public_subproject_id, note_id=s.labs.public_note_id),
          persona="erin", then=lambda page, s: submit(page, {"title": ""})),
    Visit("labs_note_delete", "labs:note_delete",
          lambda s: s.l("labs:note_delete", subproject_id=s.labs.public_subproject_id,
                        note_id=s.labs.public_note_id), persona="erin"),
    Visit("labs_document_delete", "labs:document_delete",
          lambda s: s.l("labs:document_delete", subproject_id=s.labs.public_subproject_id,
                        document_id=s.labs.public_document_id), persona="erin"),
    Visit("labs_news_edit", "labs:news_edit", lambda s: s.l("labs:news_edit", news_id=s.labs.public_news_id),
          persona="erin", then=lambda page, s: submit(page, {"title": ""})),
    Visit("labs_news_delete", "labs:news_delete", lambda s: s.l("labs:news_delete", news_id=s.labs.public_news_id),
          persona="erin"),
    Visit("labs_internal_404", "", lambda s: s.l("labs:subproject", subproject_id=s.labs.internal_subproject_id),
          status=404),
    Visit("404", "", lambda s: "/gibt-es-nicht/", status=404, then=lambda page, s: _english(page, s)),
    Visit("403", "", lambda s: s.m("manage:dashboard"), persona="alice", status=403),
]

# Routes that render no page of their own, and why.
NOT_PAGES = {
    "labs:news_feed": "an Atom feed",
    "labs:document": "a file download",
    "labs:task_done": "POST-only, redirects to the sub-project",
    "labs:link_remove": "POST-only, redirects to the sub-project",
    "labs:responsible_remove": "POST-only, redirects to the sub-project",
    "labs:set_visibility": "POST-only, redirects to the sub-project",
    "proposals:feed": "an Atom feed",
    "council_pages:calendar_feed": "an iCalendar feed (tests/test_council_pages.py)",
    "proposals:updates_feed": "an Atom feed",
    "proposals:similar": "an htmx fragment inside proposals:create; without JavaScript on proposals:detail",
    "proposals:publish": "POST-only, redirects to the proposal",
    "proposals:support": "POST-only, redirects to the proposal",
    "proposals:withdraw": "POST-only, redirects to the proposal",
    "proposals:manage_signature_scan": "a file download",
    "proposals:image": "an image file, shown on proposals:detail",
    "proposals:attachment": "a file download (or an image file)",
    "sensors:push": "POST-only: the sensor firmware's push, JSON (tests/test_sensors_push.py)",
    "sensors:day_csv": "a CSV download",
    "sensors:datapackage": "JSON (a Frictionless data package)",
    "core:set_language": "POST-only, redirects back",
    "surveys:results_csv": "a CSV download",
    "surveys:vote": "POST-only, redirects to the opinion map",
    "surveys:post_statement": "POST-only; its errors render surveys:map_detail (visit opinion_map_vote)",
    "surveys:manage_publish_survey": "POST-only, redirects to the survey's management page",
    "surveys:manage_publish_map": "POST-only, redirects to the opinion map's management page",
    "surveys:manage_compute_map": "POST-only, redirects to the opinion map's management page",
    "core:healthz": "JSON for load balancers",
    "accounts:logout": "POST-only, redirects to the start page",
    "accounts:join_municipality": "POST-only, redirects to the profile",
    "accounts:export": "a JSON download",
    "manage:feedback_handled": "POST-only, redirects to the feedback list",
    "manage_accounts:letter_code_batch_csv": "a CSV download",
    "processes:feed": "an Atom feed",
    "processes:news_feed": "an Atom feed",
    "notifications:municipality_feed": "an Atom feed",
    "processes:activity_feed": "an Atom feed",
    "processes:manage_publish": "POST-only, redirects to the list",
    "processes:manage_unpublish": "POST-only, redirects to the list",
    "comments:react": "POST-only, redirects back (or the buttons again, for htmx)",
    "moderation:hide": "POST-only; its errors show on moderation:comment",
    "moderation:unhide": "POST-only; its errors show on moderation:comment",
    "moderation:block_author": "POST-only; its errors show on moderation:comment",
    "moderation:hide_contribution": "POST-only; its errors show on moderation:contribution",
    "moderation:unhide_contribution": "POST-only; its errors show on moderation:contribution",
    "notifications:follow": "POST-only, redirects back",
    "notifications:mark_all_read": "POST-only, redirects to the inbox",
    "notifications:mark_read": "POST-only, redirects to the inbox",
    "opendata:resource_download": "a file download",
    "opendata:manage_publish": "POST-only, redirects to the list",
    "opendata:manage_unpublish": "POST-only, redirects to the list",
    "core:logo": "an image file, shown on core:municipality_home",
    "adoptions:adopt": "POST-only; its errors show on adoptions:asset",
    "adoptions:adopt_assisted": "POST-only; its errors show on adoptions:asset",
    "adoptions:care_assisted": "POST-only; its errors show on adoptions:asset (adoption_assisted)",
    "adoptions:care": "POST-only; its errors show on adoptions:asset",
    "adoptions:end": "POST-only, redirects to adoptions:asset",
    "adoptions:photo": "an image file, shown on adoptions:asset",
    "codesign:manage_publish": "POST-only, redirects to codesign:manage_service",
    "codesign:manage_add_step": "POST-only; its errors show on codesign:manage_service (visited with them)",
    "codesign:manage_remove_step": "POST-only, redirects to codesign:manage_service",
    "codesign:manage_add_theme": "POST-only; its errors show on codesign:manage_feedback",
    "codesign:manage_assign_theme": "POST-only, redirects to codesign:manage_feedback",
    "projects:feed": "an Atom feed",
    "projects:project_feed": "an Atom feed",
    "projects:manage_delete_milestone": "POST-only, redirects to projects:manage_milestones",
    "projects:manage_remove_funding": "POST-only, redirects to projects:manage_funding",
    "projects:manage_unlink": "POST-only, redirects to projects:manage_links",
    "consultations:considerations_file": "a file download (CSV, ODS, XLSX, PDF)",
    "consultations:comment": "POST-only; its errors show on consultations:paragraph (visited with one)",
    "consultations:manage_publish_considerations": "POST-only; its errors show on manage_considerations",
    "processes:manage_evaluation_csv": "a zip download",
    "processes:manage_evaluation_xlsx": "an XLSX download",
    "ckan:action": "JSON for CKAN clients (tests/test_ckan_api.py)",
    "ckan:action_unversioned": "JSON for CKAN clients (tests/test_ckan_api.py)",
    **{f"dcat:{name}": "RDF for harvesters (tests/test_dcat.py)" for name in (
        "catalogue", "catalogue_ttl", "catalogue_rdf", "catalogue_jsonld",
        "municipality", "municipality_ttl", "municipality_rdf", "municipality_jsonld")},
    "inclusion:ics": "an iCalendar feed (tests/test_inclusion_ical.py)",
    "inclusion:partner_ics": "an iCalendar feed (tests/test_inclusion_ical.py)",
    "inclusion:category_ics": "an iCalendar feed (tests/test_inclusion_ical.py)",
    "inclusion:programme_pdf": "a PDF (tests/test_inclusion_web.py)",
    "inclusion:register_event": "POST-only; its errors show on inclusion:event",
    "inclusion:register_course": "POST-only; its errors show on inclusion:event and inclusion:course",
    "inclusion:participants_csv_event": "a CSV download",
    "inclusion:participants_csv_course": "a CSV download",
    "inclusion:participant_cancel_event": "POST-only, redirects to the participant list",
    "inclusion:participant_cancel_course": "POST-only, redirects to the participant list",
    "volunteering:certificate": "a PDF (tests/test_volunteering_web.py)",
    "volunteering:roster_csv": "a CSV download",
    "volunteering:roster_xlsx": "an XLSX download",
    "volunteering:sign_up": "POST-only; its errors show on volunteering:shift",
    "volunteering:roster_cancel": "POST-only, redirects to volunteering:roster",
    "volunteering:attendance": "POST-only, redirects to volunteering:roster",
}
# Whole URL namespaces that render no page, and why.
NOT_PAGE_NAMESPACES = {
    "council": "the OParl 1.1 server: JSON for council-information clients (tests/test_council_oparl.py)",
}


# --- Issue reports (kommune/reports) ---


def _reports(s: Site):
    """Musterstadt's report categories and reports in several states, built on the first visit that needs them."""
    if not hasattr(s, "reports_data"):
        from kommune.reports import services as report_services
        from tests.factories_reports import DepartmentFactory, api_key, lamp_service

        lamp = lamp_service(s.musterstadt)
        DepartmentFactory(municipality=s.musterstadt, name="Tiefbauamt")
        alice, carol = s.people["alice"], s.people["carol"]
        report = report_services.do_create_report(
            municipality=s.musterstadt, service=lamp, description="Die Laterne vor der Schule ist dunkel.",
            address="Lindenstraße 14", latitude="51.961850", longitude="7.624310", attributes={"zustand": "dunkel"},
            reporter=alice, actor=alice)
        duplicate = report_services.do_create_report(
            municipality=s.musterstadt, service=lamp, description="Dunkel an der Schule.", address="Lindenstraße",
            attributes={"zustand": "dunkel"}, reporter=alice, actor=alice)
        report_services.do_merge_report(report=duplicate, actor=carol, into=report)
        report_services.do_change_status(report=report, actor=carol, status="in_progress", note="Beauftragt.")
        api_key(s.musterstadt, "o311_axe-schluessel")
        s.reports_data = SimpleNamespace(lamp=lamp, report=report, duplicate=duplicate)
    return s.reports_data


def _r(s: Site, name: str, **kwargs) -> str:
    _reports(s)
    return s.m(name, **kwargs)


def _report_status_errors(page, s) -> None:
    form = page.locator("main form.form-stack").first
    form.locator("select[name=status-status]").select_option("closed")
    form.locator("[name=status-note]").fill("")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    assert page.locator("#error-summary").count() > 0


def _report_similar(page, s) -> None:
    form = page.locator("main form.form-stack").first
    for name, value in {"description": "Auch hier dunkel.", "latitude": "51.961860", "longitude": "7.624320"}.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=attr_zustand]").first.check()
    # Submitted by script: the map shows its "Remove the point" button when the point is typed in, which moves the
    # send button under the pointer.
    with page.expect_navigation():
        form.evaluate("form => form.requestSubmit()")
    assert "Lindenstraße 14" in page.content()


VISITS += [
    Visit("report_list", "reports:list", lambda s: _r(s, "reports:list")),
    Visit("report_list_bad_cursor", "reports:list", lambda s: _r(s, "reports:list") + "?cursor=kaputt", status=400),
    Visit("report_detail", "reports:detail", lambda s: _r(s, "reports:detail", issue_id=_reports(s).report.pk)),
    Visit("report_duplicate", "reports:detail",
          lambda s: _r(s, "reports:detail", issue_id=_reports(s).duplicate.pk), persona="alice"),
    Visit("report_choose", "reports:choose", lambda s: _r(s, "reports:choose"), persona="alice"),
    Visit("report_create", "reports:create", lambda s: _r(s, "reports:create", service_code=_reports(s).lamp.code),
          persona="alice", then=lambda page, s: submit(page)),
    Visit("report_similar", "reports:create",
          lambda s: _r(s, "reports:create", service_code=_reports(s).lamp.code), persona="alice",
          then=_report_similar),
    Visit("manage_reports", "reports:manage", lambda s: _r(s, "reports:manage") + "?overdue=on", persona="carol"),
    Visit("manage_report", "reports:manage_report",
          lambda s: _r(s, "reports:manage_report", issue_id=_reports(s).report.pk), persona="carol",
          then=_report_status_errors),
    Visit("manage_report_assisted_choose", "reports:manage_assisted_choose",
          lambda s: _r(s, "reports:manage_assisted_choose"), persona="carol"),
    Visit("manage_report_assisted", "reports:manage_assisted",
          lambda s: _r(s, "reports:manage_assisted", service_code=_reports(s).lamp.code), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("manage_report_settings", "reports:manage_settings", lambda s: _r(s, "reports:manage_settings"),
          persona="carol", then=lambda page, s: submit(page, {"answer_days": "0"})),
    Visit("manage_report_keys", "reports:manage_keys", lambda s: _r(s, "reports:manage_keys"), persona="carol",
          then=lambda page, s: submit(page)),
]
# --- Newsletters (kommune/newsletters) ---


def _newsletters(s: Site):
    from tests.factories_newsletters import newsletter_world

    if not hasattr(s, "newsletters"):
        s.newsletters = newsletter_world(s.musterstadt)
    return s.newsletters


def _n(s: Site, name: str, **kwargs) -> str:
    _newsletters(s)
    return s.m(name, **kwargs)


VISITS += [
    Visit("newsletter_archive", "newsletters:archive", lambda s: _n(s, "newsletters:archive")),
    Visit("newsletter_archive_bad_cursor", "newsletters:archive",
          lambda s: _n(s, "newsletters:archive") + "?cursor=kaputt", status=400),
    Visit("newsletter_issue", "newsletters:issue",
          lambda s: _n(s, "newsletters:issue", newsletter_id=_newsletters(s).newsletter_id)),
    Visit("newsletter_print", "newsletters:print",
          lambda s: _n(s, "newsletters:print", newsletter_id=_newsletters(s).newsletter_id)),
    Visit("newsletter_subscribe", "newsletters:subscribe", lambda s: _n(s, "newsletters:subscribe"),
          then=lambda page, s: submit(page, {"email": "keine-adresse"})),
    Visit("newsletter_confirm", "newsletters:confirm",
          lambda s: _n(s, "newsletters:confirm", token=_newsletters(s).confirm_token)),
    Visit("newsletter_confirm_bad_link", "newsletters:confirm",
          lambda s: _n(s, "newsletters:confirm", token="kaputt"), status=404),
    Visit("newsletter_unsubscribe", "newsletters:unsubscribe",
          lambda s: _n(s, "newsletters:unsubscribe", token=_newsletters(s).unsubscribe_token)),
    Visit("newsletter_unsubscribe_bad_link", "newsletters:unsubscribe",
          lambda s: _n(s, "newsletters:unsubscribe", token="kaputt"), status=404),
    Visit("manage_newsletters", "newsletters:manage", lambda s: _n(s, "newsletters:manage"), persona="carol"),
    Visit("manage_newsletter_create", "newsletters:create", lambda s: _n(s, "newsletters:create"),
          persona="carol", then=lambda page, s: submit(page, {"title": ""})),
    Visit("manage_newsletter_draft", "newsletters:edit",
          lambda s: _n(s, "newsletters:edit", newsletter_id=_newsletters(s).draft_id), persona="carol"),
    Visit("manage_newsletter_sent", "newsletters:edit",
          lambda s: _n(s, "newsletters:edit", newsletter_id=_newsletters(s).newsletter_id), persona="carol"),
    Visit("manage_newsletter_subscriber", "newsletters:enter_subscriber",
          lambda s: _n(s, "newsletters:enter_subscriber"), persona="carol",
          then=lambda page, s: submit(page, {"email": "kaputt"})),
    Visit("manage_newsletter_districts", "newsletters:districts", lambda s: _n(s, "newsletters:districts"),
          persona="carol", then=lambda page, s: submit(page, {"name": ""})),
    Visit("manage_newsletter_bounces", "newsletters:bounces", lambda s: _n(s, "newsletters:bounces"),
          persona="carol", then=lambda page, s: submit(page, {"addresses": "keine-adresse"})),
]
NOT_PAGES.update({
    "newsletters:pdf": "a PDF (tests/test_newsletters.py)",
    "newsletters:send": "POST-only, redirects to newsletters:edit",
})

NOT_PAGES.update({
    "reports:photo": "an image file, shown on reports:detail",
    "reports:manage_revoke_key": "POST-only, redirects to reports:manage_keys",
})
NOT_PAGE_NAMESPACES["open311"] = "Open311 GeoReport v2: XML and JSON for clients (tests/test_reports_open311.py)"


# --- The methods library (kommune/methods) ---


def _methods(s: Site):
    """A method of Musterstadt (two versions, used in the process), a lab's method and a template, built once."""
    if not hasattr(s, "methods_data"):
        from kommune.methods import services as method_services
        from tests.factories_methods import METHOD_TEXT, method_of, template_of

        method = method_of(s.musterstadt, title="Co-Design-Workshop")
        method_services.do_set_process_methods(process=s.process, actor=s.people["carol"], methods=[method])
        lab_method = method_services.do_create_method(author=s.lab, actor=s.people["erin"], title="Service Journey",
                                                      **METHOD_TEXT)
        s.methods_data = SimpleNamespace(method=method, lab_method=lab_method,
                                         template=template_of(s.musterstadt, method=method))
    return s.methods_data


def _mt(s: Site, name: str, **kwargs) -> str:
    _methods(s)
    return s.url(name, **kwargs)


def _ms(s: Site) -> str:
    return _methods(s).method.slug


VISITS += [
    Visit("methods_library", "methods:library", lambda s: _mt(s, "methods:library") + "?q=Workshops"),
    Visit("methods_library_bad", "methods:library", lambda s: _mt(s, "methods:library") + "?perspective=x",
          status=400),
    Visit("method", "methods:method", lambda s: _mt(s, "methods:method", method_slug=_ms(s))),
    Visit("method_history", "methods:history", lambda s: _mt(s, "methods:history", method_slug=_ms(s))),
    Visit("method_version", "methods:version", lambda s: _mt(s, "methods:version", method_slug=_ms(s), number=1)),
    Visit("method_templates", "methods:templates", lambda s: _mt(s, "methods:templates")),
    Visit("method_template", "methods:template",
          lambda s: _mt(s, "methods:template", template_id=_methods(s).template.pk), persona="carol"),
    Visit("methods_municipality", "methods:municipality", lambda s: _methods(s) and s.m("methods:municipality")),
    Visit("methods_manage", "methods:manage", lambda s: _methods(s) and s.m("methods:manage"), persona="carol"),
    Visit("method_create", "methods:create", lambda s: s.m("methods:create"), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("method_edit", "methods:edit", lambda s: s.m("methods:edit", method_slug=_ms(s)), persona="carol",
          then=lambda page, s: submit(page, {"title": ""})),
    Visit("method_process", "methods:process_methods", lambda s: _methods(s) and s.p("methods:process_methods"),
          persona="carol"),
    Visit("method_publish_template", "methods:publish_template", lambda s: s.m("methods:publish_template"),
          persona="carol", then=lambda page, s: submit(page)),
    Visit("method_copy_template", "methods:copy_template",
          lambda s: s.m("methods:copy_template", template_id=_methods(s).template.pk), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("method_lab_create", "methods:lab_create", lambda s: s.l("methods:lab_create"), persona="erin",
          then=lambda page, s: submit(page)),
    Visit("method_lab_edit", "methods:lab_edit",
          lambda s: s.l("methods:lab_edit", method_slug=_methods(s).lab_method.slug), persona="erin"),
]
NOT_PAGES["methods:library_file"] = "a CSV or JSON download (tests/test_methods.py)"

# --- Openness: self-assessment and annual report (kommune/openness) ---


def _openness(s: Site):
    """Two closed rounds of Musterstadt (2024, 2025, shared with the lab), this year's open round, the report of
    2025 and the lab's; built on the first visit that needs them."""
    if not hasattr(s, "openness_data"):
        from kommune.openness import services as openness
        from tests.factories_openness import answered_round, by_perspective, uniform

        carol, bob, erin = s.people["carol"], s.people["bob"], s.people["erin"]
        answered_round(s.musterstadt, 2024, carol, {carol: uniform(2), bob: uniform(3), erin: uniform(2)})
        answered_round(s.musterstadt, 2025, carol, {carol: by_perspective({"dialogue": 5}), bob: uniform(4),
                                                    erin: uniform(3)}, shared=True)
        current = openness.do_open_round(municipality=s.musterstadt, actor=carol, year=timezone.localdate().year)
        openness.do_answer_round(round=current, actor=bob, ratings=uniform(3))
        openness.do_publish_report(tenant=s.musterstadt, actor=carol, year=2025)
        openness.do_publish_report(tenant=s.lab, actor=erin, year=2025)
        s.openness_data = SimpleNamespace(current=current.year)
    return s.openness_data


def _o(s: Site, name: str, **kwargs) -> str:
    _openness(s)
    return s.m(name, **kwargs)


def _ol(s: Site, name: str, **kwargs) -> str:
    _openness(s)
    return s.l(name, **kwargs)


VISITS += [
    Visit("openness_reports", "openness:reports", lambda s: _o(s, "openness:reports")),
    Visit("openness_report", "openness:report", lambda s: _o(s, "openness:report", year="2025")),
    Visit("manage_openness", "openness:manage", lambda s: _o(s, "openness:manage"), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("openness_questionnaire", "openness:questionnaire",
          lambda s: _o(s, "openness:questionnaire", year=str(_openness(s).current)), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("openness_questionnaire_closed", "openness:questionnaire",
          lambda s: _o(s, "openness:questionnaire", year="2025"), persona="bob"),
    Visit("openness_result", "openness:result", lambda s: _o(s, "openness:result", year="2025"), persona="carol"),
    Visit("openness_result_open", "openness:result",
          lambda s: _o(s, "openness:result", year=str(_openness(s).current)), persona="bob"),
    Visit("lab_openness", "openness:lab_manage", lambda s: _ol(s, "openness:lab_manage"), persona="erin",
          then=lambda page, s: submit(page, form="main form[action$='bericht/']")),
    Visit("lab_openness_bad_year", "openness:lab_manage", lambda s: _ol(s, "openness:lab_manage") + "?jahr=1999",
          persona="erin", status=400),
    Visit("lab_openness_reports", "openness:lab_reports", lambda s: _ol(s, "openness:lab_reports")),
    Visit("lab_openness_report", "openness:lab_report", lambda s: _ol(s, "openness:lab_report", year="2025")),
]
NOT_PAGES.update({
    "openness:open_round": "POST-only; its errors show on openness:manage (visit manage_openness)",
    "openness:publish_report": "POST-only; its errors show on openness:manage",
    "openness:lab_publish_report": "POST-only; its errors show on openness:lab_manage (visit lab_openness)",
    "openness:close_round": "POST-only, redirects to openness:result",
    "openness:sharing": "POST-only, redirects to openness:result",
    "openness:report_pdf": "a PDF (tests/test_openness_report.py)",
    "openness:lab_report_pdf": "a PDF (tests/test_openness_report.py)",
})


def _english(page, site) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.url}])
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"


PERSONAS = sorted({visit.persona or "anonymous" for visit in VISITS})


# One test per persona, one subtest per visit: the data is built and the database emptied once per persona,
# which keeps the suite fast (on PostgreSQL, emptying the tables after a live-server test is the slow part).
@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_have_no_axe_violations(persona, page, site, log_in, subtests):
    enable_axe(page.context)
    walk_visits(persona, page, site, log_in, subtests, check=lambda response, label: assert_accessible(page, label))


def walk_visits(persona, page, site, log_in, subtests, *, check) -> None:
    """Open each visit of ``persona`` (as a subtest, logged in afresh) and ``check(response, label)`` it, and its
    second state where it has one (``response`` None); shared by the axe walk and the CSP walk."""
    for visit in VISITS:
        if (visit.persona or "anonymous") != persona:
            continue
        with subtests.test(msg=visit.id):
            page.context.clear_cookies()
            if visit.persona:
                log_in(site.people[visit.persona])
            response = page.goto(visit.url(site))
            assert response.status == visit.status, f"{visit.id}: {page.url} answered {response.status}"
            check(response, visit.id)
            if visit.then:
                visit.then(page, site)
                check(None, f"{visit.id}, second state")


DUPLICATE_IDS = """() => {
    const count = {};
    document.querySelectorAll("[id]").forEach(e => { count[e.id] = (count[e.id] || 0) + 1; });
    return Object.keys(count).filter(id => count[id] > 1);
}"""


def assert_accessible(page, label: str) -> None:
    assert_styled(page)
    violations = axe_violations(page)
    assert not violations, f"{label} ({page.url}) has {len(violations)} axe violation(s):\n" + \
        format_violations(violations)
    # WCAG 2.1 4.1.1: axe 4.x only reports duplicate ids as "needs review", yet a label or aria-describedby that
    # points at a duplicated id describes the wrong element (two forms with a field of the same name).
    duplicates = page.evaluate(DUPLICATE_IDS)
    assert not duplicates, f"{label} ({page.url}) repeats the id(s) {duplicates}"


def test_the_500_page_has_no_axe_violations(page):
    # No route fails on purpose, so the page is rendered here and shown on the live server's origin. axe comes
    # with the document, as the policy of that origin refuses a script added to the page (add_script_tag).
    enable_axe(page.context)
    page.goto("/")
    page.set_content(render_to_string("errors/500.html"), wait_until="load")
    loaded = page.evaluate("[...document.styleSheets].filter(s => s.href && s.cssRules.length).length")
    assert loaded, "the 500 page's KERN stylesheet did not load"
    violations = axe_violations(page)
    assert not violations, "the 500 page:\n" + format_violations(violations)


def test_every_html_route_is_visited():
    from tests.test_routes import ROUTES

    visited = {visit.route for visit in VISITS}
    missing = sorted(r.name for r in ROUTES if r.name not in visited and r.name not in NOT_PAGES
                     and r.name.split(":")[0] not in NOT_PAGE_NAMESPACES)
    assert not missing, f"routes without an axe visit in tests/browser/test_accessibility.py: {missing}"


# path -> the persona who opens it (None: anonymous)
REFLOW_PAGES = {
    "/": None,
    "/konto/registrieren/": None,
    "/musterstadt/": None,
    "/musterstadt/verfahren/marktplatz/": None,
    "/musterstadt/verwaltung/rollen/": "erin",
}


def test_reflow_at_320_css_pixels(page, site, log_in, subtests):
    page.set_viewport_size({"width": 320, "height": 640})
    for path, persona in REFLOW_PAGES.items():
        with subtests.test(msg=path):
            page.context.clear_cookies()
            if persona:
                log_in(site.people[persona])
            page.goto(path)
            assert_styled(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 320.5 && !e.closest('.table-scroll'))
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""")
            assert width <= 320, f"{path} scrolls horizontally at 320 px (scrollWidth {width}); too wide: {wide}"


def _impact(s: Site, name: str, **kwargs) -> str:
    """Musterstadt's public impact model with an entered indicator (four months of values) and a measured one,
    built on the first visit that needs it."""
    if not hasattr(s, "impact_model"):
        from datetime import date

        from kommune.impact import services as impact_services

        carol = s.people["carol"]
        s.impact_model = impact_services.do_save_model(
            municipality=s.musterstadt, actor=carol, title="Digitale Teilhabe im Alter", is_public=True,
            summary="Ältere Menschen nutzen digitale Angebote sicher.")
        entered = impact_services.do_add_indicator(actor=carol, model=s.impact_model, level="inputs",
                                                   source="entered", title="Digitalbegleiter", target_value="25")
        for month, value in ((1, 12), (2, 14), (3, 1234.5), (4, 19)):
            impact_services.do_enter_value(actor=carol, indicator=entered, value=value, source="Einsatzliste",
                                           measured_on=date(2026, month, 10))
        impact_services.do_add_indicator(actor=carol, model=s.impact_model, level="impact", source="measured",
                                         measured_key="core.participants", target_value="50")
        impact_services.do_snapshot_model(model=s.impact_model, months=3)
    if "model_id" in kwargs:
        kwargs["model_id"] = s.impact_model.pk
    return s.m(name, **kwargs)


def _lab_impact(s: Site) -> str:
    """The lab's page with its impact section: Musterstadt's model (above) as a model of the lab."""
    from kommune.impact import services as impact_services

    _impact(s, "impact:list")
    model = s.impact_model
    if model.lab_id is None:
        impact_services.do_save_model(municipality=s.musterstadt, actor=s.people["carol"], model=model,
                                      title=model.title, summary=model.summary, is_public=True, lab=s.lab)
    return s.l("labs:home")


VISITS += [
    Visit("labs_home_impact", "labs:home", _lab_impact),
    Visit("impact_list", "impact:list", lambda s: _impact(s, "impact:list")),
    Visit("impact_detail", "impact:detail", lambda s: _impact(s, "impact:detail", model_id=0)),
    Visit("impact_manage_list", "impact:manage_list", lambda s: _impact(s, "impact:manage_list"), persona="carol"),
    Visit("impact_new", "impact:new", lambda s: _impact(s, "impact:new"), persona="carol",
          then=lambda page, s: submit(page)),
    Visit("impact_edit", "impact:edit", lambda s: _impact(s, "impact:edit", model_id=0), persona="carol",
          then=lambda page, s: submit(page, {"indicator-title": ""}, form="main form.form-stack >> nth=-1")),
]
NOT_PAGES.update({
    "impact:step": "POST-only, redirects to impact:edit",
    "impact:indicator_add": "POST-only; its errors show on impact:edit",
    "impact:value": "POST-only; its errors show on impact:edit",
    "impact:indicator_delete": "POST-only, redirects to impact:edit",
    "impact:snapshot": "POST-only, redirects to impact:detail",
})
