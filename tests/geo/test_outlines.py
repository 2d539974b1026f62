"""The offline background: simplified outlines derived from Natural Earth."""

import json

from shapely.geometry import Point, shape

from migratory.geo.outlines import simplify_outlines
from tests.conftest import ROOT

COMMITTED = ROOT / "static" / "geo" / "unece-countries.geojson"
SOURCE = "boundaries/unece-countries-50m.geojson"


def test_committed_file_is_what_the_command_makes(shared_data):
    """Nobody edited the generated file by hand, or forgot to regenerate it."""
    made = simplify_outlines(shared_data / SOURCE)
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == made


def test_every_member_state_has_an_outline_and_a_label_inside_it(shared_data):
    members = {
        line.split(",")[0]
        for line in (shared_data / "unece_members.csv").read_text().splitlines()[1:]
    }
    outlines = json.loads(COMMITTED.read_text(encoding="utf-8"))["features"]
    by_code = {f["properties"]["iso2"]: f for f in outlines}
    assert len(members) == 56
    assert members == set(by_code)
    for feature in outlines:
        label = Point(feature["properties"]["label"])
        assert shape(feature["geometry"]).buffer(0.05).contains(label), feature[
            "properties"]["iso2"]  # fmt: skip


def test_small_enough_for_slow_links():
    assert COMMITTED.stat().st_size < 300 * 1024


def test_geo_outlines_command_writes_the_file(runner, shared_data, tmp_path):
    target = tmp_path / "outlines.geojson"
    result = runner.invoke(
        args=["geo", "outlines", str(shared_data / SOURCE), str(target)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["type"] == "FeatureCollection"


def test_no_outline_runs_across_the_whole_map():
    """A ring spanning more than half the globe would be drawn as a band from
    one edge of the map to the other (Chukotka, across the antimeridian)."""
    outlines = json.loads(COMMITTED.read_text(encoding="utf-8"))["features"]
    for feature in outlines:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            longitudes = [point[0] for ring in polygon for point in ring]
            assert max(longitudes) - min(longitudes) < 180, feature["properties"]
