"""Users, their roles, and invitations to join as focal point or secretariat."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from migratory.core.models import Base, TimestampMixin, utcnow
from migratory.inventory.models import Country, Institution

# Roles beside membership: a user is a member, and at most one of these.
STAFF_ROLES = ("focal_point", "secretariat")

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
    email_verified: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    # Raised by "log out everywhere": every older session and remember-me
    # cookie carries the old number and stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login: Mapped[datetime | None]

    country: Mapped[Country | None] = relationship()
    institutions: Mapped[list[Institution]] = relationship(
        secondary=focal_point_institutions, order_by=Institution.name_key
    )

    def get_id(self) -> str:
        """Session identity: the id and the session version."""
        return f"{self.id}:{self.session_version}"

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
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role or 'member'}>"


class Invitation(Base):
    """An invitation to join as focal point or secretariat; usable once."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.iso2"))
    institution_ids: Mapped[list] = mapped_column(JSON, default=list)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created: Mapped[datetime] = mapped_column(default=utcnow)
    accepted: Mapped[datetime | None]

    invited_by: Mapped[User | None] = relationship()
