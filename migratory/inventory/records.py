"""Institutions as a kind of versioned record: what history and moderation
need to read, validate, apply and label them (registered in create_app)."""

from flask_babel import lazy_gettext as _l

from migratory.core.i18n import current_language
from migratory.core.records import RecordKind
from migratory.extensions import db
from migratory.inventory.labels import field_label, value_label
from migratory.inventory.models import Institution
from migratory.inventory.permissions import (
    keeps_institution_country,
    may_create_institution,
    may_edit_institution,
    may_propose,
    may_see_unpublished,
)
from migratory.inventory.services import (
    INSTITUTION,
    add_validated_institution,
    change_institution,
    get_institution,
    institution_state,
    validate_institution,
)

# Only the secretariat changes these, never through a form of anyone else.
RESERVED = ("status", "last_verified", "ror_id", "geo_source", "geo_precision")
# Bookkeeping that every change moves; not shown as a difference.
HIDDEN = frozenset({"slug", "version", "geo_source", "geo_precision"})


def _create(data: dict, *, source: str, comment=None, author_id=None):
    return add_validated_institution(
        data, source=source, comment=comment, author_id=author_id
    )


def _change(record, data, *, source, comment=None, author_id=None, replace=False):
    """Change an institution and flush (a lost race raises here, and the use
    case turns it into a Conflict), as every kind's writer does."""
    changed = change_institution(
        record,
        data,
        source=source,
        comment=comment,
        author_id=author_id,
        replace_names=replace,
    )
    db.session.flush()
    return changed


def _state_key(key: str) -> str:
    """Validated input is keyed by ``country_code``; saved states by ``country``."""
    return "country" if key == "country_code" else key


def _form():
    from migratory.inventory.forms import institution_form

    return institution_form()


def institution_kind() -> RecordKind:
    """The record kind of institutions."""
    return RecordKind(
        name=INSTITUTION,
        label=_l("Institution"),
        model=Institution,
        state=institution_state,
        validate=validate_institution,
        create=_create,
        change=_change,
        title=lambda i, language=None: i.display_name_in(
            language or current_language()
        ),
        page=lambda i: ("inventory.detail", {"slug": i.slug}),
        find=get_institution,
        may_edit=may_edit_institution,
        may_see=may_see_unpublished,
        may_propose=may_propose,
        may_create=may_create_institution,
        field_label=field_label,
        value_label=value_label,
        hidden=HIDDEN,
        reserved=RESERVED,
        state_key=_state_key,
        check_direct=keeps_institution_country,
        form=_form,
    )
