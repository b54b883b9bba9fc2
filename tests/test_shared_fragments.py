"""Shared fragments of personal pages (kommune/core/pagecache.py, ``{% shared %}``) and the URL resolver's memory
(kommune/core/resolver.py): logged-in visitors get the parts that are the same for everyone from the cache, each
with their own header and personal marks, and the writes that make the anonymous page stale make them stale too."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, get_resolver, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kommune.core import pagecache
from kommune.core.comments.services import do_post_comment, do_react
from kommune.core.resolver import CachingResolver
from kommune.proposals.services import do_support_proposal
from tests.factories_proposals import ProposalSettingsFactory, published_proposal

pytestmark = pytest.mark.django_db

with translation.override("de"):
    YOU_SUPPORT = str(_("You support this"))  # the personas read German


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def proposal(musterstadt, carol):
    ProposalSettingsFactory(municipality=musterstadt, supporters="registered")
    return published_proposal(musterstadt, author=carol, title="Trinkbrunnen am Bahnhof")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(client: Client, path: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def home(municipality) -> str:
    return reverse("core:municipality_home", kwargs={"municipality_slug": municipality.slug})


def proposal_list(municipality) -> str:
    return reverse("proposals:list", kwargs={"municipality_slug": municipality.slug})


def test_the_home_page_of_a_logged_in_visitor_reuses_what_another_rendered(musterstadt, proposal, alice, bob):
    first, rendering = get(logged_in(alice), home(musterstadt))
    second, reusing = get(logged_in(bob), home(musterstadt))
    assert reusing < rendering
    assert "Trinkbrunnen am Bahnhof" in second
    assert alice.display_name in first and bob.display_name not in first
    assert bob.display_name in second and alice.display_name not in second


def test_each_person_sees_only_their_own_support_in_a_shared_list(musterstadt, proposal, alice, bob):
    do_support_proposal(proposal=proposal, user=alice)
    bobs, _ = get(logged_in(bob), proposal_list(musterstadt))  # renders the shared list
    alices, _ = get(logged_in(alice), proposal_list(musterstadt))  # from the cache, with her mark
    assert "Trinkbrunnen am Bahnhof" in bobs and YOU_SUPPORT not in bobs
    assert alices.count(YOU_SUPPORT) == 1
    anonymous = Client().get(proposal_list(musterstadt)).content.decode()
    assert YOU_SUPPORT not in anonymous and "personal:" not in anonymous


def test_a_support_makes_the_shared_list_fresh_for_everyone(musterstadt, proposal, alice, bob,
                                                             django_capture_on_commit_callbacks):
    before, _ = get(logged_in(bob), proposal_list(musterstadt))
    with django_capture_on_commit_callbacks(execute=True):
        do_support_proposal(proposal=proposal, user=alice)
    after, _ = get(logged_in(bob), proposal_list(musterstadt))
    alices, _ = get(logged_in(alice), proposal_list(musterstadt))
    assert before != after  # the counter moved
    assert YOU_SUPPORT not in after and YOU_SUPPORT in alices


def test_without_the_page_cache_nothing_is_shared(musterstadt, proposal, alice, settings):
    settings.PAGE_CACHE_SECONDS = 0
    get(logged_in(alice), home(musterstadt))  # the header's unread count is kept in the cache from then on
    _, first = get(logged_in(alice), home(musterstadt))
    _, second = get(logged_in(alice), home(musterstadt))
    assert first == second


def test_personal_marks_are_filled_or_removed():
    html = f"<p>{pagecache.personal_mark('support', 3)}{pagecache.personal_mark('support', 4)}" \
           f"{pagecache.personal_mark('unknown', 5)}</p>"
    asked = []

    def supported(ids):
        asked.append(ids)
        return {4: "<b>mine</b>"}

    assert pagecache.fill_personal(html, {"support": supported}) == "<p><b>mine</b></p>"
    assert asked == [[3, 4]]  # one call per kind


def test_the_resolver_remembers_matches_but_not_misses(musterstadt):
    resolver = next(p for p in get_resolver().url_patterns if isinstance(p, CachingResolver))
    path = home(musterstadt)
    first, second = get_resolver().resolve(path), get_resolver().resolve(path)
    assert first.func is second.func and first.kwargs == second.kwargs == {"municipality_slug": musterstadt.slug}
    assert first.url_name == "municipality_home" and first.namespace == "core"
    size = resolver._cached_resolve.cache_info().currsize
    with pytest.raises(Resolver404):
        get_resolver().resolve("/" + "x" * 300 + "/nichts/da/")
    assert resolver._cached_resolve.cache_info().currsize == size


# --- The comment list under a proposal: shared by everyone who may do the same in it ---------------------------


def pressed(html: str, comment_id: int) -> list[str]:
    """The aria-pressed values of the agree and disagree buttons of one comment."""
    block = html.split(f'id="reactions-{comment_id}"', 1)[1].split("</form>", 1)[0]
    return re.findall(r'aria-pressed="(true|false)"', block)


def proposal_detail(proposal) -> str:
    return reverse("proposals:detail", kwargs={"municipality_slug": proposal.municipality.slug,
                                               "proposal_id": proposal.pk})


def test_each_person_sees_their_own_reactions_in_a_shared_comment_list(proposal, alice, bob, carol, erin):
    comment = do_post_comment(actor=carol, target=proposal, text="Bitte mit Trinkwasser aus der Leitung")
    do_react(actor=alice, comment=comment, value=1)
    do_react(actor=bob, comment=comment, value=-1)
    erins, rendering = get(logged_in(erin), proposal_detail(proposal))  # renders the shared list
    alices, reusing = get(logged_in(alice), proposal_detail(proposal))
    bobs, _ = get(logged_in(bob), proposal_detail(proposal))
    assert pressed(erins, comment.pk) == ["false", "false"]
    assert pressed(alices, comment.pk) == ["true", "false"]
    assert 'name="value" value="0"' in alices.split(f'id="reactions-{comment.pk}"', 1)[1][:2000]
    assert "personal:" not in alices + bobs + erins
    assert reusing <= rendering


def test_the_author_of_a_shown_comment_gets_a_list_of_their_own(proposal, alice, carol):
    comment = do_post_comment(actor=carol, target=proposal, text="Bitte mit Trinkwasser aus der Leitung")
    edit = reverse("comments:edit", kwargs={"municipality_slug": proposal.municipality.slug,
                                            "comment_id": comment.pk})
    alices, _ = get(logged_in(alice), proposal_detail(proposal))
    carols, _ = get(logged_in(carol), proposal_detail(proposal))
    assert edit not in alices and f'id="reactions-{comment.pk}"' in alices and pressed(alices, comment.pk)
    assert edit in carols and not pressed(carols, comment.pk)  # no reacting to one's own comment


# --- Every benchmarked page: a second logged-in visitor gets the same page from the shared fragments ------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]+"')
# The pages whose main part comes from a shared fragment without its queries.
SHARED_MAIN = ("municipality home", "proposal list", "digital-help calendar", "consultation (reading view)",
               "consultation: consideration table", "volunteer shifts", "project list", "survey results",
               "issue report list")


@pytest.mark.usefixtures("benchmark_installed")
def test_logged_in_visitors_get_the_same_pages_with_fewer_or_equal_queries(alice, bob):
    from kommune.benchmark.management.commands.bench import PAGES, RESIDENT, generated_city
    from kommune.benchmark.management.commands.generate_city import SCALES, generate

    generate(SCALES["dorf"])
    city = generated_city()
    first_visitor, second_visitor = logged_in(alice), logged_in(bob)
    for page in PAGES:
        if not page.cached or RESIDENT not in page.visitors:
            continue
        path = page.path(city)
        first, rendering = get(first_visitor, path)
        second, reusing = get(second_visitor, path)
        assert reusing < rendering if page.name.startswith(SHARED_MAIN) else reusing <= rendering, page.name
        mine = TOKEN.sub("", first).replace(alice.display_name, "NAME")
        theirs = TOKEN.sub("", second).replace(bob.display_name, "NAME")
        assert mine == theirs, page.name


@pytest.mark.parametrize("name", ["proposals:list", "projects:list", "reports:list"])
def test_a_bad_cursor_gets_its_own_page_before_any_fragment(name, musterstadt, alice):
    path = reverse(name, kwargs={"municipality_slug": musterstadt.slug}) + "?cursor=kaputt"
    for client in (Client(), logged_in(alice)):
        assert client.get(path).status_code == 400
        assert client.get(path).status_code == 400  # not stored either


def agree_count(html: str, comment_id: int) -> str:
    block = html.split(f'id="reactions-{comment_id}"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'reaction-button__count">([0-9.]+)<', block)[0]


def test_a_reaction_renews_the_counts_for_everyone_after_the_commit(proposal, alice, bob, carol,
                                                                    django_capture_on_commit_callbacks):
    comment = do_post_comment(actor=carol, target=proposal, text="Bitte mit Trinkwasser aus der Leitung")
    Client().get(proposal_detail(proposal))  # the anonymous page is stored
    before, _ = get(logged_in(bob), proposal_detail(proposal))  # the shared list is stored
    with django_capture_on_commit_callbacks(execute=True):
        do_react(actor=alice, comment=comment, value=1)
    alices, _ = get(logged_in(alice), proposal_detail(proposal))
    anonymous = Client().get(proposal_detail(proposal)).content.decode()
    assert agree_count(before, comment.pk) == "0"
    assert agree_count(alices, comment.pk) == "1" and pressed(alices, comment.pk) == ["true", "false"]
    counts = anonymous.split(f'id="reactions-{comment.pk}"', 1)[1].split("</p>", 1)[0]
    assert re.search(r": 1 · [^:]+: 0$", counts)  # "Stimme zu: 1 · Stimme nicht zu: 0"


# --- The proposal's page: the proposal and its first comments kept for everyone, the person's parts read --------


def support_count(html: str, proposal) -> str:
    return html.split(f'for="progress-{proposal.pk}">', 1)[1].split(" ", 1)[0]


def test_the_kept_proposal_and_comments_follow_every_write(proposal, alice, bob, carol,
                                                           django_capture_on_commit_callbacks):
    bobs_view = logged_in(bob)
    before, rendering = get(bobs_view, proposal_detail(proposal))
    again, reusing = get(bobs_view, proposal_detail(proposal))
    assert reusing < rendering and TOKEN.sub("", again) == TOKEN.sub("", before)
    with django_capture_on_commit_callbacks(execute=True):
        do_support_proposal(proposal=proposal, user=alice)
        comment = do_post_comment(actor=carol, target=proposal, text="Bitte mit Trinkwasser aus der Leitung")
    after = get(bobs_view, proposal_detail(proposal))[0]
    alices = get(logged_in(alice), proposal_detail(proposal))[0]
    assert (support_count(before, proposal), support_count(after, proposal)) == ("0", "1")
    assert "No comments yet" not in after and f'id="comment-{comment.pk}"' in after
    assert "comments__count\">(1)" in after
    with translation.override("de"):
        you_support = str(_("You support this proposal."))
    assert you_support in alices and you_support not in after


def test_a_kept_proposal_hidden_by_the_moderation_is_gone_for_others_but_shown_to_its_author(
        proposal, alice, bob, carol, django_capture_on_commit_callbacks):
    from kommune.core.moderation.services import do_hide_contribution

    assert alice.pk != proposal.author_id
    get(logged_in(alice), proposal_detail(proposal))  # kept
    with django_capture_on_commit_callbacks(execute=True):
        do_hide_contribution(moderator=bob, target=proposal, reason="Werbung")
    assert logged_in(alice).get(proposal_detail(proposal)).status_code == 410
    authors = logged_in(carol).get(proposal_detail(proposal))
    assert authors.status_code == 200 and "Werbung" in authors.content.decode()


# --- A consultation's pages: the published consultation and the paragraph kept for everyone ---------------------


def test_a_kept_consultation_and_paragraph_follow_a_new_version(musterstadt, alice, bob,
                                                               django_capture_on_commit_callbacks):
    from kommune.consultations import services as consultations
    from kommune.consultations.documents import read_markdown
    from tests.factories_consultations import consultation, paragraph_starting, staff_of

    staff = staff_of(musterstadt)
    running = consultation(musterstadt, staff=staff)
    first = paragraph_starting(running, "(1) Diese Satzung")
    paragraph_path = first.get_absolute_url()
    reading_path = running.get_absolute_url()
    table_path = reverse("consultations:considerations", kwargs={"municipality_slug": musterstadt.slug,
                                                                 "consultation_id": running.pk})
    before = get(logged_in(alice), paragraph_path)[0]
    get(logged_in(bob), reading_path)
    assert "§ 9 Neue Regeln" not in get(logged_in(staff), table_path)[0]
    with django_capture_on_commit_callbacks(execute=True):
        consultations.do_add_version(actor=staff, consultation=running, note="Nach der Anhörung", blocks=read_markdown(
            "# § 1 Geltungsbereich\n\n(1) Neu gefasst für alle Plätze.\n\n"
            "# § 9 Neue Regeln\n\n(1) Hunde an die Leine."))
    after = get(logged_in(alice), paragraph_path)[0]
    reading = get(logged_in(bob), reading_path)[0]
    assert '<option value="§ 9 Neue Regeln">' in get(logged_in(staff), table_path)[0]  # the kept chapter list too
    earlier = "earlier version of the draft"
    with translation.override("de"):
        earlier = str(_("This paragraph belongs to an earlier version of the draft."))
    assert earlier not in before and 'id="comment-form"' in before
    assert earlier in after and 'id="comment-form"' not in after
    assert "Neu gefasst für alle Plätze" in reading


def test_a_draft_consultation_stays_with_the_staff_after_a_kept_public_one(musterstadt, alice):
    from tests.factories_consultations import consultation, staff_of

    staff = staff_of(musterstadt)
    draft = consultation(musterstadt, staff=staff, published=False)
    assert logged_in(alice).get(draft.get_absolute_url()).status_code == 404
    assert logged_in(staff).get(draft.get_absolute_url()).status_code == 200


def test_a_person_who_never_reacted_in_a_thread_costs_no_reaction_query(proposal, alice, carol,
                                                                        django_capture_on_commit_callbacks):
    comment = do_post_comment(actor=carol, target=proposal, text="Bitte mit Trinkwasser aus der Leitung")
    alices = logged_in(alice)
    get(alices, proposal_detail(proposal))
    with CaptureQueriesContext(connection) as queries:
        html = alices.get(proposal_detail(proposal)).content.decode()
    assert pressed(html, comment.pk) == ["false", "false"]
    assert not [q for q in queries.captured_queries if "comments_reaction" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        do_react(actor=alice, comment=comment, value=-1)
    html = alices.get(proposal_detail(proposal)).content.decode()
    assert pressed(html, comment.pk) == ["false", "true"]


def only_the_staff_see(url_name: str, municipality, resident, staff, **kwargs) -> None:
    """A draft's page: a 404 for a resident and the page for the staff, whatever a published one left kept."""
    path = reverse(url_name, kwargs={"municipality_slug": municipality.slug, **kwargs})
    assert logged_in(resident).get(path).status_code == 404
    assert logged_in(staff).get(path).status_code == 200


def test_a_kept_co_design_service_follows_its_changes_and_a_draft_stays_with_the_staff(
        musterstadt, alice, carol, django_capture_on_commit_callbacks):
    from kommune.codesign.services import ServiceInput, do_update_service
    from tests.factories_codesign import service_with_steps

    service = service_with_steps(musterstadt)
    path = reverse("codesign:detail", kwargs={"municipality_slug": musterstadt.slug, "service_id": service.pk})
    assert "Wohnsitz ummelden" in get(logged_in(alice), path)[0]  # kept
    with django_capture_on_commit_callbacks(execute=True):
        do_update_service(service=service, actor=carol, values=ServiceInput(title="Wohnsitz anmelden"))
    assert "Wohnsitz anmelden" in get(logged_in(alice), path)[0]

    only_the_staff_see("codesign:detail", musterstadt, alice, carol,
                       service_id=service_with_steps(musterstadt, published=False).pk)


def test_a_kept_survey_goes_with_its_unpublished_process_and_a_draft_stays_with_the_staff(
        musterstadt, alice, carol, django_capture_on_commit_callbacks):
    from kommune.core.processes.services import do_unpublish_process
    from tests.factories_surveys import survey_with_questions

    survey = survey_with_questions(musterstadt)
    path = reverse("surveys:results", kwargs={"municipality_slug": musterstadt.slug, "survey_id": survey.pk})
    assert "Marktplatz-Befragung" in get(logged_in(alice), path)[0]  # kept
    with django_capture_on_commit_callbacks(execute=True):
        do_unpublish_process(process=survey.process, actor=carol)
    assert logged_in(alice).get(path).status_code == 404

    only_the_staff_see("surveys:results", musterstadt, alice, carol,
                       survey_id=survey_with_questions(musterstadt, published=False).pk)
