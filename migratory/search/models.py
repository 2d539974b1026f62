"""The PostgreSQL backend's table: one pre-analysed document per (kind, id)."""

from sqlalchemy import ARRAY, DDL, Index, String, Text, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from migratory.core.models import Base

# Full-text types exist on PostgreSQL only; elsewhere the table is plain text
# and unused (the Whoosh backend keeps its own files).
TSV = TSVECTOR().with_variant(Text(), "sqlite")
TEXT_ARRAY = ARRAY(String(40)).with_variant(Text(), "sqlite")
FACET_ARRAY = ARRAY(String(120)).with_variant(Text(), "sqlite")


class SearchDocument(Base):
    """Terms of one visible document of a kind (an institution, a link ...),
    weighted A (title) to D (body). Documents of two kinds may share an id."""

    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_document", "document", postgresql_using="gin"),
        Index("ix_search_documents_suggest", "suggest", postgresql_using="gin"),
        Index(
            "ix_search_documents_names_trgm",
            "names_text",
            postgresql_using="gin",
            postgresql_ops={"names_text": "gin_trgm_ops"},
        ),
    )

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    record_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(TSV)
    suggest: Mapped[str] = mapped_column(TSV)
    spell: Mapped[str] = mapped_column(TSV)
    names_text: Mapped[str] = mapped_column(Text)
    acronym_exact: Mapped[str | None] = mapped_column(String(50), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    category: Mapped[str] = mapped_column(String(20))  # "" for other kinds
    topics: Mapped[list[str]] = mapped_column(TEXT_ARRAY)
    roles: Mapped[list[str]] = mapped_column(TEXT_ARRAY)
    topic_mask: Mapped[int]
    facets: Mapped[list[str]] = mapped_column(FACET_ARRAY)  # "name=value" terms
    name_sort: Mapped[str] = mapped_column(String(300))
    country_sort: Mapped[str] = mapped_column(String(120))
    updated: Mapped[float]


event.listen(
    SearchDocument.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
