"""Every page type under the Content Security Policy (settings.SECURE_CSP) in Chromium, with no violation.

The page list is the accessibility test's (VISITS, one test per persona, the second states included), so a new
page is checked here too. An init script records every `securitypolicyviolation` event of a document; the
console is watched as well, for what the browser refuses before a document exists. htmx and the maps must do
their work: the map visits wait for their markers, and the similar-proposals search runs through htmx.
"""

import pytest

from tests.browser.test_accessibility import PERSONAS, site, walk_visits  # noqa: F401 - site is a fixture
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(`${e.effectiveDirective} refused ${e.blockedURI || "inline"} `
        + `(${e.sourceFile || "?"}:${e.lineNumber}) ${e.sample || ""}`);
});
"""


class Violations:
    """What the browser refused in a page, from the documents' events and from the console."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.console.append(message.text)

    def take(self) -> list[str]:
        found = self.page.evaluate("window.__cspViolations || []") + self.console
        self.page.evaluate("window.__cspViolations = []")
        self.console.clear()
        return found


def assert_none(violations: Violations, label: str) -> None:
    found = violations.take()
    assert not found, f"{label}: the Content Security Policy refused:\n" + "\n".join(found)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_type_loads_without_a_csp_violation(persona, page, site, log_in, subtests):  # noqa: F811
    violations = Violations(page)

    def check(response, label: str) -> None:
        if response is not None:
            assert response.headers.get("content-security-policy"), f"{label}: no CSP header"
        page.wait_for_load_state("load")
        assert_none(violations, label)

    walk_visits(persona, page, site, log_in, subtests, check=check)


def test_htmx_swaps_the_similar_proposals_in_under_the_policy(page, site, log_in):  # noqa: F811
    from kommune.core.search.services import do_update_index

    do_update_index(obj=site.proposal)  # the factories bypass the events that index a published proposal
    violations = Violations(page)
    log_in(site.people["alice"])
    page.goto(site.m("proposals:create"))
    page.locator("[name=title]").fill("Spielplatz an der Schule")
    page.locator("#similar-proposals").get_by_role("link", name="Spielplatz an der Schule sanieren").wait_for()
    # With the indicator styles off, htmx injected no <style> element (which style-src 'self' would refuse).
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert_none(violations, "proposal form with similar proposals")


def test_the_django_admin_works_under_the_policy(page, log_in, db):
    violations = Violations(page)
    page.goto("/admin/login/")
    assert_none(violations, "admin login")
    log_in(UserFactory(is_staff=True, is_superuser=True))
    for path in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"):
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        page.wait_for_load_state("load")
        assert_none(violations, path)
