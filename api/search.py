"""Search: one query over everything I can see, or over one space I am a member of (`space`), as a ranked page, as
a timeline (months and their photos) and as facets that narrow it. The same parameters on every route."""

import uuid
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api import schemas
from api.deps import CurrentActor, Instance
from domain.search import MAX_QUERY_LENGTH
from services import search
from services.search import MAX_PAGE, Narrowing

router = APIRouter(prefix='/search', tags=['search'])


@dataclass
class SearchParams:
    q: Annotated[
        str,
        Query(
            max_length=MAX_QUERY_LENGTH,
            description='What to find, in plain words: "Grandma beach 2019", "boat Edinburgh", "christmas videos". '
            'Years, months, seasons, holidays, the names of people I see, "videos" and "favorites" are filters; '
            'the other words must each be in a photo: its description, tags, place, camera, file name, the text '
            'in it or what is in it.',
        ),
    ] = ''
    space: Annotated[uuid.UUID | None, Query(description='Search this space only (404 if I am not a member)')] = None
    year: Annotated[int | None, Query(ge=1800, le=2200, description='Narrow to one year (a facet)')] = None
    place: Annotated[
        str | None, Query(max_length=300, description="Narrow to a place: 'country:GB' or 'city:GB/Edinburgh'")
    ] = None
    media: Annotated[Literal['photo', 'video'] | None, Query(description='Narrow to photos or videos')] = None
    camera: Annotated[str | None, Query(max_length=100, description='Narrow to a camera model (a facet)')] = None
    more: Annotated[
        bool, Query(description='Also what only looks like a word asked for (a "puppy" search: the dogs seen)')
    ] = False

    def query(self) -> search.Query:
        return search.Query(self.q, self.space, Narrowing(self.year, self.place, self.media, self.camera), self.more)


Params = Annotated[SearchParams, Depends()]


class RecognisedOut(BaseModel):
    text: str = Field(description='The words of the query, as folded')
    kind: str = Field(description='person, year, month, season, holiday, videos or favorites')


class SearchOut(BaseModel):
    recognised: list[RecognisedOut] = Field(description='Parts of the query taken as filters')
    words: list[str] = Field(description='Words each result holds')
    unmatched: list[str] = Field(description='Words no photo in the scope holds: left out of the search')
    total: int = Field(description='How many photos the query finds in all, or at least (`at_least`)')
    at_least: bool = Field(
        description='The query finds more than `total` photos: counting stops there (at 10,000), pages go on'
    )
    more: int = Field(description='How many more `more=true` would find: photos that only look like a word asked for')
    assets: list[schemas.TimelineItemOut]


class FacetOut(BaseModel):
    value: str = Field(description='Pass as the facet parameter (year, place, media) to narrow the search')
    label: str
    count: int


class FacetsOut(BaseModel):
    years: list[FacetOut]
    places: list[FacetOut]
    cameras: list[FacetOut]
    media: list[FacetOut]


@router.get('', response_model=SearchOut)
async def find(
    params: Params,
    actor: CurrentActor,
    instance: Instance,
    order: Literal['relevance', 'date'] = 'relevance',
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 60,
    offset: schemas.Offset = 0,
):
    """One page of what the query finds: best first (`relevance`) or newest first (`date`)."""
    found = await search.search(instance, actor, params.query(), order, limit, offset)
    understood = found.understood
    return SearchOut(
        recognised=[RecognisedOut(text=part.text, kind=part.kind.value) for part in understood.recognised],
        words=[word for word in understood.words if word not in found.unmatched],
        unmatched=list(found.unmatched),
        total=found.total,
        at_least=found.at_least,
        more=found.more,
        assets=schemas.bucket_out('', found.items).assets,
    )


@router.get('/buckets', response_model=list[schemas.BucketOut])
async def buckets(params: Params, actor: CurrentActor, instance: Instance):
    """What the query finds as a timeline: its months, newest first, with counts."""
    months = await search.buckets(instance, actor, params.query())
    return [schemas.BucketOut(month=month, count=count) for month, count in months]


@router.get('/buckets/{month}', response_model=schemas.BucketAssetsOut)
async def bucket(month: str, params: Params, actor: CurrentActor, instance: Instance):
    """One month (YYYY-MM) of what the query finds, newest first."""
    return schemas.bucket_out(month, await search.bucket(instance, actor, params.query(), month))


@router.get('/facets', response_model=FacetsOut)
async def facets(params: Params, actor: CurrentActor, instance: Instance):
    """What the results hold, each with a count: years, countries, cameras, photos and videos."""
    found = await search.facets(instance, actor, params.query())
    return FacetsOut(
        **{name: [FacetOut(**vars(facet)) for facet in getattr(found, name)] for name in FacetsOut.model_fields}
    )


class SuggestionOut(BaseModel):
    kind: Literal['person', 'place', 'album', 'space']
    value: str = Field(description="The person's, album's or space's id, or the place filter (as `place`)")
    label: str = Field(description='As the caller knows it: a person by the name they gave them')


@router.get('/suggestions', response_model=list[SuggestionOut])
async def suggestions(
    actor: CurrentActor,
    instance: Instance,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH, description='What has been typed so far')] = '',
):
    """People, places, albums and spaces the caller can see whose name starts with what was typed (or has a word
    that does), a few of each kind."""
    return [SuggestionOut(**vars(found)) for found in await search.suggestions(instance, actor, q)]


@router.get('/neighbours/{asset_id}', response_model=schemas.NeighboursOut)
async def neighbours(asset_id: uuid.UUID, params: Params, actor: CurrentActor, instance: Instance):
    """The results before (newer) and after (older) this one, in the order of the results' timeline."""
    previous, following = await search.neighbours(instance, actor, params.query(), asset_id)
    return schemas.NeighboursOut(previous=previous, next=following)
