"""Texts of the map controls in the reader's language, for static/js/map_access.js.

Leaflet writes its control titles ("Zoom in", "Close popup") in English;
the script replaces them with these. Counted texts come as one template per
CLDR plural category, which the browser picks with Intl.PluralRules.
"""

from flask_babel import get_locale, gettext, ngettext

# Enough numbers to meet every plural category of the languages served.
PLURAL_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 22, 25, 101, 111)


def plural_templates(singular: str, plural: str) -> dict[str, str]:
    """`{category: text with {n}}` for the current locale's plural categories.

    `singular` and `plural` hold a `%(count)s` placeholder, as ngettext wants.
    """
    locale = get_locale()
    templates: dict[str, str] = {}
    for number in PLURAL_SAMPLES:
        category = locale.plural_form(number) if locale is not None else "other"
        if category not in templates:
            templates[category] = ngettext(singular, plural, number, count="{n}")
    templates.setdefault("other", ngettext(singular, plural, 5, count="{n}"))
    return templates


def map_texts() -> dict:
    """Labels of the map's controls, clusters and popups."""
    return {
        "zoomIn": gettext("Zoom in"),
        "zoomOut": gettext("Zoom out"),
        "closePopup": gettext("Close popup"),
        "cluster": plural_templates(
            "Cluster of %(count)s institution", "Cluster of %(count)s institutions"
        ),
    }
