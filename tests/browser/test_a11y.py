"""axe-core (WCAG 2.1 A and AA) finds nothing on any page type, in every language.

axe-core comes with the `axe-playwright-python` package (requirements-dev.txt),
which ships its unmodified `axe.min.js`; the test injects that file itself.
"""

from contextlib import contextmanager
from pathlib import Path

import axe_playwright_python
import pytest

from migratory.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SECRETARIAT = "a11y-secretariat@example.org"
MEMBER = "a11y-member@example.org"
LANGUAGES = ("en", "ru", "fr")
RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
    .then(result => result.violations.map(v => ({
        id: v.id, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": "
            + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))
    })))"""
ANONYMOUS_PAGES = {
    "home": "/",
    "list": "/institutions?country=KZ&sort=name",
    "search": "/institutions?q=statistics",
    "detail": "/institutions/{slug}",
    "history": "/institutions/{slug}/history",
    "countries": "/countries",
    "country": "/countries/KZ",
    "regions": "/regions",
    "region": "/regions/central-asia",
    "map": "/map",
    "sign-in": "/auth/login",
    "register": "/auth/register",
    "error-404": "/no/such/page",
}
SECRETARIAT_PAGES = {
    "dashboard": "/secretariat/",
    "proposals": "/secretariat/proposals",
    "proposal": "/secretariat/proposals/{proposal}",
    "edit-form": "/institutions/{slug}/edit",
    "history-signed-in": "/institutions/{slug}/history",
}


@pytest.fixture(scope="module")
def a11y_data(live_app) -> dict:
    """Accounts, a pending proposal and the slug of an entry in the live app."""
    from migratory.accounts.services import create_user, get_user_by_email
    from migratory.inventory.models import Institution
    from migratory.inventory.services import institution_state
    from migratory.moderation.proposals import propose

    with live_app.app_context():
        create_user(SECRETARIAT, "secretariat", PASSWORD)
        create_user(MEMBER, "member", PASSWORD)
        entry = db.session.scalar(
            db.select(Institution).where(Institution.country_code == "KZ").limit(1)
        )
        payload = {**institution_state(entry), "acronym": "A11Y"}
        proposal = propose(
            get_user_by_email(MEMBER), "institution", "change", entry, payload
        )
        data = {"slug": entry.slug, "proposal": proposal.id}
        db.session.remove()
    return data


@pytest.fixture(scope="module")
def secretariat_state(browser, live_server, a11y_data, tmp_path_factory) -> str:
    """Storage state (cookies) of a browser signed in as the secretariat."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/auth/login")
    page.fill("input[name=email]", SECRETARIAT)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, "signing in failed"
    path = tmp_path_factory.mktemp("a11y") / "state.json"
    context.storage_state(path=str(path))
    context.close()
    return str(path)


def violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def check(page, url: str) -> None:
    """Open `url`, let scripts settle, and assert that axe finds nothing."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if "/map" in url:
        page.wait_for_function("() => window.migratoryMap && window.migratoryMap.ready")
        page.evaluate("() => window.migratoryMap.ready")
    found = violations(page)
    assert found == [], f"{url}: " + "; ".join(
        f"{v['id']} ({v['help']}): {v['nodes']}" for v in found
    )


@contextmanager
def axe_page(browser, storage_state=None):
    """A page whose Content-Security-Policy lets the test inject axe-core."""
    context = browser.new_context(
        bypass_csp=True,
        storage_state=storage_state,
        viewport={"width": 1280, "height": 900},
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(ANONYMOUS_PAGES))
def test_public_pages_pass_axe(browser, live_server, a11y_data, kind, lang):
    """Every public page type, in each language, has no WCAG 2.1 A/AA violation."""
    path = ANONYMOUS_PAGES[kind].format(**a11y_data)
    separator = "&" if "?" in path else "?"
    with axe_page(browser) as page:
        check(page, f"{live_server}{path}{separator}lang={lang}")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(SECRETARIAT_PAGES))
def test_secretariat_pages_pass_axe(
    browser, live_server, a11y_data, secretariat_state, kind, lang
):
    """The secretariat's pages and the edit form, in each language, pass axe."""
    path = SECRETARIAT_PAGES[kind].format(**a11y_data)
    with axe_page(browser, secretariat_state) as page:
        check(page, f"{live_server}{path}?lang={lang}")
