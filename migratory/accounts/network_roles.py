"""What a focal point does in the producer-user network of their country."""

from flask_babel import lazy_gettext as _l

# The network role of a focal point (stored on users and invitations); None
# for accounts that are not focal points, or whose role was never stated.
NETWORK_ROLES = {
    "producer": _l("Statistics producer (national statistical office)"),
    "user": _l("Migration policy / data user agency"),
    "ministry": _l("Other ministry or agency"),
    "international": _l("International organisation liaison"),
    "other": _l("Other"),
}
# Short names, for table headings.
NETWORK_ROLE_HEADINGS = {
    "producer": _l("Producers"),
    "user": _l("Users"),
    "ministry": _l("Ministries and agencies"),
    "international": _l("International liaisons"),
    "other": _l("Other"),
}


def network_role_label(role: str | None) -> str:
    """The translated name of a network role; a dash when none is stated."""
    return str(NETWORK_ROLES[role]) if role in NETWORK_ROLES else "—"
