"""`huey_consumer wsgi.huey`, as `make run` starts it, delivers what the web
app queued: a separate process, the production entry point, real storage."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.jobs import SITE_URL, pending_jobs, wait_for
from tests.jobs.test_mail_queue import ADA, forgot, links

CONSUMER = Path(sys.executable).with_name("huey_consumer")


def consumer_process(app, tmp_path, smtp_server):
    """The consumer command of `make run`, configured like the app under test."""
    controller, _ = smtp_server
    env = {
        **os.environ,
        "MIGRATORY_ENV": "production",
        "MIGRATORY_INSTANCE_DIR": str(tmp_path / "instance"),
        "SECRET_KEY": "consumer-test",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SEARCH_INDEX_DIR": str(tmp_path / "consumer-index"),
        "JOBS_DB": app.config["JOBS_DB"],
        "SITE_URL": SITE_URL,
        "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": str(controller.port),
    }
    env.pop("REDIS_URL", None)
    return subprocess.Popen(
        [str(CONSUMER), "wsgi.huey", "--workers", "1", "--worker-type", "thread"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_the_consumer_command_delivers_a_queued_reset_mail(
    app, client, mailbox, make_user, tmp_path, smtp_server
):
    make_user(ADA)
    forgot(client, ADA)
    assert len(pending_jobs(app)) == 1 and mailbox.messages == []

    process = consumer_process(app, tmp_path, smtp_server)
    try:
        wait_for(lambda: mailbox.to(ADA), timeout=60, what="delivery")
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: a graceful stop
        _, errors = process.communicate(timeout=30)

    assert process.returncode == 0, errors.decode()[-2000:]
    assert links(mailbox.last_body(ADA))[0].startswith(f"{SITE_URL}/auth/reset/")
    assert pending_jobs(app) == []
