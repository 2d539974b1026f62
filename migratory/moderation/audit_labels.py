"""The audit log's action names and detail keys in the reader's language.

Entries keep the codes they were recorded with; in English the page shows
them as they are (they read as plain words), other languages translate them.
"""

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "accept invitation": _l("accept invitation"),
    "archive": _l("archive"),
    "change network role": _l("change network role"),
    "designate": _l("designate"),
    "dismiss duplicate": _l("dismiss duplicate"),
    "invite": _l("invite"),
    "merge": _l("merge"),
    "proposal approved": _l("proposal approved"),
    "proposal rejected": _l("proposal rejected"),
    "restore": _l("restore"),
    "revoke focal point": _l("revoke focal point"),
    "revoke invitation": _l("revoke invitation"),
    "unarchive": _l("unarchive"),
}
DETAILS = {
    "closed_proposals": _l("closed proposals"),
    "country": _l("country"),
    "email": _l("email"),
    "institutions": _l("institutions"),
    "linked": _l("linked"),
    "merged": _l("merged"),
    "network_role": _l("network role"),
    "other": _l("other"),
    "previous_network_role": _l("previous network role"),
    "proposal": _l("proposal"),
    "reason": _l("reason"),
    "revision": _l("revision"),
    "role": _l("role"),
    "unlinked": _l("unlinked"),
    "user": _l("user"),
}


def action_label(action: str) -> str:
    """The name of an audit action (the code itself if it has none)."""
    return str(ACTIONS.get(action, action))


def detail_label(key: str) -> str:
    """The name of a detail of an audit entry (the key itself if it has none)."""
    return str(DETAILS.get(key, key))
