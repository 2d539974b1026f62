"""Moving an entry through the web: the edit form pre-fills the coordinates,
yet a new city or country places the entry again; typed coordinates stay."""

import pytest
from geopy.distance import geodesic

from tests.conftest import mail_settings, make_test_app, wipe_inventory
from tests.geo.fakes import NoNetwork
from tests.moderation import edit_path, entry, proposals, signed_in, submit

FOCAL = "focal.kz@example.org"
SECRETARIAT = "secretariat@example.org"
MEMBER = "member@example.org"
ASTANA = (51.17, 71.45)


@pytest.fixture
def app(database_url, tmp_path, smtp_server):
    """GEOCODER=nominatim, with a geocoder that fails the test if it is asked:
    page requests must place entries offline."""
    app = make_test_app(
        database_url,
        tmp_path / "index",
        GEOCODER="nominatim",
        **mail_settings(smtp_server),
    )
    app.extensions["geocoder"] = NoNetwork()
    yield app
    wipe_inventory(app)


@pytest.fixture
def slug(make_institution):
    """An entry placed by the gazetteer at Almaty."""
    return make_institution(latitude=None, longitude=None, city="Almaty")


@pytest.fixture(params=["focal_point", "secretariat"])
def editor(request, app, make_user, slug):
    """Someone who edits the entry directly: its focal point, or the secretariat."""
    if request.param == "focal_point":
        make_user(FOCAL, role="focal_point", country="KZ", institutions=[slug])
        return signed_in(app, FOCAL)
    make_user(SECRETARIAT, role="secretariat")
    return signed_in(app, SECRETARIAT)


def edit(client, slug, **changes):
    response = submit(client, edit_path(slug), "institution-form", **changes)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def test_the_form_sends_back_the_stored_coordinates(editor, app, slug):
    page = editor.get(edit_path(slug)).get_data(as_text=True)
    assert f'value="{entry(app, slug).latitude}"' in page


def test_a_new_city_places_the_entry_again(editor, app, slug):
    edit(editor, slug, city="Astana")
    moved = entry(app, slug)
    assert geodesic((moved.latitude, moved.longitude), ASTANA).km < 25
    assert (moved.geo_source, moved.geo_precision) == ("gazetteer", "city")


def test_a_city_nobody_knows_clears_the_old_place(editor, app, slug):
    edit(editor, slug, city="Nowhereville")
    moved = entry(app, slug)
    assert (moved.latitude, moved.geo_source, moved.geo_precision) == (None,) * 3


def test_typed_coordinates_are_entered(editor, app, slug):
    edit(editor, slug, latitude="43.2", longitude="76.8")
    typed = entry(app, slug)
    assert (typed.latitude, typed.longitude) == (43.2, 76.8)
    assert (typed.geo_source, typed.geo_precision) == ("entered", "address")
    edit(editor, slug, city="Talgar")
    assert (entry(app, slug).latitude, entry(app, slug).city) == (43.2, "Talgar")


@pytest.mark.parametrize("edited", [False, True], ids=["as-proposed", "edited"])
def test_an_approved_proposal_places_the_entry_again(app, make_user, slug, edited):
    """Approved as proposed, or as the secretariat's edited version (the whole
    form, with the coordinates it was shown)."""
    make_user(MEMBER)
    make_user(SECRETARIAT, role="secretariat")
    edit(signed_in(app, MEMBER), slug, city="Astana")
    [proposal] = proposals(app, status="pending")
    assert entry(app, slug).city == "Almaty"
    secretariat = signed_in(app, SECRETARIAT)
    response = submit(
        secretariat,
        f"/secretariat/proposals/{proposal.id}",
        "approve-form",
        edited="1" if edited else None,
    )
    assert response.status_code == 302
    moved = entry(app, slug)
    assert moved.city == "Astana"
    assert geodesic((moved.latitude, moved.longitude), ASTANA).km < 25
    assert moved.geo_source == "gazetteer"


def test_the_secretariat_moving_an_entry_abroad_places_it_again(app, make_user, slug):
    make_user(SECRETARIAT, role="secretariat")
    edit(signed_in(app, SECRETARIAT), slug, city="Bishkek", country="KG")
    moved = entry(app, slug)
    assert geodesic((moved.latitude, moved.longitude), (42.87, 74.59)).km < 25
