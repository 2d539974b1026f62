"""Institutions written without coordinates are placed at their city, offline;
moved ones are placed again, unless a person entered their coordinates."""

import csv

from geopy.distance import geodesic

from migratory.extensions import db
from migratory.inventory.importing import import_institutions
from migratory.inventory.models import Institution
from migratory.inventory.services import create_institution, update_institution
from tests.conftest import institution_payload
from tests.geo.fakes import NoNetwork


def _without_coordinates(**overrides):
    return institution_payload(latitude=None, longitude=None, **overrides)


def test_saved_without_coordinates_is_placed_at_its_city(ctx):
    institution = create_institution(_without_coordinates(city="Бишкек", country="KG"))
    assert (institution.geo_source, institution.geo_precision) == ("gazetteer", "city")
    assert (round(institution.latitude), round(institution.longitude)) == (43, 75)


def test_entered_coordinates_are_kept_and_marked(ctx):
    institution = create_institution(institution_payload(latitude=43.0, longitude=77.0))
    assert (institution.latitude, institution.longitude) == (43.0, 77.0)
    assert institution.geo_source == "entered"


def test_moving_a_geocoded_entry_places_it_again(ctx):
    slug = create_institution(_without_coordinates(city="Almaty")).slug
    moved = update_institution(slug, _without_coordinates(city="Astana"))
    assert (round(moved.latitude), round(moved.longitude)) == (51, 71)
    assert moved.revisions[-1].data["city"] == "Astana"


def test_an_unknown_town_stays_unplaced(ctx):
    institution = create_institution(_without_coordinates(city="Nowhereville"))
    assert institution.latitude is None and institution.geo_source is None


def test_geo_fill_places_what_it_can_and_lists_the_rest(app, runner):
    with app.app_context():
        known = create_institution(_without_coordinates(name="Known Place Office"))
        unknown = create_institution(
            _without_coordinates(name="Lost Office", city="Nowhereville", website=None)
        )
        # As if loaded before geocoding existed: no coordinates.
        db.session.get(Institution, known.id).latitude = None
        db.session.get(Institution, known.id).longitude = None
        db.session.commit()
        slugs = known.slug, unknown.slug
    result = runner.invoke(args=["geo", "fill"])
    assert result.exit_code == 0, result.output
    assert "1 placed, 1 not placed." in result.output
    assert f"not placed: {slugs[1]} (Nowhereville, KZ)" in result.output
    with app.app_context():
        placed = db.session.scalar(
            db.select(Institution).where(Institution.slug == slugs[0])
        )
        assert placed.geo_source == "gazetteer" and placed.latitude is not None
        assert placed.revisions[-1].source == "geocoder"


# Moving an entry: the edit form sends back the coordinates it was shown.


def _point(institution) -> tuple:
    return institution.latitude, institution.longitude


def _stored(institution) -> dict:
    """The coordinates an edit form pre-fills: those of the saved entry."""
    return {"latitude": institution.latitude, "longitude": institution.longitude}


def _geocoded(**overrides) -> Institution:
    return create_institution(_without_coordinates(**overrides))


def test_a_new_city_with_the_old_coordinates_is_geocoded_again(ctx):
    almaty = _geocoded(city="Almaty")
    assert geodesic(_point(almaty), (43.25, 76.91)).km < 15
    moved = update_institution(
        almaty.slug, institution_payload(city="Astana", **_stored(almaty))
    )
    assert geodesic(_point(moved), (51.17, 71.45)).km < 25
    assert (moved.geo_source, moved.geo_precision) == ("gazetteer", "city")
    assert moved.revisions[-1].data["latitude"] == moved.latitude


def test_a_new_country_with_the_old_coordinates_is_geocoded_again(ctx):
    romania = _geocoded(name="Alexandria Office", city="Alexandria", country="RO")
    assert 43 < romania.latitude < 44.5
    moved = update_institution(
        romania.slug,
        institution_payload(
            name="Alexandria Office",
            city="Alexandria",
            country="US",
            **_stored(romania),
        ),
    )
    assert moved.longitude < -70 and moved.geo_source == "gazetteer"


def test_a_move_to_an_unknown_place_clears_the_stale_coordinates(ctx):
    almaty = _geocoded(city="Almaty")
    moved = update_institution(
        almaty.slug, institution_payload(city="Nowhereville", **_stored(almaty))
    )
    assert (moved.latitude, moved.longitude) == (None, None)
    assert (moved.geo_source, moved.geo_precision) == (None, None)


def test_a_new_address_drops_a_street_level_place(ctx):
    institution = _geocoded(city="Almaty", address="Abai Avenue 10")
    # As if `flask geo fill --refine` had found the building.
    institution.latitude, institution.longitude = 43.2401, 76.9452
    institution.geo_source, institution.geo_precision = "nominatim", "address"
    db.session.commit()
    moved = update_institution(
        institution.slug,
        institution_payload(address="Satpaev Street 22", **_stored(institution)),
    )
    assert (moved.geo_source, moved.geo_precision) == ("gazetteer", "city")
    assert (moved.latitude, moved.longitude) != (43.2401, 76.9452)


def test_an_unchanged_location_keeps_its_coordinates_and_version(ctx):
    institution = _geocoded(city="Almaty")
    version, point = institution.version, _point(institution)
    same = update_institution(
        institution.slug, _without_coordinates() | _stored(institution)
    )
    assert (same.version, _point(same)) == (version, point)
    renamed = update_institution(
        institution.slug, institution_payload(summary="New", **_stored(institution))
    )
    assert _point(renamed) == point and renamed.geo_source == "gazetteer"


def test_new_coordinates_are_entered_at_address_precision_and_stay(ctx):
    institution = _geocoded(city="Almaty")
    entered = update_institution(
        institution.slug, institution_payload(latitude=43.2, longitude=76.8)
    )
    assert (entered.geo_source, entered.geo_precision) == ("entered", "address")
    # A person's coordinates are theirs to change, even when the city changes.
    moved = update_institution(
        institution.slug,
        institution_payload(city="Talgar", latitude=43.2, longitude=76.8),
    )
    assert (moved.latitude, moved.longitude, moved.geo_source) == (
        43.2,
        76.8,
        "entered",
    )


def test_cleared_coordinates_are_geocoded_from_the_city(ctx):
    institution = create_institution(institution_payload(latitude=43.0, longitude=77.0))
    cleared = update_institution(institution.slug, _without_coordinates(city="Astana"))
    assert cleared.geo_source == "gazetteer" and round(cleared.latitude) == 51


def test_an_import_that_moves_an_entry_geocodes_it_again(ctx, tmp_path):
    institution = _geocoded(city="Almaty", website="https://stat.example.org")
    path = tmp_path / "moved.csv"
    row = {
        "name": institution.name,
        "category": "government",
        "country": "KZ",
        "city": "Astana",
        "website": "https://stat.example.org",
        "latitude": institution.latitude,
        "longitude": institution.longitude,
    }
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    report = import_institutions(path, max_bytes=1_000_000)
    assert report.ok and report.updated == 1, report.errors
    moved = db.session.get(Institution, institution.id)
    assert geodesic(_point(moved), (51.17, 71.45)).km < 25
    assert moved.geo_source == "gazetteer"


def test_saves_never_ask_the_configured_geocoder(ctx):
    """Saves happen during page requests: the offline gazetteer places them."""
    ctx.config["GEOCODER"] = "nominatim"
    ctx.extensions["geocoder"] = NoNetwork()
    institution = _geocoded(city="Almaty")
    moved = update_institution(
        institution.slug, institution_payload(city="Astana", **_stored(institution))
    )
    assert (moved.geo_source, moved.geo_precision) == ("gazetteer", "city")


def test_city_level_coordinates_from_a_file_follow_a_move(ctx):
    """The seed gives city-level coordinates: after a move they are the old
    city's, so the entry is placed again (typed ones would stay)."""
    seeded = create_institution(
        institution_payload(latitude=43.25, longitude=76.91, geo_precision="city")
    )
    assert (seeded.geo_source, seeded.geo_precision) == ("entered", "city")
    moved = update_institution(
        seeded.slug,
        institution_payload(city="Astana", geo_precision="city", **_stored(seeded)),
    )
    assert geodesic(_point(moved), (51.17, 71.45)).km < 25
    assert moved.geo_source == "gazetteer"
