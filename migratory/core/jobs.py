"""The background job queue (huey): storage from the app config, tasks in app context.

Define a task in `<domain>/tasks.py` with the module-level `huey`; decorating
needs no application, so it works at import time::

    from migratory.core.jobs import huey

    @huey.task(retries=3, retry_delay=60)
    def reindex_institution(institution_id: int) -> None:
        ...  # runs inside an application context: db, current_app, url_for

    @huey.periodic_task(crontab(hour="6", minute="0"))
    def daily_digest() -> None:
        ...

Enqueue by calling the task (`reindex_institution(42)`), after the
transaction that the job reads has committed. Arguments are pickled: pass ids
and plain values, not ORM objects. Add the module to `TASK_MODULES` in
`create_app` so that the consumer knows the task.

Storage: SQLite at `JOBS_DB` (instance/jobs.db) on the embedded default, Redis
when `REDIS_URL` is set; `JOBS_IMMEDIATE` runs each task at once, in a fresh
application context, instead of queueing it. Each application bound with
`init_jobs` keeps its own storage; the consumer runs tasks in the application
bound last (one per process: `huey_consumer wsgi.huey`).
"""

import dataclasses
import logging
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

logger = logging.getLogger(__name__)


class QueueNotBound(RuntimeError):
    """The queue was used before any application configured it."""


@dataclasses.dataclass
class _AppQueue:
    """What one application's queue is made of."""

    storage: object
    immediate: bool


class _Unbound:
    """Placeholder storage until `init_jobs` runs: every use says so."""

    def __getattr__(self, name):
        raise QueueNotBound("The job queue is not configured: call init_jobs(app).")


class FlaskHuey(Huey):
    """A Huey whose storage and mode come from the Flask application in use."""

    def __init__(self, name: str = "migratory") -> None:
        self._default_app: Flask | None = None
        self._fallback_storage = _Unbound()
        super().__init__(name, utc=True, storage_class=MemoryStorage)

    # Huey assigns `storage` and `_immediate` itself; both follow the app.
    @property
    def storage(self):
        queue = self._queue()
        return queue.storage if queue else self._fallback_storage

    @storage.setter
    def storage(self, value) -> None:
        self._fallback_storage = _Unbound()

    @property
    def _immediate(self) -> bool:
        queue = self._queue()
        return bool(queue and queue.immediate)

    @_immediate.setter
    def _immediate(self, value) -> None:
        pass  # per application: JOBS_IMMEDIATE

    def bind(self, app: Flask) -> None:
        """Run tasks dequeued outside any app context in `app` (the consumer's)."""
        self._default_app = app

    def _app(self) -> Flask | None:
        if has_app_context() and "jobs" in current_app.extensions:
            return current_app._get_current_object()
        return self._default_app

    def _queue(self) -> _AppQueue | None:
        app = self._app()
        return app.extensions["jobs"] if app is not None else None

    def execute(self, task, timestamp=None):
        """Run `task` in a fresh application context of its application."""
        app = self._app()
        if app is None:
            raise QueueNotBound("No application to run the task in.")
        with app.app_context():
            return super().execute(task, timestamp)


huey = FlaskHuey()


def make_storage(config) -> object:
    """SQLite storage at JOBS_DB, or Redis storage when REDIS_URL is set."""
    name = config.get("JOBS_QUEUE_NAME") or "migratory"
    if config.get("JOBS_IMMEDIATE"):
        return MemoryStorage(name)
    if config.get("REDIS_URL"):
        return RedisStorage(name, url=config["REDIS_URL"])
    path = Path(config["JOBS_DB"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStorage(name, filename=str(path), timeout=30)


def init_jobs(app: Flask) -> None:
    """Give `app` its queue storage and make it the app the consumer runs tasks in."""
    app.extensions["jobs"] = _AppQueue(
        storage=make_storage(app.config),
        immediate=bool(app.config.get("JOBS_IMMEDIATE")),
    )
    huey.bind(app)
