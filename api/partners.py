"""Partner sharing: my library shared with others, and theirs with me."""

import uuid

from fastapi import APIRouter, status

from api.deps import CurrentActor, Instance
from api.schemas import ShareIn, TimelineIn, TrustIn
from services import sharing
from services.sharing import Partner, Partners

router = APIRouter(prefix='/partners', tags=['partners'])


@router.get('', response_model=Partners)
async def list_partners(actor: CurrentActor, instance: Instance):
    """Whom I share my library with, and who shares theirs with me."""
    return await sharing.list_partners(instance, actor)


@router.post('', response_model=Partner, status_code=status.HTTP_201_CREATED)
async def share(body: ShareIn, actor: CurrentActor, instance: Instance):
    """Share my whole library (except what I archive or trash) with another member at a trust level."""
    return await sharing.share_library(instance, actor, body.email, body.trust_level)


@router.patch('/{partner_id}', response_model=Partner)
async def change_trust(partner_id: uuid.UUID, body: TrustIn, actor: CurrentActor, instance: Instance):
    return await sharing.change_trust_level(instance, actor, partner_id, body.trust_level)


@router.delete('/{partner_id}', status_code=status.HTTP_204_NO_CONTENT)
async def stop_sharing(partner_id: uuid.UUID, actor: CurrentActor, instance: Instance):
    """Ends the partner's access to my library at once."""
    await sharing.stop_sharing(instance, actor, partner_id)


@router.put('/{owner_id}/timeline', response_model=Partner)
async def show_in_timeline(owner_id: uuid.UUID, body: TimelineIn, actor: CurrentActor, instance: Instance):
    """Show or hide a library shared with me on my own timeline."""
    return await sharing.show_in_timeline(instance, actor, owner_id, body.show_in_timeline)
