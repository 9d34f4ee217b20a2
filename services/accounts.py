"""Accounts: onboarding, members managed by the admin, sign-in, passwords, API keys and bearer tokens."""

import asyncio
import hashlib
import secrets
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from domain.accounts import KeyScope, check_password, check_quota, clean_email, clean_name
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from services.runtime import Hearth
from storage import assets as asset_queries
from storage.models import ApiKey, Asset, AuthToken, User

_hasher = PasswordHasher()
TOKEN_LIFETIME = timedelta(days=30)
DIRECTORY_LIMIT = 20
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))


@dataclass(frozen=True)
class Actor:
    """The signed-in user as services see them."""

    id: uuid.UUID
    email: str
    name: str
    is_admin: bool


@dataclass(frozen=True)
class Member:
    """A user as the admin manages them: no photos, no metadata, only what quota management needs."""

    id: uuid.UUID
    email: str
    name: str
    is_admin: bool
    disabled: bool
    quota_bytes: int | None
    used_bytes: int


@dataclass(frozen=True)
class DirectoryEntry:
    """A member as another member finds them to invite. The email is only handed to the invite services (which
    take an address); the directory never shows it, in the UI or the API."""

    id: uuid.UUID
    name: str
    email: str


@dataclass(frozen=True)
class ApiKeyInfo:
    id: uuid.UUID
    name: str
    prefix: str
    scope: KeyScope
    created_at: datetime
    last_used_at: datetime | None


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.email, user.name, user.is_admin)


async def _hash(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, check_password(password))


async def _verify(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, password_hash, password)
    except VerificationError:
        return False


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def needs_onboarding(hearth: Hearth) -> bool:
    async with hearth.db.session() as session:
        return not await session.scalar(select(func.count()).select_from(User))


async def create_first_admin(hearth: Hearth, email: str, name: str, password: str) -> Actor:
    if not await needs_onboarding(hearth):
        raise Conflict('This Hearth already has an administrator')
    return await _insert_user(hearth, email, name, password, is_admin=True, quota_bytes=None)


async def create_user(
    hearth: Hearth,
    admin: Actor | None,
    email: str,
    name: str,
    password: str,
    is_admin: bool = False,
    quota_bytes: int | None = None,
) -> Actor:
    """Create a member; `admin` None means the server's own command line."""
    if admin is not None:
        await require_admin(hearth, admin)
    return await _insert_user(hearth, email, name, password, is_admin, quota_bytes)


async def _insert_user(
    hearth: Hearth, email: str, name: str, password: str, is_admin: bool, quota_bytes: int | None
) -> Actor:
    user = User(
        email=clean_email(email),
        name=clean_name(name),
        password_hash=await _hash(password),
        is_admin=is_admin,
        quota_bytes=check_quota(quota_bytes),
    )
    async with hearth.db.session() as session:
        session.add(user)
        try:
            await session.commit()
        except IntegrityError as error:
            raise Conflict(f'A member with the email {user.email} already exists') from error
    return actor_of(user)


async def require_admin(hearth: Hearth, actor: Actor, refusal: str = 'Only the administrator manages members') -> None:
    async with hearth.db.session() as session:
        user = await session.get(User, actor.id)
    if user is None or user.disabled or not user.is_admin:
        raise Forbidden(refusal)


async def list_members(hearth: Hearth, admin: Actor) -> list[Member]:
    await require_admin(hearth, admin)
    usage = select(Asset.owner_id, func.sum(Asset.file_size).label('used')).group_by(Asset.owner_id).subquery()
    async with hearth.db.session() as session:
        rows = await session.execute(
            select(User, func.coalesce(usage.c.used, 0))
            .outerjoin(usage, usage.c.owner_id == User.id)
            .order_by(User.name)
        )
        return [Member(u.id, u.email, u.name, u.is_admin, u.disabled, u.quota_bytes, int(used)) for u, used in rows]


async def member_directory(
    hearth: Hearth, actor: Actor, query: str = '', exclude: Collection[uuid.UUID] = (), limit: int = DIRECTORY_LIMIT
) -> list[DirectoryEntry]:
    """The members any signed-in member may invite (SPEC §6: "invite existing users"), A to Z: everyone but the
    actor, `exclude` and disabled accounts. The administrator is a member like the others (SPEC §1). A query finds
    part of a name, or a whole email address only: matching parts of addresses would spell them out letter by
    letter."""
    words = ' '.join(query.split())
    found = select(User).where(User.disabled.is_(False), User.id != actor.id)
    if exclude:
        found = found.where(User.id.not_in(list(exclude)))
    if words:
        found = found.where(
            or_(func.lower(User.name).contains(words.lower(), autoescape=True), User.email == words.lower())
        )
    async with hearth.db.session() as session:
        users = await session.scalars(found.order_by(func.lower(User.name), User.id).limit(limit))
        return [DirectoryEntry(user.id, user.name, user.email) for user in users]


async def update_member(hearth: Hearth, admin: Actor, user_id: uuid.UUID, **changes) -> Member:
    """Change name, email, quota, disabled, is_admin or password of a member."""
    await require_admin(hearth, admin)
    if user_id == admin.id and (changes.get('disabled') or changes.get('is_admin') is False):
        raise InvalidInput('You cannot disable yourself or remove your own administrator role')
    async with hearth.db.session() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise NotFound('Member not found')
        await _apply_changes(user, changes)
        try:
            await session.commit()
        except IntegrityError as error:
            raise Conflict(f'A member with the email {user.email} already exists') from error
        if user.disabled:
            await _revoke_credentials(session, user.id)
    return next(m for m in await list_members(hearth, admin) if m.id == user_id)


async def _apply_changes(user: User, changes: dict) -> None:
    unknown = set(changes) - {'name', 'email', 'quota_bytes', 'disabled', 'is_admin', 'password'}
    if unknown:
        raise InvalidInput(f'Unknown fields: {", ".join(sorted(unknown))}')
    if 'name' in changes:
        user.name = clean_name(changes['name'])
    if 'email' in changes:
        user.email = clean_email(changes['email'])
    if 'quota_bytes' in changes:
        user.quota_bytes = check_quota(changes['quota_bytes'])
    if 'disabled' in changes:
        user.disabled = bool(changes['disabled'])
    if 'is_admin' in changes:
        user.is_admin = bool(changes['is_admin'])
    if changes.get('password'):
        user.password_hash = await _hash(changes['password'])


async def _revoke_credentials(session, user_id: uuid.UUID) -> None:
    await session.execute(delete(AuthToken).where(AuthToken.user_id == user_id))
    await session.commit()


async def delete_member(hearth: Hearth, admin: Actor, user_id: uuid.UUID) -> int:
    """Delete a member with their whole library; returns how many assets went with them."""
    await require_admin(hearth, admin)
    if user_id == admin.id:
        raise InvalidInput('You cannot delete your own account')
    async with hearth.db.session() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise NotFound('Member not found')
        owned = list(await session.scalars(select(Asset).where(Asset.owner_id == user_id)))
        files = hearth.files.paths_of(owned)
        await session.delete(user)
        await session.commit()
    hearth.files.remove(files)
    return len(owned)


async def authenticate(hearth: Hearth, email: str, password: str, client: str = '') -> Actor:
    email = (email or '').strip().lower()
    account = f'email:{email}'
    hearth.throttle.check(account, client)
    async with hearth.db.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    valid = await _verify(user.password_hash if user else _DUMMY_HASH, password or '')
    if not valid or user is None or user.disabled:
        hearth.throttle.failed(account, client)
        raise Unauthenticated('Wrong email or password')
    hearth.throttle.succeeded(account)
    return actor_of(user)


async def actor_by_id(hearth: Hearth, user_id: uuid.UUID | str | None) -> Actor | None:
    """The live account behind a session; None when it is gone or disabled."""
    try:
        user_id = uuid.UUID(str(user_id))
    except ValueError:
        return None
    async with hearth.db.session() as session:
        user = await session.get(User, user_id)
    return actor_of(user) if user and not user.disabled else None


async def change_password(hearth: Hearth, actor: Actor, current_password: str, new_password: str) -> None:
    async with hearth.db.session() as session:
        user = await session.get(User, actor.id)
        if not await _verify(user.password_hash, current_password or ''):
            raise InvalidInput('The current password is wrong')
        user.password_hash = await _hash(new_password)
        await session.commit()


async def issue_token(hearth: Hearth, actor: Actor) -> str:
    token = secrets.token_urlsafe(32)
    async with hearth.db.session() as session:
        session.add(
            AuthToken(token_hash=_digest(token), user_id=actor.id, expires_at=datetime.now(UTC) + TOKEN_LIFETIME)
        )
        await session.commit()
    return token


async def revoke_token(hearth: Hearth, token: str) -> None:
    async with hearth.db.session() as session:
        await session.execute(delete(AuthToken).where(AuthToken.token_hash == _digest(token)))
        await session.commit()


async def actor_by_token(hearth: Hearth, token: str) -> Actor | None:
    async with hearth.db.session() as session:
        row = await session.get(AuthToken, _digest(token))
        if row is None or row.expires_at < datetime.now(UTC):
            return None
    return await actor_by_id(hearth, row.user_id)


async def create_api_key(hearth: Hearth, actor: Actor, name: str, scope: str = KeyScope.FULL) -> tuple[ApiKeyInfo, str]:
    """A new key that may do what its scope says; its secret is returned once and only its hash is stored."""
    name = ' '.join((name or '').split())
    if not name or len(name) > 100:
        raise InvalidInput('Give the key a name of 1 to 100 characters')
    if scope not in set(KeyScope):
        raise InvalidInput(f'A key may do one of: {", ".join(KeyScope)}')
    secret = 'hearth_' + secrets.token_urlsafe(32)
    key = ApiKey(user_id=actor.id, name=name, key_hash=_digest(secret), prefix=secret[:12], scope=scope)
    async with hearth.db.session() as session:
        session.add(key)
        await session.commit()
    return _key_info(key), secret


def _key_info(key: ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(key.id, key.name, key.prefix, KeyScope(key.scope), key.created_at, key.last_used_at)


async def list_api_keys(hearth: Hearth, actor: Actor) -> list[ApiKeyInfo]:
    async with hearth.db.session() as session:
        keys = await session.scalars(select(ApiKey).where(ApiKey.user_id == actor.id).order_by(ApiKey.created_at))
        return [_key_info(key) for key in keys]


async def revoke_api_key(hearth: Hearth, actor: Actor, key_id: uuid.UUID) -> None:
    async with hearth.db.session() as session:
        result = await session.execute(delete(ApiKey).where(ApiKey.id == key_id, ApiKey.user_id == actor.id))
        if not result.rowcount:
            raise NotFound('API key not found')
        await session.commit()


async def actor_by_api_key(hearth: Hearth, secret: str) -> tuple[Actor, KeyScope] | None:
    """Whose key this is, and what it may do."""
    async with hearth.db.session() as session:
        key = await session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(secret)))
        if key is None:
            return None
        key.last_used_at = datetime.now(UTC)
        await session.commit()
    actor = await actor_by_id(hearth, key.user_id)
    return (actor, KeyScope(key.scope)) if actor else None


async def storage_used(hearth: Hearth, actor: Actor) -> int:
    async with hearth.db.session() as session:
        return await asset_queries.used_bytes(session, actor.id)
