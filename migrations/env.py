"""Alembic environment: the URL comes from the application's settings (VANTHU_DATABASE_URL)."""

from __future__ import annotations

from logging.config import fileConfig
from typing import Literal

from alembic import context
from sqlalchemy import Connection

import app.db
from app.db.engine import make_engine
from app.db.search import ENGINE_SEARCH_OBJECTS
from app.db.types import UTCDateTime
from app.settings import Settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = app.db.Base.metadata


def _url() -> str:
    return str(config.attributes.get("database_url") or Settings().database_url)


def _render_item(type_: str, obj: object, autogen_context: object) -> str | Literal[False]:
    # Migrations must not import the app: write our UTC column type as plain DateTime(timezone).
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _include_object(obj: object, name: str | None, type_: str, reflected: bool,
                    compare_to: object) -> bool:
    # The engines' own full-text objects (FTS5 table and its shadow tables, the tsvector column
    # and its index) are made by the search migration and are not in the models.
    engine_own = name is not None and (name.startswith("search_fts")
                                        or name in ENGINE_SEARCH_OBJECTS)
    return not (engine_own and reflected and compare_to is None)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        include_object=_include_object,
    )


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
