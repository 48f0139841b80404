"""Expected-output files of the intake test documents.

Each ``documents/NAME.txt`` has ``documents/NAME.json``: the full ``Proposal.to_dict()`` it must
parse to, checked by hand. ``python -m tests.intake.golden NAME`` prints a document's current
output to review before it becomes (or replaces) the expected file; it never writes the file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DOCUMENTS = Path(__file__).parent / "documents"


def document_names() -> list[str]:
    return sorted(p.stem for p in DOCUMENTS.glob("*.txt"))


def read_document(name: str) -> str:
    return (DOCUMENTS / f"{name}.txt").read_text(encoding="utf-8")


def read_expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DOCUMENTS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    from app.domain.intake import parse_text

    for doc in sys.argv[1:] or document_names():
        print(dump(parse_text(read_document(doc)).to_dict()), end="")
