"""`vanthu audit verify | sign | log-key`: no server, the settings' database; exit codes 0/1/2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.audit.tree_head import SignedTreeHead, verify_tree_head
from app.cli import main
from tests.audit.activity import activity, register_arrival, seq_of, sql, tree_head


@pytest.fixture
def cli_env(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Point the command's settings (environment variables) at the test's database and keys."""
    from app.settings import get_settings

    env = {"VANTHU_DATABASE_URL": ctx.settings.database_url,
           "VANTHU_KEYS_DIR": str(ctx.settings.keys_dir),
           "VANTHU_STORAGE_DIR": str(ctx.settings.storage_dir)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["audit", *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_verify_exits_0_on_a_clean_log_and_1_naming_an_edited_event(
        client: Any, world: Any, ctx: Any, cli_env: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "verify")
    assert (code, out.strip()) == (0, "audit log OK: 0 events, root "
                                      "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= (base64), "
                                      "0 signed tree heads verified, 0 register rows match "
                                      "their latest event, 0 stored files match their "
                                      "SHA-256, 0 register series match their rows")
    facts = activity(client, world)
    code, out = run(capsys, "verify")
    assert code == 0 and out.startswith("audit log OK: 11 events, root "
                                        f"{facts['head']['sha256_root_hash']} (base64), 2 signed")
    seq = seq_of(ctx, "arrival.registered", facts["secret"]["id"])
    sql(ctx, "UPDATE audit_events SET details = :d WHERE seq = :s", d='{"note": "x"}', s=seq)
    code, out = run(capsys, "verify")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "audit log FAILED: 1 problem(s) in a log of 11 events"
    assert lines[1] == (f"first altered event: {seq} (arrival.registered, "
                        f"arrival {facts['secret']['id']})")
    code, out = run(capsys, "verify", "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert report["first_altered_event"]["seq"] == seq
    assert report["first_altered_event"]["action"] == "arrival.registered"
    assert [(f["kind"], f["code"]) for f in report["findings"]] == [("event", "event_altered")]


def test_verify_exits_1_naming_an_edited_register_row_and_its_event(
        client: Any, world: Any, ctx: Any, cli_env: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    arrival = register_arrival(client, world, 1)
    sql(ctx, "UPDATE arrivals SET arrival_number = 2 WHERE id = :i", i=arrival["id"])
    code, out = run(capsys, "verify")
    assert code == 1
    assert (f"- arrivals row {arrival['id']} was altered: it no longer matches the state "
            f"recorded by event 0 (arrival.registered, arrival {arrival['id']})") in out


def test_verify_checks_signatures_with_a_given_public_key(
        client: Any, world: Any, ctx: Any, cli_env: dict[str, str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    register_arrival(client, world, 1)
    tree_head(client, world)
    served = client.get("/audit/log-key", headers=world.auth("auditor")).content
    (tmp_path / "log.pub.pem").write_bytes(served)
    assert run(capsys, "verify", "--log-key", str(tmp_path / "log.pub.pem"))[0] == 0
    other = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "other.pem").write_bytes(other)
    code, out = run(capsys, "verify", "--log-key", str(tmp_path / "other.pem"))
    assert code == 1 and "(size 1): the signature does not verify with the log key" in out
    code, out = run(capsys, "verify", "--log-key", str(tmp_path / "missing.pem"))
    assert code == 2 and "cannot read the log key" in out


def test_sign_and_log_key_commands(client: Any, world: Any, ctx: Any, cli_env: dict[str, str],
                                   tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    register_arrival(client, world, 1)
    register_arrival(client, world, 2)
    code, out = run(capsys, "sign")
    assert code == 0
    sth = SignedTreeHead.from_dict(json.loads(out))
    assert sth.tree_size == 2
    assert tree_head(client, world) == json.loads(out)  # the same head, stored once
    code, out = run(capsys, "log-key", "-o", str(tmp_path / "log.pub.pem"))
    assert code == 0
    public = serialization.load_pem_public_key((tmp_path / "log.pub.pem").read_bytes())
    assert isinstance(public, ec.EllipticCurvePublicKey) and verify_tree_head(sth, public)
    sql(ctx, "DELETE FROM audit_events WHERE seq = 1")
    sql(ctx, "DELETE FROM audit_nodes WHERE level = 0 AND idx = 1")
    sql(ctx, "DELETE FROM audit_nodes WHERE level = 1")
    code, out = run(capsys, "sign")
    assert code == 1 and "events were removed" in out


def test_the_installed_command_exits_non_zero_on_tampering(
        client: Any, world: Any, ctx: Any, cli_env: dict[str, str]) -> None:
    arrival = register_arrival(client, world, 1)
    command = [sys.executable, "-m", "app.cli", "audit", "verify"]
    env = {**os.environ, **cli_env}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("audit log OK: 1 events")
    sql(ctx, "UPDATE audit_events SET actor_role = 'admin' WHERE seq = 0")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"first altered event: 0 (arrival.registered, arrival {arrival['id']})" in done.stdout
