"""Accounts: create, authenticate, end sessions, disable."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from web.extensions import db
from web.models import Role, Team, User
from web.models.base import utcnow
from web.services.regions import ensure_province, ensure_regency

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


def hash_password(password: str) -> str:
    """Salted hash with the configured method (scrypt by default)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def random_password() -> str:
    """A password to print once for a demo or new account."""
    return secrets.token_urlsafe(12)


def find_team(regency_code: str, team: str) -> Team | None:
    """A team of the regency by database id, team code or name."""
    query = select(Team).where(Team.regency_code == regency_code)
    conditions: list[Any] = [Team.code == team, func.lower(Team.name) == team.casefold()]
    if team.isdigit():
        conditions.append(Team.id == int(team))
    return db.session.scalars(query.where(or_(*conditions))).first()


def create_user(*, username: str, password: str, role: Role, province_code: str | None = None,
                regency_code: str | None = None, team: str | None = None,
                full_name: str = "", commit: bool = True) -> User:
    """Create an account; checks the role has what it needs (province, regency, team)."""
    username = username.strip().lower()
    if not username or len(username) > 80:
        raise AccountError("nama pengguna wajib diisi (paling banyak 80 huruf)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"kata sandi paling sedikit {MIN_PASSWORD_LENGTH} karakter")
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"nama pengguna '{username}' sudah dipakai")
    team_obj: Team | None = None
    try:
        if role == Role.PROVINCE:
            code = province_code or (regency_code or "")[:2]
            province = ensure_province(code)
            province_code, regency_code = province.code, None
        else:
            if not regency_code:
                raise AccountError("kode kabupaten/kota (--regency) wajib diisi")
            regency = ensure_regency(regency_code)
            province_code = regency.province_code
    except ValueError as exc:
        raise AccountError(str(exc)) from exc
    if role == Role.TEAM_LEAD:
        if not team:
            raise AccountError("tim (--team) wajib diisi untuk ketua tim")
        assert regency_code is not None
        team_obj = find_team(regency_code, team)
        if team_obj is None:
            raise AccountError(f"tim '{team}' tidak ada di kabupaten/kota {regency_code}")
    user = User(username=username, full_name=full_name, password_hash=hash_password(password),
                role=role.value, province_code=province_code, regency_code=regency_code,
                team_id=team_obj.id if team_obj else None, active=True, session_version=1)
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


# a real hash to compare against when the username is unknown, made once per method:
# an unknown name then costs one verification, like a known name with a wrong password
_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _DUMMY_HASH[method]


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None.

    Exactly one password verification whether the name exists or not (no hashing of a
    dummy on the way), so the answer time does not tell which names exist.
    """
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def password_matches(user: User, password: str) -> bool:
    """Whether ``password`` is the user's current password."""
    return check_password_hash(user.password_hash, password)


def end_sessions(user: User) -> None:
    """Invalidate every session of the user on the server side (logout everywhere)."""
    user.session_version += 1
    db.session.commit()


def set_active(user: User, *, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions at once."""
    user.active = active
    if not active:
        user.session_version += 1
    db.session.commit()


def set_password(user: User, password: str) -> None:
    """Change the password and end every session of the account (``session_version``)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"kata sandi paling sedikit {MIN_PASSWORD_LENGTH} karakter")
    user.password_hash = hash_password(password)
    user.session_version += 1
    db.session.commit()
