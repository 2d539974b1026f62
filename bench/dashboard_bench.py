"""Secretariat dashboard: likely duplicates and the per-country table at scale.

For each size: a fresh SQLite database from the migrations, the real seed plus
N generated synthetic institutions (whose names differ mostly by a number, a
hard case for name matching), then, in the same process, the dashboard's
duplicate finder (first load; again with nothing changed; after one edit in the
largest country) and the per-country table, against the naive way of finding
duplicates (load every published entry as an object and compare whole
countries in one matrix, on every load), measured in the same run.

    .venv/bin/python bench/dashboard_bench.py [--sizes 2000 20000]
"""

import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import sized_main  # noqa: E402


def naive_duplicates(limit: int) -> int:
    """The baseline: every entry as an ORM object, one full matrix per country."""
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist
    from sqlalchemy import select

    from migratory.extensions import db
    from migratory.inventory.models import Institution
    from migratory.moderation.dashboard import NAME_SIMILARITY

    rows = db.session.scalars(
        select(Institution).where(Institution.status == "published")
    ).all()
    by_country = defaultdict(list)
    for institution in rows:
        by_country[institution.country_code].append(institution)
    pairs = []
    for group in by_country.values():
        keys = [i.name_key for i in group]
        scores = cdist(
            keys, keys, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY
        )
        for a, b in zip(*scores.nonzero(), strict=True):
            if a < b:
                pairs.append((-int(scores[a][b]), group[a].name_key, a, b))
    pairs.sort()
    return len(pairs[:limit])


def timed(function, repeat: int = 3) -> dict:
    """Median wall time and peak traced memory of `function()`."""
    from migratory.extensions import db

    seconds = []
    tracemalloc.start()
    for _ in range(repeat):
        db.session.expunge_all()
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "median_s": round(statistics.median(seconds), 3),
        "peak_mb": round(peak / 2**20, 1),
    }


def touch_one_entry() -> None:
    """An edit in the largest country, as a focal point would make."""
    from sqlalchemy import func, select

    from migratory.extensions import db
    from migratory.inventory.models import Institution
    from migratory.inventory.services import change_institution

    country = db.session.scalar(
        select(Institution.country_code)
        .group_by(Institution.country_code)
        .order_by(func.count().desc())
        .limit(1)
    )
    entry = db.session.scalar(
        select(Institution).where(Institution.country_code == country).limit(1)
    )
    change_institution(entry, {"summary": f"Edited at {time.time()}"}, source="bench")
    db.session.commit()


def measure() -> dict:
    """Run inside a child whose environment points at the prepared database."""
    from migratory import create_app
    from migratory.moderation import dashboard

    app = create_app()
    with app.test_request_context():
        shown = lambda: dashboard.likely_duplicates(limit=20)  # noqa: E731
        first = timed(shown, repeat=1)
        after_edit = timed(lambda: (touch_one_entry(), shown()), repeat=3)
        return {
            "pairs_shown": len(shown()),
            "duplicates_first_load": first,
            "duplicates_unchanged": timed(shown),
            "duplicates_after_one_edit": after_edit,
            "per_country_table": timed(dashboard.freshness_by_country),
            "naive_duplicates": timed(lambda: naive_duplicates(20)),
        }


def add_ratios(result: dict) -> None:
    """Naive time over ours, for each case."""
    naive = result["naive_duplicates"]["median_s"]
    for case in ("first_load", "unchanged", "after_one_edit"):
        ours = max(result[f"duplicates_{case}"]["median_s"], 0.0005)
        result[f"ratio_naive_over_{case}"] = round(naive / ours, 1)


def main() -> None:
    sized_main(__doc__, "dashboard", [2000, 20000], measure, add_ratios)


if __name__ == "__main__":
    main()
