"""Accounts tests; helpers the files share."""

import re


def confirm_address(client, link):
    """Open a verification link and press its button, as the owner would."""
    page = client.get(link)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(True))
    return client.post(link, data={"csrf_token": token[1]})
