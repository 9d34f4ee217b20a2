"""Who sees what, as SPEC §1, §3–§6 and §8 say it, in plain Python: the reference that the SQL of `storage.access`
and the services are checked against on many random families (tests/integration/test_visibility_model.py).

A family is a few sets and maps; each rule is one short function over it. Nothing here is fast or meant to be: it is
the spec in code, written to be read beside it.
"""

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field

from domain.access import Role
from domain.spaces import ASSET_ROLES, SPACE_ACTIONS, SpaceAction, SpaceRole

UserId = AssetId = SpaceId = AlbumId = LinkId = LibraryId = Hashable

# An album's owner holds this role on what members added (as `storage.access.ALBUM_OWNER_ROLE`).
ALBUM_OWNER_ROLE = Role.CONTRIBUTOR


@dataclass
class Photo:
    owner: UserId
    month: int
    library: LibraryId | None = None  # an external library of the owner's, or None for an upload
    trashed: bool = False


@dataclass
class Grant:
    """A partner share (a role), or a membership of a space (a space role) or an album (a role), with the holder's
    choice to show it on their timeline."""

    role: Role | SpaceRole
    shown: bool


@dataclass
class Space:
    members: dict[UserId, Grant] = field(default_factory=dict)
    added: dict[AssetId, UserId] = field(default_factory=dict)  # asset -> who added it
    libraries: set[LibraryId] = field(default_factory=set)


@dataclass
class Album:
    owner: UserId
    members: dict[UserId, Grant] = field(default_factory=dict)
    added: dict[AssetId, UserId] = field(default_factory=dict)  # asset -> who added it


@dataclass
class Link:
    creator: UserId
    album: AlbumId | None = None
    space: SpaceId | None = None
    selection: frozenset[AssetId] = frozenset()


@dataclass
class Family:
    photos: dict[AssetId, Photo] = field(default_factory=dict)
    partners: dict[tuple[UserId, UserId], Grant] = field(default_factory=dict)  # (owner, partner) -> grant
    spaces: dict[SpaceId, Space] = field(default_factory=dict)
    albums: dict[AlbumId, Album] = field(default_factory=dict)
    links: dict[LinkId, Link] = field(default_factory=dict)
    archived: set[tuple[UserId, AssetId]] = field(default_factory=set)  # (who archived it for themselves, asset)


# ---- what each grant reaches -----------------------------------------------------------------------------------------


def live(family: Family) -> set[AssetId]:
    """A trashed photo is in its owner's trash, and nowhere else (SPEC §3)."""
    return {asset for asset, photo in family.photos.items() if not photo.trashed}


def own(family: Family, user: UserId) -> set[AssetId]:
    return {asset for asset in live(family) if family.photos[asset].owner == user}


def archived_by_its_owner(family: Family, asset: AssetId) -> bool:
    return (family.photos[asset].owner, asset) in family.archived


def partner_share(family: Family, owner: UserId, partner: UserId) -> set[AssetId]:
    """SPEC §4: the owner's whole library but what they archived (and trashed)."""
    if (owner, partner) not in family.partners:
        return set()
    return {asset for asset in own(family, owner) if not archived_by_its_owner(family, asset)}


def space_assets(family: Family, space: SpaceId) -> set[AssetId]:
    """SPEC §6: what members added, and every photo of the connected libraries; an owner's archive stays in."""
    held = family.spaces[space]
    return {asset for asset in live(family) if asset in held.added or family.photos[asset].library in held.libraries}


def spaces_of(family: Family, user: UserId) -> list[SpaceId]:
    return [space for space, held in family.spaces.items() if user in held.members]


def albums_of(family: Family, user: UserId) -> list[AlbumId]:
    return [album for album, held in family.albums.items() if held.owner == user or user in held.members]


def reach(family: Family, user: UserId) -> set[AssetId]:
    """What a user sees through their own library, partner shares and spaces: the roots of what they share on."""
    partners = (partner_share(family, owner, user) for owner, partner in family.partners if partner == user)
    return own(family, user).union(*partners, *(space_assets(family, space) for space in spaces_of(family, user)))


def album_assets(family: Family, album: AlbumId) -> set[AssetId]:
    """SPEC §1, a share is bounded by the sharer: a photo is in the album while whoever added it still sees it."""
    return {asset for shown_in, asset in shown_entries(family) if shown_in == album}


def shown_entries(family: Family) -> set[tuple[AlbumId, AssetId]]:
    """(album, asset) of the entries whose adders still see the photo: through their own library, a partner share or
    a space, or through another album whose entry of it holds (the album itself does not count). The least such
    set: grown from the entries rooted in a library, a partner or a space until nothing more joins, so that albums
    passing a photo round among themselves hold none of it once its last root is gone."""
    entries = [(album, asset, adder) for album, held in family.albums.items() for asset, adder in held.added.items()]
    shown = {(album, asset) for album, asset, adder in entries if asset in reach(family, adder)}
    while more := {
        (album, asset)
        for album, asset, adder in entries
        if (album, asset) not in shown
        and any((other, asset) in shown for other in albums_of(family, adder) if other != album)
    }:
        shown |= more
    return shown


def visible(family: Family, user: UserId) -> set[AssetId]:
    return reach(family, user).union(*(album_assets(family, album) for album in albums_of(family, user)))


# ---- the main timeline (SPEC §8) -------------------------------------------------------------------------------------


def timeline(family: Family, user: UserId) -> set[AssetId]:
    """My photos + partners' (if shown) + spaces' (if shown) + albums shared with me that I chose to show, less what I
    archived; another member's own state never changes it, but for an owner's archive taking a photo out of their
    partner share."""
    shown = own(family, user)
    for (owner, partner), grant in family.partners.items():
        if partner == user and grant.shown:
            shown |= partner_share(family, owner, user)
    for space in spaces_of(family, user):
        if family.spaces[space].members[user].shown:
            shown |= space_assets(family, space)
    for album in albums_of(family, user):
        membership = family.albums[album].members.get(user)
        if membership and membership.shown:
            shown |= album_assets(family, album)
    return {asset for asset in shown if (user, asset) not in family.archived}


def month_counts(family: Family, user: UserId) -> dict[int, int]:
    return dict(Counter(family.photos[asset].month for asset in timeline(family, user)))


# ---- public links (SPEC §5) ------------------------------------------------------------------------------------------


def link_assets(family: Family, link: LinkId) -> set[AssetId]:
    """A link never shows more than its creator can still see; a space's, only while they may still share it."""
    shared = family.links[link]
    if shared.album is not None:
        targets = album_assets(family, shared.album) if shared.album in family.albums else set()
    elif shared.space is not None:
        targets = (
            space_assets(family, shared.space) if _may_share_space(family, shared.creator, shared.space) else set()
        )
    else:
        targets = set(shared.selection)
    return targets & visible(family, shared.creator)


def _may_share_space(family: Family, user: UserId, space: SpaceId) -> bool:
    membership = family.spaces.get(space, Space()).members.get(user)
    return membership is not None and SpaceAction.SHARE_LINK in SPACE_ACTIONS[membership.role]


# ---- roles (SPEC §3) -------------------------------------------------------------------------------------------------


def roles(family: Family, user: UserId, asset: AssetId) -> set[Role]:
    """Every role the user holds on a live photo, one per grant that reaches it; none if they cannot see it."""
    if asset not in live(family):
        return set()
    held = {Role.OWNER} if family.photos[asset].owner == user else set()
    for (owner, partner), grant in family.partners.items():
        if partner == user and asset in partner_share(family, owner, user):
            held.add(grant.role)
    for space in spaces_of(family, user):
        if asset in space_assets(family, space):
            held.add(ASSET_ROLES[family.spaces[space].members[user].role])
    for album in albums_of(family, user):
        if asset in album_assets(family, album):
            membership = family.albums[album].members.get(user)
            held.add(membership.role if membership else ALBUM_OWNER_ROLE)
    return held
