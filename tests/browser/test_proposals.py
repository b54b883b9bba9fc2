"""Citizen proposals with the keyboard only: a verified resident writes a proposal, is shown a similar one while
typing, sets the place on the map, previews and publishes; another resident supports it."""

import pytest
from django.urls import reverse

from kommune.accounts.models import Residency
from kommune.proposals import services
from kommune.proposals.models import Proposal, ProposalSettings
from tests.factories import MembershipFactory, UserFactory
from tests.factories_proposals import ProposalSettingsFactory

pytestmark = pytest.mark.browser

FOCUSED = "() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 160) : ''; }"


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    target = page.locator(selector).first
    target.wait_for(state="attached")
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus; the focus is on {page.evaluate(FOCUSED)}")


def verified(municipality, name: str):
    user = UserFactory(display_name=name, email=f"{name.lower()}@example.org")
    MembershipFactory(municipality=municipality, user=user)
    Residency.objects.create(user=user, municipality=municipality, method=Residency.Method.COUNTER)
    return user


def test_a_resident_writes_and_publishes_a_proposal_and_another_supports_it_with_the_keyboard(page, log_in,
                                                                                              musterstadt):
    ProposalSettingsFactory(municipality=musterstadt, supporters=ProposalSettings.Supporters.VERIFIED)
    writer, supporter = verified(musterstadt, "Wilma"), verified(musterstadt, "Sami")
    other = verified(musterstadt, "Olga")
    similar = services.do_create_proposal(municipality=musterstadt, author=other, title="Spielplatz im Park sanieren",
                                          text="Die Schaukel ist kaputt.")
    services.do_publish_proposal(proposal=similar, actor=other)
    log_in(writer)

    page.goto(reverse("proposals:create", kwargs={"municipality_slug": musterstadt.slug}))
    tab_to(page, "#id_title")
    page.keyboard.type("Spielplätze sanieren")
    hint = page.locator("#similar-proposals")
    hint.get_by_role("link", name="Spielplatz im Park sanieren").wait_for()
    assert hint.locator(f"form[action$='/{similar.pk}/unterstuetzen/'] button").count() == 1  # support instead
    tab_to(page, "#id_text")
    page.keyboard.type("Die Spielgeräte an der Grundschule sind kaputt.")
    tab_to(page, "#map-picker")
    page.keyboard.press("Enter")
    assert page.input_value("#id_latitude") and page.input_value("#id_longitude")
    assert page.locator("#map-picker-status").inner_text()
    tab_to(page, "button[name=action][value=preview]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    proposal = Proposal.objects.get(author=writer)
    assert proposal.state == Proposal.State.DRAFT and proposal.latitude is not None
    assert page.locator(".similar-proposals").get_by_role("link", name="Spielplatz im Park sanieren").count() == 1
    tab_to(page, "form[action$='/veroeffentlichen/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.COLLECTING
    assert page.locator(".kern-alert--success").count() == 1

    page.context.clear_cookies()
    log_in(supporter)
    page.goto(proposal.get_absolute_url())
    tab_to(page, "form[action$='/unterstuetzen/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    proposal.refresh_from_db()
    assert proposal.online_supports == 1
    assert page.locator(".kern-alert--success").count() == 1
    assert page.locator("form[action$='/zurueckziehen/'] button").count() == 1
