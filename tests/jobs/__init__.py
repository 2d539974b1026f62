"""The background job queue: a real consumer on real storage (SQLite, Redis)."""

import signal
import time
from contextlib import contextmanager

from migratory.core.jobs import huey

SITE_URL = "https://directory.example.org"
EVIL = "evil.example"


@contextmanager
def running_consumer(app, workers: int = 2, periodic: bool = False):
    """huey's own Consumer, in threads of this process, working for `app`."""
    huey.bind(app)
    consumer = huey.create_consumer(
        workers=workers,
        periodic=periodic,
        initial_delay=0.05,
        backoff=1.1,
        max_delay=0.2,
        check_worker_health=False,
    )
    # start() installs handlers for the consumer's process; keep pytest's.
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    kept[signal.SIGHUP] = signal.getsignal(signal.SIGHUP)
    consumer.start()
    for signum, handler in kept.items():
        signal.signal(signum, handler)
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


def wait_for(predicate, timeout: float = 20.0, what: str = "the job"):
    """Poll `predicate` until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def pending_jobs(app) -> list:
    """The tasks waiting in `app`'s queue (name, args)."""
    with app.app_context():
        return [(task.name, task.args) for task in huey.pending()]


def hostile(client):
    """Send every request of `client` with `Host: evil.example`."""
    client.environ_base["HTTP_HOST"] = EVIL
    return client
