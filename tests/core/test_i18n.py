"""The interface speaks English, Russian and French."""

import pytest


@pytest.mark.parametrize(
    ("lang", "nav", "count_text"),
    [
        ("en", "Institutions", "2 published institutions"),
        ("ru", "Учреждения", "2 опубликованных учреждения"),
        ("fr", "Institutions", "2 institutions publiées"),
    ],
)
def test_pages_are_translated(client, make_institution, lang, nav, count_text):
    make_institution()
    make_institution(name="Second Office", website=None)
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert nav in page
    assert count_text in page


def test_russian_plural_forms(client, make_institution):
    make_institution()
    page = client.get("/?lang=ru").get_data(as_text=True)
    assert "1 опубликованное учреждение" in page


def test_language_choice_is_remembered(client):
    client.get("/?lang=ru")
    assert "Страны" in client.get("/").get_data(as_text=True)


def test_browser_preference_is_used_without_a_choice(client):
    page = client.get("/", headers={"Accept-Language": "fr-CH, fr;q=0.9"})
    assert '<html lang="fr">' in page.get_data(as_text=True)


def test_unknown_language_falls_back_to_english(client):
    page = client.get("/?lang=xx", headers={"Accept-Language": "de"})
    assert '<html lang="en">' in page.get_data(as_text=True)
