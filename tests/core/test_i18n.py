"""The interface speaks English, Russian and French."""

from pathlib import Path

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


CATALOGS = Path(__file__).resolve().parents[2] / "migratory" / "translations"


def extracted_messages() -> set[str]:
    """Every translatable string of the code and templates, as babel finds it."""
    from babel.messages.extract import extract_from_dir

    method_map = [
        ("migratory/**.py", "python"),
        ("templates/**.html", "jinja2"),
    ]
    root = CATALOGS.parents[1]
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(root),
        method_map=method_map,
        keywords={"_": None, "gettext": None, "_l": None, "lazy_gettext": None,
                  "ngettext": (1, 2), "lazy_ngettext": (1, 2)},
    ):  # fmt: skip
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["ru", "fr"])
def test_every_message_is_translated(lang):
    """No string of the interface stays English (or fuzzy) in ru and fr."""
    from babel.messages.pofile import read_po

    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in catalog
        if m.id
        and not m.fuzzy
        and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = sorted(extracted_messages() - translated)
    assert missing == [], f"{len(missing)} untranslated in {lang}: {missing[:10]}"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("kk-KZ, kk;q=0.9, ru;q=0.8, en;q=0.7", "ru"),
        ("hy, ru;q=0.5", "ru"),
        ("uz, tg;q=0.9, ru-RU;q=0.8", "ru"),
        ("ky, en;q=0.9, ru;q=0.8", "en"),
        ("kk, fr;q=0.9, ru;q=0.8", "en"),
        ("ka, de;q=0.9, ru;q=0.8", "en"),
        ("tk", "en"),
        ("az, fr;q=0.8", "en"),
        ("fr-CH, kk;q=0.9, ru;q=0.8", "fr"),
    ],
)
def test_languages_of_the_region_lead_to_russian_or_english(client, accept, expected):
    """Kazakh, Kyrgyz, Tajik, Uzbek, Turkmen, Armenian, Azerbaijani or Georgian
    first: Russian if Russian comes next, otherwise English."""
    page = client.get("/", headers={"Accept-Language": accept})
    assert f'<html lang="{expected}">' in page.get_data(as_text=True)
