"""One photo's candidate copies through the indexes (SPEC §9), on SQLite and PostgreSQL: every pHash within the bands'
reach is found however its differing bits fall across the bands, a pHash that only shares a band is left out, and the
same checksum or the same camera within a second is found whatever the pHashes say."""

from datetime import datetime

from ml import duplicates as ml_duplicates
from services.duplicates import RADIUS
from storage import duplicates as queries
from storage.models import AssetHash
from tests.factories.family import photo_rows

PHASH = ml_duplicates.to_signed(0xF0F0_3C3C_A5A5_0FF0)
TAKEN = datetime(2024, 5, 1, 10, 0, 0)
# Bits flipped from PHASH: one or two in each band, so that only the band with a single flip points at it.
SPREAD = (0, 16, 32, 48, 1, 17, 33)


def flipped(*bits: int) -> int:
    return ml_duplicates.to_signed(ml_duplicates.to_unsigned(PHASH) ^ sum(1 << bit for bit in bits))


def hashes(asset_id, phash, checksum='c' * 40, camera=None, taken_at=None) -> AssetHash:
    bands = ml_duplicates.bands(phash) if phash is not None else (None,) * ml_duplicates.BANDS
    columns = {f'band{index}': band for index, band in enumerate(bands)}
    return AssetHash(
        asset_id=asset_id, model='test', checksum=checksum, phash=phash, camera=camera, taken_at=taken_at, **columns
    )


async def test_candidates_are_every_hash_within_reach_and_the_same_file_or_burst(hearth, alice):
    """GIVEN hashed photos 1 to 7 bits from a photo's pHash, one 8 bits off (two in each band), one sharing a band but
    far off, and far-off ones with the photo's checksum or its camera and second (and a video with its checksum)
    WHEN the photo's candidates are looked up THEN they are the near ones and the same file or burst, no other."""
    reach = ml_duplicates.band_reach(RADIUS)
    mine, *near = await photo_rows(hearth, alice.id, [202401] * (1 + reach))
    eight_off, band_only, same_file, same_burst, video, other = await photo_rows(hearth, alice.id, [202402] * 6)
    far = flipped(*range(2, 14), *range(20, 30))
    rows = [
        hashes(mine, PHASH, checksum='a' * 40, camera='Canon EOS', taken_at=TAKEN),
        *(hashes(asset_id, flipped(*SPREAD[:count])) for count, asset_id in enumerate(near, start=1)),
        hashes(eight_off, flipped(*SPREAD, 49)),
        hashes(band_only, flipped(*range(16, 40))),
        hashes(same_file, far, checksum='a' * 40),
        hashes(same_burst, far, camera='Canon EOS', taken_at=TAKEN.replace(second=1)),
        hashes(video, None, checksum='a' * 40),
        hashes(other, far, camera='Canon EOS', taken_at=TAKEN.replace(second=2)),
    ]
    async with hearth.db.session() as session:
        session.add_all(rows)
        await session.commit()

    async with hearth.db.session() as session:
        found = await queries.candidates(session, rows[0], RADIUS)

    assert ml_duplicates.distance(PHASH, flipped(*SPREAD, 49)) == reach + 1
    assert {candidate.asset_id for candidate in found} == {*near, same_file, same_burst, video}
