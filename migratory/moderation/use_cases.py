"""The transaction of a moderation use case: inner writers only flush, the
use case commits once, and a write that lost a race is a Conflict."""

from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from migratory.core.errors import Conflict
from migratory.extensions import db


def changed_meanwhile() -> Conflict:
    """The Conflict of a record whose version moved since it was opened."""
    return Conflict(_("This entry was changed by someone else since you opened it."))


@contextmanager
def committing():
    """Run the body of a use case, then commit once.

    A flush or the commit that finds the record's version moved (someone
    saved it meanwhile) or a unique key taken (the same record saved at the
    same moment) raises Conflict; any failure rolls everything back, so that
    nothing of a refused use case is written.
    """
    try:
        yield
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise changed_meanwhile() from error
    except IntegrityError as error:
        db.session.rollback()
        if not _unique_key_taken(error):
            raise  # not a race: a refused write is an error
        raise Conflict(
            _("Someone else saved the same record at the same moment: reload it.")
        ) from error
    except BaseException:
        db.session.rollback()
        raise


def _unique_key_taken(error: IntegrityError) -> bool:
    """True if the database refused a duplicate of a unique key (PostgreSQL's
    SQLSTATE 23505, SQLite's UNIQUE constraint), not another constraint."""
    if getattr(error.orig, "sqlstate", None) == "23505":
        return True
    return "UNIQUE constraint failed" in str(error.orig)
