"""The map's other layers and controls: country circles, presets, legend."""

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from migratory.geo.maps import PRESET_BOUNDS
from tests.browser.test_map import IDLE, LIST_LIMIT, expect_markers, open_map

pytestmark = pytest.mark.browser

CIRCLES = """() => window.migratoryMap.countries.getLayers().map(circle => [
    circle.country, circle.getTooltip().getContent().textContent])"""
# The country circle, largest count first, whose centre nothing else covers:
# where a reader's click lands on that circle and no other.
CLICKABLE_CIRCLE = """() => {
    const circles = window.migratoryMap.countries.getLayers().slice();
    circles.sort((a, b) => b.getRadius() - a.getRadius());
    for (const circle of circles) {
        const box = circle.getElement().getBoundingClientRect();
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        if (document.elementFromPoint(x, y) === circle.getElement()) {
            return {country: circle.country, x: x, y: y};
        }
    }
    return null;
}"""
FITTED = """([south, west, north, east]) => {
    const map = window.migratoryMap.map;
    const preset = L.latLngBounds([south, west], [north, east]);
    return !map._animatingZoom && map.getBounds().contains(preset)
        && map.getZoom() === map.getBoundsZoom(preset);
}"""
OUTSIDE_VIEW = """points => {
    const bounds = window.migratoryMap.map.getBounds();
    return points.filter(point => !bounds.contains(point));
}"""


def expected_circles(features: list[dict], countries: dict) -> list[list[str]]:
    """[code, tooltip] of each country of `features`, as the layer should show."""
    counts = Counter(f["properties"]["country"] for f in features)
    return sorted([code, f"{countries[code]}: {n}"] for code, n in counts.items())


def test_country_circles_count_and_list_the_current_filter(
    page, problems, live_server, mapped_count, geojson, english_names
):
    """One circle per country with its count; a click lists that country."""
    countries = english_names["countries"]
    open_map(page, f"{live_server}/map")
    expect_markers(page, mapped_count)
    page.get_by_label("Institutions per country", exact=True).check()
    assert sorted(page.evaluate(CIRCLES)) == expected_circles(
        geojson()["features"], countries
    )
    page.select_option("#m-category", "academic")
    academic = geojson(category="academic")["features"]
    expect_markers(page, len(academic))
    circles = expected_circles(academic, countries)
    assert sorted(page.evaluate(CIRCLES)) == circles
    assert page.locator("path.mg-country").count() == len(circles)

    # Markers lie above the circles: hide them, as a reader would, to click one.
    page.get_by_label("Institutions", exact=True).uncheck()
    target = page.evaluate(CLICKABLE_CIRCLE)
    assert target, "every circle's centre is covered by another"
    code = target["country"]
    page.mouse.click(target["x"], target["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    in_country = [f for f in academic if f["properties"]["country"] == code]
    assert popup.inner_text().splitlines() == [
        countries[code],
        f"{len(in_country)} institutions",
        "List them",
    ]
    query = parse_qs(urlsplit(popup.locator("a").get_attribute("href")).query)
    assert query == {"category": ["academic"], "country": [code]}
    hrefs = page.locator("#map-list a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert hrefs == [
        f"/institutions/{f['properties']['slug']}" for f in in_country[:LIST_LIMIT]
    ]
    assert page.locator("#map-list-note").inner_text().startswith(countries[code])
    assert problems.items == []


def expect_view(page, condition: str, box: list, timeout: int = 5_000) -> None:
    """Wait until the map's view meets `condition` for `box`; else say where it is."""
    try:
        page.wait_for_function(condition, arg=box, timeout=timeout)
    except PlaywrightTimeoutError:
        pass  # the assert says where the map is instead
    view = page.evaluate("() => window.migratoryMap.map.getBounds().toBBoxString()")
    assert page.evaluate(condition, box), f"view {view} does not fit {box}"


@pytest.mark.parametrize(
    ("region", "start"),
    [
        ("central-asia", "/map"),
        ("western-balkans", "/map"),
        ("north-america", "/map?region=central-asia"),
        ("", "/map?region=western-balkans"),
    ],
    ids=["central-asia", "western-balkans", "north-america", "whole-region"],
)
def test_preset_fits_the_view_to_its_region(
    page, problems, live_server, geojson, region, start
):
    """After a preset, the view is the preset's box, with its markers inside."""
    features = geojson(**({"region": region} if region else {}))["features"]
    open_map(page, live_server + start)
    page.click(f'#presets [data-region="{region}"]')
    expect_markers(page, len(features))
    (south, west), (north, east) = PRESET_BOUNDS[region]
    box = [south, west, north, east]
    expect_view(page, FITTED, box)
    page.wait_for_function(IDLE)
    points = [f["geometry"]["coordinates"][::-1] for f in features]
    assert page.evaluate(OUTSIDE_VIEW, points) == []
    assert page.locator(f'#presets [data-region="{region}"]').get_attribute(
        "class"
    ).split()[-1] == "active"  # fmt: skip
    assert problems.items == []


def test_legend_lists_every_category_in_its_marker_colour(
    page, problems, live_server, mapped_count, geojson, english_names
):
    """Each category has a legend entry whose swatch is coloured like markers."""
    open_map(page, f"{live_server}/map")
    expect_markers(page, mapped_count)
    categories = english_names["categories"]
    entries = page.locator(".legend li")
    labels = [text.strip() for text in entries.all_inner_texts()]
    assert labels == [*categories.values(), "Institutions per country (layer)"]
    swatches = page.locator(".legend .legend-swatch")
    colours = swatches.evaluate_all(
        "spans => spans.map(s => [s.className, getComputedStyle(s).backgroundColor])"
    )
    assert [c[0] for c in colours] == [f"legend-swatch cat-{s}" for s in categories]
    assert len({c[1] for c in colours}) == len(categories)
    assert "rgba(0, 0, 0, 0)" not in {c[1] for c in colours}
    one_per_category = {f["properties"]["category"]: f for f in geojson()["features"]}
    for category, feature in one_per_category.items():
        icon_class = page.evaluate(
            "slug => window.migratoryMap.markerFor(slug).options.icon.options"
            ".className",
            feature["properties"]["slug"],
        )
        assert f"cat-{category}" in icon_class.split()
    assert problems.items == []


SHOWS_COUNTRY = """box => {
    const view = window.migratoryMap.map.getBounds();
    const country = L.latLngBounds([box[0], box[1]], [box[2], box[3]]);
    return view.contains(country)
        && view.getNorth() - view.getSouth() < 3 * (box[2] - box[0]);
}"""


def test_country_page_map_shows_the_whole_country(page, problems, live_server):
    """Kazakhstan's entries all sit in Astana; its map still shows the country
    (its outline's box, roughly 40.6-55.4 N, 46.5-87.3 E), not one city."""
    kazakhstan = [40.6, 46.5, 55.4, 87.3]
    page.goto(f"{live_server}/countries/KZ")
    page.wait_for_function(
        "() => window.migratoryMap && window.migratoryMap.ready", timeout=15_000
    )
    page.evaluate("() => window.migratoryMap.ready")
    expect_view(page, SHOWS_COUNTRY, kazakhstan, timeout=10_000)
    assert problems.items == []
