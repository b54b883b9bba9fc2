"""Playwright on Debian's Chromium against pytest-django's live server.

One browser per test session, a new browser context (cookies, storage) per test. The browser is the system's
/usr/bin/chromium, never a download: without it the tests are skipped on a developer's machine and fail under
CI=true, where .ci/run installs it.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (f"Chromium is missing at {CHROMIUM}: install Debian's package (apt-get install chromium); "
                   f"never `playwright install`.")
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the main thread, where Django would then refuse database
    # access. Set only while the browser runs (pytest-django runs these live-server tests last).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def log_in(context, live_server):
    """Give the browser a session of a user without going through the login form."""

    def log_in(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in


STYLE_PROBE = """() => ({
    sheets: [...document.styleSheets].filter(s => s.href && s.cssRules.length > 0).map(s => new URL(s.href).pathname),
    font: getComputedStyle(document.body).fontFamily,
    skipLink: getComputedStyle(document.querySelector(".skip-link")).position,
})"""


def assert_styled(page) -> None:
    """The KERN and site stylesheets have loaded, so axe measures the contrast the visitor sees."""
    probe = page.evaluate(STYLE_PROBE)
    loaded = probe["sheets"]
    assert any(path.endswith("/kern.min.css") for path in loaded), f"KERN CSS not loaded; loaded: {loaded}"
    assert any(path.endswith("/site.css") for path in loaded), f"site.css not loaded; loaded: {loaded}"
    # A rule of each: KERN's body font, the site's hidden skip link.
    assert "Fira Sans" in probe["font"], f"KERN font not applied: {probe['font']}"
    assert probe["skipLink"] == "absolute", "site.css not applied to the skip link"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _require_axe() -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make install does).", pytrace=False)


def enable_axe(context) -> None:
    """Load axe-core into every document the context opens from now on (V8 then reuses its compiled code)."""
    _require_axe()
    context.add_init_script(path=str(AXE))


def axe_violations(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # The Content Security Policy refuses a script added to the page (add_script_tag); an init script runs.
        pytest.fail("axe is not loaded: call enable_axe(page.context) before opening the page.", pytrace=False)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}: {node['html'][:200]}")
            lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)
