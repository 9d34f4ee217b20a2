"""Alembic environment: runs on the connection Hearth hands it, or on DATABASE_URL for `alembic revision`."""

import asyncio
import os

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from storage.models import Base

config = context.config


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == 'sqlite',
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone() -> None:
    engine = create_async_engine(os.environ['DATABASE_URL'])
    async with engine.begin() as connection:
        await connection.run_sync(run)
    await engine.dispose()


if (connection := config.attributes.get('connection')) is not None:
    run(connection)
else:
    asyncio.run(run_standalone())
