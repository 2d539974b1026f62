"""What the list page shows besides results: filter chips, links, facets."""

from urllib.parse import urlencode

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from migratory.core.i18n import current_language
from migratory.geo.nearby import DEFAULT_RADIUS_KM
from migratory.inventory.caching import cached_reference
from migratory.inventory.facets import (
    grouped_regions,
    list_facets,
    ordered,
    shown_and_more,
)
from migratory.inventory.filtering import FACETS
from migratory.inventory.queries import filter_values
from migratory.inventory.vocab import CATEGORIES, ROLES, TOPICS

FACET_LABELS = {
    "category": _l("Category"),
    "region": _l("Region"),
    "country": _l("Country"),
    "topic": _l("Topic"),
    "role": _l("Role in the data network"),
}
LINK_KEYS = ("q", *FACETS, "near", "radius_km")


def url_without(key: str, value: str | None = None) -> str:
    """This page's URL without filter `key` (or only its `value`), page 1."""
    args = [
        (k, v)
        for k, v in request.args.items(multi=True)
        if k != "page"
        and not (k == key and (value is None or v.upper() == value.upper()))
    ]
    return request.path + (f"?{urlencode(args)}" if args else "")


def describe_filters(filters: dict, countries, regions) -> list[tuple[str, str, str]]:
    """(argument, label, link that removes it) of each active filter value."""
    labels = {
        "country": {c.iso2: c.name for c in countries},
        "region": {r.slug: r.name for r in regions},
        "category": CATEGORIES,
        "topic": TOPICS,
        "role": ROLES,
    }
    active = []
    if filters.get("q"):
        active.append(("q", f"“{filters['q']}”", url_without("q")))
    for key in FACETS:
        for value in filter_values(filters.get(key)):
            label = str(labels[key].get(value, value))
            active.append((key, label, url_without(key, value)))
    if filters.get("near"):
        radius = filters.get("radius_km") or DEFAULT_RADIUS_KM
        label = _(
            "within %(km)s km of %(place)s", km=f"{radius:g}", place=filters["near"]
        )
        active.append(("near", label, url_without("near")))
    return active


def filter_query(filters: dict) -> str:
    """The query string of the active filters (for links to other views)."""
    pairs = [
        (k, f"{v:g}" if isinstance(v, float) else v)
        for k in LINK_KEYS
        for v in filter_values(filters.get(k))
    ]
    return f"?{urlencode(pairs)}" if pairs else ""


def page_facets(filters: dict, search=None) -> list[dict]:
    """Each facet's checkboxes: values with counts (of the search when there is
    one), chosen ones first, the rest behind "show more"; regions by kind."""
    if search is not None:
        counted = dict(search.facets)
        for name, items in counted.items():
            chosen = filter_values(filters.get(name))
            known = {value for value, _label, _n in items}
            counted[name] = items + [(v, v, 0) for v in chosen if v not in known]
    else:
        counted = list_facets(filters)
    facets = []
    for name in ("category", "region", "country", "topic", "role"):
        if name not in counted:
            continue
        chosen = filter_values(filters.get(name))
        items = ordered(
            {v: n for v, _label, n in counted[name]}, _labels(counted[name]), chosen
        )
        if not items:
            continue  # no value of this facet in what is found
        groups = grouped_regions(items) if name == "region" else [(None, items)]
        facets.append(
            {
                "name": name,
                "label": FACET_LABELS[name],
                "chosen": chosen,
                "groups": [
                    (label, *shown_and_more(members, chosen))
                    for label, members in groups
                ],
            }
        )
    return facets


def facets_html(filters: dict, search=None) -> Markup:
    """The facet checkboxes as HTML; without words to search, rendered once
    per filter and language while the data stands (every page and order of a
    filter shares them)."""
    if search is not None:
        return _render_facets(filters, search)
    key = repr(sorted((k, filters[k]) for k in FACETS if filters.get(k)))
    return cached_reference(
        f"facets-html {current_language()} {key}",
        lambda: _render_facets(filters, None),
    )


def _render_facets(filters: dict, search) -> Markup:
    facets = page_facets(filters, search)
    return Markup(render_template("inventory/_facets.html", facets=facets))


def _labels(items) -> dict[str, str]:
    return {value: label for value, label, _n in items}
