"""Password hashing (argon2) and the rules a new password must pass."""

import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_LENGTH = 10
COMMON_CHECKED = 10_000  # the most common passwords refused outright
# zxcvbn's scale: 3 is "safely unguessable" (about 10^8 guesses or more).
MIN_STRENGTH = 3
ESTIMATED_CHARACTERS = 72  # zxcvbn reads no further
# Words of this site a guesser would try first.
SITE_WORDS = ("migratory", "migration", "statistics", "unece", "speca")
RULE = _l(
    "Use at least 10 characters that are hard to guess: no blanks, repeats "
    "(aaaa, abcabc) or sequences (abcd, 1234), no common password and not "
    "the site's name or your address. A few unrelated words work well."
)

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """True if `password` matches the stored hash."""
    if not stored:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored)


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_CHECKED])


def _guessing_hints(email: str) -> list[str]:
    """Words a guesser knows: the site's and the parts of the address."""
    return [*SITE_WORDS, *(w for w in re.split(r"[@.+_-]", email.casefold()) if w)]


def password_problem(password: str, email: str = "") -> str | None:
    """Why `password` is refused (with the rule), or None if it is acceptable."""
    if len(password) > 200:
        return _("Use at most 200 characters.")
    if not password.strip():
        return _("The password cannot be blank.") + " " + RULE
    if len(password) < MIN_LENGTH:
        return _("This password is too short.") + " " + RULE
    folded = password.casefold()
    if (
        folded in _common_passwords()
        or folded.rstrip("0123456789!") in _common_passwords()
    ):
        return (
            _("This password is among the most common ones; choose another.")
            + " "
            + RULE
        )
    local = email.split("@")[0].casefold()
    if local and len(local) >= 4 and local in folded:
        return _("The password must not contain your e-mail address.")
    estimate = zxcvbn(password[:ESTIMATED_CHARACTERS], _guessing_hints(email))
    if estimate["score"] < MIN_STRENGTH:
        return _("This password is too easy to guess.") + " " + RULE
    return None
