"""Users, their extra e-mails, IP whitelist entries and authentication tokens."""

from __future__ import annotations

import datetime as dt
import secrets

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
    # The main token's SHA-256 digest (auth/tokens.py); the column keeps its historical name.
    api_key_hash: Mapped[str] = mapped_column("api_key", String(255), unique=True)
    api_key_prefix: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # The main token encrypted under the instance's secret key (auth/token_seal.py), for the
    # answers that show it; None when there is none to open (the prefix is shown instead).
    api_key_sealed: Mapped[str | None] = mapped_column(String(255))
    # Part of every browser session's check value: replacing it ends all of the user's
    # sessions (logout, deactivation) even though the cookie itself is stateless.
    session_key: Mapped[str] = mapped_column(
        String(32), default=lambda: new_session_key(), server_default=""
    )
    inherit_default_permissions: Mapped[bool] = mapped_column(Boolean, default=True)
    force_password_change: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(32))
    last_login: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # When the user's sessions were last ended (logout, deactivation, session cleanup): a
    # session can be alive only if he signed in after that.
    sessions_ended_on: Mapped[dt.datetime | None] = mapped_column(DateTime)
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

    # The clear main token, set only on the object that issued it and never stored in clear:
    # the answer to the call that created it needs no unsealing.
    revealed_api_key = None

    def set_api_key(self, issued) -> None:
        """Store an ``auth.tokens.IssuedToken`` as the main token."""
        self.api_key_hash = issued.digest
        self.api_key_prefix = issued.prefix
        self.api_key_sealed = issued.sealed
        self.revealed_api_key = issued.clear

    def end_sessions(self) -> None:
        self.session_key = new_session_key()
        self.sessions_ended_on = utcnow()

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.firstname, self.lastname) if p) or self.username


def new_session_key() -> str:
    return secrets.token_hex(16)


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
    # SHA-256 digest of the token (auth/tokens.py); the column keeps its historical name.
    token_hash: Mapped[str] = mapped_column("token", String(255), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16), default="", server_default="")
    token_sealed: Mapped[str | None] = mapped_column(String(255))  # as User.api_key_sealed
    role: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(255), default="")
    expires: Mapped[float] = mapped_column(Float, default=-1)
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[User] = relationship(back_populates="tokens")

    revealed_token = None  # the clear token, on the issuing object only (see User)

    @classmethod
    def issued(cls, issued, **fields) -> AuthToken:
        token = cls(
            token_hash=issued.digest,
            token_prefix=issued.prefix,
            token_sealed=issued.sealed,
            **fields,
        )
        token.revealed_token = issued.clear
        return token


class UserSshKey(Base):
    """A user's SSH public key (git and hg over SSH). A key opens one account only."""

    __tablename__ = "user_ssh_keys"

    ssh_key_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), index=True)
    # SHA256:<base64 of the key's digest>: what identifies the key, unique across users
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(Text)  # "<algorithm> <base64>", no comment
    comment: Mapped[str] = mapped_column(String(255), default="")
    created_on: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used: Mapped[dt.datetime | None] = mapped_column(DateTime)
    user: Mapped[User] = relationship()
