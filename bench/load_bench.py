"""Pages under load: requests/s and p99 of every public page against a bare stack.

A fresh SQLite database from the migrations, the real seed and generated
synthetic institutions (marked synthetic) up to about 2,200, the search index
rebuilt; the app under gunicorn (two workers, MAP_TILES=none) and, beside it in
the same run, the anchor: a bare Flask + SQLAlchemy + SQLite app (also two
gunicorn workers) that lists 20 of the same rows with their country and a
count. wrk (Debian's package), 16 connections, 2 threads, `--duration` seconds
per URL (15 by default), one URL at a time, each warmed up first. The anchor
runs right before each page and each ratio is to that run (the machine's load
then weighs on both alike); the goal is at least 0.5x its requests/s and at
most 2x its p99 for every public page, as served (pages kept in the cache).
Two more rows, informative, ask for a new URL every request (an argument the
app ignores), so that no cache holds the page: the cost of a first visit.

    .venv/bin/python bench/load_bench.py [--duration 15] [--size 2000] [-o load]
"""

import argparse
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import FLASK, ROOT, environment, prepare_database, save  # noqa: E402

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
WRK = "/usr/bin/wrk"
CONNECTIONS = 16
RATE_GOAL, P99_GOAL = 0.5, 2.0
ANCHOR_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Institutions</title></head><body><h1>{{ total }} institutions</h1><ul>
{% for i in rows %}<li><a href="/institutions/{{ i.slug }}">{{ i.name }}</a>
{{ i.city or "" }}, {{ i.country_name }} ({{ i.category }})</li>{% endfor %}
</ul></body></html>"""


def create_anchor():
    """The bare stack: Flask, SQLAlchemy and SQLite, one page of 20 with a count."""
    from flask import Flask, render_template_string
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["ANCHOR_DATABASE_URL"])
    app = Flask("anchor")
    rows_sql = text(
        "SELECT i.slug, i.name, i.city, i.category, c.name_en AS country_name"
        " FROM institutions i JOIN countries c ON c.iso2 = i.country_code"
        " WHERE i.status = 'published' ORDER BY i.name_key, i.id LIMIT 20"
    )
    count_sql = text("SELECT count(*) FROM institutions WHERE status = 'published'")

    @app.get("/")
    def listing():
        with engine.connect() as connection:
            total = connection.execute(count_sql).scalar()
            rows = connection.execute(rows_sql).mappings().all()
        return render_template_string(ANCHOR_PAGE, total=total, rows=rows)

    return app


def public_urls(database: Path) -> dict[str, str]:
    """Label -> path of every public page measured."""
    with sqlite3.connect(database) as connection:
        (slug,) = connection.execute(
            "SELECT slug FROM institutions WHERE status = 'published'"
            " AND is_synthetic = 0 AND country_code = 'KZ' ORDER BY id LIMIT 1"
        ).fetchone()
    return {
        "home": "/",
        "list": "/institutions",
        "list, filtered": "/institutions?country=KZ&category=government",
        "search": "/institutions?q=migration",
        "detail": f"/institutions/{slug}",
        "map": "/map",
        "GeoJSON": "/api/v1/institutions.geojson",
        "country page": "/countries/KZ",
        "API search": "/api/v1/search?q=statistics",
    }


class Gunicorn:
    """An app under gunicorn, two workers, on a free port."""

    def __init__(self, target: str, env: dict, log: Path) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [GUNICORN, "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
            + ["--timeout", "120", target],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )

    def wait(self, path: str = "/", seconds: float = 90) -> None:
        """Until the app answers (both workers warmed by a few requests)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(self.base + path, timeout=30).read()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


# Every request a new URL (an argument the app ignores): what a page costs
# when no cache holds it. Informative; the goal is about the pages as served.
EVERY_REQUEST_NEW = """
counter = 0
request = function()
  counter = counter + 1
  local path = wrk.path .. (string.find(wrk.path, "?", 1, true) and "&" or "?")
  return wrk.format(nil, path .. "nocache=" .. counter .. "-" .. math.random(1e9))
end
"""


def wrk(url: str, duration: int, script: Path | None = None) -> dict:
    """requests/s, p50 and p99 (ms), and non-2xx/3xx answers of one wrk run."""
    extra = ["-s", str(script)] if script else []
    # Warm-up: caches, connections, both workers.
    subprocess.run(
        [WRK, "-t2", f"-c{CONNECTIONS}", "-d2s", *extra, url],
        capture_output=True,
        check=True,
    )
    out = subprocess.run(
        [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", *extra, url],
        capture_output=True,
        check=True,
        text=True,
    ).stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(\w+)", out, re.M).groups()
        return round(float(value) * UNITS[unit], 1)

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]), 1),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": int(bad[1]) if bad else 0,
    }


def build_database(folder: Path, size: int) -> dict:
    """Migrations, the real seed, `size` synthetic institutions, search index."""
    env = environment(folder)
    env["SEARCH_INDEX_ON_COMMIT"] = "0"
    prepare_database(env)
    for command in (
        ["seed", "synthetic", "--count", str(size)],
        ["search", "rebuild"],
    ):
        subprocess.run(
            FLASK + command, cwd=ROOT, env=env, check=True, capture_output=True
        )
    return env


def measure(duration: int, size: int) -> dict:
    """Both apps on one fresh database; wrk over every URL, anchor first."""
    with tempfile.TemporaryDirectory(prefix="migratory-load-") as name:
        folder = Path(name)
        env = build_database(folder, size)
        database = folder / "migratory.db"
        with sqlite3.connect(database) as connection:
            (published,) = connection.execute(
                "SELECT count(*) FROM institutions WHERE status = 'published'"
            ).fetchone()
        app_env = {**env, "MIGRATORY_ENV": "development", "MAP_TILES": "none"}
        anchor_env = {**env, "ANCHOR_DATABASE_URL": f"sqlite:///{database}"}
        anchor = Gunicorn("bench.load_bench:create_anchor()", anchor_env, folder / "a")
        app = Gunicorn("wsgi:app", app_env, folder / "app.log")
        try:
            anchor.wait()
            app.wait()
            # The anchor runs right before each page, so that both meet the
            # same load on the machine; each ratio is to that anchor run.
            urls = public_urls(database)
            script = folder / "every_request_new.lua"
            script.write_text(EVERY_REQUEST_NEW)
            runs = [(label, path, None) for label, path in urls.items()] + [
                ("list, no cache", "/institutions", script),
                ("search, no cache", "/institutions?q=migration", script),
            ]
            pages, anchors = {}, []
            for label, path, extra in runs:
                anchors.append(wrk(anchor.base + "/", duration))
                result = wrk(app.base + path, duration, extra)
                pages[label] = {"path": path, **rated(result, anchors[-1])}
                print(label, anchors[-1], pages[label], flush=True)
        finally:
            app.stop()
            anchor.stop()
    return {
        "institutions": published,
        "anchor": {
            key: round(sum(a[key] for a in anchors) / len(anchors), 1)
            for key in ("rps", "p50_ms", "p99_ms")
        },
        "pages": pages,
    }


def rated(result: dict, base: dict) -> dict:
    """`result` with the anchor run it is compared with, the ratios, and
    whether it meets the goal."""
    result = dict(result, anchor_rps=base["rps"], anchor_p99_ms=base["p99_ms"])
    result["rps_ratio"] = round(result["rps"] / base["rps"], 2)
    result["p99_ratio"] = round(result["p99_ms"] / base["p99_ms"], 2)
    result["meets_goal"] = (
        result["rps_ratio"] >= RATE_GOAL
        and result["p99_ratio"] <= P99_GOAL
        and result["errors"] == 0
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per URL")
    parser.add_argument("--size", type=int, default=2000, help="synthetic rows")
    parser.add_argument("-o", "--output", default="load", help="bench/results/NAME")
    args = parser.parse_args()
    results = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "wrk": f"{CONNECTIONS} connections, 2 threads, {args.duration} s per URL",
        "goal": f">= {RATE_GOAL}x anchor req/s, p99 <= {P99_GOAL}x anchor p99",
        "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
        **measure(args.duration, args.size),
    }
    print(f"saved {save(args.output, results)}")


if __name__ == "__main__":
    main()
