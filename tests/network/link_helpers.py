"""Producer-user links in tests: a small network of institutions and people,
payloads, and how to read links back (shared by test_links*)."""

from sqlalchemy import func, select

from tests.conftest import PASSWORD, institution_payload

SECRETARIAT = "secretariat@example.org"
MEMBER = "member@example.org"
FOCAL_KZ = "focal.kz@example.org"
FOCAL_UZ = "focal.uz@example.org"

INSTITUTIONS = {
    "kz-stat": institution_payload(
        name="Bureau of National Statistics",
        acronym="BNS",
        names=[{"lang": "ru", "name": "Бюро национальной статистики"}],
    ),
    "kz-mia": institution_payload(
        name="Ministry of Internal Affairs",
        acronym="MIA",
        names=[{"lang": "ru", "name": "Министерство внутренних дел"}],
        roles=["producer", "user"],
    ),
    "kz-labour": institution_payload(
        name="Ministry of Labour and Social Protection",
        acronym="MLSP",
        names=[],
        roles=["user"],
    ),
    "uz-stat": institution_payload(
        name="Statistics Agency of Uzbekistan",
        acronym="SAU",
        names=[],
        country="UZ",
        city="Tashkent",
        latitude=41.3,
        longitude=69.24,
    ),
    "intl": institution_payload(
        name="International Migration Data Organisation",
        acronym="IMDO",
        names=[],
        category="international",
        country="CH",
        city="Geneva",
        latitude=46.2,
        longitude=6.14,
        roles=["user"],
    ),
}


def build_network(app) -> dict:
    """The institutions (their slugs by key) and people: the secretariat, a
    member, a focal point of KZ linked to kz-stat, one of UZ linked to uz-stat."""
    from migratory.accounts.services import create_user
    from migratory.inventory.services import create_institution

    with app.app_context():
        slugs = {k: create_institution(p).slug for k, p in INSTITUTIONS.items()}
        create_user(SECRETARIAT, "secretariat", PASSWORD)
        create_user(MEMBER, "member", PASSWORD)
        create_user(
            FOCAL_KZ,
            "focal_point",
            PASSWORD,
            country_code="KZ",
            institution_slugs=(slugs["kz-stat"],),
        )
        create_user(
            FOCAL_UZ,
            "focal_point",
            PASSWORD,
            country_code="UZ",
            institution_slugs=(slugs["uz-stat"],),
        )
    return slugs


def link_payload(slugs: dict, producer="kz-stat", user="kz-mia", **overrides) -> dict:
    """A valid link payload naming the institutions by key of `slugs`."""
    payload = {
        "producer": slugs.get(producer, producer),
        "user": slugs.get(user, user),
        "flow": "census",
        "description": "Census tables on the foreign-born population.",
        "years": "2009-2021",
    }
    payload.update(overrides)
    return payload


def add_link(app, slugs: dict, producer="kz-stat", user="kz-mia", **overrides) -> int:
    """Create a link through the service (one commit); its id."""
    from migratory.extensions import db
    from migratory.network.links import create_link, validate_link

    with app.app_context():
        data = validate_link(link_payload(slugs, producer, user, **overrides))
        ident = create_link(data, source="seed").id
        db.session.commit()
        return ident


def link(app, ident: int):
    """The link with this id, read afresh and detached (its ends loaded)."""
    from migratory.extensions import db
    from migratory.network.models import ProducerUserLink

    with app.app_context():
        found = db.session.get(ProducerUserLink, ident)
        assert found is not None, f"no link {ident}"
        found.producer, found.consumer, found.data_source  # noqa: B018
        db.session.expunge_all()
        return found


def counts(app) -> tuple[int, int]:
    """(links, link revisions) in the database."""
    from migratory.core.history import Revision
    from migratory.extensions import db
    from migratory.network.models import ProducerUserLink

    with app.app_context():
        links = db.session.scalar(select(func.count()).select_from(ProducerUserLink))
        revisions = db.session.scalar(
            select(func.count())
            .select_from(Revision)
            .where(Revision.record_kind == "link")
        )
        return links, revisions


def user(app, email: str):
    """The account with this e-mail, detached with its institutions."""
    from migratory.accounts.models import User
    from migratory.extensions import db

    with app.app_context():
        found = db.session.scalar(select(User).where(User.email == email))
        found.institutions  # noqa: B018
        db.session.expunge_all()
        return found
