"""The first hour in a real browser: the map's markers load (no 404), the map says when its tiles cannot load, and
the header of a 360 × 740 phone screen is one compact row with a menu that opens without any page script."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories_proposals import ProposalSettingsFactory, published_proposal

pytestmark = pytest.mark.browser


def test_map_markers_load_and_the_map_says_when_tiles_fail(page, musterstadt):
    ProposalSettingsFactory(municipality=musterstadt)
    published_proposal(musterstadt, title="Bank am Brunnen", latitude=Decimal("51.962"), longitude=Decimal("7.625"))
    missing = []
    page.on("response", lambda response: missing.append(response.url)
            if response.status == 404 and "/static/leaflet/" in response.url else None)

    page.goto(reverse("proposals:map", kwargs={"municipality_slug": musterstadt.slug}))
    marker = page.locator(".leaflet-marker-icon").first
    marker.wait_for()

    assert page.evaluate("img => img.complete && img.naturalWidth > 0", marker.element_handle())
    assert missing == []
    # The tests' tile server answers 404 (tests/conftest.py), like a tile server out of reach.
    assert "Kartenbilder" in page.locator(".map__offline").inner_text()


def test_the_phone_header_is_one_row_with_a_menu(browser, live_server, musterstadt):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(musterstadt.get_absolute_url())
        header_height = page.locator(".site-header").bounding_box()["height"]
        assert header_height < 0.12 * 740
        assert not page.locator("#site-search-q").is_visible()

        page.get_by_text("Menü").click()

        assert page.locator("#site-search-q").is_visible()
        assert page.get_by_role("link", name="Anmelden").is_visible()
        assert page.locator(".section-nav").get_by_role("link", name="Kontakt").is_visible()
    finally:
        context.close()


def test_the_wide_header_shows_search_and_links_without_a_toggle(page, musterstadt):
    page.goto(musterstadt.get_absolute_url())

    assert page.locator("#site-search-q").is_visible()
    assert page.get_by_role("link", name="Anmelden").is_visible()
    assert not page.locator(".site-menu__toggle").is_visible()
