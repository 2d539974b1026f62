"""Keeping entries right: confirm, archive, restore a revision, merge duplicates.

Every action here writes a revision; nothing is ever deleted.
"""

import logging

from flask_babel import gettext as _
from sqlalchemy import select

from migratory.accounts.permissions import require_secretariat
from migratory.accounts.tokens import make_token, read_token
from migratory.core.audit import record_action
from migratory.core.errors import PermissionDenied, ValidationFailed
from migratory.core.history import get_revision
from migratory.core.models import utcnow
from migratory.core.records import record_kind
from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.inventory.permissions import require_institution_edit
from migratory.inventory.services import (
    INSTITUTION,
    change_institution,
    get_institution,
)
from migratory.moderation.merging import run_merge_steps
from migratory.moderation.models import DismissedDuplicate, Proposal
from migratory.moderation.notices import notify_proposer
from migratory.moderation.proposals import audit_target
from migratory.moderation.use_cases import committing

logger = logging.getLogger(__name__)


def confirm_current(user, slug: str) -> Institution:
    """ "This entry is still correct": set last_verified (a revision records it)."""
    with committing():
        institution = get_institution(slug)
        require_institution_edit(user, institution)
        _verified(institution, user.id)
    return institution


def _verified(institution: Institution, author_id: int | None) -> None:
    change_institution(
        institution,
        {"last_verified": utcnow()},
        source="web",
        comment="Confirmed as still correct",
        author_id=author_id,
    )


def confirm_token(user, institution: Institution) -> str:
    """A signed link argument that lets `user` confirm `institution` in one click."""
    return make_token("confirm", {"u": user.id, "i": institution.id})


def check_confirm_token(token: str, slug: str) -> tuple:
    """(user, institution) a reminder's confirm link was made for.

    The link is checked before the entry is looked up, so that a forged link
    tells nothing about which entries exist.
    """
    from migratory.accounts.models import User

    payload = read_token("confirm", token)
    user = db.session.get(User, payload.get("u"))
    institution = db.session.get(Institution, payload.get("i"))
    if institution is None or institution.slug != slug:
        raise ValidationFailed(_("This link is not valid."))
    if user is None or not user.active:
        raise ValidationFailed(_("This link is not valid."))
    require_institution_edit(user, institution)
    return user, institution


def confirm_by_token(token: str, slug: str) -> Institution:
    """Confirm an entry from a reminder's link (no sign-in needed)."""
    with committing():
        user, institution = check_confirm_token(token, slug)
        _verified(institution, user.id)
    return institution


def set_archived(actor, kind_name: str, key, archived: bool, comment=None):
    """Archive a record, or publish it again; reversible, never deleted."""
    kind = record_kind(kind_name)
    with committing():
        record = kind.resolve(key)
        if not kind.may_archive(actor, record):
            raise PermissionDenied(_("You may not archive this."))
        wanted = kind.archived if archived else kind.published
        if all(getattr(record, k) == v for k, v in wanted.items()):
            return record
        kind.change(
            record,
            dict(wanted),
            source="web",
            comment=comment
            or ("Archived" if archived else "Restored from the archive"),
            author_id=actor.id,
        )
        record_action(
            actor,
            "archive" if archived else "unarchive",
            audit_target(kind.name, record),
        )
    return record


def restore_revision(actor, kind_name: str, key, number: int):
    """Make an earlier revision's state current again, as a new revision."""
    require_secretariat(actor)
    kind = record_kind(kind_name)
    with committing():
        record = kind.resolve(key)
        revision = get_revision(kind.name, record.id, number)
        data = kind.validate(revision.data)
        changed = kind.change(
            record,
            data,
            source="restore",
            comment=f"Restored revision {number}",
            author_id=actor.id,
            replace=True,
        )
        if changed:
            record_action(
                actor, "restore", audit_target(kind.name, record), revision=number
            )
    if changed:
        logger.info("%s %s restored to revision %s", kind.name, record.id, number)
    return record


# Fields the surviving entry takes from the merged one where it has none.
FILLABLE = ("acronym", "summary", "website", "email", "phone", "address", "city")


def merge_institutions(actor, keep_slug: str, merge_slug: str) -> Institution:
    """Merge a duplicate into the entry that stays: its missing fields, names
    and topics are filled from the duplicate, which is archived (not deleted)."""
    require_secretariat(actor)
    if keep_slug == merge_slug:
        raise ValidationFailed(_("An entry cannot be merged into itself."))
    keep, gone = get_institution(keep_slug), get_institution(merge_slug)
    if gone.status == "archived":
        raise ValidationFailed(_("That entry is already archived."))
    data = {f: getattr(gone, f) for f in FILLABLE if not getattr(keep, f)}
    data = {f: v for f, v in data.items() if v}
    languages = {n.lang for n in keep.names}
    extra_names = [
        {"lang": n.lang, "name": n.name} for n in gone.names if n.lang not in languages
    ]
    if extra_names:
        data["names"] = extra_names
    if set(gone.topics) - set(keep.topics):
        data["topics"] = sorted(set(keep.topics) | set(gone.topics))
    note = f"Merged {merge_slug} into {keep_slug}"
    with committing():
        change_institution(keep, data, source="merge", comment=note, author_id=actor.id)
        change_institution(
            gone,
            {"status": "archived"},
            source="merge",
            comment=note,
            author_id=actor.id,
        )
        _move_focal_points(gone, keep)
        run_merge_steps(actor, keep, gone, note)
        closed = _close_proposals(actor, gone, keep)
        record_action(
            actor,
            "merge",
            f"institution:{keep_slug}",
            merged=merge_slug,
            closed_proposals=[p.id for p in closed],
        )
    for proposal in closed:
        notify_proposer(proposal, gone)
    logger.info("%s by user %s", note, actor.id)
    return keep


def _move_focal_points(gone: Institution, keep: Institution) -> None:
    """Focal points linked to the duplicate follow to the survivor."""
    from migratory.accounts.models import User

    for user in db.session.scalars(
        select(User).where(User.institutions.contains(gone))
    ):
        user.institutions.remove(gone)
        if keep not in user.institutions and keep.country_code == user.country_code:
            user.institutions.append(keep)


def _close_proposals(actor, gone: Institution, keep: Institution) -> list[Proposal]:
    """Open proposals on the duplicate are closed, not moved: they describe the
    duplicate's state and would overwrite (or archive) the survivor."""
    closed = list(
        db.session.scalars(
            select(Proposal).where(
                Proposal.record_kind == INSTITUTION,
                Proposal.record_id == gone.id,
                Proposal.status == "pending",
            )
        )
    )
    for proposal in closed:
        proposal.status, proposal.reviewer_id = "rejected", actor.id
        proposal.decided = utcnow()
        proposal.reason = (
            f"The entry was merged into “{keep.name}” ({keep.slug}). "
            "If your change still applies, please propose it there."
        )
    return closed


def dismiss_duplicate(actor, first_slug: str, second_slug: str) -> None:
    """Record that two entries are distinct, so they are not suggested again."""
    require_secretariat(actor)
    first, second = sorted(
        [get_institution(first_slug), get_institution(second_slug)], key=lambda i: i.id
    )
    if first.id == second.id:
        raise PermissionDenied(_("Pick two different entries."))
    exists = db.session.scalar(
        select(DismissedDuplicate.id).where(
            DismissedDuplicate.first_id == first.id,
            DismissedDuplicate.second_id == second.id,
        )
    )
    if exists is None:
        db.session.add(DismissedDuplicate(first_id=first.id, second_id=second.id))
        record_action(
            actor, "dismiss duplicate", f"institution:{first.slug}", other=second.slug
        )
        db.session.commit()
