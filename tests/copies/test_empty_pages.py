"""`"pages": []` on a whole-document copy means no pages were named: the copy is the whole
document (it was a 500 at approval, found by schemathesis); a trích sao still needs pages."""

from __future__ import annotations

from typing import Any

from tests.factories import APPROVE_VPTU, arrive_with_pdf, ask


def test_an_empty_page_list_copies_the_whole_document(client: Any, world: Any) -> None:
    doc = arrive_with_pdf(client, world)["document"]["id"]
    request = ask(client, world, "dept_vptu", "VPTU", document_id=doc, pages=[])
    assert request.status_code == 201, request.text
    assert request.json()["pages"] is None
    copy = client.post(f"/copy-requests/{request.json()['id']}/approve",
                       headers=world.auth("clerk_vptu"), json=APPROVE_VPTU)
    assert copy.status_code == 201, copy.text
    extract = ask(client, world, "dept_vptu", "VPTU", document_id=doc, kind="TRICH_SAO", pages=[])
    assert extract.status_code == 422 and extract.json()["field"] == "pages"
