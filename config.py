"""Configuration classes; every switch is read from the environment."""

import os
import secrets
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("MIGRATORY_INSTANCE_DIR", BASE_DIR / "instance"))


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or one generated into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    """Production-safe defaults; override with environment variables."""

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'migratory.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    # Index each committed change at once; "0" for bulk loads followed by
    # `flask search rebuild`.
    SEARCH_INDEX_ON_COMMIT = os.environ.get("SEARCH_INDEX_ON_COMMIT", "1") == "1"
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE_DIR / "index"))
    # Seconds an index update waits for another process's Whoosh lock; then
    # the update is queued as a job and retried.
    SEARCH_LOCK_TIMEOUT = float(os.environ.get("SEARCH_LOCK_TIMEOUT", 30))
    # Seconds a SQLite statement waits for another connection's write lock.
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", 15))
    GEOCODER = os.environ.get("GEOCODER", "gazetteer")  # or "nominatim"
    GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "migratory")
    # "openstreetmap", "none" (country outlines only), or a tile URL template.
    MAP_TILES = os.environ.get("MAP_TILES", "openstreetmap")
    MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "")

    # Imports larger than this are refused before they are read.
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 40 * 1024 * 1024))
    PER_PAGE = 25
    MAX_PER_PAGE = 100

    BOOTSTRAP_SERVE_LOCAL = True
    # Gzip for pages, data and assets: offices on slow links download less.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/csv",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
    ]
    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "ru", "fr")

    API_TITLE = "migratory API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600

    # Where rate-limit counts live, shared by every server process: unset,
    # Redis at REDIS_URL if set, else the application database ("database://",
    # see migratory.core.ratelimit). "memory://" counts per process.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    MAIL_REQUEST_LIMIT = "5 per hour"  # registrations and reset requests
    # Downloads of whole filtered sets, per address: each builds a file.
    EXPORT_LIMIT_RATE = os.environ.get("EXPORT_LIMIT_RATE", "30 per minute")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "migratory <no-reply@localhost>"
    )
    # Write messages as files here instead of sending them (development).
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR")

    # Number of reverse proxies in front of the app whose X-Forwarded-* headers
    # are trusted (the client address matters for rate limits). 0: none.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))

    # Entries not confirmed for this long are stale.
    STALE_AFTER_DAYS = int(os.environ.get("STALE_AFTER_DAYS", 365))
    # A focal point gets the same digest again only after this many days
    # (sooner when more of their entries become stale).
    REMINDER_INTERVAL_DAYS = int(os.environ.get("REMINDER_INTERVAL_DAYS", 7))
    # The public address of the site: every link in mail is built from it,
    # never from the Host header of a request.
    SITE_URL = os.environ.get("SITE_URL", "http://localhost:5000")

    # Background jobs (huey): SQLite file under instance/ by default, Redis
    # when REDIS_URL is set. JOBS_QUEUE_NAME separates queues sharing a Redis.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOBS_DB = os.environ.get("JOBS_DB", str(INSTANCE_DIR / "jobs.db"))
    JOBS_QUEUE_NAME = os.environ.get("JOBS_QUEUE_NAME", "migratory")
    # Run each job at once, inside the caller, instead of queueing it.
    JOBS_IMMEDIATE = os.environ.get("JOBS_IMMEDIATE", "0") == "1"

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()


class DevelopmentConfig(Config):
    """Local serving over plain HTTP; mail goes to instance/mail/."""

    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))


class TestConfig(Config):
    """Isolated settings for the test suite; DATABASE_URL is set by the fixture."""

    __test__ = False  # not a pytest test class

    TESTING = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    MAIL_FILE_DIR = None
    RATELIMIT_STORAGE_URI = "database://"  # the default of a site without Redis
    IMPORT_MAX_BYTES = 2 * 1024 * 1024
    # Jobs run at once, in their own app context (the same task code); the
    # tests of the queue itself run a real consumer on real storage.
    REDIS_URL = ""
    JOBS_IMMEDIATE = True

    def __init__(self, database_url: str = "sqlite://", index_dir: str = "") -> None:
        self.SECRET_KEY = "test-secret-key"
        self.SQLALCHEMY_DATABASE_URI = database_url
        # Without a folder of its own, a test's index would land in the
        # working directory (the checkout).
        self.SEARCH_INDEX_DIR = index_dir or tempfile.mkdtemp(prefix="migratory-index-")
