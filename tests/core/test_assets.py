"""Front-end assets come from the app itself: no CDN, everything loads offline."""

import re

import pytest

ASSET = re.compile(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"')


@pytest.mark.parametrize("path", ["/", "/institutions", "/countries", "/regions"])
def test_pages_reference_only_local_assets(client, path):
    page = client.get(path).get_data(as_text=True)
    assets = ASSET.findall(page)
    assert assets, "the page loads its styles and scripts"
    assert [a for a in assets if not a.startswith("/")] == []
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_security_headers(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
