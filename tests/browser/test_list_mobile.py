"""Small screens: results first, filters behind "Filters (n)"; the map keeps near=."""

import pytest

from tests.browser.test_map import expect_markers, open_map

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(browser, request):
    """A page 390 px wide, with and without JavaScript."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=request.param)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize("path", ["/institutions", "/institutions?q=migration"])
def test_results_come_first_on_a_phone(phone, live_server, path):
    phone.goto(live_server + path)
    first = phone.locator("#results li").first.bounding_box()
    assert first["y"] < 500, first  # was 1,050 px (list) and 1,530 px (search)
    assert not phone.locator("#f-q").is_visible()
    phone.click("#filters-toggle")
    assert phone.locator("#f-q").is_visible()
    assert phone.locator("#facets [data-facet=country]").is_visible()


def test_filters_are_open_beside_the_results_on_a_wide_screen(page, live_server):
    page.goto(live_server + "/institutions?country=KZ")
    assert page.locator("#f-q").is_visible()
    assert page.locator("#facets input[value=KZ]").is_checked()


def test_map_shows_only_what_is_near(page, live_server, mapped_count, geojson):
    near = geojson(near="Almaty", radius_km=1000)["features"]
    assert 0 < len(near) < mapped_count
    open_map(page, f"{live_server}/map?near=Almaty&radius_km=1000")
    assert page.input_value("#m-near") == "Almaty"
    expect_markers(page, len(near))
