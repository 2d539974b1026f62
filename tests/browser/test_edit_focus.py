"""After a failed save the error summary takes the focus, in a real browser,
and its links lead to the fields (keyboard only, no script of ours needed)."""

import pytest
from sqlalchemy import select

from migratory.extensions import db
from migratory.inventory.models import Institution
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

EDITOR = "focus-secretariat@example.org"
ACTIVE_ID = "() => document.activeElement && document.activeElement.id"


@pytest.fixture(scope="module")
def editor_slug(live_app) -> str:
    """A secretariat account on the live app, and an entry to edit."""
    from migratory.accounts.services import create_user

    with live_app.app_context():
        create_user(EDITOR, "secretariat", PASSWORD)
        slug = db.session.scalar(select(Institution.slug).limit(1))
        db.session.remove()
    return slug


def sign_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.fill("input[name=email]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def test_failed_save_moves_focus_to_the_summary(page, live_server, editor_slug):
    sign_in(page, live_server)
    page.goto(f"{live_server}/institutions/{editor_slug}/edit")
    page.fill("#other_names", "Bureau without a language")
    page.locator("#institution-form [type=submit]").click()
    page.wait_for_selector("#error-summary")

    assert page.evaluate(ACTIVE_ID) == "error-summary"

    page.keyboard.press("Tab")  # the summary's first link
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == (
        "#other_names"
    )
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'other_names'")
    described = page.get_attribute("#other_names", "aria-describedby")
    assert "Line 1" in page.inner_text(f"#{described}")


def test_failed_save_page_passes_axe(browser, live_server, editor_slug):
    """The form in its error state (summary, invalid fields) has no WCAG 2.1
    A/AA violation."""
    from tests.browser.test_a11y import axe_page, violations

    with axe_page(browser) as page:
        sign_in(page, live_server)
        page.goto(f"{live_server}/institutions/{editor_slug}/edit")
        page.fill("#other_names", "Bureau without a language")
        page.fill("#name", "")
        page.locator("#institution-form [type=submit]").click()
        page.wait_for_selector("#error-summary")
        found = violations(page)
    assert found == [], "; ".join(f"{v['id']}: {v['nodes']}" for v in found)
