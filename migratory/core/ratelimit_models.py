"""Tables of the rate-limit storage in the application database (see ratelimit)."""

from sqlalchemy import Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from migratory.core.models import Base

KEY_LENGTH = 255


class RateLimitCounter(Base):
    """A fixed-window count: hits under one limiter key until it expires."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    # Seconds since the epoch: compared with time.time() of any process.
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class RateLimitEntry(Base):
    """One hit of a moving window, kept until the window has passed it."""

    __tablename__ = "rate_limit_entries"
    __table_args__ = (Index("ix_rate_limit_entries_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
