"""Time order along a chain: a copy is never signed before its source, and the same whole second
is fine (signing times are whole seconds; a copy of a copy may follow its source at once)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.cli import main
from app.context import AppContext
from signing.ca import DevCA
from signing.timefmt import VN_TZ
from tests.conftest import World
from tests.verification.chains import Chain, build_chain
from tests.verification.register import register_chain, trust_ca

SAME = datetime(2020, 2, 4, 15, 30, 15, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def same_second(dev_ca: DevCA) -> Chain:
    """160-TB/TW → 397-BS/VPTU → 30-SL/VPDUK, both copies signed at 04.02.2020 15:30:15."""
    return build_chain(dev_ca, 2, times=[SAME, SAME])


@pytest.fixture(scope="module")
def one_second_early(dev_ca: DevCA) -> Chain:
    """The copy of a copy signed one second before its source."""
    return build_chain(dev_ca, 2, times=[SAME, SAME - timedelta(seconds=1)])


def _time_order(body: dict[str, Any]) -> dict[str, Any]:
    top = body["links"][0]
    return next(c for c in top["checks"] if c["name"] == "time order")


def _through_the_api(client: TestClient, ctx: AppContext, world: World, dev_ca: DevCA,
                     chain: Chain) -> tuple[dict[str, Any], dict[str, Any]]:
    """The register's verification of the copy of a copy, and an upload of its file."""
    trust_ca(ctx, dev_ca)
    ids = register_chain(ctx, chain, world.user_ids["clerk_vptu"])
    by_reference = client.get(f"/copies/{ids[1]}/verification",
                              headers=world.auth("clerk_vpduk"))
    assert by_reference.status_code == 200, by_reference.text
    upload = client.post("/verify", files={"file": ("copy.pdf", chain.top, "application/pdf")},
                         headers=world.auth("clerk_tttu"))
    assert upload.status_code == 200, upload.text
    return by_reference.json(), upload.json()


def test_copy_of_a_copy_in_the_same_second_is_valid(
    client: TestClient, ctx: AppContext, world: World, dev_ca: DevCA, same_second: Chain
) -> None:
    for body in _through_the_api(client, ctx, world, dev_ca, same_second):
        assert body["verdict"] == "VALID", body["reasons"]
        assert body["chain"] == ["30-SL/VPDUK", "397-BS/VPTU", "160-TB/TW"]
        assert [ln["signed_at"] for ln in body["links"][:2]] == ["2020-02-04T15:30:15+07:00"] * 2
        check = _time_order(body)
        assert check["ok"]
        assert check["reason"] == ("signed 2020-02-04T15:30:15+07:00, in the same second as its "
                                   "source (2020-02-04T15:30:15+07:00)")


def test_copy_signed_before_its_source_is_invalid(
    client: TestClient, ctx: AppContext, world: World, dev_ca: DevCA, one_second_early: Chain
) -> None:
    for body in _through_the_api(client, ctx, world, dev_ca, one_second_early):
        assert body["verdict"] == "INVALID"
        check = _time_order(body)
        assert not check["ok"]
        assert check["reason"] == ("signed 2020-02-04T15:30:14+07:00, before its source "
                                   "(2020-02-04T15:30:15+07:00)")
        assert body["reasons"] == [f"link 0 (30-SL/VPDUK): time order: {check['reason']}"]


def test_offline_verifier_agrees(capsys: pytest.CaptureFixture[str], trust_dir: Path,
                                 tmp_path: Path, same_second: Chain,
                                 one_second_early: Chain) -> None:
    for chain, code, mark in ((same_second, 0, "✓"), (one_second_early, 1, "✗")):
        path = tmp_path / "copy.pdf"
        path.write_bytes(chain.top)
        assert main(["verify", str(path), "--roots", str(trust_dir)]) == code
        out = capsys.readouterr().out
        assert f"{mark} time order: signed 2020-02-04T15:30:1" in out, out
