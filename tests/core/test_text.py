"""Text normalisation: matching keys, website keys, slugs."""

import pytest

from migratory.core.text import (
    make_slug,
    normalize_name,
    strip_control,
    unique_slug,
    website_key,
)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Statistics Austria", "  STATISTICS   austria "),
        (
            "Institut national d'études démographiques",
            "Institut National d Etudes Demographiques",
        ),
        ("Росстат", "РОССТАТ"),
        ("Office, for: Statistics!", "office for statistics"),
    ],
)
def test_normalize_name_ignores_case_accents_punctuation(left, right):
    assert normalize_name(left) == normalize_name(right)


def test_normalize_name_keeps_different_names_apart():
    assert normalize_name("Statistics Austria") != normalize_name("Statistics Norway")


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.destatis.de/", "destatis.de"),
        ("http://destatis.de", "destatis.de"),
        ("destatis.de", "destatis.de"),
        ("https://WWW.Destatis.DE/en?x=1", "destatis.de/en"),
        (
            "https://www.gov.uk/government/organisations/home-office/",
            "gov.uk/government/organisations/home-office",
        ),
        ("", None),
        (None, None),
    ],
)
def test_website_key(url, key):
    assert website_key(url) == key


def test_slugs_transliterate_and_stay_unique():
    assert make_slug("Агентство по статистике") == "agentstvo-po-statistike"
    taken = {"statistics-office", "statistics-office-kz"}
    assert unique_slug("Statistics Office", taken, "KZ") == "statistics-office-kz-2"
    assert unique_slug("Statistics Office", set(), "KZ") == "statistics-office"
    assert make_slug("!!!") == "entry"


def test_strip_control_keeps_newlines_and_tabs():
    assert strip_control("a\x00b\x1bc\nd\te") == "abc\nd\te"
