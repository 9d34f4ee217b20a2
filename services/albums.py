"""Albums (SPEC §5): curated sets of references to assets, owned by one user and shared with others at a trust level,
with comments and likes. What a person may do to the album is `domain.albums`; to its assets, `domain.access`."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError

from domain.access import Permission, Role, TrustLevel, trust_level_of
from domain.accounts import clean_email
from domain.albums import (
    AlbumAction,
    album_actions,
    clean_album_description,
    clean_album_name,
    clean_comment,
    may_delete_activity,
    may_remove,
    require_album,
)
from domain.assets import month_label, parse_month
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.accounts import Actor
from services.assets import require_permission
from services.runtime import Hearth
from services.sharing import parse_trust_level
from storage import access as access_queries
from storage.assets import TimelineItem, neighbours_by_date, timeline_columns
from storage.models import Album, AlbumActivity, AlbumAsset, AlbumMember, Asset, AssetDetails, AssetUserState, User
from storage.references import add_references


@dataclass(frozen=True)
class AlbumSummary:
    id: uuid.UUID
    name: str
    description: str | None
    owner_id: uuid.UUID
    owner_name: str
    is_mine: bool
    asset_count: int
    cover_asset_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    my_trust_level: TrustLevel | None  # None for the owner
    show_in_timeline: bool | None  # the member's choice; None for the owner
    member_count: int
    actions: tuple[AlbumAction, ...]


@dataclass(frozen=True)
class AlbumMemberView:
    user_id: uuid.UUID
    name: str
    email: str
    trust_level: TrustLevel
    added_at: datetime


@dataclass(frozen=True)
class Contributor:
    name: str
    asset_count: int


@dataclass(frozen=True)
class AlbumDetail:
    album: AlbumSummary
    members: list[AlbumMemberView]
    contributors: list[Contributor]


@dataclass(frozen=True)
class AlbumItem:
    id: uuid.UUID
    taken_at: datetime
    media_type: str
    duration_seconds: float | None
    favorite: bool
    rating: int
    owner_name: str
    added_by: str | None
    added_at: datetime
    removable: bool


@dataclass(frozen=True)
class Activity:
    id: uuid.UUID
    kind: str  # 'comment' or 'like'
    text: str | None
    asset_id: uuid.UUID | None
    author_id: uuid.UUID
    author_name: str
    created_at: datetime
    deletable: bool


# ---- the album itself -----------------------------------------------------------------------------------------------


async def create_album(
    hearth: Hearth, actor: Actor, name: str, description: str | None = None, asset_ids: Collection[uuid.UUID] = ()
) -> AlbumSummary:
    album = Album(owner_id=actor.id, name=clean_album_name(name), description=clean_album_description(description))
    async with hearth.db.session() as session:
        if asset_ids:
            await require_permission(session, actor, Permission.ADD_TO_ALBUM, asset_ids)
        session.add(album)
        await session.flush()
        await add_references(session, AlbumAsset, album.id, asset_ids, actor.id)
        await session.commit()
    return await get_album_summary(hearth, actor, album.id)


async def list_albums(hearth: Hearth, actor: Actor) -> list[AlbumSummary]:
    """Albums I own and albums shared with me, most recently changed first."""
    async with hearth.db.session() as session:
        ids = await session.scalars(
            select(Album.id).where(Album.id.in_(access_queries.album_ids(actor.id))).order_by(Album.updated_at.desc())
        )
        return [await _summary(session, actor, album_id) for album_id in ids]


async def get_album_summary(hearth: Hearth, actor: Actor, album_id: uuid.UUID) -> AlbumSummary:
    async with hearth.db.session() as session:
        return await _summary(session, actor, album_id)


async def get_album(hearth: Hearth, actor: Actor, album_id: uuid.UUID) -> AlbumDetail:
    async with hearth.db.session() as session:
        summary = await _summary(session, actor, album_id)
        members = await session.execute(
            select(AlbumMember, User)
            .join(User, User.id == AlbumMember.user_id)
            .where(AlbumMember.album_id == album_id)
            .order_by(User.name)
        )
        contributors = await session.execute(
            select(User.name, func.count())
            .select_from(AlbumAsset)
            .join(Asset, Asset.id == AlbumAsset.asset_id)
            .join(User, User.id == AlbumAsset.added_by_id)
            .where(*_shown_in(album_id))
            .group_by(User.name)
            .order_by(func.count().desc(), User.name)
        )
        return AlbumDetail(
            summary,
            [_member(member, user) for member, user in members],
            [Contributor(name, count) for name, count in contributors],
        )


async def update_album(
    hearth: Hearth,
    actor: Actor,
    album_id: uuid.UUID,
    name: str | None = None,
    description: str | None = None,
    cover_asset_id: uuid.UUID | None = None,
) -> AlbumSummary:
    """Rename, describe or set the cover; only the owner may. A description of '' clears it."""
    async with hearth.db.session() as session:
        album = await require_album_action(session, actor, album_id, AlbumAction.MANAGE)
        if name is not None:
            album.name = clean_album_name(name)
        if description is not None:
            album.description = clean_album_description(description)
        if cover_asset_id is not None:
            if cover_asset_id not in await _live_asset_ids(session, album_id, [cover_asset_id]):
                raise InvalidInput('The cover must be a photo in this album')
            album.cover_asset_id = cover_asset_id
        album.updated_at = datetime.now(UTC)
        await session.commit()
    return await get_album_summary(hearth, actor, album_id)


async def delete_album(hearth: Hearth, actor: Actor, album_id: uuid.UUID) -> None:
    """The album, its memberships, links and comments go; its assets stay where they are."""
    async with hearth.db.session() as session:
        album = await require_album_action(session, actor, album_id, AlbumAction.MANAGE)
        await session.delete(album)
        await session.commit()


# ---- its assets -----------------------------------------------------------------------------------------------------


async def add_assets(hearth: Hearth, actor: Actor, album_id: uuid.UUID, asset_ids: Collection[uuid.UUID]) -> int:
    """Add assets the actor can see and may put in albums; returns how many were new to the album."""
    asset_ids = set(asset_ids)
    async with hearth.db.session() as session:
        album = await require_album_action(session, actor, album_id, AlbumAction.ADD_ASSETS)
        await require_permission(session, actor, Permission.ADD_TO_ALBUM, asset_ids)
        new = await add_references(session, AlbumAsset, album_id, asset_ids, actor.id)
        album.updated_at = datetime.now(UTC)
        try:
            await session.commit()
        except IntegrityError as error:
            raise Conflict('Someone else just changed this album; try again') from error
    return len(new)


async def remove_assets(hearth: Hearth, actor: Actor, album_id: uuid.UUID, asset_ids: Collection[uuid.UUID]) -> int:
    """Take assets out of the album; they are never trashed. The owner removes any, members what they added."""
    asset_ids = set(asset_ids)
    async with hearth.db.session() as session:
        album, actions = await _album_and_actions(session, actor, album_id)
        require_album(AlbumAction.VIEW, actions)
        rows = list(
            await session.scalars(
                select(AlbumAsset).where(access_queries.shown_in_album(album_id), AlbumAsset.asset_id.in_(asset_ids))
            )
        )
        if len(rows) != len(asset_ids):
            raise NotFound('Asset not found in this album')
        if not all(may_remove(actions, row.added_by_id == actor.id, row.owner_id == actor.id) for row in rows):
            raise Forbidden('You can only remove what you added')
        await session.execute(
            delete(AlbumAsset).where(AlbumAsset.album_id == album_id, AlbumAsset.asset_id.in_(asset_ids))
        )
        if album.cover_asset_id in asset_ids:
            album.cover_asset_id = None
        album.updated_at = datetime.now(UTC)
        await session.commit()
    return len(rows)


async def timeline_buckets(hearth: Hearth, actor: Actor, album_id: uuid.UUID) -> list[tuple[str, int]]:
    """The album's months, newest first, with how many photos it shows in each (for the timeline grid)."""
    async with hearth.db.session() as session:
        _, actions = await _album_and_actions(session, actor, album_id)
        require_album(AlbumAction.VIEW, actions)
        statement = (
            select(AssetDetails.month_key, func.count())
            .select_from(AlbumAsset)
            .join(Asset, Asset.id == AlbumAsset.asset_id)
            .join(AssetDetails, AssetDetails.asset_id == AlbumAsset.asset_id)
            .where(*_shown_in(album_id))
            .group_by(AssetDetails.month_key)
            .order_by(AssetDetails.month_key.desc())
        )
        return [(month_label(month), count) for month, count in await session.execute(statement)]


async def timeline_bucket(hearth: Hearth, actor: Actor, album_id: uuid.UUID, month: str) -> list[TimelineItem]:
    """One month of the album, newest first, as the timeline grid shows it."""
    async with hearth.db.session() as session:
        _, actions = await _album_and_actions(session, actor, album_id)
        require_album(AlbumAction.VIEW, actions)
        statement = (
            select(*timeline_columns())
            .select_from(AlbumAsset)
            .join(Asset, Asset.id == AlbumAsset.asset_id)
            .join(AssetDetails, AssetDetails.asset_id == AlbumAsset.asset_id)
            .outerjoin(
                AssetUserState,
                (AssetUserState.asset_id == AlbumAsset.asset_id) & (AssetUserState.user_id == actor.id),
            )
            .where(*_shown_in(album_id), AssetDetails.month_key == parse_month(month))
            .order_by(AssetDetails.taken_at.desc(), AlbumAsset.asset_id.desc())
        )
        return [TimelineItem(*row) for row in await session.execute(statement)]


async def album_items(hearth: Hearth, actor: Actor, album_id: uuid.UUID) -> list[AlbumItem]:
    """The album's live assets, newest first, with who added each and whether the actor may take it out."""
    async with hearth.db.session() as session:
        _, actions = await _album_and_actions(session, actor, album_id)
        require_album(AlbumAction.VIEW, actions)
        owner, adder = User.__table__.alias('owner'), User.__table__.alias('adder')
        rows = await session.execute(
            select(
                AlbumAsset.asset_id,
                AssetDetails.taken_at,
                Asset.media_type,
                Asset.duration_seconds,
                func.coalesce(AssetUserState.favorite, False),
                func.coalesce(AssetUserState.rating, 0),
                owner.c.name,
                adder.c.name,
                AlbumAsset.added_at,
                AlbumAsset.added_by_id,
                AlbumAsset.owner_id,
            )
            .join(Asset, Asset.id == AlbumAsset.asset_id)
            .join(AssetDetails, AssetDetails.asset_id == AlbumAsset.asset_id)
            .join(owner, owner.c.id == Asset.owner_id)
            .outerjoin(adder, adder.c.id == AlbumAsset.added_by_id)
            .outerjoin(
                AssetUserState,
                (AssetUserState.asset_id == AlbumAsset.asset_id) & (AssetUserState.user_id == actor.id),
            )
            .where(*_shown_in(album_id))
            .order_by(AssetDetails.taken_at.desc(), AlbumAsset.asset_id.desc())
        )
        return [
            AlbumItem(*row[:9], removable=may_remove(actions, row[9] == actor.id, row[10] == actor.id)) for row in rows
        ]


async def album_neighbours(
    hearth: Hearth, actor: Actor, album_id: uuid.UUID, asset_id: uuid.UUID
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The assets before (newer) and after (older) this one in the album's order; (None, None) if it is not in it."""
    in_album = select(AssetDetails.asset_id).where(AssetDetails.asset_id.in_(_live_in_album(album_id)))
    async with hearth.db.session() as session:
        await require_album_action(session, actor, album_id, AlbumAction.VIEW)
        return await neighbours_by_date(session, in_album, asset_id)


# ---- members --------------------------------------------------------------------------------------------------------


async def share_album(
    hearth: Hearth, actor: Actor, album_id: uuid.UUID, email: str, trust_level: str = TrustLevel.KNOWN
) -> AlbumMemberView:
    level = parse_trust_level(trust_level)
    async with hearth.db.session() as session:
        album = await require_album_action(session, actor, album_id, AlbumAction.MANAGE)
        user = await session.scalar(select(User).where(User.email == clean_email(email), User.disabled.is_(False)))
        if user is None:
            raise NotFound(f'No member with the email {clean_email(email)}')
        if user.id == album.owner_id:
            raise InvalidInput('You cannot share an album with yourself')
        member = AlbumMember(album_id=album_id, user_id=user.id, role=level.role.value)
        session.add(member)
        view_of_user = (user.id, user.name, user.email)
        try:
            await session.commit()
        except IntegrityError as error:
            raise Conflict(f'This album is already shared with {view_of_user[1]}') from error
    return AlbumMemberView(*view_of_user, level, member.added_at)


async def change_member_trust(
    hearth: Hearth, actor: Actor, album_id: uuid.UUID, user_id: uuid.UUID, trust_level: str
) -> AlbumMemberView:
    level = parse_trust_level(trust_level)
    async with hearth.db.session() as session:
        await require_album_action(session, actor, album_id, AlbumAction.MANAGE)
        member = await _membership(session, album_id, user_id)
        member.role = level.role.value
        await session.commit()
        return _member(member, await session.get(User, user_id))


async def remove_member(hearth: Hearth, actor: Actor, album_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """The owner takes someone out of the album: their access ends at once; what they added stays."""
    async with hearth.db.session() as session:
        await require_album_action(session, actor, album_id, AlbumAction.MANAGE)
        await session.delete(await _membership(session, album_id, user_id))
        await session.commit()


async def leave_album(hearth: Hearth, actor: Actor, album_id: uuid.UUID) -> None:
    async with hearth.db.session() as session:
        await require_album_action(session, actor, album_id, AlbumAction.LEAVE)
        await session.delete(await _membership(session, album_id, actor.id))
        await session.commit()


async def show_in_timeline(hearth: Hearth, actor: Actor, album_id: uuid.UUID, shown: bool) -> AlbumSummary:
    """A member decides whether an album shared with them appears on their own timeline."""
    async with hearth.db.session() as session:
        await require_album_action(session, actor, album_id, AlbumAction.LEAVE)
        member = await _membership(session, album_id, actor.id)
        member.show_in_timeline = bool(shown)
        await session.commit()
    return await get_album_summary(hearth, actor, album_id)


# ---- comments and likes ---------------------------------------------------------------------------------------------


async def add_comment(
    hearth: Hearth, actor: Actor, album_id: uuid.UUID, text: str, asset_id: uuid.UUID | None = None
) -> Activity:
    return await _add_activity(hearth, actor, album_id, asset_id, 'comment', clean_comment(text))


async def like(hearth: Hearth, actor: Actor, album_id: uuid.UUID, asset_id: uuid.UUID | None = None) -> Activity:
    """Like the album or one of its assets; liking twice keeps one like."""
    async with hearth.db.session() as session:
        existing = await session.scalar(_likes_of(actor.id, album_id, asset_id))
    if existing is not None:
        return (await _activities(hearth, actor, album_id, [existing]))[0]
    return await _add_activity(hearth, actor, album_id, asset_id, 'like', None)


async def unlike(hearth: Hearth, actor: Actor, album_id: uuid.UUID, asset_id: uuid.UUID | None = None) -> None:
    async with hearth.db.session() as session:
        _, actions = await _album_and_actions(session, actor, album_id)
        require_album(AlbumAction.VIEW, actions)
        await session.execute(
            delete(AlbumActivity).where(AlbumActivity.id.in_(_likes_of(actor.id, album_id, asset_id)))
        )
        await session.commit()


async def list_activity(
    hearth: Hearth, actor: Actor, album_id: uuid.UUID, asset_id: uuid.UUID | None = None
) -> list[Activity]:
    """Comments and likes on the album (asset_id None) or on one of its assets, oldest first."""
    async with hearth.db.session() as session:
        _, actions = await _album_and_actions(session, actor, album_id)
        require_album(AlbumAction.VIEW, actions)
        ids = list(
            await session.scalars(
                select(AlbumActivity.id)
                .where(AlbumActivity.album_id == album_id, _on_asset(asset_id))
                .order_by(AlbumActivity.created_at, AlbumActivity.id)
            )
        )
    return await _activities(hearth, actor, album_id, ids)


async def delete_activity(hearth: Hearth, actor: Actor, album_id: uuid.UUID, activity_id: uuid.UUID) -> None:
    """A comment or like goes when its author or the album owner deletes it."""
    async with hearth.db.session() as session:
        album, actions = await _album_and_actions(session, actor, album_id)
        require_album(AlbumAction.VIEW, actions)
        activity = await session.get(AlbumActivity, activity_id)
        if activity is None or activity.album_id != album_id:
            raise NotFound('Comment not found')
        if not may_delete_activity(album.owner_id == actor.id, activity.author_id == actor.id):
            raise Forbidden('Only its author or the album owner can delete this')
        await session.delete(activity)
        await session.commit()


async def _add_activity(hearth, actor, album_id, asset_id, kind: str, text: str | None) -> Activity:
    async with hearth.db.session() as session:
        _, actions = await _album_and_actions(session, actor, album_id)
        require_album(AlbumAction.COMMENT, actions)
        if asset_id is not None and not await _live_asset_ids(session, album_id, [asset_id]):
            raise NotFound('Asset not found in this album')
        activity = AlbumActivity(album_id=album_id, asset_id=asset_id, author_id=actor.id, kind=kind, text=text)
        session.add(activity)
        await session.commit()
    return (await _activities(hearth, actor, album_id, [activity.id]))[0]


async def _activities(hearth, actor: Actor, album_id: uuid.UUID, ids: list[uuid.UUID]) -> list[Activity]:
    async with hearth.db.session() as session:
        album_owner = await session.scalar(select(Album.owner_id).where(Album.id == album_id))
        rows = await session.execute(
            select(AlbumActivity, User.name)
            .join(User, User.id == AlbumActivity.author_id)
            .where(AlbumActivity.id.in_(ids))
        )
        by_id = {activity.id: (activity, name) for activity, name in rows}
    return [_activity(*by_id[i], actor, album_owner) for i in ids if i in by_id]


def _activity(activity: AlbumActivity, author_name: str, actor: Actor, album_owner: uuid.UUID) -> Activity:
    return Activity(
        id=activity.id,
        kind=activity.kind,
        text=activity.text,
        asset_id=activity.asset_id,
        author_id=activity.author_id,
        author_name=author_name,
        created_at=activity.created_at,
        deletable=may_delete_activity(album_owner == actor.id, activity.author_id == actor.id),
    )


def _on_asset(asset_id: uuid.UUID | None):
    return AlbumActivity.asset_id.is_(None) if asset_id is None else AlbumActivity.asset_id == asset_id


def _likes_of(user_id: uuid.UUID, album_id: uuid.UUID, asset_id: uuid.UUID | None):
    return select(AlbumActivity.id).where(
        AlbumActivity.album_id == album_id,
        AlbumActivity.author_id == user_id,
        AlbumActivity.kind == 'like',
        _on_asset(asset_id),
    )


# ---- helpers --------------------------------------------------------------------------------------------------------


async def _album_and_actions(session, actor: Actor, album_id: uuid.UUID) -> tuple[Album | None, frozenset]:
    album = await session.get(Album, album_id)
    if album is None:
        return None, frozenset()
    role = await session.scalar(
        select(AlbumMember.role).where(AlbumMember.album_id == album_id, AlbumMember.user_id == actor.id)
    )
    return album, album_actions(album.owner_id == actor.id, Role(role) if role else None)


async def require_album_action(session, actor: Actor, album_id: uuid.UUID, action: AlbumAction) -> Album:
    """The album, if the actor's place in it allows `action` (404 outside it, 403 inside)."""
    album, actions = await _album_and_actions(session, actor, album_id)
    require_album(action, actions)
    return album


async def _membership(session, album_id: uuid.UUID, user_id: uuid.UUID) -> AlbumMember:
    member = await session.get(AlbumMember, (album_id, user_id))
    if member is None:
        raise NotFound('No such album member')
    return member


def _live_in_album(album_id: uuid.UUID) -> Select:
    return select(AlbumAsset.asset_id).join(Asset, Asset.id == AlbumAsset.asset_id).where(*_shown_in(album_id))


def _shown_in(album_id: uuid.UUID) -> tuple:
    """What the album shows (with `Asset` joined): its assets that are not in the trash and that whoever added them
    still sees (SPEC §1)."""
    return access_queries.shown_in_album(album_id), Asset.trashed_at.is_(None)


async def _live_asset_ids(session, album_id: uuid.UUID, asset_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(await session.scalars(_live_in_album(album_id).where(AlbumAsset.asset_id.in_(asset_ids))))


async def _summary(session, actor: Actor, album_id: uuid.UUID) -> AlbumSummary:
    album, actions = await _album_and_actions(session, actor, album_id)
    require_album(AlbumAction.VIEW, actions)
    live = _live_in_album(album_id)
    count = await session.scalar(select(func.count()).select_from(live.subquery()))
    cover = album.cover_asset_id
    if cover is None or not await _live_asset_ids(session, album_id, [cover]):
        cover = await session.scalar(
            live.join(AssetDetails, AssetDetails.asset_id == AlbumAsset.asset_id)
            .order_by(AssetDetails.taken_at.desc())
            .limit(1)
        )
    owner_name = await session.scalar(select(User.name).where(User.id == album.owner_id))
    membership = await session.get(AlbumMember, (album_id, actor.id))
    members = await session.scalar(select(func.count()).where(AlbumMember.album_id == album_id))
    return AlbumSummary(
        id=album.id,
        name=album.name,
        description=album.description,
        owner_id=album.owner_id,
        owner_name=owner_name,
        is_mine=album.owner_id == actor.id,
        asset_count=count,
        cover_asset_id=cover,
        created_at=album.created_at,
        updated_at=album.updated_at,
        my_trust_level=trust_level_of(Role(membership.role)) if membership else None,
        show_in_timeline=membership.show_in_timeline if membership else None,
        member_count=members,
        actions=tuple(sorted(actions)),
    )


def _member(member: AlbumMember, user: User) -> AlbumMemberView:
    return AlbumMemberView(user.id, user.name, user.email, trust_level_of(Role(member.role)), member.added_at)
