"""Partner sharing (SPEC §4): a whole library shared one-way with another member at a trust level."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from domain.access import Role, TrustLevel, trust_level_of
from domain.accounts import clean_email
from domain.errors import Conflict, InvalidInput, NotFound
from services import grouping
from services.accounts import Actor
from services.runtime import Hearth
from storage.models import PartnerShare, User


@dataclass(frozen=True)
class Partner:
    """One share, seen from either side: `user` is the other person."""

    user_id: uuid.UUID
    name: str
    email: str
    trust_level: TrustLevel
    show_in_timeline: bool
    since: datetime


@dataclass(frozen=True)
class Partners:
    shared_by_me: list[Partner]
    shared_with_me: list[Partner]


def parse_trust_level(value: str | TrustLevel) -> TrustLevel:
    try:
        return TrustLevel(value)
    except ValueError as error:
        choices = ', '.join(level.value for level in TrustLevel)
        raise InvalidInput(f'Trust level must be one of {choices}') from error


async def share_library(hearth: Hearth, actor: Actor, email: str, trust_level: str = TrustLevel.KNOWN) -> Partner:
    level = parse_trust_level(trust_level)
    async with hearth.db.session() as session:
        partner = await session.scalar(select(User).where(User.email == clean_email(email), User.disabled.is_(False)))
        if partner is None:
            raise NotFound(f'No member with the email {clean_email(email)}')
        if partner.id == actor.id:
            raise InvalidInput('You cannot share your library with yourself')
        share = PartnerShare(owner_id=actor.id, partner_id=partner.id, role=level.role.value)
        name = partner.name
        session.add(share)
        try:
            await session.flush()
        except IntegrityError as error:
            raise Conflict(f'Your library is already shared with {name}') from error
        await _people_may_change(session, partner.id)
        await session.commit()
    return _partner(share, partner)


async def change_trust_level(hearth: Hearth, actor: Actor, partner_id: uuid.UUID, trust_level: str) -> Partner:
    level = parse_trust_level(trust_level)
    async with hearth.db.session() as session:
        share = await _share(session, owner_id=actor.id, partner_id=partner_id)
        share.role = level.role.value
        await session.commit()
        return _partner(share, await session.get(User, partner_id))


async def stop_sharing(hearth: Hearth, actor: Actor, partner_id: uuid.UUID) -> None:
    """Ends the partner's access at once."""
    async with hearth.db.session() as session:
        await _share(session, owner_id=actor.id, partner_id=partner_id)
        await session.execute(
            delete(PartnerShare).where(PartnerShare.owner_id == actor.id, PartnerShare.partner_id == partner_id)
        )
        await _people_may_change(session, partner_id)
        await session.commit()


async def show_in_timeline(hearth: Hearth, actor: Actor, owner_id: uuid.UUID, shown: bool) -> Partner:
    """The recipient decides whether a partner's library appears on their own timeline."""
    async with hearth.db.session() as session:
        share = await _share(session, owner_id=owner_id, partner_id=actor.id)
        share.show_in_timeline = bool(shown)
        await _people_may_change(session, actor.id)
        await session.commit()
        return _partner(share, await session.get(User, owner_id))


async def list_partners(hearth: Hearth, actor: Actor) -> Partners:
    async with hearth.db.session() as session:
        mine = await session.execute(
            select(PartnerShare, User)
            .join(User, User.id == PartnerShare.partner_id)
            .where(PartnerShare.owner_id == actor.id)
            .order_by(User.name)
        )
        theirs = await session.execute(
            select(PartnerShare, User)
            .join(User, User.id == PartnerShare.owner_id)
            .where(PartnerShare.partner_id == actor.id)
            .order_by(User.name)
        )
        return Partners([_partner(s, u) for s, u in mine], [_partner(s, u) for s, u in theirs])


async def _people_may_change(session, partner_id: uuid.UUID) -> None:
    """The partner's people are grouped from the libraries they show too: regroup theirs in the background (what
    they no longer see has already left their People page; the regroup lets its faces go)."""
    await grouping.regroup_later(session, [grouping.library_subject(partner_id)])


async def _share(session, owner_id: uuid.UUID, partner_id: uuid.UUID) -> PartnerShare:
    share = await session.scalar(
        select(PartnerShare).where(PartnerShare.owner_id == owner_id, PartnerShare.partner_id == partner_id)
    )
    if share is None:
        raise NotFound('No such partner share')
    return share


def _partner(share: PartnerShare, other: User) -> Partner:
    return Partner(
        user_id=other.id,
        name=other.name,
        email=other.email,
        trust_level=trust_level_of(Role(share.role)),
        show_in_timeline=share.show_in_timeline,
        since=share.created_at,
    )
