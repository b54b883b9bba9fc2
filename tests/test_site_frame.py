"""The header and footer rendered once per process (kommune.core.frame): each visitor still sees their own name,
badge, token and address, and a renamed municipality or another language never gets an old header."""

import re
from urllib.parse import quote

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape

from kommune.core import frame
from kommune.core.jinja2 import static_url
from kommune.core.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.factories_notifications import NotificationFactory

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def _no_frames_of_earlier_tests():
    frame._rendered.clear()


def imprint(municipality) -> str:
    return reverse("core:imprint", kwargs={"municipality_slug": municipality.slug})


def header(response) -> str:
    return response.content.decode().split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def footer(response) -> str:
    return response.content.decode().split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]


def test_two_people_in_turn_each_see_their_own_name_and_badge(client, musterstadt, alice):
    bob = UserFactory(display_name="Bob")
    MembershipFactory(user=bob, municipality=musterstadt, role=Role.RESIDENT)
    for _ in range(3):
        NotificationFactory(user=bob)
    client.force_login(alice)
    first = header(client.get(imprint(musterstadt)))
    client.force_login(bob)
    second = header(client.get(imprint(musterstadt)))
    assert "(Alice)" in first and "Bob" not in first and "kern-badge" not in first
    assert "(Bob)" in second and "Alice" not in second
    assert second.count('<span class="kern-label">3</span>') == 2  # the menu's badge and the inbox link's
    assert len(frame._rendered) == 2  # one header for both (no management link for either), one footer


def test_the_header_forms_carry_one_valid_token_of_the_visitor(client, musterstadt, alice):
    client.force_login(alice)
    response = client.get(imprint(musterstadt))
    tokens = TOKEN_RE.findall(header(response))
    assert len(tokens) == 2 and tokens[0] == tokens[1]
    switched = client.post(reverse("core:set_language"), {"language": "en", "csrfmiddlewaretoken": tokens[0],
                                                          "next": imprint(musterstadt)})
    assert switched.status_code == 302
    logged_out = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert logged_out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_get_the_management_link_and_residents_do_not(client, musterstadt, alice, carol):
    dashboard = reverse("manage:dashboard", kwargs={"municipality_slug": musterstadt.slug})
    client.force_login(carol)
    assert dashboard in header(client.get(imprint(musterstadt)))
    client.force_login(alice)
    assert dashboard not in header(client.get(imprint(musterstadt)))


def test_anonymous_visitors_come_back_to_their_own_address(client, musterstadt):
    for path in (imprint(musterstadt), imprint(musterstadt) + "?x=\"><b>&y=1"):
        response = client.get(path)
        own, full_path = header(response), response.wsgi_request.get_full_path()
        assert f'name="next" value="{escape(full_path)}"' in own
        assert f'?next={escape(quote(full_path, safe="/"))}"' in own
        assert "<b>" not in own


def test_a_renamed_municipality_and_another_language_get_their_own_frame(client, musterstadt, alice):
    client.force_login(alice)
    assert "Musterstadt" in header(client.get(imprint(musterstadt)))
    musterstadt.name = "Neustadt am Walde"
    musterstadt.save()
    renamed = client.get(imprint(musterstadt))
    assert "Neustadt am Walde" in header(renamed) and "Musterstadt" not in header(renamed)
    assert "Neustadt am Walde" in footer(renamed)
    client.post(reverse("core:set_language"), {"language": "en", "next": "/",
                                               "csrfmiddlewaretoken": TOKEN_RE.findall(header(renamed))[0]})
    assert "Log out" in header(client.get(imprint(musterstadt)))
    assert "Abmelden" in header(renamed)


def test_a_changed_operator_setting_reaches_the_footer(client, settings):
    settings.OPERATOR_IMPRINT_URL = "https://betreiber.example/impressum"
    assert "https://betreiber.example/impressum" in footer(client.get(reverse("core:start")))
    settings.OPERATOR_IMPRINT_URL = "https://anderer-betreiber.example/impressum"
    assert "https://anderer-betreiber.example/impressum" in footer(client.get(reverse("core:start")))


def test_every_form_of_a_page_carries_the_header_token_and_it_is_accepted(musterstadt, alice):
    from django.test import Client

    from kommune.proposals.models import Support
    from tests.factories_proposals import ProposalSettingsFactory, published_proposal

    ProposalSettingsFactory(municipality=musterstadt, supporters="registered")
    proposal = published_proposal(musterstadt, title="Trinkbrunnen am Bahnhof")
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    html = client.get(proposal.get_absolute_url()).content.decode()
    tokens = TOKEN_RE.findall(html)
    assert len(tokens) >= 4 and len(set(tokens)) == 1  # the header's two forms, the support box, the comment form
    support = reverse("proposals:support", kwargs={"municipality_slug": musterstadt.slug, "proposal_id": proposal.pk})
    assert client.post(support, {"csrfmiddlewaretoken": tokens[0]}).status_code == 302
    assert Support.objects.filter(proposal=proposal, user=alice).exists()


def test_static_addresses_are_worked_out_once_and_follow_a_changed_setting(settings):
    assert static_url("kommune/site.css") == static("kommune/site.css")
    settings.STATIC_URL = "/anderswo/"
    assert static_url("kommune/site.css") == "/anderswo/kommune/site.css"
