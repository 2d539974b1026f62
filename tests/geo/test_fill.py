"""`flask geo fill`: the configured geocoder, a progress bar, batched commits,
a list of what it could not place, and `--refine` for city-level entries."""

import pytest
from sqlalchemy import func, select

from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.inventory.placing_fill import fill_coordinates
from migratory.inventory.services import create_institution
from tests.conftest import institution_payload
from tests.geo.fakes import FakeNominatim


def _unplaced(name: str, city: str = "Almaty", **overrides) -> str:
    """An entry without coordinates, as if loaded before geocoding existed."""
    institution = create_institution(
        institution_payload(
            name=name, acronym=None, names=[], website=None, city=city, **overrides
        )
    )
    institution.latitude = institution.longitude = None
    institution.geo_source = institution.geo_precision = None
    db.session.commit()
    return institution.slug


def _placed_count() -> int:
    query = select(func.count()).where(Institution.latitude.is_not(None))
    return db.session.scalar(query)


def test_the_progress_bar_and_what_could_not_be_placed(app, runner):
    with app.app_context():
        for number in range(3):
            _unplaced(f"Office number {number}")
        lost = _unplaced("Lost Office", city="Nowhereville")
    result = runner.invoke(args=["geo", "fill"])
    assert result.exit_code == 0, result.output
    assert "Geocoding" in result.output  # click's progress bar label
    assert "3 placed, 1 not placed." in result.output
    assert f"not placed: {lost} (Nowhereville, KZ)" in result.output


def test_fill_uses_the_configured_geocoder_with_its_precision(app, runner):
    with app.app_context():
        slug = _unplaced("Street Office", address="Abai Avenue 10")
    geocoder = FakeNominatim({"Abai Avenue 10, Almaty": (43.2401, 76.9452, 30)})
    app.extensions["geocoder"] = geocoder
    result = runner.invoke(args=["geo", "fill"])
    assert "1 placed, 0 not placed." in result.output, result.output
    assert geocoder.queries == [("Abai Avenue 10, Almaty", "kz")]
    with app.app_context():
        placed = db.session.scalar(select(Institution).where(Institution.slug == slug))
        assert (placed.latitude, placed.longitude) == (43.2401, 76.9452)
        assert (placed.geo_source, placed.geo_precision) == ("nominatim", "address")
        assert placed.revisions[-1].source == "geocoder"


def test_an_interrupted_fill_keeps_the_batches_it_committed(ctx):
    for number in range(5):
        _unplaced(f"Office number {number}", city=f"Town {number}")
    answers = {f"Town {n}": (43.0 + n, 76.0, 16) for n in range(5)}
    answers["Town 3"] = KeyboardInterrupt()  # someone pressed Ctrl-C
    with pytest.raises(KeyboardInterrupt):
        fill_coordinates(FakeNominatim(answers), batch_size=2)
    db.session.rollback()
    assert _placed_count() == 2  # the first batch; Town 2 was not yet committed
    report = fill_coordinates(FakeNominatim({**answers, "Town 3": (46, 76, 16)}))
    assert (report.placed, report.unplaced) == (3, [])
    assert _placed_count() == 5


def test_refine_moves_city_level_entries_to_their_address(app, runner):
    with app.app_context():
        slug = create_institution(
            institution_payload(latitude=None, longitude=None, address="Abai 10")
        ).slug
        typed = create_institution(
            institution_payload(name="Typed Office", website=None, acronym=None)
        ).slug
    geocoder = FakeNominatim({"Abai 10, Almaty": (43.2401, 76.9452, 30)})
    app.extensions["geocoder"] = geocoder
    app.config["GEOCODER"] = "nominatim"
    result = runner.invoke(args=["geo", "fill", "--refine"])
    assert "0 placed, 1 refined, 0 not placed." in result.output, result.output
    # Coordinates a person entered are never asked about.
    assert geocoder.queries == [("Abai 10, Almaty", "kz")]
    with app.app_context():
        refined = db.session.scalar(select(Institution).where(Institution.slug == slug))
        assert (refined.geo_source, refined.geo_precision) == ("nominatim", "address")
        kept = db.session.scalar(select(Institution).where(Institution.slug == typed))
        assert kept.geo_source == "entered"


def test_refine_keeps_the_city_when_nominatim_knows_less(ctx):
    institution = create_institution(institution_payload(latitude=None, longitude=None))
    point = institution.latitude, institution.longitude
    country_only = FakeNominatim({"Almaty": (48.0, 67.0, 4)})
    report = fill_coordinates(country_only, refine=True)
    assert (report.placed, report.refined) == (0, 0)
    kept = db.session.get(Institution, institution.id)
    assert (kept.latitude, kept.longitude, kept.geo_source) == (*point, "gazetteer")


def test_refine_leaves_a_city_point_for_another_city_point(ctx):
    """Nominatim's city is no finer than the gazetteer's: no new revision."""
    institution = create_institution(institution_payload(latitude=None, longitude=None))
    point, version = (institution.latitude, institution.longitude), institution.version
    same_precision = FakeNominatim({"Almaty": (43.25, 76.95, 16)})

    report = fill_coordinates(same_precision, refine=True)

    assert (report.placed, report.refined) == (0, 0)
    kept = db.session.get(Institution, institution.id)
    assert (kept.latitude, kept.longitude, kept.version) == (*point, version)


def test_refine_needs_nominatim(runner):
    result = runner.invoke(args=["geo", "fill", "--refine"])
    assert result.exit_code == 2
    assert "GEOCODER=nominatim" in result.output
