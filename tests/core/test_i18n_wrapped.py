"""Texts that stayed English in Russian and French now go through the catalogs."""

import re

import pytest
from flask_babel import force_locale, gettext

from tests.core.test_i18n import extracted_messages

NEWLY_TRANSLATABLE = [
    "Unknown e-mail address or wrong password.",
    "Confirm your e-mail address first: we sent you a link. Registering again "
    "sends nothing new; ask for a password reset to receive a fresh link.",
    "Must be one of: {choices}.",
    "Unknown country code '%(code)s'.",
    "Unknown region '%(slug)s'.",
    "No such institution.",
    "No such country.",
    "The entry is not valid.",
    "Breadcrumb",
    "Zoom in",
    "Zoom out",
    "Close popup",
    "Cluster of %(count)s institution",
    "entered by hand",
    "city",
    "The form has expired or did not come from this site. Go back, reload the "
    "page and send it again.",
]


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    return extracted_messages()


@pytest.mark.parametrize("message", NEWLY_TRANSLATABLE)
def test_text_is_in_the_catalog_template(extracted, message):
    """Babel extracts it, so the translators see it."""
    assert message in extracted


def in_russian(app, message: str, **variables) -> str:
    with app.test_request_context(), force_locale("ru"):
        return gettext(message, **variables)


def test_not_found_page_is_ours_not_werkzeugs(app, client):
    page = client.get("/no/such/page?lang=ru").get_data(as_text=True)
    assert "The requested URL was not found on the server" not in page
    text = in_russian(
        app,
        "There is no page at this address. Check it for typing mistakes, "
        "or start again from the front page.",
    )
    assert text in page


def test_unknown_institution_and_country(app, client):
    page = client.get("/institutions/no-such-entry?lang=ru")
    assert page.status_code == 404
    assert in_russian(app, "No such institution.") in page.get_data(as_text=True)
    page = client.get("/countries/QQ?lang=ru")
    assert in_russian(app, "No such country.") in page.get_data(as_text=True)


def test_csrf_failure_page(app, client):
    client.get("/?lang=ru")
    response = client.post("/auth/login", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "CSRF token" not in page
    expected = in_russian(
        app,
        "The form has expired or did not come from this site. Go back, "
        "reload the page and send it again.",
    )
    assert expected in page


def test_filter_errors_go_through_the_catalog(app, client):
    page = client.get("/institutions?category=bogus&lang=ru").get_data(as_text=True)
    expected = in_russian(app, "Must be one of: {choices}.")
    assert expected.split("{")[0] in page


def test_provenance_values_are_labels(app, client, make_institution):
    slug = make_institution()
    with app.app_context():
        from migratory.extensions import db
        from migratory.inventory.services import get_institution

        entry = get_institution(slug)
        entry.geo_source, entry.geo_precision = "entered", "city"
        db.session.commit()
    page = client.get(f"/institutions/{slug}?lang=en").get_data(as_text=True)
    assert re.search(r"entered by hand; precision: city", page)


def test_breadcrumb_label_is_translatable(client, make_institution):
    slug = make_institution()
    page = client.get(f"/institutions/{slug}?lang=en").get_data(as_text=True)
    assert 'aria-label="Breadcrumb"' in page
