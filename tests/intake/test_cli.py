"""`vanthu intake FILE [--json]`: exit codes, the JSON keys, PDFs with and without text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.services.intake import DECLARED
from tests.intake.helpers import REQUIRED_KEYS, SEED_PATH, scan_pdf, seed_text, text_pdf

ROOT = Path(__file__).resolve().parents[2]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["intake", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_every_key_with_its_type(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, str(SEED_PATH), "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    assert set(data) >= REQUIRED_KEYS
    assert isinstance(data["number"], int) and data["number"] == 160
    assert data["issued_on"] == "2020-01-15"
    assert set(data["signer"]) >= {"authority", "title", "name"}
    assert data["references"] == ["62-KL/TW", "18-NQ/TW"]
    assert all(isinstance(r, str) for r in data["recipients"]) and len(data["recipients"]) == 6
    assert [set(s) >= {"office", "number", "date"} for s in data["arrival_stamps"]] == [True, True]
    for block in data["copies"]:
        assert set(block) >= {"kind", "notation", "office", "place", "date", "signer_title",
                              "signer_name", "recipients", "signature"}
        assert set(block["signature"]) >= {"organisation", "email", "signed_at"}
        assert block["signature"]["status"] == DECLARED
    assert data["confidentiality"] is None and data["urgency"] is None
    assert data["issuer_parent"] is None and data["signer"]["title"] is None


def test_text_print_shows_fields_lines_and_declared_signatures(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(SEED_PATH))
    assert code == 0
    assert "160-TB/TW  [dòng 5]" in out
    assert "Số đến             565" in out and "30-SL/VPDUK" in out
    signature_rows = [line for line in out.splitlines() if "Chữ ký số" in line]
    assert len(signature_rows) == 2
    assert all("declared" in line and "not verified" in line for line in signature_rows)


def test_pdf_with_text_layer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "seed.pdf"
    path.write_bytes(text_pdf(seed_text()))
    code, out, _ = _run(capsys, str(path), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["notation"] == "160-TB/TW"
    assert [c["notation"] for c in data["copies"]] == ["397-BS/VPTU", "30-SL/VPDUK"]


def test_incomplete_proposal_is_printed_with_exit_1(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Kính gửi: Văn phòng Tỉnh ủy.\nĐề nghị cung cấp tài liệu.\n", encoding="utf-8")
    code, out, err = _run(capsys, str(path), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["notation"] is None and data["copies"] == [] and data["arrival_stamps"] == []
    assert "notation" in err and "issued_on" in err


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.txt", None, "cannot read"),
    ("scan.pdf", scan_pdf(), "no text layer"),
    ("fake.pdf", b"just words", "not a PDF"),
    ("latin1.txt", "Hà Nôi".encode("latin-1"), "not UTF-8"),
    ("empty.txt", b"  \n", "empty"),
])
def test_unusable_input_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                  content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = _run(capsys, str(path))
    assert code == 2
    assert out == ""
    assert message in err and err.startswith("vanthu intake:")


def test_installed_command_runs(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "app.cli", "intake", str(SEED_PATH), "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["copies"][1]["notation"] == "30-SL/VPDUK"
