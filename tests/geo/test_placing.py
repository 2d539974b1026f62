"""Institutions written without coordinates are placed at their city, offline."""

from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.inventory.services import create_institution, update_institution
from tests.conftest import institution_payload


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
