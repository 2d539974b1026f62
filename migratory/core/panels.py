"""Sections that other domains add to a page of a lower one: an institution's
page lists its data sources and links, a country's page its focal points and
network. Registered in create_app, so that inventory never imports them."""

from collections.abc import Callable
from typing import Any

# page name ("institution", "country") -> builders, in registration order;
# a builder returns (template name, context) or None to show nothing.
_PANELS: dict[str, list[Callable[[Any], tuple[str, dict] | None]]] = {}


def register_panel(page: str, build: Callable[[Any], tuple[str, dict] | None]):
    """Add a section to every `page` (idempotent for the same builder)."""
    builders = _PANELS.setdefault(page, [])
    if build not in builders:
        builders.append(build)


def panels(page: str, subject) -> list[tuple[str, dict]]:
    """The sections of `page` about `subject`: (template, context) pairs."""
    found = (build(subject) for build in _PANELS.get(page, ()))
    return [panel for panel in found if panel is not None]
