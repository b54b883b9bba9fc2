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

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
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
        self.add_sensors(musterstadt, alice)
        from kommune.core.api.services import do_create_access_token

        self.access_token, _secret = do_create_access_token(user=alice, name="Ratsinfo-App", scope="read")

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
    Visit("lab_home", "core:lab_home", lambda s: s.l("core:lab_home")),
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
    Visit("404", "", lambda s: "/gibt-es-nicht/", status=404, then=lambda page, s: _english(page, s)),
    Visit("403", "", lambda s: s.m("manage:dashboard"), persona="alice", status=403),
]

# Routes that render no page of their own, and why.
NOT_PAGES = {
    "proposals:feed": "an Atom feed",
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
    "ckan:action": "JSON for CKAN clients (tests/test_ckan_api.py)",
    "ckan:action_unversioned": "JSON for CKAN clients (tests/test_ckan_api.py)",
    **{f"dcat:{name}": "RDF for harvesters (tests/test_dcat.py)" for name in (
        "catalogue", "catalogue_ttl", "catalogue_rdf", "catalogue_jsonld",
        "municipality", "municipality_ttl", "municipality_rdf", "municipality_jsonld")},
}
# Whole URL namespaces that render no page, and why.
NOT_PAGE_NAMESPACES = {
    "council": "the OParl 1.1 server: JSON for council-information clients (tests/test_council_oparl.py)",
}


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
