"""Diffs of history, proposals and conflicts speak the reader's language:
form labels, vocabulary names, country names and a readable author."""

import re

import pytest
from sqlalchemy import select

from tests.moderation import revisions

CARD = r'<li class="card mb-3" id="revision-{number}">(.*?)</li>'


def revision_card(page: str, number: int) -> str:
    found = re.search(CARD.format(number=number), page, re.S)
    assert found, f"no revision {number}"
    return found[1]


def rows(card: str) -> dict[str, tuple[str, str]]:
    """Field label → (before, after) of a revision's table of changes."""
    return {
        label: (before.strip(), after.strip())
        for label, before, after in re.findall(
            r'<th scope="row"[^>]*>([^<]+)</th><td><del>([^<]*)</del></td>'
            r"<td><ins>([^<]*)</ins></td>",
            card,
        )
    }


@pytest.fixture
def seeded_slug(seeded):
    """A seeded entry of Kazakhstan with topics."""
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with seeded.app_context():
        return db.session.scalar(
            select(Institution.slug)
            .where(Institution.country_code == "KZ", Institution.category != "other")
            .order_by(Institution.id)
            .limit(1)
        )


def test_seeded_revision_reads_as_the_initial_import(app, client, seeded_slug):
    [first] = revisions(app, seeded_slug)
    assert first.source == "seed" and first.author_id is None
    page = client.get(f"/institutions/{seeded_slug}/history").get_data(as_text=True)
    card = revision_card(page, 1)

    assert "Initial import (seed data)" in card
    assert not re.search(r"·\s*seed\b", card)


def test_history_shows_labels_and_names_not_keys_and_codes(app, client, seeded_slug):
    from migratory.inventory.vocab import CATEGORIES, TOPICS

    [first] = revisions(app, seeded_slug)
    page = client.get(f"/institutions/{seeded_slug}/history").get_data(as_text=True)
    changes = rows(revision_card(page, 1))

    assert changes["Country"] == ("", "Kazakhstan")
    with app.test_request_context():
        category = str(CATEGORIES[first.data["category"]])
        topics = [str(TOPICS[t]) for t in first.data["topics"]]
    assert changes["Category"] == ("", category)
    assert all(topic in changes["Topics"][1] for topic in topics)
    shown = " ".join(changes) + " ".join(after for _, after in changes.values())
    for code in ("summary", "KZ", first.data["category"], *first.data["topics"]):
        assert not re.search(rf"\b{re.escape(code)}\b", shown), code


def test_history_in_russian_names_fields_values_and_country_in_russian(
    client, seeded_slug
):
    page = client.get(f"/institutions/{seeded_slug}/history?lang=ru")
    changes = rows(revision_card(page.get_data(as_text=True), 1))

    assert changes["Страна"] == ("", "Казахстан")
    assert "Country" not in changes


def test_revision_from_a_proposal_without_author_names_the_proposal(app):
    from migratory.core.revision_labels import source_label

    with app.test_request_context():
        assert str(source_label("proposal:12")) == "Proposal 12"
        assert str(source_label("import")) == "File import"
        assert str(source_label("seed")) == "Initial import (seed data)"
