"""Large maps load in chunks: the page's signals wait for every marker."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.test_map import READY, expect_markers

pytestmark = pytest.mark.browser

LARGE = 20_000
# Every value the map container's data-markers takes, with the cluster's count
# at that moment (MutationObserver callbacks run before the next chunk does).
RECORD_SIGNALS = """
window.markerSignals = [];
new MutationObserver(records => records.forEach(record => {
    const value = record.target.getAttribute("data-markers");
    if (value !== null && window.migratoryMap) {
        window.markerSignals.push([value, window.migratoryMap.markerCount()]);
    }
})).observe(document, {attributes: true, attributeFilter: ["data-markers"],
                       subtree: true});
"""
READY_COUNT = """async () => {
    await window.migratoryMap.ready;
    return [window.migratoryMap.markerCount(),
            window.migratoryMap.map.getContainer().dataset.markers];
}"""
SLUGS = "() => window.migratoryMap.cluster.getLayers().map(m => m.slug)"


def synthetic_features(count: int, prefix: str) -> dict:
    """`count` points spread over Kazakhstan, slugs `prefix`-0, `prefix`-1..."""
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [50 + (i % 200) * 0.17, 41 + (i // 200) * 0.12],
            },
            "properties": {
                "slug": f"{prefix}-{i}",
                "name": f"Synthetic office {prefix} {i}",
                "category": ("government", "academic", "non-profit")[i % 3],
                "city": "Astana",
                "country": "KZ",
            },
        }
        for i in range(count)
    ]
    return {"type": "FeatureCollection", "features": features}


@pytest.fixture
def large_geojson(page):
    """Serve synthetic GeoJSON to the page: LARGE points, fewer per region."""
    sizes = {"": LARGE, "central-asia": 12_000, "south-caucasus": 300}
    bodies = {
        region: json.dumps(synthetic_features(n, region or "all"))
        for region, n in sizes.items()
    }

    def fulfil(route):
        query = parse_qs(urlsplit(route.request.url).query)
        region = query.get("region", [""])[0]
        route.fulfill(
            status=200, content_type="application/geo+json", body=bodies[region]
        )

    page.route("**/api/v1/institutions.geojson*", fulfil)
    return sizes


def test_signals_wait_for_every_chunk(page, problems, live_server, large_geojson):
    """`ready` and data-markers report all markers, never a partial chunk."""
    page.add_init_script(RECORD_SIGNALS)
    page.goto(f"{live_server}/map")
    page.wait_for_function(READY)
    assert page.evaluate(READY_COUNT) == [LARGE, str(LARGE)]
    page.select_option("#m-region", "central-asia")
    expected = large_geojson["central-asia"]
    expect_markers(page, expected)
    assert page.evaluate(READY_COUNT) == [expected, str(expected)]
    signals = page.evaluate("() => window.markerSignals")
    assert signals == [[str(LARGE), LARGE], [str(expected), expected]]
    assert problems.items == []


def test_a_new_filter_during_chunked_loading_replaces_it(
    page, problems, live_server, large_geojson
):
    """Chunks of a superseded load never end up among the new filter's markers."""
    # A slow office PC: loading LARGE markers takes seconds, long enough for
    # a reader to change a filter before the first load is in.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 10})
    page.goto(f"{live_server}/map")
    page.wait_for_function(
        f"() => window.migratoryMap && window.migratoryMap.markerCount() > 0"
        f" && window.migratoryMap.markerCount() < {LARGE}"
    )
    page.select_option("#m-region", "south-caucasus")
    expected = large_geojson["south-caucasus"]
    expect_markers(page, expected)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    # A superseded load's leftover chunks would come every chunkDelay (50 ms)
    # after 200 ms of work: watch for several of those intervals.
    page.wait_for_timeout(800)
    slugs = page.evaluate(SLUGS)
    assert len(slugs) == expected
    assert {slug.split("-")[0] for slug in slugs} == {"south"}
    assert page.evaluate(READY_COUNT) == [expected, str(expected)]
    assert problems.items == []
