"""The map in Russian: the list under it and the popups carry Russian names."""

import pytest

from tests.browser.test_map_keyboard import open_map

pytestmark = pytest.mark.browser


def test_list_and_popup_names_in_russian(page, live_server, geojson):
    """Entries with a Russian name show it under the map and in their popup."""
    russian = geojson(lang="ru")["features"]
    named = [
        f["properties"]
        for f in russian
        if f["properties"]["name"] != (f["properties"]["name_en"])
    ]
    assert named, "the seed has entries with Russian names"
    first = named[0]
    open_map(page, f"{live_server}/map?lang=ru")
    listed = page.locator("#map-list a").all_inner_texts()
    assert first["name"] in listed
    assert first["name_en"] not in listed
    page.evaluate(
        "slug => window.migratoryMap.cluster.zoomToShowLayer("
        "window.migratoryMap.markerFor(slug),"
        " () => window.migratoryMap.markerFor(slug).openPopup())",
        first["slug"],
    )
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert first["name"] in popup.inner_text()
