"""Fixtures: a migrated database per test on the engine under test, an app, callers per role.

``VANTHU_TEST_ENGINE=sqlite`` (default) or ``postgresql``: `make test` runs the suite on both. On
PostgreSQL the run starts its own throwaway cluster (tests/pg_cluster.py) and the tests that touch
no database (pure domain, signing, rendering) are deselected, having run on the SQLite pass.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ENGINE = os.environ.get("VANTHU_TEST_ENGINE", "sqlite")
DB_FIXTURES = {"db_url", "ctx", "client", "world", "template_url"}
_counter = itertools.count()


def pytest_report_header(config: pytest.Config) -> str:
    return f"vanthu database engine under test: {ENGINE}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ENGINE != "postgresql":
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(pytest.mark.skip(
                    reason="PostgreSQL-only test: runs in the VANTHU_TEST_ENGINE=postgresql pass"))
        return
    keep, drop = [], []
    for item in items:
        uses_db = bool(DB_FIXTURES & set(getattr(item, "fixturenames", ())))
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    from tests.pg_cluster import ClusterUnavailable, start_cluster

    try:
        cluster = start_cluster()
    except (ClusterUnavailable, OSError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL cluster could not be started: {exc}")
        pytest.skip(f"PostgreSQL cluster could not be started: {exc}")
    yield cluster
    cluster.stop()


def _pg_exec(admin_url: str, sql: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    with psycopg.connect(dbname=url.database, user=url.username,
                         host=url.query["host"], autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def softhsm() -> Iterator[Any]:
    """A SoftHSM2 token for this test process (tests/softhsm.py)."""
    from tests.softhsm import soft_token

    with soft_token() as token:
        yield token


@pytest.fixture(scope="session")
def template_url(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    from app.db import migrate

    if ENGINE == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        _pg_exec(cluster.admin_url, "CREATE DATABASE vanthu_template")
        url = cluster.url("vanthu_template")
        migrate.upgrade(url)
        from sqlalchemy import create_engine

        create_engine(url).dispose()
        return str(url)
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def db_url(template_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if ENGINE == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        name = f"vanthu_t{next(_counter)}_{os.getpid()}"
        _pg_exec(cluster.admin_url, f"CREATE DATABASE {name} TEMPLATE vanthu_template")
        yield cluster.url(name)
        _pg_exec(cluster.admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return
    source = Path(template_url.removeprefix("sqlite:///"))
    target = tmp_path / "vanthu.db"
    shutil.copyfile(source, target)
    yield f"sqlite:///{target}"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[Any]:
    """SeaweedFS for this test process, with the AWS_ variables boto3 reads set to its key."""
    from tests.s3 import ACCESS_KEY, REGION, SECRET_KEY, S3Unavailable, start_s3

    try:
        server = start_s3()
    except (S3Unavailable, OSError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"SeaweedFS could not be started: {exc}")
        pytest.skip(f"SeaweedFS could not be started: {exc}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        mp.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        yield server
    server.stop()


@pytest.fixture
def store_backend(request: pytest.FixtureRequest) -> str:
    """`local` unless a test is parametrized over both (tests/s3.py's BOTH)."""
    return str(getattr(request, "param", "local"))


@pytest.fixture
def settings(db_url: str, tmp_path: Path, store_backend: str,
             request: pytest.FixtureRequest) -> Any:
    from app.settings import Settings
    from tests.s3 import store_settings

    server = request.getfixturevalue("s3_server") if store_backend == "s3" else None
    return Settings(database_url=db_url, storage_dir=tmp_path / "files",
                    keys_dir=tmp_path / "keys", max_upload_bytes=2 * 1024 * 1024,
                    **store_settings(server))


@pytest.fixture
def ctx(settings: Any) -> Iterator[Any]:
    from app.context import AppContext

    context = AppContext.from_settings(settings)
    from tests.factories import TEST_NOW, set_clock

    set_clock(context, TEST_NOW)  # the seed's world: see TEST_NOW
    yield context
    context.db.dispose()


@pytest.fixture
def client(ctx: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from app.main import create_app

    with TestClient(create_app(settings=ctx.settings, ctx=ctx),
                    raise_server_exceptions=False) as test_client:
        yield test_client


@dataclass
class World:
    """A small province: TW (external), Tỉnh ủy Đắk Nông with VPTU, Thường trực and VPDUK."""

    tokens: dict[str, str]
    user_ids: dict[str, int]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def world(ctx: Any) -> World:
    from tests.factories import build_world

    return build_world(ctx)
