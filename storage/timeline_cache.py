"""What albums, spaces and connected libraries add to each user's timeline per month, cached; the counters that say
when a cached copy is stale; and a cache of anything else kept while chosen counters hold.

The library part of a timeline reads a few month rows; the shared part reads every shared row (about 2.5 µs each,
13 ms for 20 albums of 250) yet changes only when sharing does. Every session that writes to a table those rows
depend on moves the `sharing` counter in the same transaction, so a copy is used only while the counter still holds
the value it was read at — by any process on the same database. The `people` counter moves the same way with every
change to faces, people, their names and groups, identity decisions and spaces' names: with `sharing`, it tells
when a member's resolved identities (Global People) are stale.
"""

import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import Select, event, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, attributes
from sqlalchemy.sql.dml import Delete, Insert, Update

from storage import access
from storage.models import AssetDetails, AssetUserState, ChangeCounter

SHARING = 'sharing'
PEOPLE = 'people'
_CHANGED = 'hearth.sharing_changed'
_PEOPLE_CHANGED = 'hearth.people_changed'
_MAX_ENTRIES = 512
T = TypeVar('T')

# Any insert, update or delete of these rows changes who gets what through a share.
_SHARING_ROWS = {'album_assets', 'album_members', 'space_assets', 'space_members', 'space_libraries', 'partner_shares'}
# Deleting these cascades to sharing rows.
_DELETES = {'albums', 'spaces', 'external_libraries', 'users', 'assets', 'asset_details', 'asset_user_state'}
# Any insert, update or delete of these rows may change someone's people (faces, groups, names, decisions, and the
# names of the spaces people are shown with).
_PEOPLE_ROWS = {'faces', 'people', 'person_faces', 'identity_decisions', 'face_rejections', 'spaces'}
# Updates of these columns move shared assets between months, owners, or in and out of the timeline.
_COLUMNS = {
    'assets': {'trashed_at', 'owner_id'},
    'asset_details': {'month_key', 'owner_id', 'library_id'},
    'asset_user_state': {'archived'},
}


class SharedExtrasCache:
    """Per (database, user): the counter value and the months it was computed at. Bounded, least recent out."""

    def __init__(self, max_entries: int = _MAX_ENTRIES):
        self._entries: OrderedDict[tuple[str, uuid.UUID], tuple[int, dict[int, int]]] = OrderedDict()
        self._max_entries = max_entries

    async def per_month(self, session: AsyncSession, actor_id: uuid.UUID, counter: int | None = None) -> dict[int, int]:
        """`counter`: the sharing counter's value if the caller read it already (see `COUNTER_ROW`)."""
        # The counter is read first: a change committed after it makes this copy old at once, never wrongly current.
        if counter is None:
            counter = await sharing_counter(session)
        key = (session.bind.url.render_as_string(hide_password=True), actor_id)
        entry = self._entries.get(key)
        if entry and entry[0] == counter:
            self._entries.move_to_end(key)
            return entry[1]
        rows = await session.execute(access.shared_extras_per_month(actor_id))
        months = {month: int(count) for month, count in rows}
        if not session.sync_session.info.get(_CHANGED):  # this transaction's own changes may yet roll back
            self._entries[key] = (counter, months)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return months

    def clear(self) -> None:
        self._entries.clear()


shared_extras = SharedExtrasCache()


async def sharing_counter(session: AsyncSession) -> int:
    return await session.scalar(counter_row().with_only_columns(ChangeCounter.value))


# A (month, count)-shaped row that carries the counter, so a statement of month counts can read it in the same
# round trip; no month key is negative.
COUNTER_ROW = -1


def counter_row() -> Select:
    return select(literal(COUNTER_ROW), ChangeCounter.value).where(ChangeCounter.name == SHARING)


def track_sharing_changes(session_class: type[Session]) -> None:
    """Sessions of this class move the sharing counter when they commit a change that could alter a shared timeline."""
    event.listen(session_class, 'before_flush', _note_flushed_changes)
    event.listen(session_class, 'do_orm_execute', _note_statement)
    event.listen(session_class, 'before_commit', _move_counter)
    event.listen(session_class, 'after_transaction_end', _forget_changes)


def _note_flushed_changes(session: Session, _context, _instances) -> None:
    if not session.info.get(_PEOPLE_CHANGED):
        rows = (*session.new, *session.deleted, *session.dirty)
        if any(_table(row) in _PEOPLE_ROWS for row in rows):
            session.info[_PEOPLE_CHANGED] = True
    if session.info.get(_CHANGED):
        return
    changed = (
        any(_new_row_matters(row) for row in session.new)
        or any(_table(row) in _SHARING_ROWS | _DELETES for row in session.deleted)
        or any(_update_matters(row) for row in session.dirty)
    )
    if changed:
        session.info[_CHANGED] = True


def _table(row) -> str:
    return row.__table__.name


def _new_row_matters(row) -> bool:
    if isinstance(row, AssetDetails):
        return row.library_id is not None
    if isinstance(row, AssetUserState):
        return bool(row.archived)
    return _table(row) in _SHARING_ROWS


def _update_matters(row) -> bool:
    table = _table(row)
    if table in _SHARING_ROWS:
        return True
    state = attributes.instance_state(row)
    return any(state.attrs[name].history.has_changes() for name in _COLUMNS.get(table, ()))


def _note_statement(execute_state) -> None:
    statement = execute_state.statement
    if not isinstance(statement, Insert | Update | Delete):
        return
    table = statement.table.name
    if table in _PEOPLE_ROWS:
        execute_state.session.info[_PEOPLE_CHANGED] = True
    if table in _SHARING_ROWS:
        matters = True
    elif isinstance(statement, Delete):
        matters = table in _DELETES
    elif isinstance(statement, Insert):
        matters = table in ('asset_details', 'asset_user_state')
    else:
        matters = _updated_columns(statement) & _COLUMNS.get(table, set())
    if matters:
        execute_state.session.info[_CHANGED] = True


def _updated_columns(statement: Update) -> set[str]:
    values = statement._values  # no public accessor; an ORM bulk update by primary key leaves it empty
    if not values:
        return set().union(*_COLUMNS.values())
    return {getattr(column, 'key', column) for column in values}


def _move_counter(session: Session) -> None:
    session.flush()
    for flag, name in ((_CHANGED, SHARING), (_PEOPLE_CHANGED, PEOPLE)):
        if session.info.pop(flag, False):
            session.execute(
                update(ChangeCounter).where(ChangeCounter.name == name).values(value=ChangeCounter.value + 1)
            )


def _forget_changes(session: Session, transaction) -> None:
    if transaction.parent is None:  # a savepoint's rollback leaves the changes made before it
        session.info.pop(_CHANGED, None)
        session.info.pop(_PEOPLE_CHANGED, None)


def _has_pending_changes(session: AsyncSession) -> bool:
    return any(session.sync_session.info.get(flag) for flag in (_CHANGED, _PEOPLE_CHANGED))


class StampedCache:
    """Values computed from the database, per (database, key), each kept with the values of `counters` read before
    it was computed, and used while those counters still hold them: any committed change they count, by any process
    on the same database, makes it stale at once. Bounded, least recent out."""

    def __init__(self, *counters: str, max_entries: int = 64):
        self._counters = counters
        self._entries: OrderedDict[tuple[str, object], tuple[tuple[int, ...], object]] = OrderedDict()
        self._max_entries = max_entries

    async def get(self, session: AsyncSession, key: object, compute: Callable[[], Awaitable[T]]) -> T:
        stamp = await counter_values(session, self._counters)
        key = (session.bind.url.render_as_string(hide_password=True), key)
        entry = self._entries.get(key)
        if entry and entry[0] == stamp:
            self._entries.move_to_end(key)
            return entry[1]
        value = await compute()
        if not _has_pending_changes(session):  # this transaction's own changes may yet roll back
            self._entries[key] = (stamp, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()


async def counter_values(session: AsyncSession, names: tuple[str, ...]) -> tuple[int, ...]:
    rows = dict(
        (
            await session.execute(select(ChangeCounter.name, ChangeCounter.value).where(ChangeCounter.name.in_(names)))
        ).all()
    )
    return tuple(rows.get(name, 0) for name in names)
