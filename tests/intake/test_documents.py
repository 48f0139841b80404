"""Every test document parses to its hand-checked expected JSON, field by field."""

from __future__ import annotations

import json

import pytest

from app.domain.intake import parse_text
from tests.intake.golden import document_names, read_document, read_expected

NAMES = document_names()


def test_there_are_documents_of_both_families() -> None:
    families = {read_expected(name)["family"] for name in NAMES}
    assert len(NAMES) >= 10
    assert families == {"party", "state"}


@pytest.mark.parametrize("name", NAMES)
def test_document_parses_to_expected_json(name: str) -> None:
    got = parse_text(read_document(name)).to_dict()
    expected = read_expected(name)
    assert set(got) == set(expected)
    for key in expected:
        assert got[key] == expected[key], f"{name}: field {key}"


@pytest.mark.parametrize("name", NAMES)
def test_output_is_json_serialisable(name: str) -> None:
    data = parse_text(read_document(name)).to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
