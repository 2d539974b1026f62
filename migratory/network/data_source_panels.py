"""Sections of the institution and country pages about data sources: what
an institution produces, a country's data sources by type (core.panels)."""

from migratory.core.panels import register_panel
from migratory.network.data_source_queries import (
    data_sources_by_type,
    data_sources_of_institution,
)
from migratory.network.vocab import FLOWS


def institution_panel(institution):
    """The data sources an institution produces, on its page."""
    found = data_sources_of_institution(institution.id)
    return "network/data_sources/_institution_panel.html", {
        "institution": institution,
        "data_sources": found,
        "FLOWS": FLOWS,
    }


def country_panel(country):
    """A country's data sources by type, on its page."""
    return "network/data_sources/_country_panel.html", {
        "country": country,
        "by_type": data_sources_by_type(country.iso2),
        "FLOWS": FLOWS,
    }


def register_data_source_panels() -> None:
    """Add the data source sections to institution and country pages."""
    register_panel("institution", institution_panel)
    register_panel("country", country_panel)
