"""The network pages at scale: /network and a country page against the naive way.

For each size: a fresh SQLite database from the migrations, the real seed plus
N synthetic institutions (`flask seed synthetic`); then, in the measuring
process, 5,000 synthetic producer-user links between random published
institutions and three synthetic focal points per country (all generated
here, marked synthetic, never stored outside the scratch database). Measured
in the same run (median of 5, after one warm-up):

- the /network page and the country page with the most links, rendered for a
  signed-in member (pages for members are never served from the page cache);
- the figures behind them as our services compute them (a fixed number of
  grouped queries) against the naive way: for /network, one query per
  country for each figure (institutions, verified entries, focal points,
  links); for the country page, every link loaded as an object and filtered
  in Python, its ends loaded one by one.

    .venv/bin/python bench/network_bench.py [--sizes 20000]
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import sized_main  # noqa: E402

LINKS = 5000
FOCAL_POINTS_PER_COUNTRY = 3
PASSWORD = "synthetic bench walrus lantern"  # generated accounts, scratch only
RUNS = 5


def add_synthetic_network(links: int, seed: int = 7) -> dict:
    """Random links and focal points in the scratch database (one commit)."""
    from sqlalchemy import insert, select

    from migratory.accounts.models import User, focal_point_institutions
    from migratory.accounts.network_roles import NETWORK_ROLES
    from migratory.core.models import utcnow
    from migratory.extensions import db
    from migratory.inventory.models import Institution
    from migratory.network.models import ProducerUserLink
    from migratory.network.vocab import FLOWS

    rng = random.Random(seed)
    rows = db.session.execute(
        select(Institution.id, Institution.country_code).where(
            Institution.status == "published"
        )
    ).all()
    ids = [ident for ident, _ in rows]
    chosen, now = set(), utcnow()
    while len(chosen) < links:
        producer, consumer = rng.sample(ids, 2)
        chosen.add((producer, consumer, rng.choice(list(FLOWS))))
    db.session.execute(
        insert(ProducerUserLink),
        [
            {
                "producer_id": p,
                "consumer_id": c,
                "flow": f,
                "description": "Synthetic link (benchmark)",
                "status": "published",
                "version": 1,
                "created": now,
                "updated": now,
            }
            for p, c, f in sorted(chosen)
        ],
    )
    by_country: dict[str, list[int]] = {}
    for ident, country in rows:
        by_country.setdefault(country, []).append(ident)
    users = 0
    for country, members in sorted(by_country.items()):
        for number in range(FOCAL_POINTS_PER_COUNTRY):
            user = User(
                email=f"focal-{country.lower()}-{number}@synthetic.example.org",
                name=f"Synthetic focal point {number} ({country})",
                role="focal_point",
                country_code=country,
                network_role=rng.choice(list(NETWORK_ROLES)),
                email_verified=now,
                last_login=now,
            )
            db.session.add(user)
            db.session.flush()
            db.session.execute(
                insert(focal_point_institutions),
                [{"user_id": user.id, "institution_id": rng.choice(members)}],
            )
            users += 1
    db.session.commit()
    return {"links": links, "focal_points": users}


def busiest_country() -> str:
    """The country with the most links at either end."""
    from migratory.network.links import link_counts_by_country

    counts = link_counts_by_country()
    return max(counts, key=counts.get)


def naive_overview() -> int:
    """/network's figures, one query per country and figure."""
    from sqlalchemy import func, or_, select

    from migratory.accounts.models import User
    from migratory.core.models import utcnow
    from migratory.extensions import db
    from migratory.inventory.models import Country, Institution
    from migratory.network.models import ProducerUserLink

    since = utcnow().replace(year=utcnow().year - 1)
    total = 0
    for country in db.session.scalars(select(Country)).all():
        published = select(Institution.id).where(
            Institution.country_code == country.iso2,
            Institution.status == "published",
        )
        total += db.session.scalar(
            select(func.count()).select_from(published.subquery())
        )
        total += db.session.scalar(
            select(func.count()).where(
                Institution.country_code == country.iso2,
                Institution.status == "published",
                Institution.last_verified >= since,
            )
        )
        for user in db.session.scalars(
            select(User).where(
                User.role == "focal_point", User.country_code == country.iso2
            )
        ):
            total += len(user.institutions)
        total += db.session.scalar(
            select(func.count()).where(
                ProducerUserLink.status == "published",
                or_(
                    ProducerUserLink.producer_id.in_(published),
                    ProducerUserLink.consumer_id.in_(published),
                ),
            )
        )
    return total


def naive_country_links(code: str) -> int:
    """A country's links: every link as an object, filtered in Python."""
    from sqlalchemy import select
    from sqlalchemy.orm import lazyload

    from migratory.extensions import db
    from migratory.network.models import ProducerUserLink

    shown = []
    query = select(ProducerUserLink).options(lazyload("*"))
    for link in db.session.scalars(query).all():
        ends = (link.producer, link.consumer)
        if link.status == "published" and code in {e.country_code for e in ends}:
            shown.append((ends[0].name, ends[1].name, link.flow))
    return len(shown)


def timed(function) -> float:
    """Median seconds of `function()` over RUNS runs, after a warm-up."""
    from migratory.extensions import db

    function()
    seconds = []
    for _ in range(RUNS):
        db.session.expunge_all()
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return round(statistics.median(seconds), 4)


def page_time(client, path: str) -> float:
    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    return timed(get)


def measure() -> dict:
    """Run inside a child whose environment points at the prepared database."""
    from migratory import create_app
    from migratory.accounts.services import create_user
    from migratory.core.panels import panels
    from migratory.inventory.queries import get_country
    from migratory.network.overview import network_overview

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        made = add_synthetic_network(LINKS)
        create_user("member@synthetic.example.org", "member", PASSWORD)
        code = busiest_country()
    client = app.test_client()
    login = client.post(
        "/auth/login",
        data={"email": "member@synthetic.example.org", "password": PASSWORD},
    )
    assert login.status_code == 302, login.status_code
    with app.test_request_context():
        country = get_country(code)
        result = {
            **made,
            "country": code,
            "network_page_s": page_time(client, "/network"),
            "country_page_s": page_time(client, f"/countries/{code}"),
            "overview_ours_s": timed(network_overview),
            "overview_naive_s": timed(naive_overview),
            "country_network_ours_s": timed(lambda: panels("country", country)),
            "country_links_naive_s": timed(lambda: naive_country_links(code)),
        }
    return result


def add_ratios(result: dict) -> None:
    """Naive time over ours, for both pages' figures."""
    result["ratio_overview"] = round(
        result["overview_naive_s"] / max(result["overview_ours_s"], 1e-4), 1
    )
    result["ratio_country"] = round(
        result["country_links_naive_s"] / max(result["country_network_ours_s"], 1e-4),
        1,
    )


def main() -> None:
    sized_main(__doc__, "network", [20000], measure, add_ratios)


if __name__ == "__main__":
    main()
