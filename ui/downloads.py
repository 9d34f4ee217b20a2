"""Download buttons hand the browser a zip of originals: the download is checked here first, so that a refusal is a
message on the page rather than an error page; then the browser asks for it itself (a plain navigation or form
submission, never a fetch into the page's memory) and saves it to disk with its own progress."""

import json
import uuid
from collections.abc import Awaitable, Collection
from urllib.parse import urlencode

from nicegui import ui

from domain.access import Permission, permissions_of
from domain.errors import HearthError
from services import downloads, runtime
from services.accounts import Actor
from services.albums import AlbumSummary
from services.downloads import ZipDownload
from services.links import Guest
from services.spaces import SpaceSummary
from ui.theme import plural

_FETCH = """(() => {
  const [method, action, ids] = %s;
  if (method === 'get') return window.location.assign(action);
  const form = Object.assign(document.createElement('form'), {method, action});
  for (const value of ids) {
    form.append(Object.assign(document.createElement('input'), {type: 'hidden', name: 'ids', value}));
  }
  document.body.append(form);
  form.submit();
  form.remove();
})()"""


def may_download_album(album: AlbumSummary) -> bool:
    level = album.my_trust_level
    return album.is_mine or (level is not None and Permission.DOWNLOAD in permissions_of([level.role]))


def may_download_space(space: SpaceSummary) -> bool:
    return Permission.DOWNLOAD in permissions_of([space.my_role.asset_role])


async def download_selection(actor: Actor, ids: Collection[uuid.UUID]) -> None:
    await _offer(downloads.download_selection(runtime.current(), actor, ids), '/api/downloads', ids)


async def download_album(actor: Actor, album_id: uuid.UUID, ids: Collection[uuid.UUID] = ()) -> None:
    chosen = list(ids) or None
    preparing = downloads.download_album(runtime.current(), actor, album_id, chosen)
    await _offer(preparing, f'/api/albums/{album_id}/download', ids)


async def download_space(actor: Actor, space_id: uuid.UUID, ids: Collection[uuid.UUID] = ()) -> None:
    chosen = list(ids) or None
    preparing = downloads.download_space(runtime.current(), actor, space_id, chosen)
    await _offer(preparing, f'/api/spaces/{space_id}/download', ids)


async def download_from_link(token: str, key: str | None) -> None:
    """Everything the public link shows; a password-protected link is unlocked by its key, never the password."""
    preparing = downloads.download_from_link(runtime.current(), token, Guest(key=key))
    query = f'?{urlencode({"key": key})}' if key else ''
    await _offer(preparing, f'/api/public/{token}/download{query}')


async def _offer(preparing: Awaitable[ZipDownload], url: str, ids: Collection[uuid.UUID] = ()) -> None:
    try:
        download = await preparing
    except HearthError as error:
        ui.notify(str(error), type='negative', multi_line=True)
        return
    ui.notify(
        f'Preparing {plural(download.count, "photo")}… Your browser will save them as one file, “{download.filename}”.',
        type='info',
        multi_line=True,
    )
    request = ['post' if ids else 'get', url, [str(asset_id) for asset_id in ids]]
    ui.run_javascript(_FETCH % json.dumps(request))
