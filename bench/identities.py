"""Global People: resolving one member's identities with 20 spaces and 50,000 faces, and the update after 100 new
photos in a space.

python -m bench.identities [--faces 50000 --spaces 20 --repeat 10]

Generated data, written straight to the database and the vector store: 500 real people (centres 1.6 apart, their
faces 0.16 around them), one face per photo. Three quarters of the faces are in the member's own library, grouped
into their own people; each of the 20 spaces holds 625 of those photos (shared faces) and 625 of a relative's.
Each figure stands next to a baseline measured in the same run: listing the member's own library's people (no
resolution), and the full rebuild (`main.py people rebuild`: every library and space regrouped).
"""

import argparse
import asyncio
import shutil
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import insert

from bench.common import OUT, p50_p95, print_table, started_hearth, timings_ms
from bench.timeline import batches
from domain.jobs import Queue
from ml.faces import MODEL_VERSION
from services import accounts, grouping, identities, people, spaces
from services.accounts import Actor
from services.runtime import Hearth
from storage import jobs as job_rows
from storage.models import Asset, AssetDetails, Face, Person, PersonFace, SpaceMember

REAL_PEOPLE = 500
PEOPLE_PER_SPACE = 100
NEW_PHOTOS = 100


async def build(hearth: Hearth, faces: int, space_count: int, rng: np.random.Generator):
    """The member, a relative, the spaces and every face; returns (member, spaces, centres)."""
    member = await accounts.create_user(hearth, None, 'ann@example.com', 'Ann', 'bench password')
    kin = await accounts.create_user(hearth, None, 'bo@example.com', 'Bo', 'bench password')
    centres = rng.normal(0, 0.1, (REAL_PEOPLE, 128))
    own_count = faces // 2 + faces // 4  # the library's own faces, of which a third also lie in spaces
    own_assets = await assets_of(hearth, member.id, own_count)
    kin_assets = await assets_of(hearth, kin.id, faces - own_count)
    own_who = rng.integers(0, REAL_PEOPLE, own_count)
    own_faces = await add_faces(hearth, own_assets, own_who, centres, rng)
    await group_library(hearth, member.id, own_faces, own_who)
    space_ids = []
    per_space = (faces // 2) // space_count
    for number in range(space_count):
        space = await spaces.create_space(hearth, member, f'Space {number}')
        await add_member(hearth, space.id, kin.id)
        who = rng.choice(REAL_PEOPLE, PEOPLE_PER_SPACE, replace=False)
        mine = own_assets[number * per_space // 2 : (number + 1) * per_space // 2]
        theirs = kin_assets[number * per_space // 2 : (number + 1) * per_space // 2]
        kin_who = rng.choice(who, len(theirs))
        await add_faces(hearth, theirs, kin_who, centres, rng)
        await spaces.add_assets(hearth, member, space.id, mine)
        await spaces.add_assets(hearth, kin, space.id, theirs)
        await grouping.group_new_faces(hearth, grouping.SpaceScope(space.id))
        space_ids.append(space.id)
    return member, kin, space_ids, centres


async def assets_of(hearth: Hearth, owner_id: uuid.UUID, count: int) -> list[uuid.UUID]:
    ids = []
    async with hearth.db.engine.begin() as connection:
        for asset_batch, details_batch, _ in batches([owner_id], count):
            for asset in asset_batch:  # the generator repeats itself per call: new ids, checksums and paths
                asset['trashed_at'] = asset['trashed_by_id'] = asset['trashed_from'] = None
                asset['id'] = uuid.uuid4()
                asset['checksum'] = asset['id'].hex
                asset['original_path'] = f'originals/{owner_id.hex}/{asset["id"].hex}.jpg'
            for asset, details in zip(asset_batch, details_batch, strict=True):
                details['asset_id'] = asset['id']
                details['owner_id'] = owner_id
            await connection.execute(insert(Asset.__table__), asset_batch)
            await connection.execute(insert(AssetDetails.__table__), details_batch)
            ids += [asset['id'] for asset in asset_batch]
    return ids


async def add_faces(hearth: Hearth, asset_ids, who, centres, rng) -> list[uuid.UUID]:
    """One face per asset, of the real person `who[i]`; vectors into the store."""
    face_ids = [uuid.uuid4() for _ in asset_ids]
    vectors = centres[who] + rng.normal(0, 0.01, (len(asset_ids), 128))
    rows = [
        {
            'id': face_id,
            'asset_id': asset_id,
            'x': 0.3,
            'y': 0.2,
            'width': 0.2,
            'height': 0.3,
            'score': 0.9,
            'embedding_id': str(face_id),
            'model': MODEL_VERSION,
        }
        for face_id, asset_id in zip(face_ids, asset_ids, strict=True)
    ]
    async with hearth.db.engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            await connection.execute(insert(Face.__table__), rows[start : start + 5000])
    for start in range(0, len(face_ids), 5000):
        chunk = slice(start, start + 5000)
        ids = [str(face_id) for face_id in face_ids[chunk]]
        await asyncio.to_thread(hearth.vectors.put, ids, list(vectors[chunk]), [str(a) for a in asset_ids[chunk]])
    return face_ids


async def group_library(hearth: Hearth, owner_id: uuid.UUID, face_ids, who) -> None:
    """The library's people, as grouping would have made them (one per real person in it)."""
    person_of = {}
    async with hearth.db.engine.begin() as connection:
        for real in sorted(set(int(index) for index in who)):
            person_of[real] = uuid.uuid4()
        await connection.execute(
            insert(Person.__table__),
            [
                {'id': p, 'owner_id': owner_id, 'hidden': False, 'created_at': datetime.now(UTC)}
                for p in person_of.values()
            ],
        )
        rows = [
            {'person_id': person_of[int(real)], 'face_id': face_id, 'scope_id': owner_id, 'confirmed': False}
            for face_id, real in zip(face_ids, who, strict=True)
        ]
        for start in range(0, len(rows), 5000):
            await connection.execute(insert(PersonFace.__table__), rows[start : start + 5000])
    await grouping.group_new_faces(hearth, grouping.LibraryScope(owner_id))  # writes the centres


async def add_member(hearth: Hearth, space_id: uuid.UUID, user_id: uuid.UUID) -> None:
    async with hearth.db.session() as session:
        session.add(SpaceMember(space_id=space_id, user_id=user_id, role='editor'))
        await session.commit()


def _afresh(call):
    async def after_a_change():
        identities.resolved.clear()  # as when a face, a name or a grant has changed since the last read
        return await call()

    return after_a_change


async def measure(hearth: Hearth, member: Actor, kin: Actor, space_ids, centres, repeat: int, rng) -> list[list]:
    rows = []
    listed = await identities.list_identities(hearth, member)
    first = listed[0].id
    baseline = p50_p95(await timings_ms(lambda: people.list_people(hearth, member), repeat))
    page, one = (
        (lambda: identities.list_identities(hearth, member)),
        (lambda: identities.get_identity(hearth, member, first)),
    )
    for label, call in (
        ('People page: all identities with counts, as usually read (nothing changed since)', page),
        ('People page, the first read after a change (resolved afresh)', _afresh(page)),
        ('one identity with its evidence, as usually read', one),
        ('one identity, the first read after a change', _afresh(one)),
    ):
        p50, p95 = p50_p95(await timings_ms(call, repeat))
        rows.append([label, f'{p50:.0f} / {p95:.0f}', f'{baseline[0]:.0f} / {baseline[1]:.0f} (own people only)'])
    space = space_ids[0]
    new_assets = await assets_of(hearth, kin.id, NEW_PHOTOS)
    await add_faces(hearth, new_assets, rng.integers(0, REAL_PEOPLE, NEW_PHOTOS), centres, rng)
    start = time.perf_counter()
    await spaces.add_assets(hearth, kin, space, new_assets)
    async with hearth.db.session() as session:
        await job_rows.enqueue(session, Queue.CLUSTERING, 'people', [grouping.space_subject(space)])
        await session.commit()
    await grouping.group_new_faces(hearth, grouping.SpaceScope(space))
    grouped = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    updated = await identities.list_identities(hearth, member)
    read = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    await grouping.regroup_everything(hearth)
    rebuild = (time.perf_counter() - start) * 1000
    rows.append(
        [
            f'{NEW_PHOTOS} photos added to a space: the space groups their faces, then the People page reads',
            f'{grouped:.0f} + {read:.0f}',
            f'{rebuild:.0f} (people rebuild: every scope in full)',
        ]
    )
    rows.append(['identities', len(listed), f'{len(updated)} after the new photos'])
    return rows


async def main(arguments: argparse.Namespace) -> None:
    data = arguments.workdir / 'data'
    shutil.rmtree(data, ignore_errors=True)
    hearth = await started_hearth(data)
    rng = np.random.default_rng(7)
    try:
        start = time.perf_counter()
        member, kin, space_ids, centres = await build(hearth, arguments.faces, arguments.spaces, rng)
        print(f'built {arguments.faces} faces in {arguments.spaces} spaces in {time.perf_counter() - start:.0f} s')
        rows = await measure(hearth, member, kin, space_ids, centres, arguments.repeat, rng)
    finally:
        await hearth.stop()
    print_table(['what', 'ms (p50 / p95)', 'baseline ms'], rows)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--faces', type=int, default=50_000)
    parser.add_argument('--spaces', type=int, default=20)
    parser.add_argument('--repeat', type=int, default=10)
    parser.add_argument('--workdir', type=Path, default=OUT / 'identities')
    asyncio.run(main(parser.parse_args()))


if __name__ == '__main__':
    run()
