"""Fresh, stale or not yet confirmed: the entry's page and the dashboard agree."""

import re

import pytest
from sqlalchemy import select

from migratory.core.models import utcnow
from tests.moderation import (
    make_confirmed,
    make_stale,
    never_confirmed,
    signed_in,
    table,
)

SECRETARIAT = "secretariat@example.org"


@pytest.fixture
def secretariat(app, make_user):
    make_user(SECRETARIAT, role="secretariat")
    return signed_in(app, SECRETARIAT)


def freshness_row(client, country: str) -> list[str]:
    """[fresh, stale, not yet confirmed] of a country on the dashboard."""
    page = client.get("/secretariat/").get_data(as_text=True)
    rows = {row[0]: row[1:] for row in table(page, "freshness")}
    return rows[country][:3]


def last_verified(client, slug: str) -> str:
    page = client.get(f"/institutions/{slug}").get_data(as_text=True)
    found = re.search(r'<dd class="col-sm-9" id="last-verified">(.*?)</dd>', page, re.S)
    assert found, "no last-verified line"
    return " ".join(found[1].split()), 'id="stale-note"' in page


def test_seeded_entry_says_when_it_was_added_not_never(seeded, client):
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with seeded.app_context():
        slug = db.session.scalar(select(Institution.slug).limit(1))
    text, stale = last_verified(client, slug)

    today = utcnow().strftime("%Y-%m-%d")
    assert text == f"added on {today}, not yet confirmed"
    assert "never" not in text and not stale


def test_dashboard_counts_seeded_entries_as_not_yet_confirmed(seeded, secretariat):
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with seeded.app_context():
        kazakh = len(
            db.session.scalars(
                select(Institution.id).where(
                    Institution.country_code == "KZ",
                    Institution.status == "published",
                )
            ).all()
        )
    assert kazakh > 0
    assert freshness_row(secretariat, "Kazakhstan") == ["0", "0", str(kazakh)]


@pytest.fixture
def four(app, make_institution):
    """Kazakh entries: confirmed today, added today, confirmed long ago, added
    long ago and never confirmed."""
    slugs = {
        kind: make_institution(name=f"{kind.title()} Statistics Office", website=None)
        for kind in ("confirmed", "added", "old", "forgotten")
    }
    make_confirmed(app, slugs["confirmed"])
    make_stale(app, slugs["old"])
    never_confirmed(app, slugs["forgotten"], days=400)
    return slugs


def test_page_and_dashboard_agree_on_each_entry(app, client, secretariat, four):
    from migratory.extensions import db
    from migratory.inventory.models import Institution
    from migratory.moderation.dashboard import freshness

    with app.app_context():
        kinds = {i.slug: freshness(i) for i in db.session.scalars(select(Institution))}
    assert kinds == {
        four["confirmed"]: "fresh",
        four["added"]: "unconfirmed",
        four["old"]: "stale",
        four["forgotten"]: "stale",
    }
    assert freshness_row(secretariat, "Kazakhstan") == ["1", "2", "1"]

    for kind, slug in four.items():
        text, stale = last_verified(client, slug)
        assert stale == (kinds[slug] == "stale"), kind
        assert ("not yet confirmed" in text) == (kind in ("added", "forgotten")), kind


def test_confirming_moves_an_entry_to_fresh_on_both(app, client, secretariat, four):
    from tests.conftest import csrf_token

    slug = four["added"]
    token = csrf_token(secretariat, f"/institutions/{slug}")
    secretariat.post(f"/institutions/{slug}/confirm", data={"csrf_token": token})

    assert freshness_row(secretariat, "Kazakhstan") == ["2", "2", "0"]
    text, stale = last_verified(client, slug)
    assert text == utcnow().strftime("%Y-%m-%d") and not stale
