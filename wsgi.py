"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""

import logging
import os

from config import Config, DevelopmentConfig
from migratory import create_app

logging.basicConfig(
    level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
)
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
_env = os.environ.get("MIGRATORY_ENV", "production")
app = create_app(DevelopmentConfig() if _env == "development" else Config())
