"""schemathesis over our OpenAPI schema, in process (ASGI), as a clerk of VPTU and as an admin."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.context import AppContext
from app.db import User
from app.errors import Unauthenticated
from app.main import create_app
from app.services import tokens
from app.settings import Settings
from tests import conftest
from tests.conftest import World
from tests.factories import TEST_NOW, build_world, issue_first_copy, set_clock

MAX_EXAMPLES = 25
#: Fewer calls than this for one operation means the generation broke down (an operation whose
#: only parameter is fixed, DELETE /orgs/VPTU, gets three distinct calls).
MIN_CALLS = 2
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
LIMITS: dict[str, Any] = {"max_upload_bytes": 2 * 1024 * 1024}
_nowhere = Path("/nonexistent/vanthu-fuzz")
APP = create_app(Settings(database_url="sqlite://", storage_dir=_nowhere, keys_dir=_nowhere,
                          **LIMITS))


def _schema(parameters: dict[str, str]) -> Any:
    config = SchemathesisConfig.from_dict({
        "seed": 20200129,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none",
                       # the callers' tokens are sent with every call (Fuzzed.auth)
                       "with-security-parameters": False},
        "parameters": parameters,
    })
    return schemathesis.openapi.from_asgi("/openapi.json", APP, config=config)


#: The clerk works in VPTU's registers (so that bodies, queries and ids reach the services behind
#: the organisation lookup); the admin's organisation codes are generated like everything else.
clerk_schema = _schema({"path.code": "VPTU"})
admin_schema = _schema({})
ROLES = {"test_clerk_of_vptu": "clerk_vptu", "test_admin": "admin"}
CALLS: Counter[tuple[str, str, int]] = Counter()
SIGN_IN = "POST /auth/token"


@dataclass
class Fuzzed:
    """The app's context and the callers, with a fresh token for a caller whose token the fuzzer
    revoked (`DELETE /tokens/{id}` with a small id hits the callers' own)."""

    ctx: AppContext
    world: World

    def auth(self, who: str) -> dict[str, str]:
        try:
            tokens.authenticate(self.ctx, self.world.tokens[who])
        except Unauthenticated:
            with self.ctx.unit_of_work() as work:
                user = work.session.get(User, self.world.user_ids[who])
                assert user is not None
                self.world.tokens[who] = tokens.add_token(work.session, user, "fuzz")
        return self.world.auth(who)


@pytest.fixture(scope="module")
def fuzzed(template_url: str, tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> Iterator[Fuzzed]:
    """A migrated database of its own for the module, the province's callers, and one copy issued
    (arrival, document, copy request and copy 1) so that small ids find something."""
    root = tmp_path_factory.mktemp("fuzz")
    if conftest.ENGINE == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        name = f"vanthu_fuzz_{next(conftest._counter)}_{os.getpid()}"
        conftest._pg_exec(cluster.admin_url, f"CREATE DATABASE {name} TEMPLATE vanthu_template")
        url = str(cluster.url(name))
    else:
        shutil.copyfile(template_url.removeprefix("sqlite:///"), root / "vanthu.db")
        url = f"sqlite:///{root / 'vanthu.db'}"
    ctx = AppContext.from_settings(Settings(database_url=url, storage_dir=root / "files",
                                            keys_dir=root / "keys", **LIMITS))
    set_clock(ctx, TEST_NOW)
    APP.state.ctx = ctx
    world = build_world(ctx)
    with TestClient(APP, raise_server_exceptions=False) as client:
        issue_first_copy(client, world, ctx)
    yield Fuzzed(ctx, world)
    ctx.db.dispose()
    if conftest.ENGINE == "postgresql":
        conftest._pg_exec(cluster.admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(autouse=True)
def _exercised(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each operation was really fuzzed: several calls, and most of them got past authentication
    (a 401 here means a token went bad, and the rest of the run would test nothing)."""
    before = CALLS.copy()
    yield
    role = ROLES[request.node.name.split("[")[0]]
    made = CALLS - before
    statuses = [status for (who, _, status), n in made.items() if who == role for _ in range(n)]
    assert len(statuses) >= MIN_CALLS, f"only {len(statuses)} calls were made"
    # Signing in answers a wrong login or password with 401 whatever token is sent.
    refused = [op for (who, op, status) in made if who == role and status == 401
               and op != SIGN_IN]
    assert not refused, f"a call with a valid token was refused with 401: {refused}"


def _call_and_validate(case: Any, fuzzed: Fuzzed, role: str) -> None:
    response = case.call(headers=fuzzed.auth(role))
    CALLS[(role, case.operation.label, response.status_code)] += 1
    case.validate_response(response, checks=CHECKS)


@clerk_schema.parametrize()
def test_clerk_of_vptu(case: Any, fuzzed: Fuzzed) -> None:
    _call_and_validate(case, fuzzed, "clerk_vptu")


@admin_schema.parametrize()
def test_admin(case: Any, fuzzed: Fuzzed) -> None:
    _call_and_validate(case, fuzzed, "admin")
