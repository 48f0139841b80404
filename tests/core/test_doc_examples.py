"""The curl examples of README.md and docs/api.md run as written against a real `vanthu serve`.

Each ```sh block holding a curl command runs in bash, in order, in a scratch folder, with the
placeholders `<clerk token>` … replaced by the demo's tokens and port 8000 by the server's. A
curl command answers 2xx unless a `# → NNN` comment under it says which status it answers.
`.venv/bin/vanthu` and `.venv/bin/python` are this checkout's.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.faults.service import ROOT, Service

BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
EXPECT = re.compile(r"^#\s*→\s*(\d{3})\b")
PLACEHOLDERS = {"<clerk token>": "clerk", "<department token>": "department",
                "<VPDUK clerk token>": "clerk_vpduk",
                "<VPDUK department token>": "department_vpduk",
                "<auditor token>": "auditor"}
PRELUDE = """set -e
curl() { command curl -sS -w '%{stderr}@@STATUS %{http_code}\\n' "$@" 2>>"$STATUS_LOG"; }
"""


def curl_blocks(markdown: str) -> list[str]:
    return [b for b in BLOCK.findall(markdown) if re.search(r"^\s*curl ", b, re.MULTILINE)]


def commands(block: str) -> list[tuple[str, list[str]]]:
    """(command, the comment lines under it) for each command of a block."""
    out: list[tuple[str, list[str]]] = []
    pending = ""
    in_heredoc: str | None = None
    for line in block.splitlines():
        if in_heredoc is not None:
            if line.strip() == in_heredoc:
                in_heredoc = None
            continue
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            if out and line.strip():
                out[-1][1].append(line.strip())
            continue
        pending = f"{pending}\n{line}" if pending else line
        if pending.endswith("\\"):
            continue
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # a quote spans lines
            continue
        heredoc = re.search(r"<<'?(\w+)'?", pending)
        in_heredoc = heredoc.group(1) if heredoc else None
        out.append((pending, []))
        pending = ""
    return out


def expected_statuses(block: str) -> list[str]:
    """For each curl command in order: its status ("409") or "2xx"."""
    wanted = []
    for command, notes in commands(block):
        if command.lstrip().startswith("curl "):
            found = [m.group(1) for m in map(EXPECT.match, notes) if m]
            wanted.append(found[0] if found else "2xx")
    return wanted


def run_blocks(service: Service, blocks: list[str], folder: Path) -> str:
    """Run the blocks in one bash, in `folder`; return what it printed."""
    bin_dir = folder / ".venv" / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name, run in (("python", ""), ("vanthu", " -m app.cli")):
        wrapper = bin_dir / name
        wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)}{run} "$@"\n')
        wrapper.chmod(0o755)
    script = PRELUDE + "\n".join(blocks)
    for placeholder, who in PLACEHOLDERS.items():
        script = script.replace(placeholder, service.tokens[who])
    script = script.replace("http://127.0.0.1:8000", service.base_url)
    log = folder / "statuses.log"
    env = {**service.env(), "STATUS_LOG": str(log), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["bash", "-c", script], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:],
                                  log.read_text() if log.exists() else "")
    lines = log.read_text().splitlines()
    statuses = [line.split()[1] for line in lines if line.startswith("@@STATUS ")]
    wanted = [s for b in blocks for s in expected_statuses(b)]
    got = [s if not (s.startswith("2") and w == "2xx") else "2xx" for s, w in
           zip(statuses, wanted, strict=False)]
    assert got == wanted and len(statuses) == len(wanted), (statuses, wanted, done.stdout[-4000:])
    return done.stdout


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Service]:
    service = Service(tmp_path / "service", f"sqlite:///{tmp_path / 'service' / 'vanthu.db'}",
                      settings={"VANTHU_TREE_HEAD_INTERVAL_SECONDS": "0",
                                "VANTHU_STORAGE_SWEEP_INTERVAL_SECONDS": "0"})
    yield service
    service.stop()


def test_the_block_parser_reads_commands_and_statuses() -> None:
    block = ("T=x\ncurl -d '{\"a\":\n  1}' http://h/a\n# → 409 conflict\n"
             "cat > f <<EOF\n{\"x\": 1}\nEOF\ncurl http://h/b \\\n  -o r.pdf\n# → {\"ok\": 1}\n")
    assert [c for c, _ in commands(block)] == [
        "T=x", "curl -d '{\"a\":\n  1}' http://h/a", "cat > f <<EOF", "curl http://h/b \\\n  -o r.pdf"]
    assert expected_statuses(block) == ["409", "2xx"]


def test_the_readme_examples_run_on_the_demo(served: Service, tmp_path: Path) -> None:
    served.prepare()
    served.start()
    blocks = curl_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks
    out = run_blocks(served, blocks, tmp_path / "readme")
    assert "Chain: 30-SL/VPDUK → 397-BS/VPTU → 160-TB/TW" in out and "VALID" in out
    assert "audit log OK" in out


def test_the_api_walk_throughs_run_on_empty_registers(served: Service, tmp_path: Path) -> None:
    served.folder.mkdir(parents=True, exist_ok=True)
    served.cli("migrate")
    served.cli("demo", "--people-only")
    served.tokens = json.loads((served.keys / "demo-tokens.json").read_text())
    served.start()
    blocks = curl_blocks((ROOT / "docs" / "api.md").read_text(encoding="utf-8"))
    assert len(blocks) == 3
    folder = tmp_path / "api"
    out = run_blocks(served, blocks, folder)
    assert '"arrival_number":565' in out
    assert '"notation":"397-BS/VPTU"' in out and '"notation":"30-SL/VPDUK"' in out
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    assert os.path.getsize(folder / "160-TB-TW.pdf") > 1000
