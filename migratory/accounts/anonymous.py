"""The visitor who has not signed in, answering what a user answers."""

from flask_login import AnonymousUserMixin


class AnonymousVisitor(AnonymousUserMixin):
    """A visitor without an account: no role, no country, no institutions.

    Permission functions and templates read the same attributes of it as of
    a `User`, so that none of them needs `getattr(user, ..., default)`.
    """

    id = None
    email = ""
    name = ""
    position = None
    role = None
    is_member = False
    is_secretariat = False
    is_focal_point = False
    country_code = None
    country = None
    institutions = ()
    network_role = None
    email_verified = None
    last_login = None
    language = None
    display_name = ""

    def __repr__(self) -> str:
        return "<AnonymousVisitor>"
