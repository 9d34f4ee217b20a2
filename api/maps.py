"""The map of my timeline, a space, an album or a public link that shows metadata: the same four routes under each,
scoped exactly as that timeline is. Clusters are made on the server per viewport, so an answer stays a few hundred
rows whatever the library's size."""

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api import schemas
from api.deps import CurrentActor, Instance
from api.public import Visitor
from domain.geo import MAX_ZOOM, MIN_ZOOM, Cell, Viewport
from services import map as maps
from services.map import ScopeOf, Years

router = APIRouter(tags=['map'])


class SummaryOut(BaseModel):
    count: int = Field(description='Geotagged photos in the scope (within the years, if given)')
    years: tuple[int, int] | None = Field(description='The first and last year of its geotagged photos')
    bounds: tuple[float, float, float, float] | None = Field(description='south, west, north, east')


class ClusterOut(BaseModel):
    cell: str = Field(description='level/x/y of the grid cell: pass it as `cell` for the photos of this cluster')
    lat: float = Field(description="The cluster's centre: its photos' mean position (a single photo's own)")
    lon: float
    count: int
    cover: uuid.UUID = Field(description='Id of one of its photos, for a thumbnail')


class ClustersOut(BaseModel):
    zoom: int
    total: int = Field(description='Photos in the cells the viewport touches: the sum of the counts')
    bounds: tuple[float, float, float, float] = Field(
        description='south, west, north, east of those cells (west > east across the antimeridian)'
    )
    clusters: list[ClusterOut]


def _years(
    from_year: Annotated[int | None, Query(description='Only photos taken in this year or later')] = None,
    to_year: Annotated[int | None, Query(description='Only photos taken in this year or earlier')] = None,
) -> Years:
    return maps.years_between(from_year, to_year)


def _cell(cell: Annotated[str, Query(description='A cluster: level/x/y, as the clusters name it')] = '0/0/0') -> Cell:
    """By default the whole world: every geotagged photo of the scope."""
    return Cell.parse(cell)


InYears = Annotated[Years, Depends(_years)]
OfCell = Annotated[Cell, Depends(_cell)]


def _timeline(actor: CurrentActor) -> ScopeOf:
    return maps.of_timeline(actor)


def _space(space_id: uuid.UUID, actor: CurrentActor) -> ScopeOf:
    return maps.of_space(actor, space_id)


def _album(album_id: uuid.UUID, actor: CurrentActor) -> ScopeOf:
    return maps.of_album(actor, album_id)


def _link(token: str, visitor: Visitor, instance: Instance) -> ScopeOf:
    return maps.of_link(instance, token, visitor)


def _add_routes(prefix: str, scope_of: Callable[..., ScopeOf], scope_name: str) -> None:
    Scoped = Annotated[ScopeOf, Depends(scope_of)]

    @router.get(f'{prefix}/summary', response_model=SummaryOut, summary=f'Summary of the map of {scope_name}')
    async def summary(scope: Scoped, instance: Instance, years: InYears):
        found = await maps.summary(instance, scope, years)
        return SummaryOut(count=found.count, years=found.years, bounds=found.bounds)

    @router.get(f'{prefix}/clusters', response_model=ClustersOut, summary=f'Clusters on the map of {scope_name}')
    async def clusters(
        scope: Scoped,
        instance: Instance,
        years: InYears,
        south: Annotated[float, Query(ge=-90, le=90)] = -90,
        west: float = -180,
        north: Annotated[float, Query(ge=-90, le=90)] = 90,
        east: float = 180,
        zoom: Annotated[int, Query(ge=MIN_ZOOM, le=MAX_ZOOM)] = MIN_ZOOM,
    ):
        """The photos in the viewport, a cluster per cell of the map's grid about 64 screen pixels wide at this zoom.
        Whole cells are counted, so a cluster's count stays as the map pans and equals the photos of its grid. West
        and east may lie beyond ±180 after panning round the world."""
        viewport = Viewport.checked(south, west, north, east)
        found = await maps.clusters(instance, scope, viewport, zoom, years)
        return ClustersOut(
            zoom=found.zoom,
            total=found.total,
            bounds=found.bounds,
            clusters=[
                ClusterOut(cell=c.cell, lat=c.latitude, lon=c.longitude, count=c.count, cover=c.cover)
                for c in found.clusters
            ],
        )

    @router.get(
        f'{prefix}/buckets', response_model=list[schemas.BucketOut], summary=f'Months of a cluster: {scope_name}'
    )
    async def buckets(scope: Scoped, instance: Instance, cell: OfCell, years: InYears):
        """The months of one cluster's photos, newest first, with counts: as the timeline's."""
        months = await maps.cell_buckets(instance, scope, cell, years)
        return [schemas.BucketOut(month=month, count=count) for month, count in months]

    @router.get(
        f'{prefix}/buckets/{{month}}',
        response_model=schemas.BucketAssetsOut,
        summary=f'A month of a cluster: {scope_name}',
    )
    async def bucket(month: str, scope: Scoped, instance: Instance, cell: OfCell, years: InYears):
        return schemas.bucket_out(month, await maps.cell_bucket(instance, scope, cell, month, years))


_add_routes('/map', _timeline, 'my timeline')
_add_routes('/spaces/{space_id}/map', _space, 'a space')
_add_routes('/albums/{album_id}/map', _album, 'an album')
_add_routes('/public/{token}/map', _link, 'a public link')
