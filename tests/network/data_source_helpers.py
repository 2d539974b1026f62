"""Data sources in tests: payloads, a small network of institutions and
people, and how to read data sources back (shared by test_data_sources*)."""

from sqlalchemy import func, select

from tests.conftest import institution_payload

SECRETARIAT = "secretariat@example.org"
MEMBER = "member@example.org"
FOCAL_KZ = "focal.kz@example.org"
FOCAL_UZ = "focal.uz@example.org"


def data_source_payload(**overrides) -> dict:
    """A valid data source payload (the KZ statistics office's census)."""
    payload = {
        "name": "Population census of Kazakhstan",
        "names": [{"lang": "ru", "name": "Национальная перепись населения"}],
        "type": "census",
        "institution": "kz-stat",
        "coverage": ["stocks", "country-of-birth", "citizenship"],
        "periodicity": "decennial",
        "latest_year": 2021,
        "migrant_definition": "Born abroad, or resident for at least 12 months.",
        "access": "online",
        "access_url": "https://stat.example.kz/census",
        "quality_note": "Reviewed by the programme.",
        "quality_assessed": "2023-05-01",
    }
    payload.update(overrides)
    return payload


INSTITUTIONS = {
    "kz-stat": institution_payload(name="KZ Statistics Office", acronym="KSO"),
    "kz-interior": institution_payload(
        name="KZ Ministry of Internal Affairs", acronym="MIA"
    ),
    "uz-stat": institution_payload(
        name="UZ Statistics Agency",
        acronym="USA",
        country="UZ",
        city="Tashkent",
        latitude=41.3,
        longitude=69.24,
    ),
    "intl-org": institution_payload(
        name="International Migration Data Organisation",
        acronym="IMDO",
        category="international",
        country="CH",
        city="Geneva",
        latitude=46.2,
        longitude=6.14,
    ),
}


def build_network(app) -> dict:
    """Institutions (slugs as in INSTITUTIONS) and people: the secretariat,
    a member, focal points of KZ and UZ. Returns the slugs by key."""
    from migratory.accounts.services import create_user
    from migratory.inventory.services import create_institution
    from tests.conftest import PASSWORD

    with app.app_context():
        slugs = {k: create_institution(p).slug for k, p in INSTITUTIONS.items()}
        create_user(SECRETARIAT, "secretariat", PASSWORD)
        create_user(MEMBER, "member", PASSWORD)
        create_user(FOCAL_KZ, "focal_point", PASSWORD, country_code="KZ")
        create_user(FOCAL_UZ, "focal_point", PASSWORD, country_code="UZ")
    return slugs


def payload_for(slugs: dict, **overrides) -> dict:
    """A payload naming the institution by its real slug (key of slugs)."""
    payload = data_source_payload(**overrides)
    payload["institution"] = slugs.get(payload["institution"], payload["institution"])
    return payload


def add_data_source(app, slugs: dict, **overrides) -> str:
    """Create a data source through the service (one commit); its slug."""
    from migratory.extensions import db
    from migratory.network.data_sources import add_data_source, validate_data_source

    with app.app_context():
        data = validate_data_source(payload_for(slugs, **overrides))
        slug = add_data_source(data, source="seed").slug
        db.session.commit()
        return slug


def data_source(app, slug: str):
    """The data source with this slug, read afresh and detached."""
    from migratory.extensions import db
    from migratory.network.models import DataSource

    with app.app_context():
        found = db.session.scalar(select(DataSource).where(DataSource.slug == slug))
        assert found is not None, f"no data source {slug}"
        db.session.expunge(found)
        return found


def counts(app) -> tuple[int, int]:
    """(data sources, data source revisions) in the database."""
    from migratory.core.history import Revision
    from migratory.extensions import db
    from migratory.network.models import DataSource

    with app.app_context():
        sources = db.session.scalar(select(func.count()).select_from(DataSource))
        revisions = db.session.scalar(
            select(func.count())
            .select_from(Revision)
            .where(Revision.record_kind == "data_source")
        )
        return sources, revisions
