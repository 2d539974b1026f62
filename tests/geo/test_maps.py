"""Map pages: local assets only, small HTML, the tiles setting, the CSP nonce."""

import gzip
import json
import re

import pytest

from migratory.geo.maps import Assets, Tiles, location_map, overview_map
from migratory.geo.maps import tiles_from_setting as tiles_setting
from tests.conftest import ROOT, make_test_app, wipe_inventory

ASSET = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')
EXTERNAL = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""")
ASSETS = Assets("/l.js", "/l.css", "/c.js", ("/c.css",))


def test_map_page_references_no_external_script_or_stylesheet(client):
    page = client.get("/map").get_data(as_text=True)
    assets = ASSET.findall(page)
    assert any("leaflet.js" in a for a in assets)
    assert any("leaflet.markercluster.js" in a for a in assets)
    assert [a for a in assets if not a.startswith("/")] == []
    assert not EXTERNAL.search(page)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg"):
        assert cdn not in page


def test_every_map_asset_is_served_locally(client):
    page = client.get("/map").get_data(as_text=True)
    for asset in ASSET.findall(page):
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.data) > 100, asset


def test_leaflet_images_are_served(client):
    assert client.get("/vendor/leaflet/images/layers.png").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/vendor/nothing/leaflet.js",
        "/vendor/leaflet/../../../../etc/passwd",
        "/vendor/leaflet/missing.js",
    ],
)
def test_vendor_route_serves_only_the_packages(client, path):
    assert client.get(path).status_code == 404


def test_page_size_does_not_grow_with_the_inventory(client, make_institution):
    empty = len(client.get("/map").data)
    for n in range(30):
        make_institution(name=f"Office number {n}", acronym=None, names=[])
    assert len(client.get("/map").data) == empty
    assert empty < 50 * 1024


def test_inline_map_script_runs_only_with_the_nonce(client):
    response = client.get("/map")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    page = response.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    executable = [a for a in inline if "json" not in a]  # data, not code
    assert executable == [f' nonce="{nonce}"']
    assert "'unsafe-inline'" not in policy
    assert nonce != re.search(r"'nonce-([^']+)'", client.get("/map").headers[
        "Content-Security-Policy"])[1]  # fmt: skip


def test_pages_without_maps_carry_no_nonce(client):
    assert "nonce" not in client.get("/institutions").headers["Content-Security-Policy"]


def test_osm_tiles_by_default_with_attribution(client):
    response = client.get("/map")
    page = response.get_data(as_text=True)
    assert "tile.openstreetmap.org/{z}/{x}/{y}.png" in page
    assert "OpenStreetMap" in page and "copyright" in page
    assert "https://tile.openstreetmap.org" in response.headers[
        "Content-Security-Policy"]  # fmt: skip


def test_config_gives_the_script_what_it_needs(client):
    page = client.get("/map?region=central-asia").get_data(as_text=True)
    config = json.loads(re.search(r'id="map-config">(.*?)</script>', page, re.S)[1])
    assert config["geojson"] == "/api/v1/institutions.geojson"
    assert set(config["names"]) == {"map", "cluster", "countries"}
    for name in config["names"].values():
        assert f"var {name} = " in page
    assert config["countries"]["KZ"] == "Kazakhstan"
    assert set(config["presets"]) >= {"central-asia", "south-caucasus", "eu-efta"}
    assert client.get(config["outlines"]).status_code == 200


def test_filters_stay_in_the_form(client):
    page = client.get("/map?region=south-caucasus&category=academic").get_data(
        as_text=True
    )
    assert '<option value="south-caucasus" selected>' in page
    assert '<option value="academic" selected>' in page


def test_a_bad_filter_is_explained_not_fatal(client):
    response = client.get("/map?category=nonsense&country=XX")
    assert response.status_code == 200
    assert "was ignored" in response.get_data(as_text=True)


@pytest.fixture
def no_tiles_client(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path / "index", MAP_TILES="none")
    yield app.test_client()
    wipe_inventory(app)


def test_no_tiles_setting_uses_outlines_and_no_external_origin(no_tiles_client):
    response = no_tiles_client.get("/map")
    page = response.get_data(as_text=True)
    assert "tile.openstreetmap" not in page
    assert "country outlines are shown instead" in page
    assert "openstreetmap" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("setting", "url"),
    [
        ("openstreetmap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        ("none", None),
        ("https://tiles.intranet.example/{z}/{x}/{y}.png", None),
    ],
)
def test_tiles_setting(setting, url):
    tiles = tiles_setting(setting)
    if setting.startswith("https://tiles."):
        assert tiles.url == setting and tiles.origin == "https://tiles.intranet.example"
        assert tiles.attribution
    else:
        assert tiles.url == url


@pytest.mark.parametrize("setting", ["ftp://x/{z}", "javascript:alert(1)", "tiles"])
def test_bad_tiles_setting_fails_at_start(setting):
    with pytest.raises(ValueError, match="MAP_TILES"):
        tiles_setting(setting)


def test_overview_map_is_a_pure_function_of_its_settings():
    parts = overview_map(Tiles(None), ASSETS)
    assert ("js", "/l.js") in parts.assets and ("js", "/c.js") in parts.assets
    assert ("css", "/c.css") in parts.assets
    assert all(url.startswith("/") for _, url in parts.assets)
    assert "L.markerClusterGroup" in parts.script
    assert "tileLayer" not in parts.script
    # Without tiles the map itself must know its maximum zoom, or the marker
    # cluster refuses to be added ("Map has no maxZoom specified").
    assert '"maxZoom": 18' in parts.script
    assert 'class="folium-map"' in parts.html


def test_location_map_centres_on_the_point():
    parts = location_map(Tiles(None), ASSETS, 41.7151, 44.8271)
    assert "41.7151" in parts.script and "44.8271" in parts.script
    assert "circleMarker" in parts.script


def test_detail_page_shows_a_small_map(client, make_institution):
    slug = make_institution(latitude=43.2389, longitude=76.8897)
    response = client.get(f"/institutions/{slug}")
    page = response.get_data(as_text=True)
    assert "map-small" in page and "43.2389" in page
    assert "nonce" in response.headers["Content-Security-Policy"]


def test_detail_page_without_coordinates_has_no_map(client, make_institution):
    slug = make_institution(city="Nowhereville", latitude=None, longitude=None)
    page = client.get(f"/institutions/{slug}").get_data(as_text=True)
    assert "map-small" not in page and "leaflet.js" not in page


def test_user_text_never_enters_the_map_script(client, make_institution):
    slug = make_institution(name="</script><script>alert(1)</script> Office")
    page = client.get(f"/institutions/{slug}").get_data(as_text=True)
    assert "<script>alert(1)" not in page


@pytest.mark.parametrize("path", ["/countries/KZ", "/regions/central-asia"])
def test_country_and_region_pages_map_their_institutions(client, path):
    page = client.get(path).get_data(as_text=True)
    config = json.loads(re.search(r'id="map-config">(.*?)</script>', page, re.S)[1])
    expected = {"country": "KZ"} if "countries" in path else {"region": "central-asia"}
    assert config["fixed"] == expected
    assert "js/map.js" in page


OUTLINES = ROOT / "static" / "geo" / "unece-countries.geojson"
MAP_FRAME = re.compile(r'data-map="([^"]+)" data-outlines="([^"]+)"')


@pytest.fixture
def tiles_off(app):
    """The `app` with MAP_TILES=none, as create_app would have set it."""
    app.config.update(MAP_TILES="none", MAP_TILES_ORIGIN=None)
    return app


@pytest.mark.parametrize(
    "path", ["/institutions/{slug}", "/countries/KZ", "/regions/central-asia", "/map"]
)
def test_every_map_without_tiles_loads_the_outline_background(
    tiles_off, client, make_institution, path
):
    """Small maps too: the script draws the outlines when no tile comes."""
    slug = make_institution(latitude=43.2389, longitude=76.8897)
    page = client.get(path.format(slug=slug)).get_data(as_text=True)
    assert "tileLayer" not in page
    (name, url), *others = MAP_FRAME.findall(page)
    assert others == []
    assert f"var {name} = L.map(" in page
    assert "/static/js/map.js" in page
    outlines = json.loads(client.get(url).get_data())
    assert len(outlines["features"]) == 56


def outlines_url(client) -> str:
    """The outline background's URL as the map page gives it."""
    return MAP_FRAME.search(client.get("/map").get_data(as_text=True))[2]


def test_outlines_are_sent_gzipped_and_cached_for_a_year(client):
    """Compressed once, not per request; a versioned URL lets browsers keep it."""
    url = outlines_url(client)
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.mimetype == "application/geo+json"
    assert gzip.decompress(response.data) == OUTLINES.read_bytes()
    assert len(response.data) < OUTLINES.stat().st_size / 3
    assert "Accept-Encoding" in response.headers["Vary"]
    assert set(response.headers["Cache-Control"].split(", ")) == {
        "public",
        "max-age=31536000",
        "immutable",
    }
    again = client.get(
        url,
        headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""


def test_outlines_uncompressed_for_clients_without_gzip(client):
    """Clients that accept no gzip get the file as it is."""
    response = client.get(outlines_url(client), headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data == OUTLINES.read_bytes()


def test_outline_url_changes_with_the_file(app, client, tmp_path):
    """A regenerated file gets a new URL; the old one leads to the new file."""
    old = outlines_url(client)
    (tmp_path / "geo").mkdir()
    changed = OUTLINES.read_bytes().replace(b'"name":"Albania"', b'"name":"Shqip"')
    (tmp_path / "geo" / OUTLINES.name).write_bytes(changed)
    app.static_folder = str(tmp_path)
    new = outlines_url(client)
    assert new != old
    assert client.get(new).data == changed
    moved = client.get(old)
    assert moved.status_code == 302 and moved.headers["Location"] == new
