"""Users, their extra e-mails, IP whitelist entries and authentication tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vcshub.db.models.base import Base, utcnow


class User(Base):
    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255))
    firstname: Mapped[str | None] = mapped_column(String(255))
    lastname: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    extern_type: Mapped[str] = mapped_column(String(255), default="rhodecode")
    extern_name: Mapped[str] = mapped_column(String(255), default="rhodecode")
    api_key: Mapped[str] = mapped_column(String(255), unique=True)
    inherit_default_permissions: Mapped[bool] = mapped_column(Boolean, default=True)
    force_password_change: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(32))
    last_login: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    emails: Mapped[list[UserEmail]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserEmail.email_id"
    )
    ip_addresses: Mapped[list[UserIpAddress]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserIpAddress.ip_id"
    )
    tokens: Mapped[list[AuthToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="AuthToken.token_id"
    )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.firstname, self.lastname) if p) or self.username


class UserEmail(Base):
    """An additional e-mail address; it counts for uniqueness like the main one."""

    __tablename__ = "user_emails"

    email_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(255))
    user: Mapped[User] = relationship(back_populates="emails")


# Usernames and e-mails are unique regardless of case.
Index("ix_users_username_lower", func.lower(User.username), unique=True)
Index("ix_users_email_lower", func.lower(User.email), unique=True)
Index("ix_user_emails_email_lower", func.lower(UserEmail.email), unique=True)


class UserIpAddress(Base):
    """One IP whitelist entry: a single address or a CIDR network, v4 or v6."""

    __tablename__ = "user_ip_addresses"

    ip_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), index=True)
    ip_addr: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(255), default="")
    user: Mapped[User] = relationship(back_populates="ip_addresses")


class AuthToken(Base):
    """An extra authentication token with a role and an optional expiry (-1 = never)."""

    __tablename__ = "auth_tokens"

    token_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(255), unique=True)
    role: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(255), default="")
    expires: Mapped[float] = mapped_column(Float, default=-1)
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[User] = relationship(back_populates="tokens")
