"""Helpers of the focal-point tests: accounts with a network role and a
last sign-in, audit entries and revisions by them, written in the database."""

from datetime import timedelta

from sqlalchemy import select, update

from migratory.core.models import utcnow
from tests.conftest import PASSWORD


def make_focal_point(
    app,
    email: str,
    country: str = "KZ",
    network_role: str | None = "producer",
    institutions=(),
    *,
    name: str = "",
    position: str | None = None,
    days_since_login: int | None = None,
) -> int:
    """A verified focal point through the service; its id. `days_since_login`
    sets when it last signed in (None: never)."""
    from migratory.accounts.models import User
    from migratory.accounts.services import create_user
    from migratory.extensions import db

    with app.app_context():
        user = create_user(
            email,
            "focal_point",
            PASSWORD,
            country_code=country,
            institution_slugs=tuple(institutions),
            network_role=network_role,
        )
        ident = user.id
        values = {"name": name, "position": position}
        if days_since_login is not None:
            values["last_login"] = utcnow() - timedelta(days=days_since_login)
        db.session.execute(update(User).where(User.id == ident).values(**values))
        db.session.commit()
    return ident


def set_user(app, ident: int, **values) -> None:
    """Change columns of an account directly (e.g. its last sign-in)."""
    from migratory.accounts.models import User
    from migratory.extensions import db

    with app.app_context():
        db.session.execute(update(User).where(User.id == ident).values(**values))
        db.session.commit()


def days_ago(days: int):
    return utcnow() - timedelta(days=days)


def user_id(app, email: str) -> int:
    from migratory.accounts.models import User
    from migratory.extensions import db

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def institution_id(app, slug: str) -> int:
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with app.app_context():
        return db.session.scalar(select(Institution.id).where(Institution.slug == slug))
