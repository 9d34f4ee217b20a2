"""Resolving a group of copies (SPEC §9): keep one, trash the others under the trash rules of SPEC §3 (each goes to its
owner's trash, recorded with who did it), and let the keeper take their place: it joins every space a trashed copy
was in where the resolver is an Owner or Editor (asking first about the others, never silently), each of those
spaces' people are grouped again, every member's favorite, rating, archive and albums move to it, and empty shared
fields are filled from the copies. Running it twice changes nothing; it can be undone while the trash holds them."""

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select, update

from domain.access import Permission, permissions_of
from domain.duplicates import may_trash_copy, merged_fields, merged_state, stays_with_its_owner
from domain.errors import Conflict, InvalidInput, NotFound
from domain.spaces import SpaceRole
from services import assets as asset_service
from services import grouping
from services.accounts import Actor
from services.runtime import Hearth
from storage import assets as asset_queries
from storage import duplicate_resolutions as queries
from storage.access import roles_on
from storage.duplicates import dismiss_links
from storage.models import (
    AlbumAsset,
    Asset,
    AssetUserState,
    DuplicateResolution,
    DuplicateResolutionCopy,
    SpaceActivity,
    SpaceAsset,
    User,
)
from storage.references import add_references

MAX_COPIES = 100
TRASHED_FROM = 'duplicates'
_MAY_JOIN = (SpaceRole.OWNER, SpaceRole.EDITOR)


@dataclass(frozen=True)
class Question:
    """A space that would lose a copy, where the resolver may not add the keeper: they decide first."""

    space_id: uuid.UUID
    space_name: str
    asset_id: uuid.UUID  # the copy that space holds


class NeedsAnswer(Conflict):
    """Nothing was changed: some spaces would lose a copy and the resolver may not put the keeper there."""

    def __init__(self, questions: list[Question]):
        names = ', '.join(f'“{question.space_name}”' for question in questions)
        super().__init__(f'Only an owner or editor can add the kept photo to {names}: keep that copy, or let it go')
        self.questions = questions


@dataclass(frozen=True)
class Stayed:
    asset_id: uuid.UUID
    why: str


@dataclass(frozen=True)
class JoinedSpace:
    space_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class Resolution:
    resolution_id: uuid.UUID | None
    keeper_id: uuid.UUID
    trashed: list[uuid.UUID]
    stayed: list[Stayed]
    joined_spaces: list[JoinedSpace] = field(default_factory=list)


@dataclass
class _Plan:
    keeper: Asset
    to_trash: dict[uuid.UUID, Asset]
    stayed: list[Stayed]
    joins: list[queries.Holding]  # holdings of trashed copies in spaces the keeper joins (or already is in)
    questions: list[Question]


async def resolve(
    hearth: Hearth,
    actor: Actor,
    asset_ids: Collection[uuid.UUID],
    keeper_id: uuid.UUID,
    let_spaces_lose: Collection[uuid.UUID] = (),
) -> Resolution:
    """Keep `keeper_id` of a group the actor sees whole, and trash the other copies they may trash; NeedsAnswer (and
    nothing changed) while a space where they are less than an Editor would lose a copy, unless they let it go."""
    wanted = _checked(asset_ids, keeper_id)
    async with hearth.db.session() as session:
        plan = await _plan(session, actor, wanted, keeper_id, set(let_spaces_lose))
        if plan is None:  # done before: the same answer again
            return await _earlier(session, actor, keeper_id)
    if plan.questions:
        raise NeedsAnswer(plan.questions)
    await _merge_shared_fields(hearth, actor, plan)
    async with hearth.db.session() as session:
        resolution = await _carry_out(session, actor, plan)
        await session.commit()
    return resolution


def _checked(asset_ids: Collection[uuid.UUID], keeper_id: uuid.UUID) -> set[uuid.UUID]:
    wanted = set(asset_ids)
    if keeper_id not in wanted or len(wanted) < 2:
        raise InvalidInput('Give the copies of one group, the one to keep among them')
    if len(wanted) > MAX_COPIES:
        raise InvalidInput(f'A group has at most {MAX_COPIES} copies')
    return wanted


async def _plan(session, actor: Actor, wanted: set[uuid.UUID], keeper_id: uuid.UUID, let_go: set) -> _Plan | None:
    done = set(await session.scalars(queries.trashed_by_resolutions(keeper_id).where(_among(wanted))))
    roles = await roles_on(session, actor.id, wanted - done)
    if roles.keys() != wanted - done:
        raise NotFound('Asset not found')
    rows = {asset.id: asset for asset in await session.scalars(select(Asset).where(Asset.id.in_(roles)))}
    keeper = rows[keeper_id]
    if keeper.trashed_at is not None:
        raise Conflict('The copy to keep is in the trash: restore it first')
    others = {asset_id: asset for asset_id, asset in rows.items() if asset_id != keeper_id and not asset.trashed_at}
    if not others:
        return None
    names = await _owner_names(session, others.values())
    stayed = [
        Stayed(asset_id, stays_with_its_owner(names[asset.owner_id]))
        for asset_id, asset in others.items()
        if not may_trash_copy(permissions_of(roles[asset_id]))
    ]
    to_trash = {asset_id: asset for asset_id, asset in others.items() if asset_id not in {s.asset_id for s in stayed}}
    return _spaces_decided(
        _Plan(keeper, to_trash, stayed, [], []),
        await queries.holdings(session, to_trash, actor.id),
        actor,
        let_go,
        names,
    )


def _among(asset_ids: set[uuid.UUID]):
    return DuplicateResolutionCopy.asset_id.in_(asset_ids)


def _spaces_decided(plan: _Plan, holdings, actor: Actor, let_go: set, names: dict[uuid.UUID, str]) -> _Plan:
    """Which spaces the keeper joins, which ask first, and which copies stay because a space the resolver is not in
    holds them (its name is not theirs to see)."""
    for holding in holdings:
        copy = plan.to_trash.get(holding.asset_id)
        if copy is None:
            continue
        if holding.resolver_role in _MAY_JOIN:
            plan.joins.append(holding)
        elif holding.resolver_role is None and copy.owner_id != actor.id:
            del plan.to_trash[copy.id]
            plan.stayed.append(Stayed(copy.id, f'It is also in a space you are not in: ask {names[copy.owner_id]}'))
        elif holding.space_id not in let_go:
            plan.questions.append(Question(holding.space_id, holding.space_name, holding.asset_id))
    plan.joins = [holding for holding in plan.joins if holding.asset_id in plan.to_trash]
    plan.questions = [question for question in plan.questions if question.asset_id in plan.to_trash]
    return plan


async def _owner_names(session, assets: Iterable[Asset]) -> dict[uuid.UUID, str]:
    owner_ids = {asset.owner_id for asset in assets}
    return dict((await session.execute(select(User.id, User.name).where(User.id.in_(owner_ids)))).all())


async def _earlier(session, actor: Actor, keeper_id: uuid.UUID) -> Resolution:
    resolution = await queries.latest_resolution(session, actor.id, keeper_id)
    if resolution is None:
        return Resolution(None, keeper_id, [], [])
    copies = await queries.resolution_copies(session, resolution.id)
    return Resolution(
        resolution.id,
        keeper_id,
        sorted(copy.asset_id for copy in copies if copy.trashed),
        [Stayed(copy.asset_id, copy.why or '') for copy in copies if not copy.trashed],
    )


# ---- carrying it out ------------------------------------------------------------------------------------------------


async def _merge_shared_fields(hearth: Hearth, actor: Actor, plan: _Plan) -> None:
    """Fill the keeper's empty shared fields from the copies going to the trash, those the resolver may edit; first,
    in its own transaction, so that a crash before the trash loses nothing and a second run finds them filled."""
    if not plan.to_trash:
        return
    async with hearth.db.session() as session:
        fields = await queries.shared_fields(session, [plan.keeper.id, *plan.to_trash])
        permitted = permissions_of((await roles_on(session, actor.id, [plan.keeper.id]))[plan.keeper.id])
    others = [fields[asset_id] for asset_id in plan.to_trash if asset_id in fields]
    changes = merged_fields(fields[plan.keeper.id], others)
    allowed = {name: value for name, value in changes.items() if asset_service.FIELD_PERMISSIONS[name] in permitted}
    if allowed:
        await asset_service.update_details(hearth, actor, [plan.keeper.id], **allowed)


async def _carry_out(session, actor: Actor, plan: _Plan) -> Resolution:
    keeper, trashed = plan.keeper, sorted(plan.to_trash)
    resolution = DuplicateResolution(resolver_id=actor.id, keeper_id=keeper.id)
    session.add(resolution)
    await session.flush()
    await _trash(session, actor, keeper, trashed)
    joined = await _join_spaces(session, actor, keeper.id, plan.joins)
    await _carry_albums(session, keeper.id, trashed)
    await _record_copies(session, resolution.id, plan)
    # The copies that stay were decided on: the group does not come back for the resolver.
    await dismiss_links(session, actor.id, {keeper.id, *(stay.asset_id for stay in plan.stayed)})
    return Resolution(resolution.id, keeper.id, trashed, plan.stayed, joined)


async def _trash(session, actor: Actor, keeper: Asset, trashed: list[uuid.UUID]) -> None:
    """To each owner's trash, with who did it; the members' own state moves to the keeper first."""
    if not trashed:
        return
    async with asset_queries.keeping_month_counts(session, [keeper.id, *trashed]):
        await _carry_states(session, keeper, trashed)
        values = {'trashed_at': datetime.now(UTC), 'trashed_by_id': actor.id, 'trashed_from': TRASHED_FROM}
        await session.execute(update(Asset).where(Asset.id.in_(trashed), Asset.trashed_at.is_(None)).values(**values))


async def _carry_states(session, keeper: Asset, trashed: list[uuid.UUID]) -> None:
    states = await queries.user_states(session, [keeper.id, *trashed])
    for user_id, by_asset in states.items():
        copies = [state for asset_id, state in by_asset.items() if asset_id != keeper.id]
        if not copies:
            continue
        merged = merged_state(by_asset.get(keeper.id), copies)
        row = await session.get(AssetUserState, (user_id, keeper.id)) or AssetUserState(
            user_id=user_id, asset_id=keeper.id, owner_id=keeper.owner_id
        )
        row.favorite, row.rating, row.archived = merged.favorite, merged.rating, merged.archived
        row.updated_at = datetime.now(UTC)
        session.add(row)
    await session.flush()


async def _join_spaces(session, actor: Actor, keeper_id: uuid.UUID, joins: list[queries.Holding]) -> list[JoinedSpace]:
    """The keeper takes each trashed copy's place in the spaces where the resolver may put it; each records who merged
    and its people are grouped again (the keeper's faces join them, the copy's leave). Returns the spaces the keeper
    was not in before."""
    merged: set[uuid.UUID] = set()
    joined: list[JoinedSpace] = []
    for holding in joins:
        if holding.space_id in merged:
            continue
        merged.add(holding.space_id)
        if not await queries.held_by(session, holding.space_id, keeper_id):
            await add_references(session, SpaceAsset, holding.space_id, [keeper_id], holding.added_by_id or actor.id)
            joined.append(JoinedSpace(holding.space_id, holding.space_name))
        count = sum(other.space_id == holding.space_id for other in joins)
        session.add(
            SpaceActivity(
                space_id=holding.space_id,
                actor_id=actor.id,
                kind='duplicate_merged',
                details={'count': count, 'asset_ids': [keeper_id.hex]},
            )
        )
    await grouping.regroup_later(session, [grouping.space_subject(space_id) for space_id in merged])
    return joined


async def _carry_albums(session, keeper_id: uuid.UUID, trashed: list[uuid.UUID]) -> None:
    """The keeper goes into each album a trashed copy was in, where the album's owner could put it themselves."""
    for entry in await queries.album_entries(session, trashed):
        roles = await roles_on(session, entry.album_owner_id, [keeper_id])
        if Permission.ADD_TO_ALBUM in permissions_of(roles.get(keeper_id, ())):
            await add_references(session, AlbumAsset, entry.album_id, [keeper_id], entry.added_by_id)
    await session.flush()


async def _record_copies(session, resolution_id: uuid.UUID, plan: _Plan) -> None:
    stayed_ids = {stay.asset_id: stay.why for stay in plan.stayed}
    checksums = dict(
        (
            await session.execute(select(Asset.id, Asset.checksum).where(Asset.id.in_([*plan.to_trash, *stayed_ids])))
        ).all()
    )
    for asset_id in plan.to_trash:
        session.add(
            DuplicateResolutionCopy(
                resolution_id=resolution_id, asset_id=asset_id, checksum=checksums[asset_id], trashed=True
            )
        )
    for asset_id, why in stayed_ids.items():
        session.add(
            DuplicateResolutionCopy(
                resolution_id=resolution_id, asset_id=asset_id, checksum=checksums[asset_id], trashed=False, why=why
            )
        )


# ---- undo -----------------------------------------------------------------------------------------------------------


async def undo(hearth: Hearth, actor: Actor, resolution_id: uuid.UUID) -> int:
    """Put back each copy the resolver's resolution trashed that the trash still holds, into every space and album it
    was in (it never left them); the keeper keeps what it gained. Returns how many came back."""
    async with hearth.db.session() as session:
        resolution = await session.get(DuplicateResolution, resolution_id)
        if resolution is None or resolution.resolver_id != actor.id:
            raise NotFound('Resolution not found')
        if resolution.undone_at is not None:
            return 0
        trashed = [copy.asset_id for copy in await queries.resolution_copies(session, resolution_id) if copy.trashed]
        async with asset_queries.keeping_month_counts(session, trashed):
            restored = await session.execute(
                update(Asset)
                .where(Asset.id.in_(trashed), Asset.trashed_at.is_not(None), Asset.trashed_from == TRASHED_FROM)
                .values(trashed_at=None, trashed_by_id=None, trashed_from=None)
            )
        resolution.undone_at = datetime.now(UTC)
        spaces = {holding.space_id for holding in await queries.holdings(session, trashed, actor.id)}
        await grouping.regroup_later(session, [grouping.space_subject(space_id) for space_id in spaces])
        await session.commit()
    return restored.rowcount
