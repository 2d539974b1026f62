"""Search relevance on the real seed: what people type finds what they mean.

Each case is a query and the institution, named by its English `name` and
country in seed/institutions.json, that must be among the first three results
on every backend; an exact acronym must rank first.
"""

import json
from pathlib import Path

import pytest

from migratory.search.services import search_institutions

SEED = Path(__file__).resolve().parents[2] / "seed" / "institutions.json"
TOP = 3  # a case passes if the institution is among the first TOP results
SHOWN = 5  # results listed when a case fails

AM_MIGRATION = (
    "Migration and Citizenship Service of the Ministry of Internal Affairs of Armenia",
    "AM",
)
ARMSTAT = ("Statistical Committee of the Republic of Armenia", "AM")
BAMF = ("Federal Office for Migration and Refugees", "DE")
BELSTAT = ("National Statistical Committee of the Republic of Belarus", "BY")
DESTATIS = ("Federal Statistical Office of Germany", "DE")
EUAA = ("European Union Agency for Asylum", "MT")
EUROSTAT = ("Eurostat", "LU")
FRONTEX = ("European Border and Coast Guard Agency", "PL")
GEOSTAT = ("National Statistics Office of Georgia", "GE")
ILO = ("International Labour Organization", "CH")
IMIS = (
    "Institute for Migration Research and Intercultural Studies, Osnabrück University",
    "DE",
)
IOM = ("International Organization for Migration", "CH")
KG_LABOUR = (
    "Ministry of Labour, Social Security and Migration of the Kyrgyz Republic",
    "KG",
)
KG_STATISTICS = ("National Statistical Committee of the Kyrgyz Republic", "KG")
KZ_INTERIOR = ("Ministry of Internal Affairs of the Republic of Kazakhstan", "KZ")
KZ_LABOUR = (
    "Ministry of Labour and Social Protection of Population of the Republic of "
    "Kazakhstan",
    "KZ",
)
KZ_STATISTICS = (
    "Bureau of National Statistics of the Agency for Strategic Planning and "
    "Reforms of the Republic of Kazakhstan",
    "KZ",
)
MPI = ("Migration Policy Institute", "US")
ONS = ("Office for National Statistics", "GB")
ROSSTAT = ("Federal State Statistics Service", "RU")
RU_MIGRATION = (
    "Main Directorate for Migration Affairs of the Ministry of Internal Affairs "
    "of the Russian Federation",
    "RU",
)
TJ_LABOUR = (
    "Ministry of Labour, Migration and Employment of Population of the Republic "
    "of Tajikistan",
    "TJ",
)
UA_MIGRATION = ("State Migration Service of Ukraine", "UA")
UNHCR = ("Office of the United Nations High Commissioner for Refugees", "CH")
UNODC = ("United Nations Office on Drugs and Crime", "AT")
WORLD_BANK = ("World Bank", "US")

TOP_CASES = [
    # English names, whole or in part
    ("Statistics Norway", ("Statistics Norway", "NO")),
    (
        "federal statistical office switzerland",
        ("Swiss Federal Statistical Office", "CH"),
    ),
    ("migration agency sweden", ("Swedish Migration Agency", "SE")),
    ("Czech Statistical Office", ("Czech Statistical Office", "CZ")),
    ("Office for National Statistics", ONS),
    ("home office", ("Home Office", "GB")),
    ("immigration service finland", ("Finnish Immigration Service", "FI")),
    ("international organization for migration", IOM),
    ("International Labour Organisation", ILO),  # British spelling
    ("border and coast guard", FRONTEX),
    (
        "migration observatory oxford",
        ("The Migration Observatory at the University of Oxford", "GB"),
    ),
    ("Pew Research", ("Pew Research Center", "US")),
    ("Eurostat", EUROSTAT),
    ("world bank", WORLD_BANK),
    # Russian and other national languages, inflected forms included
    ("Федеральная служба государственной статистики", ROSSTAT),
    ("министерства внутренних дел Казахстана", KZ_INTERIOR),
    ("миграционной службы Украины", UA_MIGRATION),
    (
        "государственная миграционная служба Азербайджана",
        ("State Migration Service of the Republic of Azerbaijan", "AZ"),
    ),
    ("национального статистического комитета Беларуси", BELSTAT),
    ("министерство труда Таджикистана", TJ_LABOUR),
    (
        "Генеральный инспекторат по миграции",
        ("General Inspectorate for Migration", "MD"),
    ),
    ("Международная организация труда", ILO),
    ("Верховный комиссар ООН по делам беженцев", UNHCR),
    ("служба миграции и гражданства Армении", AM_MIGRATION),
    (
        "институт демографии Вишневского",
        ("Vishnevsky Institute of Demography, HSE University", "RU"),
    ),
    (
        "Державна служба статистики України",
        ("State Statistics Service of Ukraine", "UA"),
    ),
    ("Statistisches Bundesamt", DESTATIS),
    ("Bundesamt für Migration und Flüchtlinge", BAMF),
    ("Glowny Urzad Statystyczny", ("Statistics Poland", "PL")),
    ("Statistikaamet", ("Statistics Estonia", "EE")),
    # Mixed scripts and transliteration
    ("Rosstat", ROSSTAT),
    ("Росстат", ROSSTAT),
    ("Kazakhstan statistics", KZ_STATISTICS),
    ("Казахстан статистика", KZ_STATISTICS),
    ("Белстат", BELSTAT),
    ("Геостат", GEOSTAT),
    ("Кыргызстан статистика", KG_STATISTICS),
    ("ministerstvo vnutrennikh del Kazakhstan", KZ_INTERIOR),
    ("торговля людьми ООН", UNODC),
    # Typos
    ("remitances", WORLD_BANK),
    ("statstics kyrgyzstan", KG_STATISTICS),
    ("Kyrgystan migration", KG_LABOUR),
    ("migraiton policy institute", MPI),
    ("Eurostta", EUROSTAT),
    ("Statistcs Norway", ("Statistics Norway", "NO")),
    ("Hellenic Statsitical Authority", ("Hellenic Statistical Authority", "GR")),
    ("Frontx", FRONTEX),
    # Topics
    ("remittances", WORLD_BANK),
    ("remittances ukraine", ("National Bank of Ukraine", "UA")),
    ("census", ("United States Census Bureau", "US")),
    ("asylum greece", ("Ministry of Migration and Asylum", "GR")),
    ("european asylum agency", EUAA),
    ("trafficking crime", UNODC),
    ("diaspora", ("Bureau for Diaspora Relations", "MD")),
    ("беженцы", UNHCR),
    ("demography institute vienna", ("Vienna Institute of Demography", "AT")),
    # Countries in English and Russian with a kind of institution
    ("statistics Georgia", GEOSTAT),
    ("статистика Армении", ARMSTAT),
    ("statistics Germany", DESTATIS),
    ("statistics Russia", ROSSTAT),
    ("статистика России", ROSSTAT),
    ("migration Russia", RU_MIGRATION),
    ("migration Ukraine", UA_MIGRATION),
    ("министерство труда Казахстана", KZ_LABOUR),
    (
        "статистика Узбекистана",
        ("Statistics Agency under the President of the Republic of Uzbekistan", "UZ"),
    ),
    ("statistics United Kingdom", ONS),
    ("statistics Turkey", ("Turkish Statistical Institute", "TR")),
]

FIRST_CASES = [
    ("IOM", IOM),
    ("iom", IOM),
    ("ILO", ILO),
    ("ICMPD", ("International Centre for Migration Policy Development", "AT")),
    ("UNHCR", UNHCR),
    ("unhcr", UNHCR),
    ("OSCE", ("Organization for Security and Co-operation in Europe", "AT")),
    ("UNFPA", ("United Nations Population Fund", "US")),
    ("UNODC", UNODC),
    ("OECD", ("OECD International Migration Division", "FR")),
    ("UNECE", ("UNECE Statistical Division", "CH")),
    ("Frontex", FRONTEX),
    ("BAMF", BAMF),
    ("Destatis", DESTATIS),
    ("Rosstat", ROSSTAT),
    ("Geostat", GEOSTAT),
    ("Armstat", ARMSTAT),
    ("INSEE", ("National Institute of Statistics and Economic Studies", "FR")),
    ("KNOMAD", ("Global Knowledge Partnership on Migration and Development", "US")),
    ("ODIHR", ("OSCE Office for Democratic Institutions and Human Rights", "PL")),
    ("EUAA", EUAA),
    ("UNICEF", ("United Nations Children's Fund", "US")),
    # Acronyms that also begin words of other names (matched as prefixes)
    ("INS", ("National Institute of Statistics of Romania", "RO")),
    ("ICM", ("Institut Convergences Migrations", "FR")),
    ("IMIS", IMIS),
    ("NSI", ("National Statistical Institute of Bulgaria", "BG")),
    ("FRA", ("European Union Agency for Fundamental Rights", "AT")),
    ("IND", ("Immigration and Naturalisation Service", "NL")),
    ("Migri", ("Finnish Immigration Service", "FI")),
    ("MAC", ("Migration Advisory Committee", "GB")),
]


def _ranked(page) -> list[tuple[str, str]]:
    return [(h.institution.name, h.institution.country_code) for h in page.hits]


def _listing(ranked: list[tuple[str, str]]) -> str:
    lines = [
        f"  {n}. {name} ({country})" for n, (name, country) in enumerate(ranked, 1)
    ]
    return "\n".join(lines) or "  (no results)"


def test_expected_institutions_are_in_the_seed():
    """Every expectation names exactly one seed institution (no silent typos)."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    counts: dict[tuple[str, str], int] = {}
    for entry in seed:
        key = (entry["name"], entry["country"])
        counts[key] = counts.get(key, 0) + 1
    expected = {e for _, e in TOP_CASES + FIRST_CASES}
    assert [e for e in expected if counts.get(e) != 1] == []


@pytest.mark.parametrize(
    ("query", "expected"), TOP_CASES, ids=[q for q, _ in TOP_CASES]
)
def test_query_finds_institution_in_top_three(seeded_search_app, query, expected):
    with seeded_search_app.app_context():
        ranked = _ranked(search_institutions(query, {}))
    assert expected in ranked[:TOP], (
        f"{query!r}: expected {expected[0]} ({expected[1]}) in the top {TOP}; "
        f"top {SHOWN}:\n{_listing(ranked[:SHOWN])}"
    )


@pytest.mark.parametrize(
    ("query", "expected"), FIRST_CASES, ids=[q for q, _ in FIRST_CASES]
)
def test_exact_acronym_ranks_first(seeded_search_app, query, expected):
    with seeded_search_app.app_context():
        ranked = _ranked(search_institutions(query, {}))
    assert ranked[:1] == [expected], (
        f"{query!r}: expected {expected[0]} ({expected[1]}) first; "
        f"top {SHOWN}:\n{_listing(ranked[:SHOWN])}"
    )
