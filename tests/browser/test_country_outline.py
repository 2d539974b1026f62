"""A country's page emphasises the country's outline on its map."""

import pytest

from tests.browser.test_map_layers import SHOWS_COUNTRY, expect_view

pytestmark = pytest.mark.browser

OUTLINE = "() => window.migratoryCountryOutline || null"
LARGE = """() => {
    const box = document.querySelector("path.mg-country-outline")
        .getBoundingClientRect();
    const frame = document.querySelector(".map-frame").getBoundingClientRect();
    return box.width > frame.width / 3 || box.height > frame.height / 3;
}"""
OUTLINE_BOX = """() => {
    const b = window.migratoryCountryOutline.getBounds();
    return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];
}"""


def test_country_page_draws_the_country_outline_emphasised(page, problems, live_server):
    page.goto(f"{live_server}/countries/KZ")
    page.wait_for_function("() => !!window.migratoryCountryOutline", timeout=15_000)

    south, west, north, east = page.evaluate(OUTLINE_BOX)
    # Kazakhstan's outline, roughly 40.6-55.4 N, 46.5-87.3 E: not another country.
    assert 40 < south < 41.5 and 55 < north < 56
    assert 46 < west < 47.5 and 87 < east < 88
    expect_view(page, SHOWS_COUNTRY, [south, west, north, east], timeout=10_000)
    path = page.locator("path.mg-country-outline")
    assert path.count() == 1
    assert float(path.get_attribute("stroke-width")) >= 3
    # Drawn over the background, large in the fitted view (once it settles).
    page.wait_for_function(LARGE, timeout=10_000)
    assert problems.items == []


def test_region_page_has_no_country_outline(page, problems, live_server):
    page.goto(f"{live_server}/regions/central-asia")
    page.wait_for_function(
        "() => window.migratoryMap && window.migratoryMap.ready", timeout=15_000
    )
    page.evaluate("() => window.migratoryMap.ready")
    assert page.evaluate(OUTLINE) is None
    assert page.locator("path.mg-country-outline").count() == 0
