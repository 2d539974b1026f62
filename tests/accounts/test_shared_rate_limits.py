"""Rate limits of registrations, reset requests and downloads are one count for
every server process on the embedded default (the application database)."""

import subprocess
import sys
import time

from tests.conftest import ROOT, csrf_token

# One process of the site, on the given database, asking for reset links.
OTHER_PROCESS = """
import sys
from config import TestConfig
from migratory import create_app

config = TestConfig(sys.argv[1], sys.argv[2])
config.WTF_CSRF_ENABLED = False
client = create_app(config).test_client()
for _ in range(int(sys.argv[3])):
    response = client.post("/auth/forgot", data={"email": "nobody@example.org"})
    print(response.status_code)
"""


def forgot(client):
    token = csrf_token(client, "/auth/forgot")
    data = {"csrf_token": token, "email": "nobody@example.org"}
    return client.post("/auth/forgot", data=data)


def test_two_workers_share_the_count_of_reset_requests(build_app):
    first = build_app()
    statuses = [forgot(first.test_client()).status_code for _ in range(3)]
    # A second worker starts (each worker builds its own application).
    second = build_app()
    statuses += [forgot(second.test_client()).status_code for _ in range(3)]

    assert statuses == [200] * 5 + [429]
    assert forgot(first.test_client()).status_code == 429


def test_two_workers_share_the_count_of_downloads(build_app):
    first = build_app(EXPORT_LIMIT_RATE="3 per minute")
    statuses = [first.test_client().get("/institutions/export.csv").status_code]
    second = build_app(EXPORT_LIMIT_RATE="3 per minute")
    client = second.test_client()
    statuses += [client.get("/institutions/export.csv").status_code for _ in range(3)]

    assert statuses == [200] * 3 + [429]


def test_another_process_counts_toward_the_same_limit(app, tmp_path):
    client = app.test_client()
    assert [forgot(client).status_code for _ in range(2)] == [200, 200]

    other = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS]
        + [app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path / "other"), "4"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert other.stdout.split() == ["200", "200", "200", "429"]
    response = forgot(client)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_the_limit_lets_requests_through_again_when_its_window_ends(build_app):
    app = build_app(MAIL_REQUEST_LIMIT="2 per 2 seconds")
    client = app.test_client()
    assert [forgot(client).status_code for _ in range(3)] == [200, 200, 429]

    time.sleep(2.1)

    assert forgot(client).status_code == 200
