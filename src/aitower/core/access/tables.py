"""Storage of business units, users, API keys and browser sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aitower.core.db.base import Base, HasId, HasTimestamps


class BusinessUnitRow(HasId, HasTimestamps, Base):
    __tablename__ = "business_units"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(2000), default="")


class UserRow(HasId, HasTimestamps, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(32))
    all_units: Mapped[bool] = mapped_column(default=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()

    memberships: Mapped[list[UserUnitRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class UserUnitRow(Base):
    """A user's membership of a business unit: the units a scoped role may see and change."""

    __tablename__ = "user_units"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_units.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class ApiKeyRow(HasId, Base):
    __tablename__ = "api_keys"
    __table_args__ = (UniqueConstraint("prefix"),)

    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("business_units.id", ondelete="RESTRICT"), index=True
    )
    # The user the key acts for; None only for keys made before keys had owners (refused).
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()

    owner: Mapped[UserRow | None] = relationship(lazy="joined")


class WebSessionRow(Base):
    """A browser session. Only the token's SHA-256 is stored, so a database leak logs no one in."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginFailureRow(HasId, Base):
    """A failed login from a source address, kept for the sliding window of the throttle."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_source_at", "source", "at"),)

    source: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column()


class UserIdentityRow(HasId, Base):
    """A user's account at an OpenID provider: ``(issuer, subject)`` is what the provider
    promises never to reuse, unlike a name or an e-mail address, so sign-in matches on it."""

    __tablename__ = "user_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_user_identities_subject"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()
