"""Finding links: the list's filters, its CSV/XLSX export, the API, the
institution and country pages (graph and table), and the count per country."""

import csv
import io
import re

import pytest

from tests.moderation import table
from tests.network.link_helpers import add_link, build_network


@pytest.fixture
def network(app):
    """Five links: census in KZ (two users), a KZ permit flow to an
    international organisation, a UZ census used in Geneva, and an archived
    KZ census link that nobody sees."""
    slugs = build_network(app)
    ids = {
        "census-mia": add_link(app, slugs, "kz-stat", "kz-mia"),
        "census-labour": add_link(
            app, slugs, "kz-stat", "kz-labour", years="2021", description="=1+2"
        ),
        "permits-intl": add_link(app, slugs, "kz-mia", "intl", flow="permits"),
        "uz-census": add_link(app, slugs, "uz-stat", "intl"),
        "archived": add_link(app, slugs, "kz-mia", "kz-labour", flow="asylum"),
    }
    from migratory.extensions import db
    from migratory.network.links import change_link, get_link

    with app.app_context():
        change_link(get_link(ids["archived"]), {"status": "archived"}, source="web")
        db.session.commit()
    return slugs, ids


VISIBLE = {"census-mia", "census-labour", "permits-intl", "uz-census"}


def listed(client, query="") -> set[int]:
    page = client.get(f"/network/links{query}")
    assert page.status_code == 200
    return {int(i) for i in re.findall(r'<tr data-link="(\d+)"', page.text)}


def test_who_produces_census_data_in_kazakhstan_and_who_uses_it(client, network):
    slugs, ids = network
    page = client.get("/network/links?flow=census&country=KZ").get_data(as_text=True)
    rows = table(page, "links-table")
    assert [row[:3] for row in rows] == [
        [
            "Bureau of National Statistics (KZ)",
            "Ministry of Internal Affairs (KZ)",
            "Population census",
        ],
        [
            "Bureau of National Statistics (KZ)",
            "Ministry of Labour and Social Protection (KZ)",
            "Population census",
        ],
    ]
    heading = re.search(r'id="results-heading"[^>]*>(.*?)</h2>', page, re.S)[1]
    assert "Population census · Kazakhstan" in heading
    summary = re.search(r'id="link-summary">(.*?)</dl>', page, re.S)[1]
    assert "Producers</dt>" in summary and "Bureau of National Statistics" in summary


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", VISIBLE),
        ("?country=UZ", {"uz-census"}),
        ("?country=CH", {"permits-intl", "uz-census"}),  # the user's end
        ("?region=central-asia", VISIBLE),
        ("?flow=permits", {"permits-intl"}),
        ("?producer={kz-stat}", {"census-mia", "census-labour"}),
        ("?user={intl}", {"permits-intl", "uz-census"}),
        ("?user={intl}&flow=census", {"uz-census"}),
    ],
)
def test_filters(client, network, query, expected):
    slugs, ids = network
    assert listed(client, query.format(**slugs)) == {ids[k] for k in expected}


def test_a_bad_filter_is_explained_and_the_others_apply(client, network):
    slugs, ids = network
    response = client.get("/network/links?flow=census&country=XX&producer=nobody")
    assert response.status_code == 200
    assert "Filter “country” was ignored" in response.text
    assert "Filter “producer” was ignored" in response.text
    assert listed(client, "?flow=census&country=XX") == {
        ids["census-mia"],
        ids["census-labour"],
        ids["uz-census"],
    }


def test_csv_export_of_the_filter_is_formula_safe_and_importable(client, network):
    slugs, ids = network
    response = client.get("/network/links/export.csv?flow=census&country=KZ")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [int(r["id"]) for r in rows] == [ids["census-mia"], ids["census-labour"]]
    assert rows[0]["producer"] == slugs["kz-stat"] and rows[0]["years"] == "2009-2021"
    assert rows[1]["description"] == "'=1+2"  # not run as a formula
    assert rows[1]["years"] == "2021"


def test_xlsx_export(client, network):
    from openpyxl import load_workbook

    response = client.get("/network/links/export.xlsx?country=UZ")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:5] == ("producer", "user", "flow", "description", "years")
    assert [row[2] for row in values[1:]] == ["census"]
    assert client.get("/network/links/export.pdf").status_code == 404


def test_api_lists_with_the_same_filters(client, network):
    slugs, ids = network
    body = client.get("/api/v1/links?flow=census&country=KZ").get_json()
    assert body["total"] == 2
    first = body["results"][0]
    assert first["producer"]["slug"] == slugs["kz-stat"]
    assert first["user"]["slug"] == slugs["kz-mia"]
    assert (first["flow"], first["year_from"], first["year_to"]) == (
        "census",
        2009,
        2021,
    )
    assert first["url"].endswith(f"/network/links/{first['id']}")
    every = client.get("/api/v1/links?per_page=2").get_json()
    assert every["total"] == 4 and every["next"] and "page=2" in every["next"]
    one = client.get(f"/api/v1/links/{ids['uz-census']}").get_json()
    assert one["user"]["country"] == "CH"
    assert client.get(f"/api/v1/links/{ids['archived']}").status_code == 404
    assert client.get("/api/v1/links/999999").status_code == 404


def test_api_refuses_bad_filters_by_name(client, network):
    response = client.get("/api/v1/links?flow=censu&country=XX&producer=nobody")
    assert response.status_code == 422
    refused = response.get_json()["errors"]["query"]
    assert set(refused) == {"flow", "country", "producer"}


def test_institution_page_shows_whom_it_supplies_and_draws_on(client, network):
    slugs, ids = network
    page = client.get(f"/institutions/{slugs['kz-mia']}").get_data(as_text=True)
    supplies = re.search(r'id="supplies">(.*?)</div>', page, re.S)[1]
    draws = re.search(r'id="draws-on">(.*?)</div>', page, re.S)[1]
    assert "Residence and work permits" in supplies
    assert "International Migration Data Organisation" in supplies
    assert "Population census" in draws and "Bureau of National Statistics" in draws
    assert f'data-link="{ids["archived"]}"' not in page


def test_country_graph_and_its_table_are_the_links(client, network):
    from migratory.extensions import db
    from migratory.network.link_filters import all_links

    slugs, ids = network
    page = client.get("/countries/KZ").get_data(as_text=True)
    with client.application.app_context():
        expected = all_links({"country": "KZ"})
        wanted = [
            [
                f"{link.producer.name} ({link.producer.country_code})",
                f"{link.consumer.name} ({link.consumer.country_code})",
            ]
            for link in expected
        ]
        link_ids = [link.id for link in expected]
        db.session.remove()
    assert set(link_ids) == {
        ids["census-mia"],
        ids["census-labour"],
        ids["permits-intl"],
    }
    rows = table(page, "country-links-table")
    assert [row[:2] for row in rows] == wanted
    svg = re.search(r"<svg[^>]*class=\"link-graph\".*?</svg>", page, re.S)[0]
    edges = [int(i) for i in re.findall(r'<g class="edge" data-link="(\d+)"', svg)]
    assert edges == link_ids  # one arrow per link, none more
    assert "<title" in svg and 'role="img"' in svg
    # Producers only on the left, users only on the right, both between.
    x = {
        ident: float(found)
        for ident, found in re.findall(
            r'data-institution="(\d+)"><a [^>]*><title>[^<]*</title><rect x="([\d.]+)"',
            svg,
        )
    }
    with client.application.app_context():
        from migratory.inventory.services import get_institution

        ident = {key: get_institution(slugs[key]).id for key in slugs}
    assert x[str(ident["kz-stat"])] < x[str(ident["kz-mia"])] < x[str(ident["intl"])]
    assert x[str(ident["kz-labour"])] == x[str(ident["intl"])]


def test_country_without_links_says_so(client, network):
    page = client.get("/countries/GE").get_data(as_text=True)
    assert "No producer–user link recorded" in page
    assert 'class="link-graph"' not in page


def test_graph_is_deterministic_and_escapes_names():
    from types import SimpleNamespace as N

    from migratory.network.link_graph import network_svg

    def end(ident, name, country="KZ"):
        return N(
            id=ident,
            acronym=None,
            display_name=name,
            name_key=name.lower(),
            country_code=country,
        )

    a, b, c = end(1, "A <script>"), end(2, "B & Co"), end(3, "C")
    links = [
        N(id=10, producer_id=1, consumer_id=2, producer=a, consumer=b, flow="census"),
        N(id=11, producer_id=1, consumer_id=2, producer=a, consumer=b, flow="asylum"),
        N(id=12, producer_id=2, consumer_id=3, producer=b, consumer=c, flow="other"),
    ]
    draw = lambda items: network_svg(  # noqa: E731
        items,
        title="T",
        description="D",
        link_url=lambda link: f"/l/{link.id}",
        institution_url=lambda i: f"/i/{i.id}",
    )
    svg = draw(links)
    assert svg == draw(list(links))
    assert "<script>" not in svg and "A &lt;script&gt;" in svg and "B &amp; Co" in svg
    assert svg.count('<g class="edge"') == 3 and svg.count('<g class="node"') == 3
    assert draw([]) is None


def test_link_counts_by_country(app, network):
    from migratory.network.links import link_counts_by_country

    with app.app_context():
        counts = link_counts_by_country()
    # KZ: two census links and the permits link (each once); the archived
    # one not; CH: the two links to Geneva; UZ: one.
    assert counts == {"KZ": 3, "CH": 2, "UZ": 1}


def test_the_form_names_the_field_of_a_refused_link(app, network):
    from tests.moderation import signed_in, submit
    from tests.network.link_helpers import SECRETARIAT

    slugs, ids = network
    client = signed_in(app, SECRETARIAT)
    response = submit(
        client,
        "/network/links/new",
        form_id="link-form",
        producer=slugs["kz-stat"],
        user=slugs["kz-mia"],
        flow="census",
        years="2020-2010",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = re.search(r'id="error-summary".*?</ul>', page, re.S)[0]
    assert 'href="#years"' in summary and "first year comes after" in summary
    response = submit(
        client,
        "/network/links/new",
        form_id="link-form",
        producer=slugs["kz-stat"],
        user=slugs["kz-mia"],
        flow="census",
    )
    assert response.status_code == 422
    assert 'href="#flow"' in response.text and "already supplies" in response.text
