"""Markup that assistive technology relies on: roles, labels, keyboard access."""

import re


def test_active_filters_are_a_labelled_group(client, make_institution):
    """aria-label only names an element that has a role."""
    make_institution()
    page = client.get("/institutions?country=KZ&lang=en").get_data(as_text=True)
    found = re.search(r'<div[^>]*aria-label="Active filters"[^>]*>', page)
    assert found, "no active-filter group"
    assert 'role="group"' in found[0]


def test_dashboard_scroll_box_is_reachable_by_keyboard(client, auth, make_user):
    """A scrolling table gets the focus (tabindex=0) and a name."""
    make_user("secretariat@example.org", role="secretariat")
    auth.login("secretariat@example.org")
    page = client.get("/secretariat/?lang=en").get_data(as_text=True)
    box = re.search(r'<div[^>]*class="[^"]*scroll-box[^"]*"[^>]*>', page)
    assert box, "no scroll box"
    assert 'tabindex="0"' in box[0]
    assert 'role="region"' in box[0] and "aria-labelledby=" in box[0]


def test_navigation_bar_is_named_and_uses_the_accessible_colours(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    nav = re.search(r"<nav[^>]*navbar[^>]*>", page)[0]
    assert "site-nav" in nav and "bg-primary" not in nav
    assert 'aria-label="Main"' in nav
