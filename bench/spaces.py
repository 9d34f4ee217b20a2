"""Shared Spaces at scale: "Add all my photos" for 30,000 assets, and a member's main timeline once 50 spaces with
connected libraries exist, each next to a baseline measured in the same run.

    python -m bench.spaces [--assets 1000000] [--database-url URL] [--repeat 20]

10 members share the library; the last owns exactly 30,000 assets and adds them all to a new space (timed, against a
bare INSERT ... SELECT of the same rows into a scratch table). 50 spaces each get two members, one connected external
library of 2,000 of the owner's assets and 1,000 assets the other member added; the first member's main-timeline
month buckets are timed before and after (the ratio is the figure).
"""

import argparse
import asyncio
import time
import uuid
from pathlib import Path

from sqlalchemy import select, text, update

from bench.common import OUT, p50_p95, print_table
from bench.timeline import fill, loaded_family, measure, settle
from services import spaces
from services.accounts import Actor
from services.runtime import Hearth
from storage.models import Asset, AssetDetails, ExternalLibrary

USERS, SPACES = 10, 50
ADDER_ASSETS = 30_000
LIBRARY_SIZE, ADDED_PER_SPACE = 2_000, 1_000


def owner_slots(members: list[Actor], count: int) -> list[uuid.UUID]:
    """Round-robin slots for `fill`: the last member gets exactly ADDER_ASSETS, the others share the rest."""
    per_hundred = round(100 * ADDER_ASSETS / count)
    assert per_hundred * count == 100 * ADDER_ASSETS, 'the asset count must be a multiple of 100 / 3'
    others = [member.id for member in members[:-1]]
    return [others[n % len(others)] for n in range(100 - per_hundred)] + [members[-1].id] * per_hundred


async def free_assets(hearth: Hearth, owner: Actor, number: int, offset: int) -> list[uuid.UUID]:
    """`number` of the owner's assets in no external library, from `offset` in date order."""
    async with hearth.db.session() as session:
        rows = await session.scalars(
            select(AssetDetails.asset_id)
            .where(AssetDetails.owner_id == owner.id, AssetDetails.library_id.is_(None))
            .order_by(AssetDetails.taken_at)
            .offset(offset)
            .limit(number)
        )
        return list(rows)


async def external_library(hearth: Hearth, owner: Actor, name: str) -> uuid.UUID:
    """A library row holding LIBRARY_SIZE of the owner's assets (what a scan would have found)."""
    ids = await free_assets(hearth, owner, LIBRARY_SIZE, offset=0)
    async with hearth.db.session() as session:
        library = ExternalLibrary(owner_id=owner.id, name=name, path=f'/srv/{name}')
        session.add(library)
        await session.flush()
        await session.execute(update(Asset).where(Asset.id.in_(ids)).values(library_id=library.id))
        await session.execute(update(AssetDetails).where(AssetDetails.asset_id.in_(ids)).values(library_id=library.id))
        await session.commit()
        return library.id


async def build_spaces(hearth: Hearth, members: list[Actor]) -> int:
    """SPACES spaces among the members but the adder; returns how many the first member is in."""
    family = members[:-1]
    mine = 0
    for number in range(SPACES):
        owner = family[number % len(family)]
        other = family[(number + 1 + number // len(family)) % len(family)]
        if other is owner:
            other = family[(number + 2) % len(family)]
        space = await spaces.create_space(hearth, owner, f'Space {number}')
        await spaces.add_member(hearth, owner, space.id, other.email, 'editor')
        library_id = await external_library(hearth, owner, f'library-{number}')
        await spaces.connect_library(hearth, owner, space.id, library_id)
        added = await free_assets(hearth, other, ADDED_PER_SPACE, offset=number * ADDED_PER_SPACE % 50_000)
        if added:  # a small --assets run runs out of free assets
            await spaces.add_assets(hearth, other, space.id, added)
        mine += members[0] in (owner, other)
    return mine


async def time_add_all(hearth: Hearth, adder: Actor, repeat: int) -> tuple[list[float], list[float], int]:
    """Milliseconds of "Add all my photos" into a new space each time, and of the bare INSERT ... SELECT."""
    service, baseline, added = [], [], 0
    for run in range(repeat):
        space = await spaces.create_space(hearth, adder, f'All mine {run}')
        start = time.perf_counter()
        added = await spaces.add_all_my_assets(hearth, adder, space.id)
        service.append((time.perf_counter() - start) * 1000)
        baseline.append(await bare_insert_select(hearth, adder))
    return service, baseline, added


async def bare_insert_select(hearth: Hearth, adder: Actor) -> float:
    async with hearth.db.engine.begin() as connection:
        await connection.execute(text('DROP TABLE IF EXISTS bench_copy'))
        uuid_type = 'CHAR(32)' if hearth.db.is_sqlite else 'UUID'  # how each stores the ids it copies
        columns = f'asset_id {uuid_type}, owner_id {uuid_type}, month_key INT'
        await connection.execute(text(f'CREATE TABLE bench_copy ({columns})'))
    copy = text(
        'INSERT INTO bench_copy SELECT asset_id, owner_id, month_key FROM asset_details WHERE owner_id = :owner'
    )
    start = time.perf_counter()
    async with hearth.db.engine.begin() as connection:
        await connection.execute(copy, {'owner': adder.id.hex if hearth.db.is_sqlite else adder.id})
    return (time.perf_counter() - start) * 1000


async def bench(count: int, database_url: str | None, repeat: int, workdir: Path) -> list[list]:
    async def load(hearth: Hearth, members: list[Actor]) -> None:
        await fill(hearth, owner_slots(members, count), count)

    async with loaded_family(workdir, count, database_url, USERS, load) as (hearth, members):
        backend = hearth.db.engine.dialect.name
        service, baseline, added = await time_add_all(hearth, members[-1], repeat=5)
        rows = [
            _row('add_all_my_assets', f'{added:,} assets', service),
            _row('baseline: INSERT ... SELECT', f'{added:,} rows', baseline),
        ]
        own = await measure(hearth, members[0], repeat)
        joined = await build_spaces(hearth, members)
        await settle(hearth)
        shared = await measure(hearth, members[0], repeat)
    for warm_or_cold in (0, 1):
        ratio = float(shared[warm_or_cold][2]) / float(own[warm_or_cold][2])
        print(f'{own[warm_or_cold][0]} in {joined} of {SPACES} spaces / own only: {ratio:.2f}x', flush=True)
    rows += [*own[:2], own[3], *([f'{label} in {joined} spaces', *rest] for label, *rest in shared[:3])]
    return [[backend, f'{count:,} / {USERS} users', *row] for row in rows]


def _row(label: str, result: str, samples: list[float]) -> list[object]:
    p50, p95 = p50_p95(samples)
    return [label, result, f'{p50:.1f}', f'{p95:.1f}']


async def main(arguments: argparse.Namespace) -> None:
    rows = await bench(arguments.assets, arguments.database_url, arguments.repeat, arguments.workdir)
    print(f'{arguments.repeat} runs of each timeline query after 3 warm-up runs, for the first member; add-all 5 runs')
    print_table(['database', 'assets', 'measure', 'result', 'p50 ms', 'p95 ms'], rows)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--assets', type=int, default=1_000_000, help='library size (default 1000000)')
    parser.add_argument('--database-url', help='postgresql+asyncpg://... (default: SQLite in the work folder)')
    parser.add_argument('--repeat', type=int, default=20, help='measured runs per timeline query (default 20)')
    parser.add_argument('--workdir', type=Path, default=OUT / 'spaces', help='where the data folders go')
    asyncio.run(main(parser.parse_args()))


if __name__ == '__main__':
    run()
