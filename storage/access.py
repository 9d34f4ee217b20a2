"""The one place that knows, in SQL, which assets an actor can reach and through which roles.

A user reaches their own assets; the libraries partners share with them (SPEC §4): everything of the partner's
except what is in the trash or what the partner archived; and the assets of albums they own or that are shared with
them (SPEC §5), each while whoever put it in the album still sees it (SPEC §1: a share is bounded by the sharer);
and the assets of the spaces they are a member of (SPEC §6): what members added, and every asset of the external
libraries connected to the space.
"""

import uuid
from collections.abc import Collection
from functools import cache

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.access import Permission, Role, permissions_of
from domain.spaces import ASSET_ROLES
from storage.models import (
    Album,
    AlbumAsset,
    AlbumMember,
    Asset,
    AssetDetails,
    AssetUserState,
    PartnerShare,
    SearchDocument,
    SpaceAsset,
    SpaceLibrary,
    SpaceMember,
    User,
)

# An album's owner holds this role on what members added to it: they may view, download, caption and tag it,
# never trash it or change its date or place.
ALBUM_OWNER_ROLE = Role.CONTRIBUTOR


def partner_owner_ids(actor_id: uuid.UUID, on_timeline_only: bool = False) -> Select:
    """Owners who share their whole library with the actor."""
    owners = select(PartnerShare.owner_id).where(PartnerShare.partner_id == actor_id)
    return owners.where(PartnerShare.show_in_timeline.is_(True)) if on_timeline_only else owners


def mine_or_through_a_partner_on_timeline(actor_id: uuid.UUID) -> ColumnElement[bool]:
    """The actor's own assets and those of the partners' libraries on their timeline (as partners see them); one IN
    list of owners keeps the (owner, ...) indexes usable."""
    as_partners_see = or_(Asset.owner_id == actor_id, and_(Asset.trashed_at.is_(None), ~archived_by_its_owner()))
    return and_(Asset.owner_id.in_(timeline_library_owners(actor_id)), as_partners_see)


# Aliases apart from any table of an enclosing query; made once, as each costs a good deal to build.
_owner_state, _entry = aliased(AssetUserState), aliased(AlbumAsset)
_share, _added, _connected, _member, _details = (
    aliased(table) for table in (PartnerShare, SpaceAsset, SpaceLibrary, SpaceMember, AssetDetails)
)


@cache  # the same columns give the same expression, and building one costs more than reading what it finds
def archived_by_its_owner(asset_id=Asset.id, owner_id=Asset.owner_id) -> ColumnElement[bool]:
    """An owner's archive is private to them, and partners do not see it either."""
    state = _owner_state
    archived = (state.asset_id == asset_id, state.user_id == owner_id, state.archived.is_(True))
    return select(state.asset_id).where(*archived).exists()


@cache
def _rooted_in_reach() -> ColumnElement[bool]:
    """Whoever added the album entry sees its photo through their own library, a partner share (which leaves out
    what its owner archived) or a space."""
    entry = AlbumAsset
    adder, asset_id = entry.added_by_id, entry.asset_id
    share, added, connected, member, details = _share, _added, _connected, _member, _details
    through_partner = and_(
        exists().where(share.owner_id == entry.owner_id, share.partner_id == adder),
        ~archived_by_its_owner(asset_id, entry.owner_id),
    )
    added_to_a_space = exists().where(
        added.asset_id == asset_id, member.space_id == added.space_id, member.user_id == adder
    )
    in_a_connected_library = exists().where(
        details.asset_id == asset_id,
        connected.library_id == details.library_id,
        member.space_id == connected.space_id,
        member.user_id == adder,
    )
    return or_(entry.owner_id == adder, through_partner, added_to_a_space, in_a_connected_library)


def shown_album_entries(asset_ids: Select | Collection[uuid.UUID]) -> CTE:
    """(album, asset) of every album entry of these assets that the album shows. SPEC §1, a share is bounded by the
    sharer: an entry holds while whoever added it still sees the photo through their own library, a partner share,
    a space, or another album whose entry of it holds (the album itself does not count). The least such set, built
    up from those rooted in a library, a partner or a space: albums that pass a photo round among themselves hold
    none of it once its last root is gone. An entry depends on entries of the same asset alone, so the set is built
    for the given assets only."""
    rooted = select(AlbumAsset.album_id, AlbumAsset.asset_id).where(AlbumAsset.asset_id.in_(asset_ids))
    shown = rooted.where(_rooted_in_reach()).cte(recursive=True)
    entry, people = _entry, _album_people()
    passed_on = (
        select(entry.album_id, entry.asset_id)
        .join(shown, and_(shown.c.asset_id == entry.asset_id, shown.c.album_id != entry.album_id))
        .join(people, and_(people.c.album_id == shown.c.album_id, people.c.user_id == entry.added_by_id))
    )
    return shown.union(passed_on)


@cache
def _album_people() -> Subquery:
    """(album, user) for each album's owner and members: those who see what it shows."""
    owners = select(Album.id.label('album_id'), Album.owner_id.label('user_id'))
    return union(owners, select(AlbumMember.album_id, AlbumMember.user_id)).subquery()


def album_shows(asset_ids: Select | Collection[uuid.UUID]) -> ColumnElement[bool]:
    """A filter on `album_assets` entries of these assets: those their albums show (`shown_album_entries`)."""
    shown = shown_album_entries(asset_ids)
    return tuple_(AlbumAsset.album_id, AlbumAsset.asset_id).in_(select(shown.c.album_id, shown.c.asset_id))


def shown_in_album(album_id: uuid.UUID) -> ColumnElement[bool]:
    """A filter on `album_assets`: the entries this album shows (its trash is left to the caller)."""
    here = select(_entry.asset_id).where(_entry.album_id == album_id)
    return and_(AlbumAsset.album_id == album_id, album_shows(here))


def album_ids(actor_id: uuid.UUID) -> Select:
    """Albums the actor owns or is a member of."""
    return union(select(Album.id).where(Album.owner_id == actor_id), member_album_ids(actor_id))


def member_album_ids(actor_id: uuid.UUID, on_timeline_only: bool = False) -> Select:
    albums = select(AlbumMember.album_id).where(AlbumMember.user_id == actor_id)
    return albums.where(AlbumMember.show_in_timeline.is_(True)) if on_timeline_only else albums


def album_asset_ids(actor_id: uuid.UUID) -> Select:
    """What the albums the actor owns or is a member of show them."""
    in_my_albums = select(_entry.asset_id).where(_entry.album_id.in_(album_ids(actor_id)))
    return select(AlbumAsset.asset_id).where(AlbumAsset.album_id.in_(album_ids(actor_id)), album_shows(in_my_albums))


def space_ids(actor_id: uuid.UUID, on_timeline_only: bool = False) -> Select:
    """Spaces the actor is a member of (in any role)."""
    spaces = select(SpaceMember.space_id).where(SpaceMember.user_id == actor_id)
    return spaces.where(SpaceMember.show_in_timeline.is_(True)) if on_timeline_only else spaces


def space_asset_ids(actor_id: uuid.UUID) -> Select:
    return select(SpaceAsset.asset_id).where(SpaceAsset.space_id.in_(space_ids(actor_id)))


def connected_library_ids(actor_id: uuid.UUID, on_timeline_only: bool = False) -> Select:
    """External libraries connected to the actor's spaces: all their assets are in those spaces."""
    return select(SpaceLibrary.library_id).where(SpaceLibrary.space_id.in_(space_ids(actor_id, on_timeline_only)))


def is_visible(actor_id: uuid.UUID) -> ColumnElement[bool]:
    """Live (not trashed) assets the actor can see, as a filter on the `assets` table."""
    return _visible(actor_id, Asset.id, Asset.owner_id, Asset.library_id, Asset.trashed_at.is_(None))


def is_visible_document(actor_id: uuid.UUID) -> ColumnElement[bool]:
    """`is_visible` on a photo's `search_documents` row, from the copies of its owner, library, trash and owner's
    archive that the database keeps there: a search judges each match on the row its full-text index points at."""
    row = SearchDocument
    archived = row.owner_archived.is_(True)
    return _visible(actor_id, row.asset_id, row.owner_id, row.library_id, row.trashed.is_(False), archived)


def _visible(actor_id, asset_id, owner_id, library_id, live, archived_by_owner=None) -> ColumnElement[bool]:
    archived_by_owner = archived_by_its_owner() if archived_by_owner is None else archived_by_owner
    partners = and_(owner_id.in_(partner_owner_ids(actor_id)), ~archived_by_owner)
    albums = asset_id.in_(album_asset_ids(actor_id))
    spaces = or_(asset_id.in_(space_asset_ids(actor_id)), library_id.in_(connected_library_ids(actor_id)))
    return and_(live, or_(owner_id == actor_id, partners, albums, spaces))


def is_in_my_trash(actor_id: uuid.UUID) -> ColumnElement[bool]:
    """Trash always belongs to the owner, whoever trashed the asset."""
    return (Asset.owner_id == actor_id) & Asset.trashed_at.is_not(None)


def in_my_libraries(actor_id: uuid.UUID, owner_column=AssetDetails.owner_id) -> ColumnElement[bool]:
    """Rows (by default of `asset_details`) of the libraries on the actor's timeline: their own, and partners' they
    chose to show. What is hidden from it (`hidden_from_timeline`) is excluded separately."""
    return owner_column.in_(timeline_library_owners(actor_id))


def timeline_library_owners(actor_id: uuid.UUID) -> Select:
    """The actor and the partners whose libraries they show; one IN list lets queries walk the (owner, ...) indexes
    owner by owner, where an OR of two conditions made SQLite scan."""
    return union(select(User.id).where(User.id == actor_id), partner_owner_ids(actor_id, on_timeline_only=True))


def shared_extras_on_timeline(actor_id: uuid.UUID, month: int | None = None) -> Select:
    """Live assets that albums and spaces shared with the actor add to their timeline (where they chose to show
    them), except those already in their timeline libraries (so an asset shows once) and those they archived."""
    rows = _shared_routes(actor_id, month)
    return select(rows.c.asset_id).where(*_not_on_timeline_yet(actor_id, rows.c))


def shared_extras_per_month(actor_id: uuid.UUID) -> Select:
    """(month, how many) of `shared_extras_on_timeline`, read from the album, space and library indexes alone."""
    rows = _shared_routes(actor_id)
    return (
        select(rows.c.month_key, func.count()).where(*_not_on_timeline_yet(actor_id, rows.c)).group_by(rows.c.month_key)
    )


def _shared_routes(actor_id: uuid.UUID, month: int | None = None):
    """(asset_id, month_key, owner_id) of every asset albums, spaces' additions and spaces' connected libraries bring
    to the actor's timeline, each once: an asset's month and owner are the same in every index, so UNION drops one
    that arrives by several routes. The filters apply once, to the union, which keeps the statement small to plan."""
    routes = (
        (AlbumAsset, AlbumAsset.album_id.in_(member_album_ids(actor_id, on_timeline_only=True))),
        (SpaceAsset, SpaceAsset.space_id.in_(space_ids(actor_id, on_timeline_only=True))),
        (AssetDetails, AssetDetails.library_id.in_(connected_library_ids(actor_id, on_timeline_only=True))),
    )
    parts = []
    for table, route in routes:
        rows = select(table.asset_id, table.month_key, table.owner_id).where(route)
        rows = rows.where(album_shows(_on_my_timeline(actor_id, month))) if table is AlbumAsset else rows
        parts.append(rows if month is None else rows.where(table.month_key == month))
    return union(*parts).subquery()


def _on_my_timeline(actor_id: uuid.UUID, month: int | None = None) -> Select:
    """What the albums the actor shows on their timeline hold (in that month), shown or not."""
    held = select(_entry.asset_id).where(_entry.album_id.in_(member_album_ids(actor_id, on_timeline_only=True)))
    return held if month is None else held.where(_entry.month_key == month)


def _not_on_timeline_yet(actor_id: uuid.UUID, columns) -> tuple[ColumnElement[bool], ...]:
    """Not shown by a library on the actor's timeline -- a partner's archived photo is not, but may still come
    through a space or an album -- nor in the trash, nor archived by the actor."""
    return (
        or_(
            columns.owner_id.not_in(timeline_library_owners(actor_id)),
            columns.asset_id.in_(_partners_own_archive(actor_id)),
        ),
        columns.asset_id.not_in(select(Asset.id).where(Asset.trashed_at.is_not(None))),
        columns.asset_id.not_in(_archived_by(actor_id)),
    )


def _archived_by(actor_id: uuid.UUID) -> Select:
    return select(AssetUserState.asset_id).where(AssetUserState.user_id == actor_id, AssetUserState.archived.is_(True))


def my_archive_in_partner_libraries(actor_id: uuid.UUID) -> Select:
    """What the actor archived in the partners' libraries on their timeline that those libraries still show."""
    return (
        select(AssetUserState.asset_id)
        .join(Asset, Asset.id == AssetUserState.asset_id)
        .where(
            AssetUserState.user_id == actor_id,
            AssetUserState.archived.is_(True),
            AssetUserState.owner_id.in_(partner_owner_ids(actor_id, on_timeline_only=True)),
            Asset.trashed_at.is_(None),
            ~archived_by_its_owner(),
        )
    )


def hidden_from_timeline(actor_id: uuid.UUID) -> Select:
    """Ids in the actor's timeline libraries that the timeline leaves out: trashed assets, what the actor archived,
    and what partners archived in their own libraries. Small sets, so timelines count whole libraries from the
    (owner, month) index and subtract these."""
    trashed = select(Asset.id).where(in_my_libraries(actor_id, Asset.owner_id), Asset.trashed_at.is_not(None))
    return union(trashed, _archived_by(actor_id), _partners_own_archive(actor_id))


def hidden_on_timeline_row(actor_id: uuid.UUID) -> ColumnElement[bool]:
    """`hidden_from_timeline` for one row of `asset_details` in the actor's timeline libraries, checked by a few
    index lookups: trashed, archived by its owner (a partner's archive leaves their share), or archived by the actor."""
    trashed = exists().where(Asset.id == AssetDetails.asset_id, Asset.trashed_at.is_not(None))
    archived = exists().where(
        AssetUserState.asset_id == AssetDetails.asset_id,
        AssetUserState.user_id.in_([AssetDetails.owner_id, actor_id]),
        AssetUserState.archived.is_(True),
    )
    return trashed | archived


def _partners_own_archive(actor_id: uuid.UUID) -> Select:
    """What partners on the actor's timeline archived in their own libraries: gone from their share (SPEC §4). What
    they archived of anyone else's is their own business and changes nothing for the actor."""
    return select(AssetUserState.asset_id).where(
        AssetUserState.user_id.in_(partner_owner_ids(actor_id, on_timeline_only=True)),
        AssetUserState.owner_id == AssetUserState.user_id,
        AssetUserState.archived.is_(True),
    )


async def roles_on(
    session: AsyncSession, actor_id: uuid.UUID, asset_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, set[Role]]:
    """Roles the actor holds on each of the given assets; assets the actor cannot reach are absent.

    A trashed asset stays reachable by its owner, and by grants that may restore it (SPEC §3: collaborators)."""
    if not asset_ids:
        return {}
    ids = list(asset_ids)
    roles: dict[uuid.UUID, set[Role]] = {}
    own = await session.execute(select(Asset.id).where(Asset.id.in_(ids), Asset.owner_id == actor_id))
    for (asset_id,) in own:
        roles.setdefault(asset_id, set()).add(Role.OWNER)
    for grant in (_partner_grants(actor_id, ids), *_album_grants(actor_id, ids), *_space_grants(actor_id, ids)):
        for asset_id, role, trashed in await session.execute(grant):
            if not trashed or Permission.RESTORE in permissions_of([Role(role)]):
                roles.setdefault(asset_id, set()).add(Role(role))
    return roles


def _partner_grants(actor_id: uuid.UUID, ids: list[uuid.UUID]) -> Select:
    """(asset, role, trashed) for the assets of libraries shared with the actor, but what their owners archived."""
    return (
        select(Asset.id, PartnerShare.role, Asset.trashed_at.is_not(None))
        .join(PartnerShare, and_(PartnerShare.owner_id == Asset.owner_id, PartnerShare.partner_id == actor_id))
        .where(Asset.id.in_(ids), ~archived_by_its_owner())
    )


def _album_grants(actor_id: uuid.UUID, ids: list[uuid.UUID]) -> tuple[Select, Select]:
    """(asset, role, trashed) for the assets of albums shared with the actor, and of albums they own."""
    trashed = Asset.trashed_at.is_not(None)
    as_member = (
        select(AlbumAsset.asset_id, AlbumMember.role, trashed)
        .join(AlbumMember, AlbumMember.album_id == AlbumAsset.album_id)
        .join(Asset, Asset.id == AlbumAsset.asset_id)
        .where(AlbumMember.user_id == actor_id, AlbumAsset.asset_id.in_(ids), album_shows(ids))
    )
    as_album_owner = (
        select(AlbumAsset.asset_id, literal(ALBUM_OWNER_ROLE.value), trashed)
        .join(Album, Album.id == AlbumAsset.album_id)
        .join(Asset, Asset.id == AlbumAsset.asset_id)
        .where(Album.owner_id == actor_id, AlbumAsset.asset_id.in_(ids), album_shows(ids))
    )
    return as_member, as_album_owner


# A member's space role, as the role they hold on the space's assets (SPEC §3).
_SPACE_ASSET_ROLE = case(
    {space_role.value: role.value for space_role, role in ASSET_ROLES.items()}, value=SpaceMember.role
)


def _space_grants(actor_id: uuid.UUID, ids: list[uuid.UUID]) -> tuple[Select, Select]:
    """(asset, role, trashed) for what members added to the actor's spaces, and for their connected libraries."""
    trashed = Asset.trashed_at.is_not(None)
    member = SpaceMember.user_id == actor_id
    added = (
        select(SpaceAsset.asset_id, _SPACE_ASSET_ROLE, trashed)
        .join(SpaceMember, and_(SpaceMember.space_id == SpaceAsset.space_id, member))
        .join(Asset, Asset.id == SpaceAsset.asset_id)
        .where(SpaceAsset.asset_id.in_(ids))
    )
    connected = (
        select(Asset.id, _SPACE_ASSET_ROLE, trashed)
        .join(SpaceLibrary, SpaceLibrary.library_id == Asset.library_id)
        .join(SpaceMember, and_(SpaceMember.space_id == SpaceLibrary.space_id, member))
        .where(Asset.id.in_(ids))
    )
    return added, connected
