"""The links list's producers and users are those of every link the filters
find, not only of the page shown."""

from tests.network.link_helpers import INSTITUTIONS, add_link, build_network


def _summary(html: str) -> tuple[str, str]:
    summary = html.split('id="link-summary"')[1].split("</dl>")[0]
    producers, users = summary.split("</dd>")[:2]
    return producers, users


def test_summary_covers_every_page(app):
    slugs = build_network(app)
    add_link(app, slugs, "kz-stat", "kz-mia")
    add_link(app, slugs, "kz-mia", "intl", flow="permits")
    add_link(app, slugs, "uz-stat", "kz-labour")
    client = app.test_client()
    html = client.get("/network/links?per_page=1").get_data(as_text=True)
    assert html.count('data-link="') == 1  # one link on the page
    producers, users = _summary(html)
    for key in ("kz-stat", "kz-mia", "uz-stat"):
        assert INSTITUTIONS[key]["name"] in producers, key
    for key in ("kz-mia", "intl", "kz-labour"):
        assert INSTITUTIONS[key]["name"] in users, key
    assert INSTITUTIONS["kz-labour"]["name"] not in producers
    html = client.get("/network/links?per_page=1&country=UZ").get_data(as_text=True)
    producers, users = _summary(html)
    assert INSTITUTIONS["uz-stat"]["name"] in producers
    assert INSTITUTIONS["kz-stat"]["name"] not in producers
