"""Users, their roles, and invitations to join as focal point or secretariat."""

from datetime import datetime

from flask import has_request_context
from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from migratory.core.i18n import current_language
from migratory.core.models import Base, TimestampMixin, utcnow
from migratory.inventory.models import Country, Institution

# Roles beside membership: a user is a member, and at most one of these.
STAFF_ROLES = ("focal_point", "secretariat")


def role_label(role: str | None, country: Country | None = None) -> str:
    """A neutral public label for an account: "Focal point, Kazakhstan" and so on."""
    if role == "secretariat":
        return _("Secretariat")
    if role == "focal_point" and country is not None:
        return _("Focal point, %(country)s", country=country.name)
    if role == "focal_point":
        return _("Focal point")
    return _("Member")


def language_of_request() -> str | None:
    """The interface language of the request being served, if any: a new
    account's language (registering, accepting an invitation)."""
    return current_language() if has_request_context() else None


focal_point_institutions = Table(
    "focal_point_institutions",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "institution_id",
        ForeignKey("institutions.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class User(UserMixin, TimestampMixin, Base):
    """A registered person: member, focal point of a country, or secretariat."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_member: Mapped[bool] = mapped_column(default=True)
    role: Mapped[str | None] = mapped_column(String(20))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.iso2"))
    # A focal point's part in the country's network (accounts.network_roles).
    network_role: Mapped[str | None] = mapped_column(String(20))
    # The position the person holds, as they state it (shown with their name).
    position: Mapped[str | None] = mapped_column(String(200))
    email_verified: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    # The language mail to the account is written in ("en", "ru", "fr"):
    # the site's language when it registered or last switched; unset (older
    # accounts, the command line): the default language.
    language: Mapped[str | None] = mapped_column(String(8), default=language_of_request)
    # Raised by "log out everywhere": every older session and remember-me
    # cookie carries the old number and stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login: Mapped[datetime | None]
    # The last reminder digest: when, and which stale entries it listed.
    last_reminded: Mapped[datetime | None]
    reminded_institution_ids: Mapped[list] = mapped_column(
        JSON, default=list, server_default="[]"
    )

    # Joined: display_name (role and country) is shown on every page.
    country: Mapped[Country | None] = relationship(lazy="joined")
    institutions: Mapped[list[Institution]] = relationship(
        secondary=focal_point_institutions, order_by=Institution.name_key
    )

    # The key of the sign-in this request belongs to (see LoginSession); set
    # when signing in and when a session is loaded, never stored on the user.
    login_key = None

    def get_id(self) -> str:
        """Session identity: the id, the session version and the sign-in's key."""
        return f"{self.id}:{self.session_version}:{self.login_key}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_secretariat(self) -> bool:
        return self.role == "secretariat"

    @property
    def is_focal_point(self) -> bool:
        return self.role == "focal_point"

    @property
    def display_name(self) -> str:
        """What others may see: the name, else the role; never the e-mail address."""
        return self.name or role_label(self.role, self.country)

    @property
    def name_and_email(self) -> str:
        """How the secretariat's own pages show an account: name and address."""
        return f"{self.name} <{self.email}>" if self.name else self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role or 'member'}>"


class Invitation(Base):
    """An invitation to join as focal point or secretariat; usable once."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.iso2"))
    network_role: Mapped[str | None] = mapped_column(String(20))
    institution_ids: Mapped[list] = mapped_column(JSON, default=list)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created: Mapped[datetime] = mapped_column(default=utcnow)
    accepted: Mapped[datetime | None]
    revoked: Mapped[datetime | None]

    country: Mapped[Country | None] = relationship()
    invited_by: Mapped[User | None] = relationship()


class LoginSession(Base):
    """One sign-in of a user on one browser; signing out ends it on the server.

    The browser holds a random key; only its digest is stored. The address is
    kept as a keyed digest too: enough to recognise an address the account
    signs in from, without keeping anyone's IP address.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    address_digest: Mapped[str] = mapped_column(String(64))
    remember: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    ended: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """One failed sign-in, under each counter it counts for (account, address,
    both); kept only as long as the longest sign-in limit's window."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_counter_created", "counter", "created"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(default=utcnow, index=True)
