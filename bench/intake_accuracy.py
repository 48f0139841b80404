"""Field-level precision and recall of the intake parser over the test documents.

Truth is every ``tests/intake/documents/*.json`` (full expected output, checked by hand) and
every ``tests/intake/documents/stress/*.truth.json`` (hand-written truth for harder documents,
only the fields it names; the parser is not required to get these right, so they measure it).
Both were reviewed against the parser's output, so they are the *reviewed* figure.

``tests/intake/documents/independent/*.truth.json`` were written by hand before the parser was
ever run on their documents, and no parser change was made after seeing its output on them: the
*independent* figure, reported separately (and not part of the reviewed one).

Scoring per field: equal value = true positive; a value where the truth has none = false
positive; no value where the truth has one = false negative; a wrong value counts as both.
List fields (recipients, references) score per item. Stamps and copies are compared by position.

Usage: ``.venv/bin/python bench/intake_accuracy.py`` → a table on stdout and
``bench/results/intake.json``.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.intake import parse_text  # noqa: E402

DOCUMENTS = ROOT / "tests" / "intake" / "documents"
RESULTS = ROOT / "bench" / "results" / "intake.json"

SCALARS = (
    "issuer",
    "issuer_parent",
    "number",
    "notation",
    "symbol",
    "doc_type_code",
    "doc_type",
    "place",
    "issued_on",
    "title",
    "signer.authority",
    "signer.title",
    "signer.name",
    "confidentiality",
    "urgency",
)
LISTS = ("recipients", "references")
STAMP_FIELDS = ("office", "number", "date")
COPY_FIELDS = (
    "kind",
    "notation",
    "office",
    "place",
    "date",
    "signer_title",
    "signer_name",
    "signature.organisation",
    "signature.email",
    "signature.signed_at",
)
Counts = dict[str, list[int]]  # field → [tp, fp, fn]
MISSING = object()


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return MISSING
        data = data[part]
    return data


def _scalar(counts: Counts, name: str, truth: Any, got: Any) -> None:
    if truth is MISSING:
        return  # the truth file does not judge this field
    got = None if got is MISSING else got
    c = counts[name]
    if truth is None:
        c[1] += got is not None
    elif got is None:
        c[2] += 1
    elif got == truth:
        c[0] += 1
    else:
        c[1] += 1
        c[2] += 1


def _items(counts: Counts, name: str, truth: Any, got: Any) -> None:
    if truth is MISSING:
        return
    want, have = set(truth or []), set([] if got is MISSING else got or [])
    c = counts[name]
    c[0] += len(want & have)
    c[1] += len(have - want)
    c[2] += len(want - have)


def score(counts: Counts, truth: dict[str, Any], got: dict[str, Any]) -> None:
    for name in SCALARS:
        _scalar(counts, name, _get(truth, name), _get(got, name))
    for name in LISTS:
        _items(counts, name, _get(truth, name), _get(got, name))
    for group, fields in (("arrival_stamps", STAMP_FIELDS), ("copies", COPY_FIELDS)):
        want = truth.get(group, MISSING)
        if want is MISSING:
            continue
        have = got.get(group) or []
        for i in range(max(len(want), len(have))):
            t = want[i] if i < len(want) else {}
            g = have[i] if i < len(have) else {}
            for name in fields:
                tv = _get(t, name) if t else None
                _scalar(counts, f"{group}.{name}", None if tv is MISSING else tv, _get(g, name))
            if group == "copies":
                _items(counts, "copies.recipients", t.get("recipients", []), g.get("recipients"))


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _truth_cases(pattern: str) -> list[tuple[Path, Path]]:
    return [(p, p.with_name(p.stem + ".truth.json")) for p in sorted(DOCUMENTS.glob(pattern))]


def main() -> int:
    reviewed = [(p, p.with_suffix(".json")) for p in sorted(DOCUMENTS.glob("*.txt"))]
    reviewed += _truth_cases("stress/*.txt")
    report = {"reviewed": measure("reviewed (truth checked against the parser's output)",
                                  reviewed),
              "independent": measure("independent (truth written before the parser ran)",
                                     _truth_cases("independent/*.txt"))}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


def measure(label: str, cases: list[tuple[Path, Path]]) -> dict[str, Any]:
    counts: Counts = defaultdict(lambda: [0, 0, 0])
    per_document: dict[str, Counts] = {}
    for text_path, truth_path in cases:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        got = parse_text(text_path.read_text(encoding="utf-8")).to_dict()
        mine: Counts = defaultdict(lambda: [0, 0, 0])
        score(mine, truth, got)
        per_document[str(text_path.relative_to(DOCUMENTS))] = dict(mine)
        for name, (tp, fp, fn) in mine.items():
            counts[name][0] += tp
            counts[name][1] += fp
            counts[name][2] += fn

    rows: list[dict[str, Any]] = []
    for name in sorted(counts):
        tp, fp, fn = counts[name]
        rows.append(
            {
                "field": name,
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "precision": _ratio(tp, tp + fp),
                "recall": _ratio(tp, tp + fn),
            }
        )
    tp, fp, fn = (sum(c[k] for c in counts.values()) for k in range(3))
    overall: dict[str, Any] = {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
    }

    def fmt(v: float | None) -> str:
        return "   —  " if v is None else f"{v:6.1%}"

    print(f"intake accuracy, {label}: {len(cases)} documents")
    print(f"{'field':<28}{'tp':>5}{'fp':>5}{'fn':>5}  precision  recall")
    for r in rows:
        print(
            f"{r['field']:<28}{r['tp']:>5}{r['fp']:>5}{r['fn']:>5}    "
            f"{fmt(r['precision'])}  {fmt(r['recall'])}"
        )
    print(
        f"{'OVERALL':<28}{tp:>5}{fp:>5}{fn:>5}    "
        f"{fmt(overall['precision'])}  {fmt(overall['recall'])}"
    )
    failures = {
        doc: {k: v for k, v in c.items() if v[1] or v[2]} for doc, c in per_document.items()
    }
    failures = {doc: c for doc, c in failures.items() if c}
    for doc, c in failures.items():
        print(
            f"  misses in {doc}: " + ", ".join(f"{k} (fp {v[1]}, fn {v[2]})" for k, v in c.items())
        )
    print()
    return {"documents": len(cases), "fields": rows, "overall": overall, "misses": failures}


if __name__ == "__main__":
    raise SystemExit(main())
