"""Fixtures: the suite runs once on SQLite and once on PostgreSQL."""

import os
import re
import socket
import uuid
from contextlib import contextmanager
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from config import TestConfig
from migratory import create_app
from migratory.extensions import db
from migratory.inventory.seeding import load_geography

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI") == "true"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
GEOGRAPHY_TABLES = {"countries", "regions", "country_regions"}


def postgres_reachable(url: str) -> bool:
    """True if a PostgreSQL server answers at `url`."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def require_or_skip(available: bool, reason: str) -> None:
    """Skip where a service is absent; in CI its absence is a failure."""
    if not available:
        if IN_CI:
            pytest.fail(f"{reason} (required in CI)")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Argon2id at tiny costs: the same code paths, a fraction of the time.

    Signing in is frequent in the suite and its cost is not what is tested;
    the production parameters are argon2-cffi's defaults.
    """
    from argon2 import PasswordHasher

    from migratory.accounts import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Compile the message catalogs, as `make` does, so pytest alone works."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (ROOT / "migratory" / "translations").glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


@contextmanager
def scratch_postgres_database(prefix: str = "migratory_test"):
    """A new, empty PostgreSQL database for this run, dropped afterwards.

    Concurrent runs on one server (a developer and CI, or several helpers)
    then never see each other's tables.
    """
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(POSTGRES_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _prepared(url: str, index_dir: str) -> None:
    """Create the schema and load countries and regions."""
    app = create_app(TestConfig(url, index_dir))
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_geography()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    """A SQLite database with the schema and the geography."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    _prepared(url, str(tmp_path_factory.mktemp("index")))
    return url


@pytest.fixture(scope="session")
def postgresql_url(tmp_path_factory):
    """A scratch PostgreSQL database with the schema and the geography."""
    require_or_skip(
        postgres_reachable(POSTGRES_URL),
        f"PostgreSQL is not reachable at {POSTGRES_URL}; set TEST_POSTGRES_URL",
    )
    with scratch_postgres_database() as url:
        _prepared(url, str(tmp_path_factory.mktemp("index")))
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request):
    """Each database the suite runs on."""
    return request.getfixturevalue(f"{request.param}_url")


def make_test_app(database_url: str, index_dir, **settings):
    """An application on `database_url`; wipe it with `wipe_inventory`."""
    config = TestConfig(database_url, str(index_dir))
    for key, value in settings.items():
        setattr(config, key, value)
    return create_app(config)


def wipe_inventory(app) -> None:
    """Delete everything but the geography; release connections and files."""
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in GEOGRAPHY_TABLES:
                db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()
    app.extensions["search"].close()


class Mailbox:
    """Messages received by the local SMTP server, as email.message objects."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
        self.messages.append(
            message_from_bytes(envelope.original_content or envelope.content)
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        """Messages sent to `address`."""
        return [m for m in self.messages if address in m["To"]]

    def last_body(self, address: str) -> str:
        """The text of the last message sent to `address`."""
        found = self.to(address)
        assert found, f"no mail to {address}"
        return found[-1].get_payload(decode=True).decode()

    def last_link(self, address: str, contains: str = "/") -> str:
        """The path of the last link in the last message to `address`."""
        links = re.findall(r"https?://[^\s]+", self.last_body(address))
        links = [link for link in links if contains in link]
        assert links, f"no link with {contains!r} in the mail to {address}"
        return "/" + links[-1].split("/", 3)[3]


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on localhost (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    """The SMTP server's mailbox, emptied for this test."""
    smtp_server[1].messages.clear()
    return smtp_server[1]


def mail_settings(smtp_server) -> dict:
    """Settings that send the app's mail to the local SMTP server."""
    controller, _ = smtp_server
    return {
        "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": controller.port,
        "MAIL_SUPPRESS_SEND": False,
    }


@pytest.fixture(scope="session")
def shared_apps():
    """One application per database for the whole run (building one costs
    about 0.3 s, mostly compiling the URL rules); each test gets it back as
    it was made (see `reset_shared_app`)."""
    apps = {}
    yield apps
    for app, _settings, _extensions in apps.values():
        app.extensions["search"].close()


@pytest.fixture
def app(database_url, shared_apps, tmp_path_factory, smtp_server):
    """The application on a clean inventory (geography kept), with its
    settings as made and an empty search index; its mail goes to the local
    SMTP server."""
    if database_url not in shared_apps:
        made = make_test_app(
            database_url,
            tmp_path_factory.mktemp("index"),
            **mail_settings(smtp_server),
        )
        shared_apps[database_url] = (made, dict(made.config), dict(made.extensions))
    app, settings, extensions = shared_apps[database_url]
    yield app
    reset_shared_app(app, settings, extensions)


def reset_shared_app(app, settings: dict, extensions: dict) -> None:
    """Back to the state it was made in: no rows but the geography, an empty
    index, its original settings, no caches built during the test."""
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in GEOGRAPHY_TABLES:
                db.session.execute(table.delete())
        db.session.commit()
        app.extensions["search"].clear()
    app.config.clear()
    app.config.update(settings)
    # Caches built during the test go; extensions a test replaced come back.
    app.extensions.clear()
    app.extensions.update(extensions)


@pytest.fixture
def fresh_app(database_url, tmp_path, smtp_server):
    """An application of its own, for the few tests that change its setup
    (add routes): a shared one cannot take new routes after its first request."""
    app = make_test_app(database_url, tmp_path / "index", **mail_settings(smtp_server))
    yield app
    wipe_inventory(app)


@pytest.fixture
def ctx(app):
    """An application context, for calling services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def institution_payload(**overrides) -> dict:
    """A valid institution payload; override any field."""
    payload = {
        "name": "Agency for Migration Statistics",
        "acronym": "AMS",
        "names": [{"lang": "ru", "name": "Агентство миграционной статистики"}],
        "category": "government",
        "summary": "Produces statistics on international migration.",
        "website": "https://stat.example.org",
        "city": "Almaty",
        "country": "KZ",
        "latitude": 43.2389,
        "longitude": 76.8897,
        "topics": ["migration-statistics", "labour-migration"],
        "roles": ["producer"],
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def make_institution(app):
    """Factory: create a published institution through the service layer."""
    from migratory.inventory.services import create_institution

    def make(**overrides):
        with app.app_context():
            institution = create_institution(institution_payload(**overrides))
            return institution.slug

    return make


@pytest.fixture
def seeded(app):
    """The real seed institutions loaded."""
    from migratory.inventory.seeding import load_institutions

    with app.app_context():
        report = load_institutions()
        assert report.ok, report.errors
    return app


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, which CI has beside the clone."""
    require_or_skip(SHARED_DATA.is_dir(), f"{SHARED_DATA} is absent")
    return SHARED_DATA


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app):
    """Factory: a verified account with a role; returns its e-mail address."""
    from migratory.accounts.services import create_user

    def make(email, role="member", country=None, institutions=()):
        with app.app_context():
            create_user(
                email,
                role,
                PASSWORD,
                country_code=country,
                institution_slugs=tuple(institutions),
            )
        return email

    return make


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on `path` (the test client keeps the session)."""
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found[1]


class Auth:
    """flaskr-style helper: sign a test client in and out."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, **extra):
        token = csrf_token(self.client, "/auth/login")
        return self.client.post(
            "/auth/login",
            data={"email": email, "password": password, "csrf_token": token, **extra},
        )

    def logout(self):
        token = csrf_token(self.client, "/me")
        return self.client.post("/auth/logout", data={"csrf_token": token})

    def post(self, path: str, data: dict | None = None, form_page: str | None = None):
        """POST with the CSRF token of the signed-in session."""
        token = csrf_token(self.client, form_page or "/me")
        return self.client.post(path, data={"csrf_token": token, **(data or {})})


@pytest.fixture
def auth(client):
    return Auth(client)
