"""Texts of the map controls in the reader's language, for static/js/map_access.js.

Leaflet writes its control titles ("Zoom in", "Close popup") in English;
the script replaces them with these. Counted texts come as one template per
CLDR plural category, which the browser picks with Intl.PluralRules.
"""

from flask_babel import get_locale, gettext, ngettext

# Enough numbers to meet every plural category of the languages served.
PLURAL_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 22, 25, 101, 111)


def plural_templates(text) -> dict[str, str]:
    """`{category: text with {n}}` for the current locale's plural categories.

    `text(number)` is the ngettext call, with "{n}" as its count.
    """
    locale = get_locale()
    templates: dict[str, str] = {}
    for number in PLURAL_SAMPLES:
        category = locale.plural_form(number) if locale is not None else "other"
        templates.setdefault(category, text(number))
    templates.setdefault("other", text(5))
    return templates


def _cluster(number: int) -> str:
    return ngettext(
        "Cluster of %(count)s institution",
        "Cluster of %(count)s institutions",
        number,
        count="{n}",
    )


def map_texts() -> dict:
    """Labels of the map's controls, clusters and popups."""
    return {
        "zoomIn": gettext("Zoom in"),
        "zoomOut": gettext("Zoom out"),
        "closePopup": gettext("Close popup"),
        "cluster": plural_templates(_cluster),
    }
