"""Browser fixtures: the app served on a real port, and Debian's chromium.

Two servers share one seeded SQLite database: one with MAP_TILES="none" (no
external request at all) and one with the default OpenStreetMap tiles, for the
offline test. Screenshots go to MIGRATORY_ARTIFACTS (default
instance/test-artifacts/, which git ignores).
"""

import json
import os
import threading
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from sqlalchemy import func, select
from werkzeug.serving import make_server

from migratory.extensions import db
from migratory.inventory.models import Country, Institution
from migratory.inventory.vocab import CATEGORIES
from tests.conftest import ROOT, make_test_app, require_or_skip, wipe_inventory

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("MIGRATORY_ARTIFACTS", ROOT / "instance" / "test-artifacts")
)
artifacts_used = False


@contextmanager
def serving(app):
    """Serve `app` on a free local port in a daemon thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def release(app) -> None:
    """Close an app's connections and search index without wiping data."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    app.extensions["search"].close()


@pytest.fixture(scope="module")
def live_app(sqlite_url, tmp_path_factory):
    """An app without map tiles, on the real seed institutions."""
    from migratory.inventory.seeding import load_institutions

    app = make_test_app(
        sqlite_url, tmp_path_factory.mktemp("browser-index"), MAP_TILES="none"
    )
    with app.app_context():
        report = load_institutions()
        assert report.ok, report.errors
        db.session.remove()
    yield app
    wipe_inventory(app)


@pytest.fixture(scope="module")
def live_server(live_app):
    """Base URL of the tile-less app."""
    with serving(live_app) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def osm_server(live_app, sqlite_url, tmp_path_factory):
    """Base URL of a second app on the same data, with default OSM tiles."""
    app = make_test_app(sqlite_url, tmp_path_factory.mktemp("browser-index-osm"))
    try:
        with serving(app) as base_url:
            yield base_url
    finally:
        release(app)


@pytest.fixture(scope="module")
def mapped_count(live_app) -> int:
    """Published institutions with coordinates, counted in the database."""
    with live_app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(Institution)
            .where(
                Institution.status == "published",
                Institution.latitude.is_not(None),
                Institution.longitude.is_not(None),
            )
        )
        db.session.remove()
    return count


@pytest.fixture(scope="module")
def english_names(live_app) -> dict:
    """English labels of the categories and names of the countries, by code."""
    with live_app.test_request_context():
        categories = {slug: str(label) for slug, label in CATEGORIES.items()}
        countries = {c.iso2: c.name for c in db.session.scalars(select(Country))}
        db.session.remove()
    return {"categories": categories, "countries": countries}


@pytest.fixture(scope="module")
def geojson(live_server):
    """Fetch the GeoJSON endpoint of the live server: geojson(region=...)."""

    def fetch(**params) -> dict:
        query = urllib.parse.urlencode(params)
        url = f"{live_server}/api/v1/institutions.geojson" + (
            f"?{query}" if query else ""
        )
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            return json.load(response)

    return fetch


@pytest.fixture(scope="session")
def artifact_dir() -> Path:
    """Where screenshots go; created, and its path printed."""
    global artifacts_used
    artifacts_used = True
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser artifacts: {ARTIFACTS}")
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright."""
    require_or_skip(
        CHROMIUM.exists(), "Debian's chromium is not installed at /usr/bin/chromium"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh page in its own context; screenshot kept if the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        keep_failure_screenshot(page, request.node.name)
    context.close()


def keep_failure_screenshot(page, name: str) -> None:
    """Best effort: a hung page must not turn a failure into a teardown error."""
    global artifacts_used
    artifacts_used = True
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"failed-{name}.png"
    try:
        page.screenshot(path=str(path), full_page=True, timeout=5_000)
    except PlaywrightError as error:
        print(f"\nno screenshot of the failure: {error.message.splitlines()[0]}")
    else:
        print(f"\nscreenshot of the failure: {path}")


def pytest_terminal_summary(terminalreporter):
    """Say where the screenshots are, if any test wrote one."""
    if artifacts_used:
        terminalreporter.write_line(f"browser test artifacts: {ARTIFACTS}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, for the page fixture."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class PageProblems:
    """Failed local requests, local HTTP errors and script errors of a page."""

    def __init__(self, page, base_url: str) -> None:
        self.base_url = base_url
        self.items: list[str] = []
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        page.on("pageerror", lambda error: self.items.append(f"pageerror: {error}"))
        page.on("console", self._console)

    def _local(self, url: str) -> bool:
        return url.startswith(self.base_url) and not url.endswith("/favicon.ico")

    def _request_failed(self, request) -> None:
        # ERR_ABORTED: the browser cancelled it (the page navigated on, e.g.
        # before the favicon arrived); not a failure of the site.
        if self._local(request.url) and "ERR_ABORTED" not in (request.failure or ""):
            self.items.append(f"failed: {request.url} {request.failure}")

    def _response(self, response) -> None:
        if self._local(response.url) and response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message) -> None:
        if message.type == "error" and self._local(message.location.get("url", "")):
            self.items.append(f"console: {message.text}")


def only_local_requests(page, base_url: str) -> list[str]:
    """Abort every request of `page` not to `base_url`; return the aborted URLs."""
    blocked: list[str] = []

    def route(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return blocked


@pytest.fixture
def problems(page, live_server) -> PageProblems:
    """Problems seen on `page` while it shows the tile-less app."""
    return PageProblems(page, live_server)
