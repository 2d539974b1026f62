"""Network records: data sources and producer-user links between institutions.

Both are versioned records (core.records): every change is a revision,
proposals and the moderation queue handle them, nothing is deleted (a record
is archived and can be published again).
"""

from datetime import date

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from migratory.core.i18n import current_language
from migratory.core.models import Base, TimestampMixin
from migratory.inventory.models import Country, Institution


class DataSource(TimestampMixin, Base):
    """A system of migration data collection: a census, a register, border or
    permit records, a survey; produced by one institution of one country."""

    __tablename__ = "data_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    # Names in other languages: [{"lang": "ru", "name": "..."}].
    names: Mapped[list] = mapped_column(JSON, default=list)
    source_type: Mapped[str] = mapped_column(String(40), index=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id"), index=True
    )
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso2"), index=True)
    coverage: Mapped[list] = mapped_column(JSON, default=list)
    periodicity: Mapped[str | None] = mapped_column(String(20))
    latest_year: Mapped[int | None]
    # The definition of migrant it uses (e.g. duration of stay).
    migrant_definition: Mapped[str | None] = mapped_column(Text)
    access: Mapped[str | None] = mapped_column(String(20))
    access_url: Mapped[str | None] = mapped_column(String(500))
    publication: Mapped[str | None] = mapped_column(Text)
    quality_note: Mapped[str | None] = mapped_column(Text)
    quality_assessed: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    version: Mapped[int] = mapped_column(default=1)

    institution: Mapped[Institution] = relationship(lazy="joined", innerjoin=True)
    country: Mapped[Country] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": version}

    def name_in(self, language: str) -> str:
        """The name in `language` where recorded, else the English name."""
        found = [n["name"] for n in self.names or () if n.get("lang") == language]
        return found[0] if found and language != "en" else self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language where recorded."""
        return self.name_in(current_language())

    @property
    def is_public(self) -> bool:
        """Everyone's: published, and so is the institution producing it."""
        return self.status == "published" and self.institution.status == "published"

    def __repr__(self) -> str:
        return f"<DataSource {self.slug}>"


class ProducerUserLink(TimestampMixin, Base):
    """A directed link: the producer institution supplies data of one kind
    (`flow`) to the user institution, possibly from one of its data sources.

    `consumer` is the user end (named so to keep it apart from accounts).
    """

    __tablename__ = "producer_user_links"
    __table_args__ = (
        UniqueConstraint("producer_id", "consumer_id", "flow"),
        CheckConstraint("producer_id <> consumer_id", name="distinct_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    flow: Mapped[str] = mapped_column(String(40), index=True)
    data_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("data_sources.id"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    # The years the flow covers: first and last (either may be unknown).
    year_from: Mapped[int | None]
    year_to: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    version: Mapped[int] = mapped_column(default=1)

    producer: Mapped[Institution] = relationship(
        foreign_keys=[producer_id], lazy="joined", innerjoin=True
    )
    consumer: Mapped[Institution] = relationship(
        foreign_keys=[consumer_id], lazy="joined", innerjoin=True
    )
    data_source: Mapped[DataSource | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def public_data_source(self) -> DataSource | None:
        """The data source the link names, if everyone may see it (an
        archived one, or one of an archived institution, is not shown)."""
        source = self.data_source
        return source if source is not None and source.is_public else None

    def __repr__(self) -> str:
        return f"<ProducerUserLink {self.producer_id}->{self.consumer_id} {self.flow}>"
