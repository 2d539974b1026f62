"""Maps in a real browser: markers, filters, popups, list, offline backgrounds."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import PageProblems, only_local_requests

pytestmark = pytest.mark.browser

LIST_LIMIT = 200
READY = """async () => {
    if (!window.migratoryMap) return false;
    await window.migratoryMap.ready;
    return true;
}"""
SHOWING = """n => window.migratoryMap.markerCount() === n
    && window.migratoryMap.map.getContainer().dataset.markers === String(n)"""
OUTLINES_DRAWN = (
    "() => document.querySelectorAll('.leaflet-mg-outlines-pane path').length > 0"
)


def open_map(page, url: str) -> None:
    """Go to a map page and wait for its first data load."""
    page.goto(url)
    page.wait_for_function(READY)


def marker_count(page) -> int:
    """Markers in the cluster layer now."""
    return page.evaluate("() => window.migratoryMap.markerCount()")


def expect_markers(page, expected: int) -> None:
    """Wait until the cluster holds `expected` markers, and the element says so."""
    try:
        page.wait_for_function(SHOWING, arg=expected, timeout=10_000)
    except PlaywrightTimeoutError:
        pass  # the asserts below report what the page shows instead
    assert marker_count(page) == expected
    container_markers = page.evaluate(
        "() => window.migratoryMap.map.getContainer().dataset.markers"
    )
    assert container_markers == str(expected)


def region_in_url(page) -> list[str]:
    """The region parameters of the page's current URL."""
    return parse_qs(urlsplit(page.url).query).get("region", [])


def test_map_shows_every_mapped_institution(
    page, problems, live_server, mapped_count, geojson, artifact_dir
):
    """All published, located institutions become markers, with no errors."""
    open_map(page, f"{live_server}/map")
    assert mapped_count > 0
    assert len(geojson()["features"]) == mapped_count
    expect_markers(page, mapped_count)
    screenshot = artifact_dir / "map-overview.png"
    page.locator(".map-frame").screenshot(path=str(screenshot))
    assert screenshot.is_file() and screenshot.stat().st_size > 0
    assert problems.items == []


@pytest.mark.parametrize(
    ("region", "choose"),
    [
        ("central-asia", lambda page, slug: page.select_option("#m-region", slug)),
        (
            "south-caucasus",
            lambda page, slug: page.click(f'#presets [data-region="{slug}"]'),
        ),
    ],
    ids=["select", "preset"],
)
def test_region_filter_narrows_markers(
    page, problems, live_server, mapped_count, geojson, region, choose
):
    """A region (select or preset) shows what the API says, in a shareable URL."""
    expected = len(geojson(region=region)["features"])
    assert 0 < expected < mapped_count
    open_map(page, f"{live_server}/map")
    expect_markers(page, mapped_count)
    page.evaluate("() => { window.samePage = true; }")
    choose(page, region)
    expect_markers(page, expected)
    assert region_in_url(page) == [region]
    assert page.evaluate("() => window.samePage === true"), "the page was reloaded"
    page.reload()
    page.wait_for_function(READY)
    expect_markers(page, expected)
    assert page.input_value("#m-region") == region
    assert problems.items == []


def lone_feature(features: list[dict]) -> dict:
    """A feature whose place and name no other feature shares."""
    places = [tuple(f["geometry"]["coordinates"]) for f in features]
    names = [f["properties"]["name"] for f in features]
    for feature in sorted(features, key=lambda f: f["properties"]["slug"]):
        place = tuple(feature["geometry"]["coordinates"])
        if places.count(place) == 1 and names.count(feature["properties"]["name"]) == 1:
            return feature
    pytest.fail("every seed institution shares its place or name with another")


# Leaflet.markercluster's zoomToShowLayer never calls back if it starts while
# the map is still in a zoom animation (as right after load, when folium's
# fitBounds animates): wait for the map to settle, and never wait forever.
IDLE = "() => !window.migratoryMap.map._animatingZoom"
SHOW_MARKER = """slug => new Promise((resolve, reject) => {
    const marker = window.migratoryMap.markerFor(slug);
    setTimeout(() => reject(new Error("zoomToShowLayer never finished")), 10000);
    window.migratoryMap.cluster.zoomToShowLayer(marker, () => {
        marker.getElement().setAttribute("data-testid", "target-marker");
        resolve();
    });
})"""


def test_marker_popup_links_to_detail_page(
    page, problems, live_server, geojson, english_names
):
    """A marker's popup: name, category, city and country, a link to the entry."""
    feature = lone_feature(geojson()["features"])
    properties = feature["properties"]
    slug, name = properties["slug"], properties["name"]
    country = english_names["countries"][properties["country"]]
    open_map(page, f"{live_server}/map")
    page.wait_for_function(IDLE)
    page.evaluate(SHOW_MARKER, slug)
    marker = page.get_by_test_id("target-marker")
    assert marker.get_attribute("title") == name
    marker.click()
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    assert page.locator(".leaflet-popup-content").inner_text().splitlines() == [
        name,
        english_names["categories"][properties["category"]],
        f"{properties['city']}, {country}",
        "Details",
    ]
    link.click()
    page.wait_for_url(f"**/institutions/{slug}")
    assert urlsplit(page.url).path == f"/institutions/{slug}"
    assert name in page.locator("h1").inner_text()
    assert problems.items == []


def test_list_under_map_is_linked_and_keyboard_reachable(
    page, problems, live_server, mapped_count, geojson
):
    """The list names the first institutions, with links reachable by Tab."""
    open_map(page, f"{live_server}/map")
    expect_markers(page, mapped_count)
    links = page.locator("#map-list a")
    expected = [
        f"/institutions/{f['properties']['slug']}"
        for f in geojson()["features"][:LIST_LIMIT]
    ]
    assert links.count() == min(mapped_count, LIST_LIMIT)
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == expected
    assert links.evaluate_all("links => links.filter(a => a.tabIndex < 0).length") == 0
    assert tab_into(page, "#map-list"), "Tab never reached the list under the map"
    assert problems.items == []


def tab_into(page, selector: str, limit: int = 800) -> bool:
    """Press Tab from where focus is until it lands inside `selector`."""
    inside = f"() => document.activeElement?.closest({selector!r}) !== null"
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(inside):
            return True
    return False


def test_map_works_offline_with_default_tiles(page, osm_server, mapped_count):
    """With tiles unreachable, markers and country outlines still show."""
    blocked = only_local_requests(page, osm_server)
    problems = PageProblems(page, osm_server)
    open_map(page, f"{osm_server}/map")
    expect_markers(page, mapped_count)
    page.wait_for_function(OUTLINES_DRAWN)
    assert any("tile.openstreetmap.org" in url for url in blocked), blocked[:5]
    assert problems.items == []


@pytest.mark.parametrize(
    ("server", "path"),
    [
        ("osm_server", "/institutions/{slug}"),
        ("osm_server", "/countries/{country}"),
        ("live_server", "/institutions/{slug}"),
    ],
    ids=["detail-tiles-blocked", "country-tiles-blocked", "detail-no-tiles"],
)
def test_small_maps_have_the_outline_background(page, request, geojson, server, path):
    """Small maps show the country outlines when tiles are off or unreachable."""
    base_url = request.getfixturevalue(server)
    blocked = only_local_requests(page, base_url)
    problems = PageProblems(page, base_url)
    outlines = []
    page.on(
        "response",
        lambda response: (
            outlines.append(response) if "/geo/countries-" in response.url else None
        ),
    )
    properties = geojson()["features"][0]["properties"]
    page.goto(base_url + path.format(**properties))
    page.wait_for_function(OUTLINES_DRAWN)
    assert page.locator(".map-small .leaflet-mg-outlines-pane path").count() > 50
    if server == "osm_server":
        assert any("tile.openstreetmap.org" in url for url in blocked), blocked[:5]
    else:
        assert blocked == []
    assert len(outlines) == 1
    headers = outlines[0].headers
    assert headers["content-encoding"] == "gzip"
    assert "immutable" in headers["cache-control"]
    assert problems.items == []
