"""Entry: `gunicorn wsgi:app`, `flask --app wsgi run`, `huey_consumer wsgi.huey`."""

import logging
import os

from config import Config, DevelopmentConfig
from migratory import create_app
from migratory.core.jobs import huey

logging.basicConfig(
    level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
)
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
_env = os.environ.get("MIGRATORY_ENV", "production")
app = create_app(DevelopmentConfig() if _env == "development" else Config())
# The job queue, bound to `app` above: the consumer runs its tasks in it.
__all__ = ["app", "huey"]
