"""Folium maps as page parts: the overview map and small location maps.

Folium writes the Leaflet set-up; pages embed two of its parts (the map element
and its script) and load the libraries folium asks for from the app's own
static files, never from a CDN, so maps work with no internet at all. Points
are not inlined: the overview map fetches them from the GeoJSON endpoint.
Each function here is a pure function of its arguments, so the built maps
are kept (per tiles, assets, bounds and layer names: per locale and settings).
"""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import folium
from branca.element import CssLink, JavascriptLink
from folium.plugins import MarkerCluster

OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
    "contributors"
)

MAX_ZOOM = 18

# South-west and north-east corners (latitude, longitude) of the region presets.
PRESET_BOUNDS = {
    "": ((25.0, -170.0), (75.0, 180.0)),  # the whole region, Afghanistan included
    "central-asia": ((35.0, 46.0), (55.5, 87.5)),
    "south-caucasus": ((38.3, 40.0), (43.6, 50.9)),
    "eastern-europe": ((41.2, 12.0), (70.0, 60.0)),
    "western-balkans": ((39.6, 15.7), (46.2, 23.1)),
    "eu-efta": ((34.5, -25.0), (71.5, 35.0)),
    "north-america": ((24.0, -170.0), (72.0, -52.0)),
}


@dataclass(frozen=True)
class Assets:
    """Local URLs of the libraries that replace folium's CDN defaults."""

    leaflet_js: str
    leaflet_css: str
    cluster_js: str
    cluster_css: tuple[str, ...]


@dataclass(frozen=True)
class Tiles:
    """The base layer: a tile URL template with attribution, or none at all."""

    url: str | None
    attribution: str = ""

    @property
    def origin(self) -> str | None:
        """scheme://host of the tile server, for the Content-Security-Policy."""
        if not self.url:
            return None
        parts = urlsplit(self.url.replace("{s}", "a"))
        return f"{parts.scheme}://{parts.netloc}"


def tiles_from_setting(setting: str, attribution: str = "") -> Tiles:
    """`MAP_TILES`: "openstreetmap" (default), "none", or a tile URL template."""
    value = (setting or "").strip()
    if value.lower() in ("", "openstreetmap", "osm"):
        return Tiles(OSM_URL, OSM_ATTRIBUTION)
    if value.lower() == "none":
        return Tiles(None)
    if not value.startswith(("https://", "http://")) or "{z}" not in value:
        raise ValueError(f"MAP_TILES must be openstreetmap, none or a URL: {value!r}")
    return Tiles(value, attribution or value.split("/")[2])


@dataclass(frozen=True)
class MapParts:
    """What a page needs to show a folium map.

    `assets` are (kind, url) pairs, kind "js" or "css"; `html` is the map element;
    `script` the Leaflet code, for an inline script carrying the page's nonce;
    `names` the JavaScript variables of the map and its layers.
    """

    assets: tuple[tuple[str, str], ...]
    html: str
    script: str
    names: dict[str, str]


def _base_map(tiles: Tiles, assets: Assets, **options) -> folium.Map:
    """A folium map with local libraries and the configured base layer."""
    # Without a tile layer Leaflet knows no maximum zoom, which the marker
    # cluster needs: give the map its own (folium's max_zoom only reaches tiles).
    fmap = folium.Map(tiles=None, control_scale=True, maxZoom=MAX_ZOOM, **options)
    fmap.default_js = [("leaflet", assets.leaflet_js)]
    fmap.default_css = [("leaflet_css", assets.leaflet_css)]
    if tiles.url:
        folium.TileLayer(
            tiles.url,
            attr=tiles.attribution,
            name="base",
            control=False,
            max_zoom=MAX_ZOOM,
        ).add_to(fmap)
    return fmap


def _parts(fmap: folium.Map, names: dict[str, str]) -> MapParts:
    """Render the map and keep its element, script and library links."""
    root = fmap.get_root()
    root.render()
    assets = []
    for child in root.header._children.values():
        if isinstance(child, JavascriptLink):
            assets.append(("js", child.url))
        elif isinstance(child, CssLink):
            assets.append(("css", child.url))
    return MapParts(
        assets=tuple(assets),
        html=root.html.render(),
        script=root.script.render(),
        names={"map": fmap.get_name(), **names},
    )


@lru_cache(maxsize=64)
def overview_map(
    tiles: Tiles,
    assets: Assets,
    *,
    bounds=None,
    layer_names: tuple[str, str] = ("Institutions", "Institutions per country"),
) -> MapParts:
    """The browsing map: an empty marker cluster and a per-country layer.

    The page's script fills both from the GeoJSON endpoint, so the page size
    does not depend on the number of institutions.
    """
    fmap = _base_map(tiles, assets, prefer_canvas=False, world_copy_jump=True)
    south_west, north_east = bounds or PRESET_BOUNDS[""]
    fmap.fit_bounds([list(south_west), list(north_east)])
    cluster = MarkerCluster(
        name=layer_names[0],
        options={"chunkedLoading": True, "showCoverageOnHover": False},
    )
    cluster.default_js = [("markerclusterjs", assets.cluster_js)]
    cluster.default_css = [
        (f"markerclustercss{i}", url) for i, url in enumerate(assets.cluster_css)
    ]
    cluster.add_to(fmap)
    countries = folium.FeatureGroup(name=layer_names[1], show=False)
    countries.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return _parts(
        fmap, {"cluster": cluster.get_name(), "countries": countries.get_name()}
    )


@lru_cache(maxsize=1024)
def location_map(
    tiles: Tiles, assets: Assets, latitude: float, longitude: float
) -> MapParts:
    """A small map centred on one place, with a marker.

    Nothing user-written goes into folium's script: folium does not escape
    tooltip or popup text for JavaScript.
    """
    fmap = _base_map(tiles, assets, location=[latitude, longitude], zoom_start=11)
    folium.CircleMarker(
        [latitude, longitude],
        radius=8,
        weight=2,
        fill=True,
        fill_opacity=0.8,
    ).add_to(fmap)
    return _parts(fmap, {})
