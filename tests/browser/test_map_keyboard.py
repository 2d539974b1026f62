"""The map by keyboard: clusters open with Enter or Space, popups take the focus."""

import re

import pytest

pytestmark = pytest.mark.browser

READY = """async () => {
    if (!window.migratoryMap) return false;
    await window.migratoryMap.ready;
    return true;
}"""
FOCUSED = """() => {
    const el = document.activeElement;
    return {
        cluster: Boolean(el && el.classList.contains("marker-cluster")),
        marker: Boolean(el && el.classList.contains("mg-marker")),
        label: el ? el.getAttribute("aria-label") : null,
        title: el ? el.getAttribute("title") : null,
        inPopup: Boolean(el && el.closest(".leaflet-popup")),
    };
}"""


def open_map(page, url: str) -> None:
    """Go to the map and wait until every marker is in the cluster."""
    page.goto(url)
    page.wait_for_function(READY)
    page.evaluate("() => window.migratoryMap.ready")
    page.wait_for_selector(".marker-cluster")
    page.wait_for_function("() => !window.migratoryMap.map._animatingZoom")


def biggest_cluster(page):
    """The cluster icon holding the most markers."""
    clusters = page.locator(".marker-cluster")
    sizes = [int(text) for text in clusters.all_inner_texts()]
    return clusters.nth(sizes.index(max(sizes))), max(sizes)


def zoom(page) -> int:
    """The map's zoom level now."""
    return page.evaluate("() => window.migratoryMap.map.getZoom()")


def focused(page) -> dict:
    """What has the keyboard focus."""
    return page.evaluate(FOCUSED)


def test_clusters_are_named_buttons(page, live_server):
    """A cluster is announced as "Cluster of N institutions", not a bare number."""
    open_map(page, f"{live_server}/map?lang=en")
    cluster, size = biggest_cluster(page)
    assert cluster.get_attribute("role") == "button"
    assert cluster.get_attribute("tabindex") == "0"
    assert cluster.get_attribute("aria-label") == f"Cluster of {size:,} institutions"


@pytest.mark.parametrize("key", ["Enter", " "])
def test_a_key_on_a_cluster_reveals_its_markers(page, live_server, key):
    """Enter or Space zooms into a cluster and moves the focus to what it held."""
    open_map(page, f"{live_server}/map?lang=en")
    cluster, size = biggest_cluster(page)
    before = zoom(page)
    cluster.focus()
    page.keyboard.press(key)
    page.wait_for_function(
        "label => document.activeElement"
        " && document.activeElement.getAttribute('aria-label') !== label"
        " && document.activeElement.classList.contains('leaflet-marker-icon')",
        arg=f"Cluster of {size:,} institutions",
    )
    assert zoom(page) > before
    now = focused(page)
    assert now["cluster"] or now["marker"]


def test_keyboard_reaches_a_marker_and_its_popup(page, live_server):
    """From a cluster down to one institution, whose popup takes the focus."""
    open_map(page, f"{live_server}/map?lang=en")
    cluster, _size = biggest_cluster(page)
    cluster.focus()
    for _ in range(20):
        if focused(page)["marker"]:
            break
        label = focused(page)["label"]
        page.keyboard.press("Enter")
        page.wait_for_function(
            "label => document.activeElement"
            " && document.activeElement.classList.contains('leaflet-marker-icon')"
            " && document.activeElement.getAttribute('aria-label') !== label",
            arg=label,
        )
    now = focused(page)
    assert now["marker"], now
    name = now["title"]
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup")
    assert focused(page)["inPopup"]
    popup = page.locator(".leaflet-popup-content")
    assert name in popup.inner_text()
    page.keyboard.press("Escape")
    page.wait_for_selector(".leaflet-popup", state="detached")
    assert focused(page)["marker"]
    assert focused(page)["title"] == name


def test_map_controls_speak_the_page_language(page, live_server):
    """Leaflet's zoom buttons and the popup's close button carry our labels."""
    open_map(page, f"{live_server}/map?lang=en")
    zoom_in = page.locator(".leaflet-control-zoom-in")
    assert zoom_in.get_attribute("title") == "Zoom in"
    assert zoom_in.get_attribute("aria-label") == "Zoom in"
    texts = page.locator(".map-frame").get_attribute("data-texts")
    assert re.search(r'"zoomOut": ?"Zoom out"', texts)
