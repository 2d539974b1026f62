"""Sign-in throttling: a back-off per account, address and pair, shared by every
server process through the database, that never locks an account out of an
address it signs in from."""

import subprocess
import sys
import textwrap
import time

import pytest

from migratory.accounts import throttle
from tests.conftest import ROOT, Auth, make_test_app, wipe_inventory

WRONG = "not the right password"
HOME = "192.0.2.10"  # where the secretariat works
ELSEWHERE = "198.51.100.66"  # someone else


def attempt(app, email, password=None, address=HOME):
    """One sign-in from a fresh browser at `address`; the response."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    auth = Auth(client)
    return auth.login(email) if password is None else auth.login(email, password)


@pytest.fixture
def clock(monkeypatch):
    """Move the throttle's clock forward: `clock.advance(seconds)`."""

    class Clock:
        offset = 0.0

        def advance(self, seconds):
            self.offset += seconds

    moved = Clock()
    real = time.time
    monkeypatch.setattr(throttle.time, "time", lambda: real() + moved.offset)
    return moved


@pytest.fixture
def secretariat(app, make_user):
    """A secretariat account that has signed in from HOME before."""
    email = make_user("sec@example.org", role="secretariat")
    assert attempt(app, email).status_code == 302
    return email


def test_wrong_passwords_elsewhere_do_not_lock_out_a_known_address(app, secretariat):
    failures = [
        attempt(app, secretariat, WRONG, ELSEWHERE).status_code for _ in range(8)
    ]

    assert failures[:5] == [401] * 5
    assert attempt(app, secretariat, address=HOME).status_code == 302


def test_the_account_count_holds_back_every_unknown_address(app, secretariat):
    for _ in range(5):
        attempt(app, secretariat, WRONG, ELSEWHERE)

    # Even with the right password, from yet another address.
    response = attempt(app, secretariat, address="203.0.113.5")

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_a_known_address_backs_off_after_its_own_failures(app, secretariat, clock):
    for _ in range(5):
        attempt(app, secretariat, WRONG, HOME)

    blocked = attempt(app, secretariat, address=HOME)
    clock.advance(throttle.FIRST_WAIT_SECONDS + 1)
    after_the_wait = attempt(app, secretariat, address=HOME)

    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) <= throttle.FIRST_WAIT_SECONDS
    assert after_the_wait.status_code == 302


def test_each_further_failure_doubles_the_wait(app, make_user, clock):
    email = make_user("ada@example.org")
    for _ in range(5):
        attempt(app, email, WRONG)
    waits = []
    for wait in (30, 60, 120):
        clock.advance(wait + 1)
        assert attempt(app, email, WRONG).status_code == 401
        waits.append(int(attempt(app, email).headers["Retry-After"]))

    assert waits == [60, 120, 240]


def test_the_wait_never_exceeds_the_window():
    limit = throttle.Limit.from_setting("5 per 15 minutes")

    assert limit.wait(4, last=1000.0, now=1000.0) == 0
    assert limit.wait(5, last=1000.0, now=1000.0) == 30
    assert limit.wait(5, last=1000.0, now=1040.0) == 0
    assert limit.wait(40, last=1000.0, now=1000.0) == 900


def test_a_refused_attempt_does_not_check_the_password(app, make_user):
    email = make_user("ada@example.org")
    for _ in range(5):
        attempt(app, email, WRONG)

    # Right or wrong, the answer is the same and nothing more is counted.
    assert attempt(app, email, WRONG).status_code == 429
    assert attempt(app, email).status_code == 429


@pytest.fixture
def two_apps(database_url, tmp_path):
    """Two applications (two workers) on one database."""
    apps = [make_test_app(database_url, tmp_path / f"index{n}") for n in range(2)]
    yield apps
    for app in reversed(apps):
        wipe_inventory(app)


def test_two_workers_share_the_account_count(two_apps, make_user):
    first, second = two_apps
    make_user("ada@example.org")
    for _ in range(3):
        attempt(first, "ada@example.org", WRONG)
    for _ in range(2):
        attempt(second, "ada@example.org", WRONG)

    assert attempt(first, "ada@example.org").status_code == 429
    assert attempt(second, "ada@example.org").status_code == 429


FAIL_IN_ANOTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from tests.conftest import Auth, make_test_app

    app = make_test_app(sys.argv[1], sys.argv[2])
    statuses = []
    for _ in range(int(sys.argv[3])):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
        response = Auth(client).login("ada@example.org", "not the right password")
        statuses.append(response.status_code)
    print(statuses)
    """
)


def fail_in_another_process(database_url, index_dir, times: int) -> str:
    """Failed sign-ins made by a separate Python process (another worker)."""
    done = subprocess.run(
        [sys.executable, "-c", FAIL_IN_ANOTHER_PROCESS]
        + [database_url, str(index_dir), str(times)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_another_process_shares_the_count(app, database_url, tmp_path, make_user):
    make_user("ada@example.org")

    statuses = fail_in_another_process(database_url, tmp_path / "other", 4)
    attempt(app, "ada@example.org", WRONG)

    assert statuses == "[401, 401, 401, 401]"
    assert attempt(app, "ada@example.org").status_code == 429


def test_old_failures_are_forgotten(app, make_user, clock):
    make_user("ada@example.org")
    for _ in range(5):
        attempt(app, "ada@example.org", WRONG)
    clock.advance(16 * 60)

    assert attempt(app, "ada@example.org").status_code == 302
