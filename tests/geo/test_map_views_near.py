"""The map keeps near= (form and GeoJSON), and several values per facet."""

import re


def test_map_form_keeps_near_and_radius(client, make_institution):
    make_institution()
    page = client.get("/map?near=Almaty&radius_km=1000").text
    form = page.split('id="map-filters"', 1)[1].split("</form>", 1)[0]
    assert re.search(r'name="near" value="Almaty"', form)
    assert re.search(r'name="radius_km"[^>]*value="1000"', form)


def test_unknown_place_on_the_map_is_reported(client):
    page = client.get("/map?near=Nowhereville-on-Mars").text
    assert "alert-warning" in page and "Nowhereville-on-Mars" in page
    form = page.split('id="map-filters"', 1)[1].split("</form>", 1)[0]
    assert 'name="near" value=""' in form


def test_geojson_near_has_only_entries_near(client, make_institution):
    make_institution(name="Almaty Office", website="https://a.example.kz")
    make_institution(
        name="Berlin Office",
        website="https://b.example.de",
        country="DE",
        city="Berlin",
        latitude=52.52,
        longitude=13.405,
        names=[],
    )
    found = client.get("/api/v1/institutions.geojson?near=Almaty&radius_km=1000")
    assert [f["properties"]["slug"] for f in found.json["features"]] == [
        "almaty-office"
    ]


def test_map_selects_every_chosen_country(client, make_institution):
    make_institution()
    page = client.get("/map?country=KZ&country=UZ").text
    select = page.split('id="m-country"', 1)[1].split("</select>", 1)[0]
    assert select.startswith(' name="country" multiple')
    assert re.search(r'value="KZ" selected', select)
    assert re.search(r'value="UZ" selected', select)
