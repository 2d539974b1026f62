"""Who the acting user is, for every domain's permissions: signed in, the
secretariat. Anonymous visitors are objects that answer like a user without a
role (accounts.anonymous), so nothing here reads attributes defensively."""


def is_signed_in(user) -> bool:
    """True for a signed-in account (None and anonymous visitors are not)."""
    return user is not None and bool(user.is_authenticated)


def is_secretariat(user) -> bool:
    """True for a signed-in member of the secretariat."""
    return is_signed_in(user) and bool(user.is_secretariat)
