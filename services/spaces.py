"""Shared Spaces (SPEC §6): shared library views over members' own libraries, with several owners, roles, a timeline,
"new since my last visit", connected external libraries and an activity feed. Everything is a reference: adding
30,000 photos writes 30,000 small rows in one statement, connecting a library writes one.

What a member may do to the space is `domain.spaces`; to its assets, `domain.access` through `storage.access`."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.exc import IntegrityError

from domain.access import Permission
from domain.accounts import clean_email
from domain.assets import month_label, parse_month
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.spaces import (
    SpaceAction,
    SpaceRole,
    check_owner_kept,
    clean_color,
    clean_space_description,
    clean_space_name,
    may_remove,
    parse_space_role,
    require_space,
    space_actions,
)
from services import grouping, identities, places
from services.accounts import Actor
from services.assets import require_permission
from services.places import PlaceChoice
from services.runtime import Hearth
from storage import identities as identity_queries
from storage import places as place_queries
from storage import spaces as space_queries
from storage.access import roles_on
from storage.assets import TimelineItem, neighbours_by_date, timeline_columns
from storage.models import (
    Asset,
    AssetDetails,
    AssetTag,
    AssetUserState,
    ExternalLibrary,
    Space,
    SpaceActivity,
    SpaceAsset,
    SpaceLibrary,
    SpaceMember,
    User,
)
from storage.references import add_references

MEDIA_TYPES = ('photo', 'video')
SAMPLE_SIZE = 6  # thumbnails an activity entry keeps


@dataclass(frozen=True)
class MemberView:
    user_id: uuid.UUID
    name: str
    email: str
    role: SpaceRole
    joined_at: datetime


@dataclass(frozen=True)
class SpaceSummary:
    id: uuid.UUID
    name: str
    description: str | None
    color: str
    cover_asset_id: uuid.UUID | None
    asset_count: int
    new_count: int  # live assets others brought in since my last visit
    last_visit_at: datetime | None
    my_role: SpaceRole
    show_in_timeline: bool
    member_names: tuple[str, ...]
    member_count: int
    actions: tuple[SpaceAction, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ConnectedLibrary:
    id: uuid.UUID
    name: str
    owner_name: str
    asset_count: int
    connected_at: datetime
    mine: bool


@dataclass(frozen=True)
class SpaceDetail:
    space: SpaceSummary
    members: list[MemberView]
    libraries: list[ConnectedLibrary]


@dataclass(frozen=True)
class Visit:
    """What opening the space found: when I was last here, and how many assets others brought in since."""

    previous_visit_at: datetime | None
    new_count: int


@dataclass(frozen=True)
class SpaceFilters:
    """The space timeline's filters panel; empty means everything."""

    taken_from: date | None = None
    taken_to: date | None = None
    owner_ids: tuple[uuid.UUID, ...] = ()  # contributors: whose library the asset is from
    media_type: str | None = None
    camera: str | None = None
    favorites: bool = False  # mine
    tags: tuple[str, ...] = ()  # all of them
    added_since: datetime | None = None
    people: tuple[uuid.UUID, ...] = ()  # people I see, all of them in the photo
    identities: tuple[tuple[uuid.UUID, ...], ...] = ()  # each of `people` as all the people that are them
    place: str | None = None  # 'country:GB' or 'city:GB/Edinburgh' (`services.places.PlaceFilter`)


@dataclass(frozen=True)
class FilterChoices:
    contributors: list[tuple[uuid.UUID, str, int]]
    cameras: list[str]
    tags: list[str]
    places: list[PlaceChoice]  # countries, each with its cities, with how many of the space's photos


@dataclass(frozen=True)
class ActivityEntry:
    id: uuid.UUID
    kind: str
    actor_id: uuid.UUID | None
    actor_name: str | None
    details: dict
    asset_ids: tuple[uuid.UUID, ...]  # thumbnails the reader may still see
    created_at: datetime


# ---- the space itself -----------------------------------------------------------------------------------------------


async def create_space(
    hearth: Hearth, actor: Actor, name: str, description: str | None = None, color: str | None = None
) -> SpaceSummary:
    space = Space(
        name=clean_space_name(name),
        description=clean_space_description(description),
        color=clean_color(color),
        created_by_id=actor.id,
    )
    async with hearth.db.session() as session:
        session.add(space)
        await session.flush()
        session.add(SpaceMember(space_id=space.id, user_id=actor.id, role=SpaceRole.OWNER.value))
        _record(session, space.id, actor, 'created', name=space.name)
        await session.commit()
    return await get_space_summary(hearth, actor, space.id)


async def list_spaces(hearth: Hearth, actor: Actor) -> list[SpaceSummary]:
    """My spaces, the most recently changed first."""
    async with hearth.db.session() as session:
        ids = await session.scalars(
            select(Space.id)
            .join(SpaceMember, (SpaceMember.space_id == Space.id) & (SpaceMember.user_id == actor.id))
            .order_by(Space.updated_at.desc())
        )
        return [await _summary(session, actor, space_id) for space_id in list(ids)]


async def get_space_summary(hearth: Hearth, actor: Actor, space_id: uuid.UUID) -> SpaceSummary:
    async with hearth.db.session() as session:
        return await _summary(session, actor, space_id)


async def get_space(hearth: Hearth, actor: Actor, space_id: uuid.UUID) -> SpaceDetail:
    async with hearth.db.session() as session:
        summary = await _summary(session, actor, space_id)
        members = await session.execute(
            select(SpaceMember, User)
            .join(User, User.id == SpaceMember.user_id)
            .where(SpaceMember.space_id == space_id)
            .order_by(SpaceMember.joined_at, User.name)
        )
        return SpaceDetail(
            summary, [_member(member, user) for member, user in members], await _libraries(session, actor, space_id)
        )


async def update_space(
    hearth: Hearth,
    actor: Actor,
    space_id: uuid.UUID,
    name: str | None = None,
    description: str | None = None,
    color: str | None = None,
    cover_asset_id: uuid.UUID | None = None,
) -> SpaceSummary:
    """Owners rename, describe and colour the space; owners and editors set its cover."""
    async with hearth.db.session() as session:
        space, role = await _space_for(session, actor, space_id, SpaceAction.VIEW)
        if name is not None or description is not None or color is not None:
            require_space(SpaceAction.MANAGE, role)
        if cover_asset_id is not None:
            require_space(SpaceAction.SET_COVER, role)
            if not await _holds(session, space_id, cover_asset_id):
                raise InvalidInput('The cover must be a photo in this space')
            space.cover_asset_id = cover_asset_id
            _record(session, space_id, actor, 'cover_changed', asset_ids=[cover_asset_id.hex])
        if name is not None and (name := clean_space_name(name)) != space.name:
            _record(session, space_id, actor, 'renamed', old=space.name, new=name)
            space.name = name
        if description is not None:
            space.description = clean_space_description(description)
        if color is not None:
            space.color = clean_color(color)
        space.updated_at = datetime.now(UTC)
        await session.commit()
    return await get_space_summary(hearth, actor, space_id)


async def delete_space(hearth: Hearth, actor: Actor, space_id: uuid.UUID) -> None:
    """The space, its memberships, links and activity go; every asset stays in its owner's library."""
    async with hearth.db.session() as session:
        space, _ = await _space_for(session, actor, space_id, SpaceAction.MANAGE)
        await session.delete(space)
        await session.commit()


async def record_visit(hearth: Hearth, actor: Actor, space_id: uuid.UUID) -> Visit:
    """Opening the space: report what is new since the previous visit, then remember this one."""
    async with hearth.db.session() as session:
        await _space_for(session, actor, space_id, SpaceAction.VIEW)
        member = await _membership(session, space_id, actor.id)
        visit = Visit(
            member.last_visit_at,
            await _count(session, space_queries.new_since(space_id, actor.id, member.last_visit_at)),
        )
        member.last_visit_at = datetime.now(UTC)
        await session.commit()
    return visit


async def show_in_timeline(hearth: Hearth, actor: Actor, space_id: uuid.UUID, shown: bool) -> SpaceSummary:
    """Each member chooses for themselves whether the space's assets show on their main timeline."""
    async with hearth.db.session() as session:
        await _space_for(session, actor, space_id, SpaceAction.VIEW)
        (await _membership(session, space_id, actor.id)).show_in_timeline = shown
        await session.commit()
    return await get_space_summary(hearth, actor, space_id)


# ---- members --------------------------------------------------------------------------------------------------------


async def add_member(
    hearth: Hearth, actor: Actor, space_id: uuid.UUID, email: str, role: str | None = None
) -> MemberView:
    given_role = parse_space_role(role)
    async with hearth.db.session() as session:
        await _space_for(session, actor, space_id, SpaceAction.MANAGE)
        user = await session.scalar(select(User).where(User.email == clean_email(email), User.disabled.is_(False)))
        if user is None:
            raise NotFound(f'No member with the email {clean_email(email)}')
        if await session.get(SpaceMember, (space_id, user.id)) is not None:
            raise Conflict(f'{user.name} is already in this space')
        member = SpaceMember(space_id=space_id, user_id=user.id, role=given_role.value)
        session.add(member)
        _record(session, space_id, actor, 'member_added', name=user.name, role=given_role.value)
        view = _member(member, user)
        await _commit(session, f'{user.name} is already in this space')
        return view


async def change_role(hearth: Hearth, actor: Actor, space_id: uuid.UUID, user_id: uuid.UUID, role: str) -> MemberView:
    new_role = parse_space_role(role)
    async with hearth.db.session() as session:
        await _space_for(session, actor, space_id, SpaceAction.MANAGE)
        member = await _membership(session, space_id, user_id)
        old_role = SpaceRole(member.role)
        check_owner_kept(await _owner_count(session, space_id), old_role, new_role)
        member.role = new_role.value
        user = await session.get(User, user_id)
        if old_role is not new_role:
            _record(session, space_id, actor, 'role_changed', name=user.name, old=old_role.value, new=new_role.value)
        await session.commit()
        return _member(member, user)


async def remove_member(hearth: Hearth, actor: Actor, space_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """An owner takes someone out: their access ends at once, their connected libraries leave the space with them;
    the photos they added stay (any owner or editor can take them out)."""
    if user_id == actor.id:
        await leave_space(hearth, actor, space_id)
        return
    async with hearth.db.session() as session:
        await _space_for(session, actor, space_id, SpaceAction.MANAGE)
        member = await _membership(session, space_id, user_id)
        check_owner_kept(await _owner_count(session, space_id), SpaceRole(member.role), None)
        await _end_membership(session, member)
        _record(session, space_id, actor, 'member_removed', name=(await session.get(User, user_id)).name)
        await session.commit()


async def count_my_photos(hearth: Hearth, actor: Actor, space_id: uuid.UUID) -> int:
    """How many of my photos were added to the space (by anyone): what leaving may take with me."""
    async with hearth.db.session() as session:
        await _space_for(session, actor, space_id, SpaceAction.VIEW)
        mine = (SpaceAsset.space_id == space_id) & (SpaceAsset.owner_id == actor.id)
        return await session.scalar(select(func.count()).select_from(SpaceAsset).where(mine))


async def leave_space(hearth: Hearth, actor: Actor, space_id: uuid.UUID, take_my_photos: bool = False) -> int:
    """Leave a space (never its last owner); optionally take the photos I added with me. Returns how many I took."""
    async with hearth.db.session() as session:
        await _space_for(session, actor, space_id, SpaceAction.LEAVE)
        member = await _membership(session, space_id, actor.id)
        check_owner_kept(await _owner_count(session, space_id), SpaceRole(member.role), None)
        taken = 0
        if take_my_photos:
            mine = (SpaceAsset.space_id == space_id) & (SpaceAsset.owner_id == actor.id)
            taken = (await session.execute(delete(SpaceAsset).where(mine))).rowcount
        await _end_membership(session, member)
        _record(session, space_id, actor, 'member_left', name=actor.name, taken=taken)
        await session.commit()
    return taken


async def _end_membership(session, member: SpaceMember) -> None:
    libraries = select(ExternalLibrary.id).where(ExternalLibrary.owner_id == member.user_id)
    await session.execute(
        delete(SpaceLibrary).where(SpaceLibrary.space_id == member.space_id, SpaceLibrary.library_id.in_(libraries))
    )
    await session.delete(member)
    await _people_may_change(session, member.space_id)  # their libraries, maybe their photos, left


async def _people_may_change(session, space_id: uuid.UUID) -> None:
    """Assets came or went: the space's people are grouped again in the background (the runner's next poll)."""
    await grouping.regroup_later(session, [grouping.space_subject(space_id)])


# ---- its assets -----------------------------------------------------------------------------------------------------


async def add_assets(hearth: Hearth, actor: Actor, space_id: uuid.UUID, asset_ids: Collection[uuid.UUID]) -> int:
    """Add a selection from my own library (SPEC §6); returns how many were new to the space."""
    asset_ids = set(asset_ids)
    if not asset_ids:
        raise InvalidInput('Choose at least one photo to add')
    async with hearth.db.session() as session:
        space, _ = await _space_for(session, actor, space_id, SpaceAction.ADD_ASSETS)
        await require_permission(session, actor, Permission.VIEW, asset_ids)
        owners = await session.execute(select(Asset.id).where(Asset.id.in_(asset_ids), Asset.owner_id != actor.id))
        if owners.first() is not None:
            raise Forbidden('You can add only photos from your own library')
        added = await add_references(session, SpaceAsset, space_id, asset_ids, actor.id)
        await _after_adding(session, space, actor, sorted(added))
    return len(added)


async def add_all_my_assets(hearth: Hearth, actor: Actor, space_id: uuid.UUID) -> int:
    """Every live asset of mine (not archived) the space does not hold yet, in one statement; returns how many."""
    async with hearth.db.session() as session:
        space, _ = await _space_for(session, actor, space_id, SpaceAction.ADD_ASSETS)
        added_at = datetime.now(UTC)
        result = await session.execute(space_queries.add_all_of_owner(space_id, actor.id, added_at))
        sample = await session.scalars(
            select(SpaceAsset.asset_id)
            .where(SpaceAsset.space_id == space_id, SpaceAsset.added_at == added_at, SpaceAsset.added_by_id == actor.id)
            .limit(SAMPLE_SIZE)
        )
        await _after_adding(session, space, actor, list(sample), count=result.rowcount)
    return result.rowcount


async def _after_adding(session, space: Space, actor: Actor, added: list[uuid.UUID], count: int | None = None) -> None:
    count = len(added) if count is None else count
    if count:
        _record(session, space.id, actor, 'assets_added', count=count, asset_ids=[i.hex for i in added[:SAMPLE_SIZE]])
        space.updated_at = datetime.now(UTC)
        await _people_may_change(session, space.id)
    await _commit(session)


async def remove_assets(hearth: Hearth, actor: Actor, space_id: uuid.UUID, asset_ids: Collection[uuid.UUID]) -> int:
    """Take assets out of the space; never deletes them. Contributors take out only what they added."""
    asset_ids = set(asset_ids)
    async with hearth.db.session() as session:
        space, role = await _space_for(session, actor, space_id, SpaceAction.VIEW)
        rows = list(
            await session.scalars(
                select(SpaceAsset).where(SpaceAsset.space_id == space_id, SpaceAsset.asset_id.in_(asset_ids))
            )
        )
        if len(rows) != len(asset_ids):
            raise NotFound('Asset not found in this space (photos of a connected library leave with the library)')
        if not all(may_remove(role, row.added_by_id == actor.id, row.owner_id == actor.id) for row in rows):
            raise Forbidden('You can only remove what you added')
        await session.execute(
            delete(SpaceAsset).where(SpaceAsset.space_id == space_id, SpaceAsset.asset_id.in_(asset_ids))
        )
        if space.cover_asset_id in asset_ids:
            space.cover_asset_id = None
        _record(session, space_id, actor, 'assets_removed', count=len(rows))
        await _people_may_change(session, space_id)
        space.updated_at = datetime.now(UTC)
        await session.commit()
    return len(rows)


# ---- connected libraries --------------------------------------------------------------------------------------------


async def connect_library(hearth: Hearth, actor: Actor, space_id: uuid.UUID, library_id: uuid.UUID) -> ConnectedLibrary:
    """Every asset of one of my external libraries, now and later, is in the space: one row, not one per asset."""
    async with hearth.db.session() as session:
        space, _ = await _space_for(session, actor, space_id, SpaceAction.CONNECT_LIBRARY)
        library = await session.get(ExternalLibrary, library_id)
        if library is None or library.owner_id != actor.id:
            raise NotFound('Library not found')
        if await session.get(SpaceLibrary, (space_id, library_id)) is not None:
            raise Conflict('This library is already connected to the space')
        session.add(SpaceLibrary(space_id=space_id, library_id=library_id, connected_by_id=actor.id))
        _record(session, space_id, actor, 'library_connected', name=library.name)
        await _people_may_change(session, space_id)
        space.updated_at = datetime.now(UTC)
        await _commit(session, 'This library is already connected to the space')
        return next(item for item in await _libraries(session, actor, space_id) if item.id == library_id)


async def disconnect_library(hearth: Hearth, actor: Actor, space_id: uuid.UUID, library_id: uuid.UUID) -> None:
    """The library's assets leave the space; they stay in their owner's library."""
    async with hearth.db.session() as session:
        space, role = await _space_for(session, actor, space_id, SpaceAction.VIEW)
        link = await session.get(SpaceLibrary, (space_id, library_id))
        if link is None:
            raise NotFound('Library not connected to this space')
        library = await session.get(ExternalLibrary, library_id)
        if library.owner_id != actor.id:
            require_space(SpaceAction.MANAGE, role)
        await session.delete(link)
        _record(session, space_id, actor, 'library_disconnected', name=library.name)
        await _people_may_change(session, space_id)
        space.updated_at = datetime.now(UTC)
        await session.commit()


async def _libraries(session, actor: Actor, space_id: uuid.UUID) -> list[ConnectedLibrary]:
    counts = (
        select(Asset.library_id, func.count().label('n'))
        .where(Asset.library_id.in_(space_queries.connected_ids(space_id)), Asset.trashed_at.is_(None))
        .group_by(Asset.library_id)
        .subquery()
    )
    rows = await session.execute(
        select(ExternalLibrary, User.name, func.coalesce(counts.c.n, 0), SpaceLibrary.connected_at)
        .join(SpaceLibrary, SpaceLibrary.library_id == ExternalLibrary.id)
        .join(User, User.id == ExternalLibrary.owner_id)
        .outerjoin(counts, counts.c.library_id == ExternalLibrary.id)
        .where(SpaceLibrary.space_id == space_id)
        .order_by(SpaceLibrary.connected_at)
    )
    return [
        ConnectedLibrary(library.id, library.name, owner, count, connected_at, library.owner_id == actor.id)
        for library, owner, count, connected_at in rows
    ]


# ---- the space timeline ---------------------------------------------------------------------------------------------


async def timeline_buckets(
    hearth: Hearth, actor: Actor, space_id: uuid.UUID, filters: SpaceFilters = SpaceFilters()
) -> list[tuple[str, int]]:
    """Months of the space's (filtered) assets, newest first, with their counts."""
    async with hearth.db.session() as session:
        filters = await _viewable(session, actor, space_id, filters)
        statement = (
            select(AssetDetails.month_key, func.count())
            .join(Asset, Asset.id == AssetDetails.asset_id)
            .where(*_scope(space_id, actor.id, filters))
            .group_by(AssetDetails.month_key)
            .order_by(AssetDetails.month_key.desc())
        )
        return [(month_label(month), count) for month, count in await session.execute(statement)]


async def timeline_bucket(
    hearth: Hearth, actor: Actor, space_id: uuid.UUID, month: str, filters: SpaceFilters = SpaceFilters()
) -> list[TimelineItem]:
    async with hearth.db.session() as session:
        filters = await _viewable(session, actor, space_id, filters)
        statement = (
            select(*timeline_columns())
            .join(Asset, Asset.id == AssetDetails.asset_id)
            .outerjoin(
                AssetUserState,
                (AssetUserState.asset_id == AssetDetails.asset_id) & (AssetUserState.user_id == actor.id),
            )
            .where(AssetDetails.month_key == parse_month(month), *_scope(space_id, actor.id, filters))
            .order_by(AssetDetails.taken_at.desc(), AssetDetails.asset_id.desc())
        )
        return [TimelineItem(*row) for row in await session.execute(statement)]


async def space_neighbours(
    hearth: Hearth, actor: Actor, space_id: uuid.UUID, asset_id: uuid.UUID, filters: SpaceFilters = SpaceFilters()
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The assets before (newer) and after (older) this one in the space's order; (None, None) if it is not in it."""
    async with hearth.db.session() as session:
        filters = await _viewable(session, actor, space_id, filters)
        in_space = (
            select(AssetDetails.asset_id)
            .join(Asset, Asset.id == AssetDetails.asset_id)
            .where(*_scope(space_id, actor.id, filters))
        )
        return await neighbours_by_date(session, in_space, asset_id)


async def filter_choices(hearth: Hearth, actor: Actor, space_id: uuid.UUID) -> FilterChoices:
    """What the filters panel offers: the space's contributors, cameras, tags and places."""
    async with hearth.db.session() as session:
        await _space_for(session, actor, space_id, SpaceAction.VIEW)
        live = space_queries.live_asset_ids(space_id).subquery()
        contributors = await session.execute(
            select(User.id, User.name, func.count())
            .select_from(live)
            .join(Asset, Asset.id == live.c[0])
            .join(User, User.id == Asset.owner_id)
            .group_by(User.id, User.name)
            .order_by(User.name)
        )
        cameras = await session.scalars(
            select(Asset.camera_model)
            .join(live, live.c[0] == Asset.id)
            .where(Asset.camera_model.is_not(None))
            .distinct()
            .order_by(Asset.camera_model)
        )
        tags = await session.scalars(
            select(AssetTag.tag).join(live, live.c[0] == AssetTag.asset_id).distinct().order_by(AssetTag.tag)
        )
        in_places = places.choices_of(await place_queries.counts_among(session, space_queries.live_asset_ids(space_id)))
        return FilterChoices([tuple(row) for row in contributors], list(cameras), list(tags), in_places)


def _scope(space_id: uuid.UUID, actor_id: uuid.UUID, filters: SpaceFilters) -> list[ColumnElement[bool]]:
    conditions = [space_queries.in_space(space_id)]
    if filters.taken_from:
        conditions.append(AssetDetails.taken_at >= datetime.combine(filters.taken_from, time.min))
    if filters.taken_to:
        conditions.append(AssetDetails.taken_at < datetime.combine(filters.taken_to + timedelta(days=1), time.min))
    if filters.owner_ids:
        conditions.append(AssetDetails.owner_id.in_(filters.owner_ids))
    if filters.media_type:
        if filters.media_type not in MEDIA_TYPES:
            raise InvalidInput('Media type must be photo or video')
        conditions.append(Asset.media_type == filters.media_type)
    if filters.camera:
        conditions.append(Asset.camera_model == filters.camera)
    if filters.favorites:
        mine = select(AssetUserState.asset_id).where(AssetUserState.user_id == actor_id, AssetUserState.favorite)
        conditions.append(AssetDetails.asset_id.in_(mine))
    for tag in filters.tags:
        conditions.append(AssetDetails.asset_id.in_(select(AssetTag.asset_id).where(AssetTag.tag == tag)))
    if filters.added_since:
        conditions.append(AssetDetails.asset_id.in_(space_queries.new_since(space_id, actor_id, filters.added_since)))
    if filters.people:
        conditions.append(AssetDetails.asset_id.in_(identity_queries.assets_with_each(filters.identities)))
    if filters.place:
        conditions.append(places.PlaceFilter.parse(filters.place).condition())
    return conditions


async def _viewable(session, actor: Actor, space_id: uuid.UUID, filters: SpaceFilters) -> SpaceFilters:
    """The space is the actor's to see, and so are the people filtered by, each standing for their identity."""
    await _space_for(session, actor, space_id, SpaceAction.VIEW)
    if not filters.people:
        return filters
    return replace(filters, identities=tuple(map(tuple, await identities.expand(session, actor, filters.people))))


# ---- activity -------------------------------------------------------------------------------------------------------


async def list_activity(
    hearth: Hearth, actor: Actor, space_id: uuid.UUID, before: datetime | None = None, limit: int = 30
) -> list[ActivityEntry]:
    """The feed, newest first, `limit` entries older than `before`. Thumbnails show only what the reader can see."""
    if not 1 <= limit <= 100:
        raise InvalidInput('Ask for between 1 and 100 entries')
    async with hearth.db.session() as session:
        await _space_for(session, actor, space_id, SpaceAction.VIEW)
        query = (
            select(SpaceActivity, User.name)
            .outerjoin(User, User.id == SpaceActivity.actor_id)
            .where(SpaceActivity.space_id == space_id)
        )
        if before is not None:
            query = query.where(SpaceActivity.created_at < before)
        rows = list(await session.execute(query.order_by(SpaceActivity.created_at.desc()).limit(limit)))
        samples = {uuid.UUID(hex_id) for entry, _ in rows for hex_id in entry.details.get('asset_ids', ())}
        visible = await roles_on(session, actor.id, samples)
    return [_entry(entry, name, visible) for entry, name in rows]


def _entry(entry: SpaceActivity, actor_name: str | None, visible) -> ActivityEntry:
    details = {key: value for key, value in entry.details.items() if key != 'asset_ids'}
    ids = tuple(uuid.UUID(hex_id) for hex_id in entry.details.get('asset_ids', ()) if uuid.UUID(hex_id) in visible)
    return ActivityEntry(entry.id, entry.kind, entry.actor_id, actor_name, details, ids, entry.created_at)


def _record(session, space_id: uuid.UUID, actor: Actor, kind: str, **details) -> None:
    session.add(SpaceActivity(space_id=space_id, actor_id=actor.id, kind=kind, details=details))


async def record_link_created(session, space_id: uuid.UUID, actor: Actor, label: str | None) -> None:
    """Called by `services.links` when a link to the space is created."""
    _record(session, space_id, actor, 'link_created', label=label)


# ---- helpers ------------------------------------------------------------------------------------------------------


async def _commit(session, conflict: str = 'Someone else just changed this space; try again') -> None:
    """Commit; a unique row someone else wrote at the same moment is a conflict, not a crash."""
    try:
        await session.commit()
    except IntegrityError as error:
        raise Conflict(conflict) from error


async def require_space_action(session, actor: Actor, space_id: uuid.UUID, action: SpaceAction) -> Space:
    """The space, if the actor may do this to it: 404 for non-members, 403 for what their role does not allow."""
    space, _ = await _space_for(session, actor, space_id, action)
    return space


async def _space_for(session, actor: Actor, space_id: uuid.UUID, action: SpaceAction) -> tuple[Space, SpaceRole]:
    role = await space_queries.member_role(session, space_id, actor.id)
    require_space(action, role)
    return await session.get(Space, space_id), role


async def _membership(session, space_id: uuid.UUID, user_id: uuid.UUID) -> SpaceMember:
    member = await session.get(SpaceMember, (space_id, user_id))
    if member is None:
        raise NotFound('Member not found in this space')
    return member


async def _owner_count(session, space_id: uuid.UUID) -> int:
    owners = (SpaceMember.space_id == space_id) & (SpaceMember.role == SpaceRole.OWNER.value)
    return await session.scalar(select(func.count()).select_from(SpaceMember).where(owners))


async def _holds(session, space_id: uuid.UUID, asset_id: uuid.UUID) -> bool:
    live = space_queries.live_asset_ids(space_id).subquery()
    return await session.scalar(select(func.count()).select_from(live).where(live.c[0] == asset_id)) > 0


async def _count(session, ids) -> int:
    return await session.scalar(select(func.count()).select_from(ids.subquery()))


async def _summary(session, actor: Actor, space_id: uuid.UUID) -> SpaceSummary:
    role = await space_queries.member_role(session, space_id, actor.id)
    require_space(SpaceAction.VIEW, role)
    space = await session.get(Space, space_id)
    member = await _membership(session, space_id, actor.id)
    names = list(
        await session.scalars(
            select(User.name)
            .join(SpaceMember, SpaceMember.user_id == User.id)
            .where(SpaceMember.space_id == space_id)
            .order_by(SpaceMember.joined_at)
        )
    )
    return SpaceSummary(
        id=space.id,
        name=space.name,
        description=space.description,
        color=space.color,
        cover_asset_id=space.cover_asset_id or await _latest_asset(session, space_id),
        asset_count=await space_queries.count_live_assets(session, space_id),
        new_count=await _count(session, space_queries.new_since(space_id, actor.id, member.last_visit_at)),
        last_visit_at=member.last_visit_at,
        my_role=role,
        show_in_timeline=member.show_in_timeline,
        member_names=tuple(names),
        member_count=len(names),
        actions=tuple(sorted(space_actions(role))),
        created_at=space.created_at,
        updated_at=space.updated_at,
    )


async def _latest_asset(session, space_id: uuid.UUID) -> uuid.UUID | None:
    """Without a chosen cover, the space shows its most recent photo."""
    return await session.scalar(
        select(AssetDetails.asset_id)
        .join(Asset, Asset.id == AssetDetails.asset_id)
        .where(space_queries.in_space(space_id))
        .order_by(AssetDetails.taken_at.desc())
        .limit(1)
    )


def _member(member: SpaceMember, user: User) -> MemberView:
    return MemberView(user.id, user.name, user.email, SpaceRole(member.role), member.joined_at)
