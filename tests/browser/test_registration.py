"""The registration journey end to end, with the keyboard only: no clicks, no mouse."""

import re

import pytest

from kommune.accounts.models import User
from kommune.core.models import Membership, Role

pytestmark = pytest.mark.browser

MAX_TABS = 40
# What the focused element is, in words a failure message can show.
DESCRIBE_FOCUS = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return {tag: "body", text: "", name: "", value: "", cls: ""};
    return {tag: e.tagName.toLowerCase(), text: (e.innerText || "").trim(), name: e.getAttribute("name") || "",
            value: e.value || "", cls: e.className || "", href: e.getAttribute("href") || ""};
}"""


def focused(page) -> dict:
    return page.evaluate(DESCRIBE_FOCUS)


def tab_to(page, matches, what: str, *, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches; fail with the path the focus took."""
    path = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        element = focused(page)
        path.append(f"{element['tag']}[{element['name'] or element['text'][:30]}]")
        if matches(element):
            return element
    pytest.fail(f"Tab never reached {what}; the focus went: {' → '.join(path)}")


def press_and_wait(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_register_confirm_and_log_out_with_the_keyboard(page, live_server, musterstadt, mailoutbox):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "de"

    # The skip link is the first thing the keyboard reaches, and it moves the focus to the main content.
    page.keyboard.press("Tab")
    first = focused(page)
    assert "skip-link" in first["cls"] and first["text"] == "Zum Hauptinhalt springen", first
    assert page.locator(".skip-link").is_visible(), "the skip link must become visible when focused"
    page.keyboard.press("Enter")
    # A fragment link moves the page without a load event; on a busy machine the hash can lag the key press.
    page.wait_for_function("location.hash === '#main'", timeout=5000)
    assert page.url.endswith("#main")
    assert page.evaluate("document.activeElement.id") == "main"

    # Back from the main content into the header, to "Registrieren".
    tab_to(page, lambda e: e["tag"] == "a" and e["text"] in ("Registrieren", "Register"), "the Register link",
           backwards=True)
    press_and_wait(page, "Enter")
    assert page.url.endswith("/konto/registrieren/")

    tab_to(page, lambda e: e["name"] == "email", "the e-mail field")
    page.keyboard.type("Neu@Example.org")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "display_name", "the public name follows the e-mail address"
    page.keyboard.type("Nele Neu")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type("lange-sichere-passphrase-42")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "municipality"
    page.keyboard.type("Musterstadt")  # type-ahead in the closed select
    assert focused(page)["value"] == str(musterstadt.pk)
    tab_to(page, lambda e: e["name"] == "accept_privacy", "the privacy checkbox")
    page.keyboard.press("Space")
    assert page.locator("input[name=accept_privacy]").is_checked()
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Konto anlegen", "the submit button")
    press_and_wait(page, "Enter")
    assert page.url.endswith("/konto/registrieren/fertig/"), page.url
    assert "neu@example.org" in page.locator("main").inner_text()

    user = User.objects.get(email="neu@example.org")
    assert user.email_confirmed_at is None
    assert Membership.objects.filter(user=user, municipality=musterstadt, role=Role.RESIDENT).exists()

    # The confirmation link from the e-mail (the live server runs in this process; mail goes to locmem).
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["neu@example.org"]
    link = re.search(r"https?://\S+/konto/bestaetigen/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    path = re.sub(r"^https?://[^/]+", "", link.group(0))
    page.goto(live_server.url + path)

    assert page.url.endswith("/konto/"), page.url
    assert page.locator("h1").inner_text() == "Mein Konto"
    assert "Ihre E-Mail-Adresse ist bestätigt" in page.locator("main [role=status]").inner_text()
    user.refresh_from_db()
    assert user.email_confirmed_at is not None

    # Log out with the keyboard: the button in the header.
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] in ("Abmelden", "Log out"), "the log-out button")
    press_and_wait(page, "Enter")
    assert page.url == live_server.url + "/"
    nav = page.locator(".site-nav").inner_text()
    assert "Anmelden" in nav and "Abmelden" not in nav


def test_the_language_switch_works_with_the_keyboard(page, musterstadt):
    page.goto("/musterstadt/")
    assert page.locator("html").get_attribute("lang") == "de"

    tab_to(page, lambda e: e["tag"] == "button" and e["value"] == "en", "the switch to English")
    press_and_wait(page, "Enter")
    assert page.url.endswith("/musterstadt/"), "the switch returns to the same page"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".skip-link").inner_text() == "Skip to main content"

    tab_to(page, lambda e: e["tag"] == "button" and e["value"] == "de", "the switch to German")
    press_and_wait(page, "Enter")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator(".skip-link").inner_text() == "Zum Hauptinhalt springen"
