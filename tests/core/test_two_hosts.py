"""Several hosts, one register (issue 14): two `vanthu serve` processes on different ports, one
PostgreSQL database and one S3 object store (SeaweedFS). Clerks register arrivals with their
scans and issue copies through both at once; the series stay gapless and every file is readable
from either host."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from bench.faults.service import Service
from bench.faults.traffic import arrival_body, small_pdf

#: Arrivals each host registers, and copies each host issues (small: the point is two hosts
#: at once, not load).
ARRIVALS_PER_HOST = 6
COPIES_PER_HOST = 2
TIMEOUT = 120.0


def _store_settings(s3: Any, prefix: str) -> dict[str, str]:
    return {"VANTHU_STORAGE_BACKEND": "s3", "VANTHU_S3_ENDPOINT": s3.endpoint,
            "VANTHU_S3_BUCKET": s3.bucket, "VANTHU_S3_PREFIX": prefix}


def _client(host: Service, token: str) -> httpx.Client:
    return httpx.Client(base_url=host.base_url, timeout=TIMEOUT,
                        headers={"Authorization": f"Bearer {token}"})


def _register(host: Service, token: str, n: int) -> dict[str, Any]:
    import json

    notation = f"{1000 + n}-CV/TW"
    body = arrival_body(notation, f"host {host.port}")
    with _client(host, token) as clerk:
        r = clerk.post("/orgs/VPTU/arrivals/with-file", data={"metadata": json.dumps(body)},
                       files={"file": (f"{n}.pdf", small_pdf(f"{notation} scan"),
                                       "application/pdf")})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _issue_copy(host: Service, tokens: dict[str, str], document_id: int) -> dict[str, Any]:
    with _client(host, tokens["department"]) as department:
        req = department.post("/orgs/VPTU/copy-requests", json={
            "kind": "SAO_LUC", "document_id": document_id, "reason": "phổ biến",
            "recipients": [{"name": "Các đ/c TUV"}]})
    assert req.status_code == 201, req.text
    with _client(host, tokens["clerk"]) as clerk:
        r = clerk.post(f"/copy-requests/{req.json()['id']}/approve", json={
            "signer_title": "CHÁNH VĂN PHÒNG", "signer_name": "Lê Văn Chiến"})
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.mark.postgres
def test_two_hosts_share_one_register_and_one_store(db_url: str, s3_server: Any,
                                                    tmp_path: Path) -> None:
    store = _store_settings(s3_server, f"two-hosts-{tmp_path.name}/")
    a = Service(tmp_path / "a", db_url, settings=store)
    a.prepare()  # migrate and the demo, once, through host a's settings
    b = Service(tmp_path / "b", db_url, settings={**store, "VANTHU_KEYS_DIR": str(a.keys)})
    b.folder.mkdir()
    b.tokens = a.tokens
    try:
        a.start()
        b.start()
        with httpx.Client(base_url=a.base_url, timeout=TIMEOUT, headers={
                "Authorization": f"Bearer {a.tokens['clerk']}"}) as clerk:
            hit = clerk.get("/search", params={"q": "160-TB/TW"}).json()["items"][0]
        document_id = int(hit["document_id"])

        with ThreadPoolExecutor(max_workers=4) as pool:
            arrivals = list(pool.map(
                lambda n: _register(a if n % 2 else b, a.tokens["clerk"], n),
                range(2 * ARRIVALS_PER_HOST)))
            copies = list(pool.map(
                lambda n: _issue_copy(a if n % 2 else b, a.tokens, document_id),
                range(2 * COPIES_PER_HOST)))

        # gapless and unrepeated, whichever host took each number
        numbers = sorted(r["arrival_number"] for r in arrivals)
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        copy_numbers = sorted(c["number"] for c in copies)
        assert copy_numbers == list(range(copy_numbers[0], copy_numbers[0] + len(copies)))
        engine = create_engine(db_url)
        with engine.connect() as conn:
            held = conn.execute(text(
                "SELECT count(*), count(DISTINCT arrival_number) FROM arrivals a "
                "JOIN organisations o ON o.id = a.organisation_id WHERE o.code = 'VPTU' "
                "AND a.scope_key = :scope"), {"scope": arrivals[0]["scope_key"]}).one()
        engine.dispose()
        assert held[0] == held[1] and held[0] >= len(arrivals)

        # every file, stored by either host, reads back whole from both
        wanted = [(f"/documents/{r['document']['id']}/files/{f['sha256']}", f["sha256"])
                  for r in arrivals for f in r["document"]["files"]]
        wanted += [(c["pdf_url"], c["pdf_sha256"]) for c in copies]
        assert len(wanted) == len(arrivals) + len(copies)
        for host in (a, b):
            with _client(host, a.tokens["clerk"]) as clerk:
                for url, digest in wanted:
                    r = clerk.get(url)
                    assert r.status_code == 200, (host.port, url, r.text[:200])
                    assert hashlib.sha256(r.content).hexdigest() == digest
        # and they are in the object store, not in either host's folder
        keys = set(s3_server.keys(store["VANTHU_S3_PREFIX"]))
        assert {store["VANTHU_S3_PREFIX"] + d for _, d in wanted} <= keys
        assert [p for h in (a, b) for p in h.folder.rglob("*") if len(p.name) == 64] == []
        done = a.cli("audit", "verify", check=False)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    finally:
        a.stop()
        b.stop()
