"""The sections links add to an institution's page (whom it supplies, whom
it draws on, by flow) and to a country's page (its producer-user network as
a graph and as a table); registered in create_app through core.panels."""

from flask import url_for
from flask_babel import gettext as _

from migratory.core.panels import register_panel
from migratory.network.link_filters import all_links, links_of_institution
from migratory.network.link_graph import MAX_EDGES, network_svg

# A country's table lists at most this many links; the list page has them all.
COUNTRY_TABLE_LIMIT = 300


def institution_links_panel(institution):
    """Whom the institution supplies and whom it draws on, by flow."""
    found = links_of_institution(institution)
    return (
        "network/links/_institution_panel.html",
        {"institution": institution, **found},
    )


def country_links_panel(country):
    """The country's producer-user network: links with either end in it."""
    links = all_links({"country": country.iso2}, limit=COUNTRY_TABLE_LIMIT + 1)
    more = len(links) > COUNTRY_TABLE_LIMIT
    links = links[:COUNTRY_TABLE_LIMIT]
    title = _("Producer–user network of %(country)s", country=country.name)
    graph = network_svg(
        links,
        title=title,
        description=_(
            "%(links)s links, each an arrow from the producer to the user, "
            "labelled by what flows; the table beside lists the same links.",
            links=len(links),
        ),
        link_url=lambda link: url_for("links.detail", ident=link.id),
        institution_url=lambda i: url_for("inventory.detail", slug=i.slug),
    )
    return (
        "network/links/_country_panel.html",
        {
            "country": country,
            "links": links,
            "graph": graph,
            "title": title,
            "more": more,
            "too_many": len(links) > MAX_EDGES,
        },
    )


def register_link_panels() -> None:
    """Add the link sections to the institution and country pages."""
    register_panel("institution", institution_links_panel)
    register_panel("country", country_links_panel)
