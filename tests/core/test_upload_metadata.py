"""POST /orgs/{code}/arrivals/with-file takes its JSON as a form field or as a file part
(`curl -F 'metadata=<arrival.json'` and `curl -F metadata=@arrival.json` both work)."""

from __future__ import annotations

import json
from typing import Any

from tests.factories import seed_arrival_body
from tests.pdfs import make_pdf

URL = "/orgs/VPTU/arrivals/with-file"


def _pdf() -> tuple[str, bytes, str]:
    return ("160.pdf", make_pdf(["160-TB/TW trang 1"]), "application/pdf")


def test_metadata_as_a_field_or_as_a_file_part(client: Any, world: Any) -> None:
    clerk = world.auth("clerk_vptu")
    as_field = client.post(URL, headers=clerk, data={"metadata": json.dumps(seed_arrival_body())},
                           files={"file": _pdf()})
    assert as_field.status_code == 201, as_field.text
    other = seed_arrival_body()
    other["document"].update(notation="12-CV/TW", issued_on="2020-01-20", type_code="CV")
    as_file = client.post(URL, headers=clerk, files={
        "metadata": ("arrival.json", json.dumps(other).encode(), "application/json"),
        "file": _pdf()})
    assert as_file.status_code == 201, as_file.text
    assert as_file.json()["arrival_number"] == as_field.json()["arrival_number"] + 1
    assert as_file.json()["document"]["notation"] == "12-CV/TW"


def test_bad_metadata_files_are_422_naming_metadata(client: Any, world: Any) -> None:
    clerk = world.auth("clerk_vptu")
    for content, detail in ((b"\xff\xfe not text", "metadata is not UTF-8 text"),
                            (b"{not json", "metadata is not JSON")):
        r = client.post(URL, headers=clerk, files={
            "metadata": ("arrival.json", content, "application/json"), "file": _pdf()})
        assert r.status_code == 422, r.text
        assert r.json()["field"] == "metadata" and r.json()["detail"].startswith(detail)
