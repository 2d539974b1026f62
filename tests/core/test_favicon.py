"""The site has an icon: linked from every page, and at /favicon.ico."""

import re
from xml.etree import ElementTree


def test_favicon_ico_leads_to_the_svg_icon(client):
    response = client.get("/favicon.ico", follow_redirects=True)

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(response.get_data())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_pages_link_the_icon(client):
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)

    assert link, "no icon link"
    assert client.get(link[1]).status_code == 200
