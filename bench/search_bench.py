"""Search speed: index build and a fixed query mix, against a naive LIKE scan.

For each size and backend: a fresh database from the migrations, the real seed
plus N synthetic institutions (`flask seed synthetic`), a timed `flask search
rebuild`, then 240 searches (one to three words, with and without filters,
typos; facets included) and 60 autocomplete prefixes through the service
layer; then the same searches as a naive SQL `LIKE '%word%'` scan with the same
counts, in the same run.

    .venv/bin/python bench/search_bench.py [--sizes 20000 100000] [--no-postgres]
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    FLASK,
    RESULTS,
    ROOT,
    environment,
    run_measured,
    save,
)

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/migratory_bench"
WORDS = (
    "migration statistics labour remittance refugee diaspora integration census "
    "population border research centre institute agency observatory council "
    "office foundation network bureau laboratory data return policy trafficking "
    "demographic almaty bishkek tashkent tbilisi yerevan geneva vienna berlin "
    "kazakhstan georgia armenia germany миграция статистика перевод казахстан "
    "институт центр"
).split()
FILTERS = [
    {"country": "KZ"},
    {"category": "government"},
    {"topic": "remittances"},
    {"region": "central-asia"},
    {"region": "eu-efta", "category": "academic"},
]


def query_mix(seed: int = 5) -> tuple[list[tuple[str, dict]], list[str]]:
    """240 searches and 60 prefixes, the same every run."""
    rng = random.Random(seed)
    searches = []
    for number in range(240):
        words = rng.sample(WORDS, rng.choice((1, 1, 2, 2, 3)))
        if number % 8 == 0:  # a typo: two letters swapped
            word = words[0]
            i = rng.randrange(len(word) - 1)
            words[0] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        filters = rng.choice(FILTERS) if number % 3 == 0 else {}
        searches.append((" ".join(words), filters))
    prefixes = [rng.choice(WORDS)[: rng.choice((2, 3, 4, 5))] for _ in range(60)]
    return searches, prefixes


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(pick(0.95), 2),
        "p99_ms": round(pick(0.99), 2),
        "max_ms": round(ordered[-1], 2),
    }


def like_scan(db, text: str, filters: dict):
    """The naive way: LIKE on every text column, with the same counts."""
    from sqlalchemy import func, or_, select

    from migratory.inventory.models import Institution
    from migratory.inventory.queries import filtered_select

    query = filtered_select(filters)
    for word in text.split():
        pattern = f"%{word}%"
        query = query.where(
            or_(
                Institution.name.ilike(pattern),
                Institution.summary.ilike(pattern),
                Institution.city.ilike(pattern),
            )
        )
    sub = query.subquery()
    total = db.session.scalar(select(func.count()).select_from(sub))
    db.session.execute(
        select(sub.c.category, func.count()).group_by(sub.c.category)
    ).all()
    db.session.execute(
        select(sub.c.country_code, func.count()).group_by(sub.c.country_code)
    ).all()
    db.session.scalars(query.order_by(Institution.name_key).limit(25)).all()
    return total


def measure_queries(url: str, backend: str, instance: Path) -> dict:
    """Latencies of the mix through the services, and of the LIKE scan."""
    from config import Config
    from migratory import create_app
    from migratory.extensions import db
    from migratory.search.services import search_institutions, suggest_institutions

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    config.SEARCH_BACKEND = backend
    config.SEARCH_INDEX_DIR = str(instance / "index")
    app = create_app(config)
    searches, prefixes = query_mix()
    result = {}
    with app.app_context():
        search_institutions("warm up", {})
        timings, totals = [], []
        for text, filters in searches:
            start = time.perf_counter()
            page = search_institutions(text, dict(filters))
            timings.append((time.perf_counter() - start) * 1000)
            totals.append(page.total)
        result["search"] = percentiles(timings)
        result["search"]["queries"] = len(searches)
        result["search"]["mean_hits"] = round(statistics.mean(totals), 1)
        timings = []
        for prefix in prefixes:
            start = time.perf_counter()
            suggest_institutions(prefix)
            timings.append((time.perf_counter() - start) * 1000)
        result["suggest"] = percentiles(timings)
        timings = []
        for text, filters in searches:
            start = time.perf_counter()
            like_scan(db, text, filters)
            timings.append((time.perf_counter() - start) * 1000)
        result["like_scan"] = percentiles(timings)
        result["like_scan_over_search_p50"] = round(
            result["like_scan"]["p50_ms"] / result["search"]["p50_ms"], 1
        )
        result["like_scan_over_search_p95"] = round(
            result["like_scan"]["p95_ms"] / result["search"]["p95_ms"], 1
        )
    return result


def index_size(url: str, backend: str, instance: Path) -> float:
    """Size of the index in MB."""
    if backend == "whoosh":
        files = (instance / "index").glob("*")
        return round(sum(f.stat().st_size for f in files) / 1048576, 1)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        size = connection.scalar(
            text("SELECT pg_total_relation_size('search_documents')")
        )
    engine.dispose()
    return round(size / 1048576, 1)


def scenario(size: int, backend: str, url: str | None) -> dict:
    """Build, index and measure one configuration."""
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        url = url or f"sqlite:///{instance / 'bench.db'}"
        env = environment(instance, url)
        env.update(SEARCH_BACKEND=backend, SEARCH_INDEX_ON_COMMIT="0")
        if url.startswith("postgresql"):
            reset_postgres(url)
        for command in (
            ["db", "upgrade"],
            ["seed"],
            ["seed", "synthetic", "--count", str(size)],
        ):
            run_measured(FLASK + command, env)
        build = run_measured(FLASK + ["search", "rebuild"], env)
        seconds = float(build["output"][-1].split(" in ")[1].split(" s")[0])
        docs = size + 211
        result = {
            "documents": docs,
            "rebuild_s": seconds,
            "rebuild_docs_per_s": round(docs / seconds),
            "rebuild_peak_mb": build["peak_mb"],
            "index_mb": index_size(url, backend, instance),
        }
        os.environ["MIGRATORY_INSTANCE_DIR"] = str(instance)
        result.update(measure_queries(url, backend, instance))
    label = f"{backend} {size}"
    print(
        f"{label}: rebuild {result['rebuild_s']} s "
        f"({result['rebuild_docs_per_s']} docs/s), "
        f"index {result['index_mb']} MB; search {result['search']}; "
        f"suggest {result['suggest']}; LIKE {result['like_scan']}; "
        f"LIKE/search p95 {result['like_scan_over_search_p95']}x",
        flush=True,
    )
    return result


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    name = make_url(url).database
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-whoosh", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    # Keep figures of configurations not re-measured in this run.
    previous = RESULTS / "search.json"
    results = json.loads(previous.read_text()) if previous.exists() else {}
    results["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for size in [] if args.no_whoosh else args.sizes:
        results[f"whoosh_sqlite_{size}"] = scenario(size, "whoosh", None)
    if not args.no_postgres:
        size = max(args.sizes)
        results[f"postgresql_{size}"] = scenario(size, "postgresql", POSTGRES)
    print(f"results: {save('search', results)}")


if __name__ == "__main__":
    main()
