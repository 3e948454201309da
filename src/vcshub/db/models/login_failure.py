"""Failed sign-ins per client address, shared by every worker process and node."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from vcshub.db.models.base import Base


class LoginFailure(Base):
    """The failures of one address in the current window (auth/throttle.py).

    One row per address rather than one per attempt: a password spray from one address
    keeps one row, and reading an address's delay is one primary-key lookup.
    """

    __tablename__ = "login_failures"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[float] = mapped_column(Float)  # start of the window (Unix time)
    last_at: Mapped[float] = mapped_column(Float, index=True)  # stale rows are removed by it
