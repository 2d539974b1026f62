"""What is near: one page of `near=` results, against geodesic on every row.

For each size: a fresh SQLite database from the migrations, the real seed plus
N generated synthetic institutions; then, in one process, the first page (20)
of institutions near Vienna at 200 km and at 5,000 km (the largest radius
allowed), against the naive way (every candidate of the bounding box loaded
as an object and measured with geopy's geodesic), median of 5, same run.

    .venv/bin/python bench/nearby_bench.py [--sizes 20000 100000]
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import sized_main  # noqa: E402

RADII = (200, 5000)


def naive_page(place, radius_km: float, per_page: int) -> int:
    """Every candidate as an object, a geodesic distance each, then the page."""
    from geopy.distance import geodesic

    from migratory.extensions import db
    from migratory.geo.nearby import bounding_box
    from migratory.inventory.models import Institution
    from migratory.inventory.queries import filtered_select

    origin = (place.latitude, place.longitude)
    found = []
    box = bounding_box(place, radius_km, Institution.latitude, Institution.longitude)
    query = filtered_select({}).where(*box)
    for institution in db.session.scalars(query):
        km = geodesic(origin, (institution.latitude, institution.longitude)).km
        if km <= radius_km:
            found.append((km, institution.name_key, institution))
    found.sort(key=lambda item: item[:2])
    return len(found[:per_page])


def median_seconds(function, repeat: int = 5) -> float:
    from migratory.extensions import db

    seconds = []
    for _ in range(repeat):
        db.session.expunge_all()
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return round(statistics.median(seconds), 4)


def measure() -> dict:
    """Run inside a child whose environment points at the prepared database."""
    from migratory import create_app
    from migratory.search.finder import (
        InstitutionFilters,
        find_institutions,
        resolve_near,
    )

    app = create_app()
    results = {}
    with app.test_request_context():
        place = resolve_near("Vienna")

        def nearby_page(radius):
            near = InstitutionFilters(near="Vienna", radius_km=radius)
            return find_institutions(near, page=1, per_page=20)

        for radius in RADII:
            page = nearby_page(radius)
            ours = median_seconds(lambda r=radius: nearby_page(r))
            naive = median_seconds(lambda r=radius: naive_page(place, r, 20))
            results[f"{radius}_km"] = {
                "within": page.total,
                "ours_s": ours,
                "naive_s": naive,
                "ratio": round(naive / max(ours, 1e-4), 1),
            }
    return results


def main() -> None:
    sized_main(__doc__, "nearby", [20000, 100000], measure)


if __name__ == "__main__":
    main()
