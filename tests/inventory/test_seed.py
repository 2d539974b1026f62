"""`flask seed`: geography and the real institutions, idempotent; synthetic data."""

import csv
import json
import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from migratory.core.history import Revision
from migratory.extensions import db
from migratory.inventory.models import (
    Contact,
    Country,
    Institution,
    Region,
)
from migratory.inventory.seeding import SEED_DIR, synthetic_payloads

SEED = json.loads((SEED_DIR / "institutions.json").read_text(encoding="utf-8"))
GROUPINGS = {
    "central-asia": {"KZ", "KG", "TJ", "TM", "UZ"},
    "south-caucasus": {"AM", "AZ", "GE"},
    "eecca": {"AM", "AZ", "BY", "GE", "KZ", "KG", "MD", "RU", "TJ", "TM", "UA", "UZ"},
    "speca": {"AF", "AZ", "KZ", "KG", "TJ", "TM", "UZ"},
    "western-balkans": {"AL", "BA", "ME", "MK", "RS"},
    "north-america": {"CA", "US"},
    "eu-efta": {
        # The 27 EU member States ...
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR"),
        *("HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK"),
        *("SI", "ES", "SE"),
        # ... and the 4 EFTA States.
        *("IS", "LI", "NO", "CH"),
    },
}
PRIVATE_FIELDS = ("email", "phone", "address", "contacts")


def count(*where) -> int:
    query = select(func.count()).select_from(Institution)
    return db.session.scalar(query.where(*where) if where else query)


def members(slug: str) -> set[str]:
    region = db.session.scalar(select(Region).where(Region.slug == slug))
    assert region is not None, f"no region {slug!r}"
    return {c.iso2 for c in region.countries}


# --- flask seed ----------------------------------------------------------------


def test_seed_twice_changes_nothing_the_second_time(runner, app):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "57 countries;" in first.output
    total = len(SEED)
    assert f"{total} rows read: {total} were created, 0 updated" in first.output
    assert "0 errors." in first.output

    second = runner.invoke(args=["seed"])

    assert second.exit_code == 0, second.output
    assert "57 countries; 0 geography changes." in second.output
    assert f"{total} rows read: 0 were created, 0 updated, {total} unchanged" in (
        second.output
    )
    assert "rejected" not in second.output
    with app.app_context():
        assert count() == total
        assert db.session.scalar(select(func.count(Revision.id))) == total
        assert set(db.session.scalars(select(Institution.version))) == {1}


def test_seed_has_no_duplicates_or_warnings(seeded):
    from migratory.inventory.seeding import load_institutions

    with seeded.app_context():
        again = load_institutions()
        assert again.ok, again.errors
        assert not again.warnings, [str(w) for w in again.warnings]
        assert (again.created, again.updated, again.skipped) == (0, 0, 0)
        assert count() == len(SEED)


def test_geography_reload_is_idempotent(ctx):
    from migratory.inventory.seeding import load_geography

    assert load_geography() == (57, 0)


# --- geography -----------------------------------------------------------------


def test_57_countries_56_unece_members_and_afghanistan(ctx):
    countries = {c.iso2: c for c in db.session.scalars(select(Country))}
    assert len(countries) == 57
    unece = {code for code, c in countries.items() if c.is_unece_member}
    assert len(unece) == 56
    assert set(countries) - unece == {"AF"}
    afghanistan = countries["AF"]
    assert afghanistan.is_speca
    assert not afghanistan.is_unece_member
    assert afghanistan.name_en == "Afghanistan"
    assert members("unece") == unece
    assert "AF" not in members("unece")
    assert all(c.name_ru for c in countries.values())
    assert all(len(c.iso3) == 3 and len(c.m49) == 3 for c in countries.values())


def test_countries_agree_with_the_reference_list(ctx, shared_data):
    with (shared_data / "unece_members.csv").open(encoding="utf-8") as f:
        reference = {row["iso2"]: row for row in csv.DictReader(f)}
    assert len(reference) == 56
    countries = {c.iso2: c for c in db.session.scalars(select(Country))}
    assert {k for k, c in countries.items() if c.is_unece_member} == set(reference)
    for iso2, row in reference.items():
        country = countries[iso2]
        assert (country.iso3, country.m49, country.name_en) == (
            row["iso3"],
            row["m49"],
            row["name"],
        ), iso2
        assert country.is_speca == (row["speca"] == "True"), iso2
        assert (iso2 in members("eecca")) == (row["eecca"] == "True"), iso2
        assert iso2 in members(re.sub(r"\W+", "-", row["sub_region"].lower()))
        assert iso2 in members(row["region"].lower())


@pytest.mark.parametrize(("slug", "expected"), sorted(GROUPINGS.items()))
def test_regions(ctx, slug, expected):
    assert members(slug) == expected


def test_eu_efta_has_31_countries(ctx):
    assert len(members("eu-efta")) == 31


def test_regions_have_russian_names_and_kinds(ctx):
    regions = db.session.scalars(select(Region)).all()
    assert {r.kind for r in regions} == {"grouping", "m49-region", "m49-subregion"}
    assert all(r.name_ru for r in regions)
    assert all(r.countries for r in regions)


# --- seed institutions ---------------------------------------------------------


def test_at_least_150_seed_institutions(seeded):
    assert len(SEED) >= 150
    with seeded.app_context():
        assert count() == len(SEED)
        assert count(Institution.is_synthetic.is_(True)) == 0
        assert count(Institution.status != "published") == 0


def test_every_country_has_two_institutions_and_a_statistics_producer(seeded):
    with seeded.app_context():
        codes = set(db.session.scalars(select(Country.iso2)))
        per_country = Counter(db.session.scalars(select(Institution.country_code)))
        assert set(per_country) == codes
        thin = sorted(code for code in codes if per_country[code] < 2)
        assert thin == []
        producers = set(
            db.session.scalars(
                select(Institution.country_code).where(
                    Institution.is_producer.is_(True),
                    Institution.category == "government",
                )
            )
        )
        assert sorted(codes - producers) == []


def test_seed_file_holds_public_facts_only():
    for entry in SEED:
        present = [f for f in PRIVATE_FIELDS if entry.get(f)]
        assert present == [], entry["name"]
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", json.dumps(entry)), entry[
            "name"
        ]


def test_seeded_inventory_has_no_contact_details(seeded):
    with seeded.app_context():
        assert db.session.scalar(select(func.count(Contact.id))) == 0
        for field in (Institution.email, Institution.phone, Institution.address):
            assert count(field.is_not(None)) == 0, field


def test_every_seed_website_is_a_full_web_address(seeded):
    websites = [e["website"] for e in SEED if e.get("website")]
    assert websites
    # One Azerbaijani research centre is listed in ROR with an http address only.
    assert [w for w in websites if not w.startswith("https://")] == [
        "http://www.etsim.azstat.gov.az"
    ]
    with seeded.app_context():
        stored = db.session.scalars(
            select(Institution.website).where(Institution.website.is_not(None))
        ).all()
        assert len(stored) == len(websites)
        assert sorted(stored) == sorted(websites)


def test_seed_entries_are_complete(seeded):
    for entry in SEED:
        assert entry.get("summary"), entry["name"]
        assert entry.get("topics"), entry["name"]
        assert entry.get("city"), entry["name"]
        assert entry.get("latitude") is not None, entry["name"]
    with seeded.app_context():
        assert count(Institution.latitude.is_(None)) == 0


def test_seed_ror_ids_are_real_ror_records(seeded, shared_data):
    records = json.loads(
        (shared_data / "ror" / "ror_sample.json").read_text(encoding="utf-8")
    )
    countries = {
        r["id"]: r["locations"][0]["geonames_details"]["country_code"] for r in records
    }
    with seeded.app_context():
        pairs = db.session.execute(
            select(Institution.ror_id, Institution.country_code).where(
                Institution.ror_id.is_not(None)
            )
        ).all()
    assert pairs
    for ror_id, country in pairs:
        assert ror_id.startswith("https://ror.org/")
        assert countries.get(ror_id) == country, ror_id


# --- synthetic -----------------------------------------------------------------


def test_seed_synthetic(runner, app):
    result = runner.invoke(args=["seed", "synthetic", "--count", "50"])
    assert result.exit_code == 0, result.output
    assert "50 rows read: 50 were created" in result.output
    with app.app_context():
        institutions = db.session.scalars(select(Institution)).all()
        assert len(institutions) == 50
        assert all(i.is_synthetic for i in institutions)
        assert all("Synthetic" in i.name for i in institutions)
        assert all("SYNTHETIC" in i.summary for i in institutions)
        expected = {p["name"] for _, p in synthetic_payloads(50, 42)}
        assert {i.name for i in institutions} == expected


def test_synthetic_data_is_deterministic():
    first = synthetic_payloads(50)
    assert first == synthetic_payloads(50, 42)
    assert len({p["name"] for _, p in first}) == 50
    other = synthetic_payloads(50, seed=7)
    assert [p["name"] for _, p in other] != [p["name"] for _, p in first]


def test_synthetic_seed_option(runner, app):
    result = runner.invoke(args=["seed", "synthetic", "--count", "5", "--seed", "7"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = set(db.session.scalars(select(Institution.name)))
    assert names == {p["name"] for _, p in synthetic_payloads(5, 7)}


def test_synthetic_twice_adds_nothing(runner, app):
    runner.invoke(args=["seed", "synthetic", "--count", "20"])
    again = runner.invoke(args=["seed", "synthetic", "--count", "20"])
    assert again.exit_code == 0, again.output
    assert "0 were created" in again.output
    with app.app_context():
        assert count() == 20


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_synthetic_count_must_be_positive(runner, value):
    result = runner.invoke(args=["seed", "synthetic", "--count", value])
    assert result.exit_code == 2


def test_plain_seed_never_loads_synthetic_data(runner, app):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(Institution.is_synthetic.is_(True)) == 0
        names = db.session.scalars(select(Institution.name)).all()
        assert not [n for n in names if "synthetic" in n.lower()]
    assert not [e for e in SEED if "synthetic" in json.dumps(e).lower()]


def test_plain_seed_leaves_synthetic_data_alone(runner, app):
    runner.invoke(args=["seed", "synthetic", "--count", "10"])
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(Institution.is_synthetic.is_(True)) == 10
        assert count() == 10 + len(SEED)
