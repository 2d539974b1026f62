"""Map speed: page and GeoJSON sizes, server and browser times, against naive folium.

For each size: a fresh SQLite database from the migrations, the real seed plus
N synthetic institutions (`flask seed synthetic`), the app under gunicorn (two
workers, MAP_TILES=none so no tile is fetched). Over HTTP (median of 5 after a
warm-up): the /map page and /api/v1/institutions.geojson, raw and gzipped. In
Debian's chromium through Playwright (median of 3 cold contexts, every request
not to 127.0.0.1 aborted): time from navigation until every GeoJSON feature is
a marker in the cluster, as the map's data-markers attribute says. If the page
throws with MAP_TILES=none, the error is recorded and the browser figures are
taken with a tile URL on a host the browser never reaches instead (still no
tile fetched).

The baseline, in the same run: the naive folium map, one `folium.Marker` with a
popup (name and link) per institution, built and rendered here, its HTML served
from a local http.server with folium's CDN links pointed at the app's Leaflet
and a local jQuery (folium builds popups with `$(...)`), the other CDN
libraries dropped, timed until every marker is in the page.

    .venv/bin/python bench/map_bench.py [--sizes 2000 20000] [--browser-runs 3]
"""

import argparse
import gzip
import html
import http.server
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import flask_bootstrap
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    FLASK,
    RESULTS,
    ROOT,
    environment,
    prepare_database,
    run_measured,
    save,
)

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
CHROMIUM = "/usr/bin/chromium"
REAL_SEED = 211
KB = 1024
# Targets: page size at any scale, transfer at 2,000, time to markers by size.
MAP_HTML_MAX = 50 * KB
GEOJSON_GZIP_MAX = {2000: 150 * KB}
MARKERS_MAX_S = {2000: 1.5, 20000: 4.0}
# data-markers is set once every marker is in the cluster (all chunks loaded).
OURS_DRAWN = (
    "window.migratoryMap"
    " && window.migratoryMap.map.getContainer().dataset.markers === String(n)"
)
OURS_LIMIT_S = 60
NAIVE_LIMIT_S = 600
UNREACHABLE_TILES = "https://tiles.invalid/{z}/{x}/{y}.png"
# folium's popups need jQuery: a local copy from Bootstrap-Flask's static files.
JQUERY = Path(flask_bootstrap.__file__).parent / "static/bootstrap4/jquery.min.js"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(
    url: str, gzipped: bool = False, etag: str | None = None
) -> tuple[bytes, dict, float]:
    """Body (as sent, not decompressed), headers and wall seconds of a GET;
    with `etag`, a revalidation (a 304 has an empty body)."""
    headers = {"Accept-Encoding": "gzip" if gzipped else "identity"}
    if etag:
        headers["If-None-Match"] = etag
    request = urllib.request.Request(url, headers=headers)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            seconds = time.perf_counter() - start
            return body, dict(response.headers), seconds
    except urllib.error.HTTPError as answer:  # urllib raises on 304
        if answer.code != 304:
            raise
        return b"", dict(answer.headers), time.perf_counter() - start


def timed_revalidations(url: str, etag: str, runs: int = 5) -> float:
    """Median milliseconds of a browser's "has it changed?" request."""
    times = []
    for _ in range(runs):
        body, _, seconds = fetch(url, gzipped=True, etag=etag)
        assert body == b"", "the unchanged GeoJSON was sent again"
        times.append(seconds * 1000)
    return round(statistics.median(times), 1)


def timed_gets(url: str, gzipped: bool, runs: int = 5) -> tuple[bytes, dict, float]:
    """One warm-up, then the median of `runs` GETs, in milliseconds."""
    fetch(url, gzipped)
    times = []
    for _ in range(runs):
        body, headers, seconds = fetch(url, gzipped)
        times.append(seconds * 1000)
    return body, headers, round(statistics.median(times), 1)


class Server:
    """The app under gunicorn on a free port; its log goes to a file."""

    def __init__(self, env: dict, log: Path, tiles: str = "none") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**env, "MIGRATORY_ENV": "development", "MAP_TILES": tiles}
        self.process = subprocess.Popen(
            [GUNICORN, "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
            + ["--timeout", "120", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )

    def wait(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            try:
                fetch(self.base + "/map")
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def errors(self) -> list[str]:
        """Tracebacks and ERROR lines the app logged."""
        found = [
            line
            for line in self.log.read_text(errors="replace").splitlines()
            if " ERROR " in line or "Traceback" in line or "Error:" in line
        ]
        return found[:20]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class StaticFiles:
    """Files served from memory by a local http.server thread: path -> bytes."""

    TYPES = {".js": "text/javascript", "": "text/html; charset=utf-8"}

    def __init__(self) -> None:
        files = self.files = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                kind = StaticFiles.TYPES[Path(self.path).suffix]
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def server_side(base: str) -> dict:
    """Sizes and median times of the page and the GeoJSON, raw and gzipped."""
    page, _, page_ms = timed_gets(base + "/map", gzipped=False)
    page_gz, page_headers, page_gz_ms = timed_gets(base + "/map", gzipped=True)
    url = base + "/api/v1/institutions.geojson"
    raw, _, raw_ms = timed_gets(url, gzipped=False)
    sent, headers, gz_ms = timed_gets(url, gzipped=True)
    encoding = headers.get("Content-Encoding", "identity")
    data = json.loads(gzip.decompress(sent) if encoding == "gzip" else sent)
    return {
        "features": len(data["features"]),
        "geojson": data,
        "map_html_bytes": len(page),
        "map_html_gzip_bytes_served": len(page_gz),
        "map_html_encoding": page_headers.get("Content-Encoding", "identity"),
        "map_ms": page_ms,
        "map_gzip_ms": page_gz_ms,
        "geojson_bytes": len(raw),
        "geojson_gzip_bytes_served": len(sent),
        "geojson_encoding_served": encoding,
        "geojson_gzip_bytes_local": len(gzip.compress(raw)),
        "geojson_ms": raw_ms,
        "geojson_gzip_ms": gz_ms,
        "geojson_304_ms": timed_revalidations(url, headers["ETag"]),
    }


def route_local_only(context, blocked: list[str]) -> None:
    """Abort every request that does not go to 127.0.0.1."""

    def handle(route):
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", handle)


class PageBroken(RuntimeError):
    """The page threw, or never reached its condition."""


def wait_until(page, condition: str, count: int, errors: list, limit_s: float):
    """performance.now() when `condition` (of n = count) holds.

    Polled in short waits so that an uncaught page error stops at once.
    """
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if any(line.startswith("pageerror") for line in errors):
            raise PageBroken("; ".join(errors[:5]))
        try:
            # A function, not an expression: the app's CSP forbids eval.
            handle = page.wait_for_function(
                f"n => ({condition}) ? performance.now() : false",
                arg=count,
                timeout=500,
            )
            return handle.json_value()
        except PlaywrightTimeout:
            continue
    raise PageBroken(f"not drawn within {limit_s} s; {'; '.join(errors[:5])}")


def browser_runs(
    browser, url: str, condition: str, count: int, runs: int, limit_s: float
) -> dict:
    """Median wall time from goto until `condition` (of n = count) holds.

    A cold browser context for each run.
    """
    times, in_page, console, blocked = [], [], [], []
    for _ in range(runs):
        errors = []
        context = browser.new_context()
        route_local_only(context, blocked)
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                console.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e, errors=errors: errors.append(f"pageerror: {e}"))
        page.on(
            "requestfailed",
            lambda r: (
                console.append(f"failed: {r.url} {r.failure}")
                if urlsplit(r.url).hostname == "127.0.0.1"
                else None
            ),
        )
        start = time.perf_counter()
        try:
            page.goto(url, wait_until="commit", timeout=int(limit_s * 1000))
            drawn = wait_until(page, condition, count, errors, limit_s)
            times.append(time.perf_counter() - start)
            in_page.append(drawn)
        finally:
            console.extend(errors)
            context.close()
    return {
        "seconds": round(statistics.median(times), 3),
        "runs_s": [round(t, 3) for t in times],
        "in_page_ms": round(statistics.median(in_page)),
        "console": sorted(set(console))[:20],
        "blocked_requests_per_run": round(len(blocked) / runs),
    }


def naive_html(features: list[dict], base: str) -> str:
    """The naive folium map: every institution a Marker with a Popup."""
    import folium

    fmap = folium.Map(location=[50, 30], zoom_start=3, tiles=None)
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        properties = feature["properties"]
        link = f"{base}/institutions/{properties['slug']}"
        popup = (
            f"<strong>{html.escape(properties['name'])}</strong><br>"
            f'<a href="{html.escape(link)}">Details</a>'
        )
        folium.Marker([lat, lon], popup=folium.Popup(popup)).add_to(fmap)
    return fmap.get_root().render()


def offline(page: str, base: str, local: str) -> str:
    """Point folium's Leaflet at the app's copy, jQuery at `local`; drop the rest.

    folium's popups are built with jQuery (`$(...)`), so it stays; Bootstrap,
    Font Awesome and awesome-markers serve no purpose with default icons.
    """
    page = re.sub(
        r'src="https?://[^"]*/jquery-[0-9.]+(?:\.min)?\.js"',
        f'src="{local}jquery.min.js"',
        page,
    )
    page = re.sub(
        r'src="https?://[^"]*/leaflet(?:@[^/"]*)?/dist/leaflet\.js"',
        f'src="{base}/vendor/leaflet/leaflet.js"',
        page,
    )
    page = re.sub(
        r'href="https?://[^"]*/leaflet(?:@[^/"]*)?/dist/leaflet\.css"',
        f'href="{base}/vendor/leaflet/leaflet.css"',
        page,
    )
    cdn = r"https?://(?!127\.0\.0\.1[:/])[^\"]*"
    page = re.sub(rf'<script src="{cdn}"></script>\s*', "", page)
    page = re.sub(rf'<link rel="stylesheet" href="{cdn}"\s*/>\s*', "", page)
    needed = [f"{base}/vendor/leaflet/leaflet.{kind}" for kind in ("js", "css")]
    if any(url not in page for url in needed + [f"{local}jquery.min.js"]):
        raise RuntimeError("folium's Leaflet or jQuery links were not rewritten")
    return page


def naive_baseline(features: list[dict], base: str, local: str, builds: int) -> dict:
    """Build and render time (median of `builds`) and size of the naive map."""
    times = []
    for _ in range(builds):
        start = time.perf_counter()
        page = naive_html(features, base)
        times.append(time.perf_counter() - start)
    body = offline(page, base, local).encode()
    return {
        "html": body,
        "build_render_ms": round(statistics.median(times) * 1000, 1),
        "builds": builds,
        "html_bytes": len(page.encode()),
        "html_gzip_bytes": len(gzip.compress(page.encode())),
    }


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def ours_in_browser(browser, server, env, instance, count: int, runs: int) -> dict:
    """Time to markers on /map; if the page breaks without tiles, with tiles.

    The fallback tile server is on a host that the browser never reaches (every
    request not to 127.0.0.1 is aborted), so still no tile is fetched.
    """
    try:
        timing = browser_runs(
            browser, server.base + "/map", OURS_DRAWN, count, runs, OURS_LIMIT_S
        )
        return {"tiles": "none", **timing}
    except PageBroken as error:
        print(f"/map broken with MAP_TILES=none: {error}", flush=True)
        broken = str(error)[:500]
    fallback = Server(env, instance / "gunicorn-tiles.log", tiles=UNREACHABLE_TILES)
    try:
        fallback.wait()
        timing = browser_runs(
            browser, fallback.base + "/map", OURS_DRAWN, count, runs, OURS_LIMIT_S
        )
    finally:
        fallback.stop()
    return {
        "tiles": f"{UNREACHABLE_TILES} (aborted)",
        "broken_with_tiles_none": broken,
        **timing,
    }


def scenario(size: int, browser_runs_n: int) -> dict:
    """Seed, serve and measure one size, with the naive baseline."""
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        env = environment(instance, f"sqlite:///{instance / 'bench.db'}")
        env["SEARCH_INDEX_ON_COMMIT"] = "0"
        start = time.perf_counter()
        prepare_database(env)
        seeded = run_measured(FLASK + ["seed", "synthetic", "--count", str(size)], env)
        print(
            f"{size}: database ready in {time.perf_counter() - start:.1f} s "
            f"(synthetic {seeded['seconds']} s)",
            flush=True,
        )
        server = Server(env, instance / "gunicorn.log")
        page_server = None
        try:
            server.wait()
            ours = server_side(server.base)
            geojson = ours.pop("geojson")
            count = ours["features"]
            print(f"{size}: {count} features; server side measured", flush=True)
            page_server = StaticFiles()
            page_server.files["/jquery.min.js"] = JQUERY.read_bytes()
            naive = naive_baseline(
                geojson["features"],
                server.base,
                page_server.url,
                builds=3 if size <= 5000 else 1,
            )
            print(f"{size}: naive built in {naive['build_render_ms']} ms", flush=True)
            page_server.files["/"] = naive.pop("html")
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox"]
                )
                chromium_version = browser.version
                ours["browser"] = ours_in_browser(
                    browser, server, env, instance, count, browser_runs_n
                )
                naive["browser"] = browser_runs(
                    browser,
                    page_server.url,
                    "document.querySelectorAll('.leaflet-marker-icon').length >= n",
                    count,
                    browser_runs_n,
                    limit_s=NAIVE_LIMIT_S,
                )
                browser.close()
            ours["server_errors"] = server.errors()
        finally:
            if page_server:
                page_server.stop()
            server.stop()
    ours_html = ours["map_html_bytes"]
    ours_ms = ours["map_gzip_ms"] + ours["geojson_gzip_ms"]
    result = {
        "institutions_expected": REAL_SEED + size,
        "features": count,
        "synthetic_seed_s": seeded["seconds"],
        "chromium": chromium_version,
        "ours": ours,
        "naive_folium": naive,
        "ratios": {
            "html_naive_over_map": round(naive["html_bytes"] / ours_html, 1),
            "html_naive_over_map_plus_geojson": round(
                naive["html_bytes"] / (ours_html + ours["geojson_bytes"]), 1
            ),
            "server_naive_over_ours": round(naive["build_render_ms"] / ours_ms, 1),
            "browser_naive_over_ours": round(
                naive["browser"]["seconds"] / ours["browser"]["seconds"], 1
            ),
        },
        "targets": targets(size, ours),
    }
    return result


def targets(size: int, ours: dict) -> dict:
    checks = {
        f"map_html < {MAP_HTML_MAX // KB} KB": ours["map_html_bytes"] < MAP_HTML_MAX
    }
    if size in GEOJSON_GZIP_MAX:
        limit = GEOJSON_GZIP_MAX[size]
        checks[f"geojson gzip < {limit // KB} KB"] = (
            ours["geojson_gzip_bytes_served"] < limit
        )
    if size in MARKERS_MAX_S:
        limit = MARKERS_MAX_S[size]
        checks[f"markers <= {limit} s"] = ours["browser"]["seconds"] <= limit
    return {name: "PASS" if ok else "FAIL" for name, ok in checks.items()}


def table(results: dict, sizes: list[int]) -> None:
    rows = [
        ("features", lambda r: f"{r['features']:,}"),
        ("/map HTML KB", lambda r: f"{r['ours']['map_html_bytes'] / KB:.1f}"),
        ("/map ms (gzip)", lambda r: f"{r['ours']['map_gzip_ms']}"),
        ("GeoJSON KB raw", lambda r: f"{r['ours']['geojson_bytes'] / KB:.0f}"),
        (
            "GeoJSON KB gz served",
            lambda r: f"{r['ours']['geojson_gzip_bytes_served'] / KB:.0f}",
        ),
        (
            "GeoJSON KB gz local",
            lambda r: f"{r['ours']['geojson_gzip_bytes_local'] / KB:.0f}",
        ),
        ("GeoJSON ms raw", lambda r: f"{r['ours']['geojson_ms']}"),
        ("GeoJSON ms gzip", lambda r: f"{r['ours']['geojson_gzip_ms']}"),
        ("GeoJSON ms unchanged (304)", lambda r: f"{r['ours']['geojson_304_ms']}"),
        ("markers drawn s", lambda r: f"{r['ours']['browser']['seconds']}"),
        ("naive HTML KB", lambda r: f"{r['naive_folium']['html_bytes'] / KB:,.0f}"),
        (
            "naive HTML KB gzip",
            lambda r: f"{r['naive_folium']['html_gzip_bytes'] / KB:,.0f}",
        ),
        ("naive build ms", lambda r: f"{r['naive_folium']['build_render_ms']:,}"),
        ("naive browser s", lambda r: f"{r['naive_folium']['browser']['seconds']}"),
        ("HTML naive/ours", lambda r: f"{r['ratios']['html_naive_over_map']}x"),
        (
            "HTML naive/(map+json)",
            lambda r: f"{r['ratios']['html_naive_over_map_plus_geojson']}x",
        ),
        ("server naive/ours", lambda r: f"{r['ratios']['server_naive_over_ours']}x"),
        ("browser naive/ours", lambda r: f"{r['ratios']['browser_naive_over_ours']}x"),
    ]
    keys = [str(s) for s in sizes]
    print(f"\n{'':24}" + "".join(f"{k:>14}" for k in keys))
    for label, value in rows:
        print(f"{label:24}" + "".join(f"{value(results[k]):>14}" for k in keys))
    for key in keys:
        for name, verdict in results[key]["targets"].items():
            print(f"{verdict} {key}: {name}")
        for side in ("ours", "naive_folium"):
            for line in results[key][side]["browser"]["console"]:
                print(f"console {key} {side}: {line}")
        for line in results[key]["ours"]["server_errors"]:
            print(f"server {key}: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000])
    parser.add_argument("--browser-runs", type=int, default=3)
    args = parser.parse_args()
    os.chdir(ROOT)
    # Keep figures of sizes not re-measured in this run.
    previous = RESULTS / "map.json"
    results = json.loads(previous.read_text()) if previous.exists() else {}
    results["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results["machine"] = machine()
    for size in args.sizes:
        try:
            results[str(size)] = scenario(size, args.browser_runs)
        except Exception as error:  # the app may be mid-edit: try once more
            print(f"{size}: failed ({error}); retrying once", flush=True)
            results[str(size)] = scenario(size, args.browser_runs)
            results[str(size)]["retried_after"] = str(error)[:500]
    table(results, args.sizes)
    print(f"results: {save('map', results)}")


if __name__ == "__main__":
    main()
