"""Inventory models: countries, regions, institutions, names, contacts."""

from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from migratory.core.collation import sorted_by_name
from migratory.core.history import Revision
from migratory.core.i18n import current_language
from migratory.core.models import Base, TimestampMixin
from migratory.inventory.names import country_name, region_name
from migratory.inventory.vocab import GEO_PRECISIONS, GEO_SOURCES

country_regions = Table(
    "country_regions",
    Base.metadata,
    Column("country_code", ForeignKey("countries.iso2"), primary_key=True),
    Column("region_id", ForeignKey("regions.id"), primary_key=True),
)


def _vocab_label(vocabulary: dict, value: str | None) -> str | None:
    """The translated label of `value`, or the value itself if unknown."""
    return str(vocabulary[value]) if value in vocabulary else value


class Country(Base):
    """A country of the UNECE region (or a SPECA member such as Afghanistan)."""

    __tablename__ = "countries"

    iso2: Mapped[str] = mapped_column(String(2), primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), unique=True)
    m49: Mapped[str] = mapped_column(String(3), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str | None] = mapped_column(String(120))
    is_unece_member: Mapped[bool] = mapped_column(default=True)
    is_speca: Mapped[bool] = mapped_column(default=False)
    # Other names people search by ("Russia", "Россия", "USA"), ";"-separated.
    aliases: Mapped[str | None] = mapped_column(Text)

    regions: Mapped[list["Region"]] = relationship(
        secondary=country_regions, back_populates="countries", order_by="Region.name_en"
    )

    @property
    def name(self) -> str:
        """Name in the current language."""
        return country_name(self.iso2, self.name_en, self.name_ru, current_language())

    @property
    def regions_by_name(self) -> list["Region"]:
        """The country's regions by their name in the current language."""
        return sorted_by_name(self.regions, language=current_language())

    def __repr__(self) -> str:
        return f"<Country {self.iso2}>"


class Region(Base):
    """A UN M49 region or sub-region, or a grouping used in this field."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str | None] = mapped_column(String(120))
    # "m49-region", "m49-subregion" or "grouping"
    kind: Mapped[str] = mapped_column(String(20))

    countries: Mapped[list[Country]] = relationship(
        secondary=country_regions, back_populates="regions", order_by=Country.name_en
    )

    @property
    def name(self) -> str:
        """Name in the current language."""
        return region_name(self.slug, self.name_en, self.name_ru, current_language())

    @property
    def countries_by_name(self) -> list[Country]:
        """The region's countries by their name in the current language."""
        return sorted_by_name(self.countries, language=current_language())

    def __repr__(self) -> str:
        return f"<Region {self.slug}>"


class Institution(TimestampMixin, Base):
    """An institution or information source on migration."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str | None] = mapped_column(String(50))
    category: Mapped[str] = mapped_column(String(20), index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(120))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso2"), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # How the coordinates were obtained (entered, gazetteer, nominatim) and
    # what they locate (address, city, country).
    geo_source: Mapped[str | None] = mapped_column(String(20))
    geo_precision: Mapped[str | None] = mapped_column(String(20))
    is_producer: Mapped[bool] = mapped_column(default=False)
    is_user: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    last_verified: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    ror_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Synthetic rows exist only for scale tests and benchmarks.
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    # Derived matching keys, kept in step by the services.
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    website_key: Mapped[str | None] = mapped_column(String(500), index=True)

    country: Mapped[Country] = relationship(lazy="joined", innerjoin=True)
    names: Mapped[list["InstitutionName"]] = relationship(
        back_populates="institution",
        cascade="all, delete-orphan",
        order_by="InstitutionName.lang",
    )
    topic_links: Mapped[list["InstitutionTopic"]] = relationship(
        cascade="all, delete-orphan", order_by="InstitutionTopic.topic"
    )
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="institution",
        cascade="all, delete-orphan",
        order_by="Contact.id",
    )
    # Read-only: revisions are written through core.history, for every kind.
    revisions: Mapped[list[Revision]] = relationship(
        primaryjoin=lambda: and_(
            Revision.record_kind == "institution",
            foreign(Revision.record_id) == Institution.id,
        ),
        order_by=Revision.number,
        viewonly=True,
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def topics(self) -> list[str]:
        """Topic slugs, sorted."""
        return [link.topic for link in self.topic_links]

    @property
    def roles(self) -> list[str]:
        """Network roles: `producer` and/or `user`."""
        return [
            r
            for r, on in (("producer", self.is_producer), ("user", self.is_user))
            if on
        ]

    @property
    def geo_source_label(self) -> str | None:
        """How the coordinates were obtained, in the current language."""
        return _vocab_label(GEO_SOURCES, self.geo_source)

    @property
    def geo_precision_label(self) -> str | None:
        """What the coordinates locate, in the current language."""
        return _vocab_label(GEO_PRECISIONS, self.geo_precision)

    def name_in(self, lang: str) -> str | None:
        """The name in language `lang`, if recorded."""
        return next((n.name for n in self.names if n.lang == lang), None)

    @property
    def display_name(self) -> str:
        """Name in the current language where recorded, else the English name."""
        return self.display_name_in(current_language())

    def display_name_in(self, language: str) -> str:
        """Name in `language` where recorded, else the English name."""
        if language != "en":
            return self.name_in(language) or self.name
        return self.name

    def __repr__(self) -> str:
        return f"<Institution {self.slug}>"


class InstitutionName(Base):
    """A name of an institution in another language (ISO 639-1 tag)."""

    __tablename__ = "institution_names"
    __table_args__ = (UniqueConstraint("institution_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    lang: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(300))

    institution: Mapped[Institution] = relationship(back_populates="names")


class InstitutionTopic(Base):
    """Link of an institution to a topic of the controlled vocabulary."""

    __tablename__ = "institution_topics"

    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Contact(Base):
    """A named contact person of an institution."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    is_public: Mapped[bool] = mapped_column(default=False)

    institution: Mapped[Institution] = relationship(back_populates="contacts")
