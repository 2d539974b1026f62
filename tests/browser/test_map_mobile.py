"""The map on a phone: it opens on the data, not on a strip of the world."""

import pytest

from tests.browser.test_map import expect_markers, open_map

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    """A page 390 px wide."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def visible_share(page) -> tuple[int, float, float]:
    """The zoom, the share of markers inside the view, and how much of the
    map's height the markers' bounding box takes up on screen."""
    return page.evaluate(
        """() => {
          const m = window.migratoryMap, map = m.map;
          const layers = m.cluster.getLayers();
          const view = map.getBounds();
          const inside = layers.filter((l) => view.contains(l.getLatLng())).length;
          const lats = layers.map((l) => map.latLngToContainerPoint(l.getLatLng()).y)
            .filter((y) => y >= 0 && y <= map.getSize().y).sort((a, b) => a - b);
          const spread = lats.length ? (lats[lats.length - 1] - lats[0]) : 0;
          return [map.getZoom(), inside / layers.length, spread / map.getSize().y];
        }"""
    )


def test_the_phone_map_fits_the_data(phone, live_server, mapped_count):
    open_map(phone, live_server + "/map")
    expect_markers(phone, mapped_count)
    phone.wait_for_function("() => !window.migratoryMap.map._animatingZoom")
    zoom, inside, spread = visible_share(phone)
    # Was zoom 2 with the whole region as a thin strip across the middle.
    assert zoom >= 3, (zoom, inside, spread)
    assert inside >= 0.8, (zoom, inside, spread)
    assert spread >= 0.3, (zoom, inside, spread)
