"""What offices do, over HTTP: register arrivals (with or without a PDF), ask for and issue
certified copies, verify them, read the registers. Every answer is written in a :class:`Ledger`:
what was acknowledged (2xx) must be in the database afterwards, whatever happened to the server.
"""

from __future__ import annotations

import io
import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

PROBLEM = "application/problem+json"
#: The document everybody copies: the demo's 160-TB/TW, held by VPTU.
SEED_NOTATION = "160-TB/TW"
SEARCHES = ("ket luan 62", "thong bao", "160-TB/TW", "cong van", "dak nong", "bo chinh tri")


@dataclass
class Outcome:
    kind: str
    status: int | None  # None: no answer (connection refused or reset, timeout)
    ms: float
    started: float  # time.monotonic() when sent
    problem: bool = False  # a non-2xx answer came as application/problem+json
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Ledger:
    """Every request and every acknowledged write, by id."""

    tag: str = field(default_factory=lambda: f"{random.randrange(36**4):04x}")
    outcomes: list[Outcome] = field(default_factory=list)
    arrivals: dict[int, dict[str, Any]] = field(default_factory=dict)
    copies: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: Notations sent whose answer never came (the server died or the database went away).
    unknown_arrivals: list[str] = field(default_factory=list)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_notation(self) -> str:
        return f"{next(self._numbers):02d}-CV/TW"  # canonical: the register pads below 10

    def count(self) -> Counter[tuple[str, int | None]]:
        return Counter((o.kind, o.status) for o in self.outcomes)

    def failures(self, allowed: frozenset[int] = frozenset()) -> list[Outcome]:
        """Answers that are neither 2xx nor an allowed status."""
        return [o for o in self.outcomes if not o.ok and o.status not in allowed]


def _problem(resp: httpx.Response) -> bool:
    return str(resp.headers.get("content-type", "")).startswith(PROBLEM)


async def _send(ledger: Ledger, kind: str, call: Any) -> httpx.Response | None:
    t0 = time.monotonic()
    try:
        resp: httpx.Response = await call
    except httpx.TransportError as exc:
        ledger.outcomes.append(Outcome(kind, None, (time.monotonic() - t0) * 1000, t0,
                                       detail=type(exc).__name__))
        return None
    out = Outcome(kind, resp.status_code, (time.monotonic() - t0) * 1000, t0)
    if not out.ok:
        out.problem = _problem(resp)
        out.detail = resp.text[:300]
    ledger.outcomes.append(out)
    return resp


def small_pdf(text: str) -> bytes:
    """A one-page PDF whose bytes are unique to `text` (Helvetica: no font files needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def arrival_body(notation: str, tag: str) -> dict[str, Any]:
    return {"issuer_code": "TW", "sender": "Văn phòng Trung ương Đảng",
            "document": {"notation": notation, "issued_on": "2026-01-05", "type_code": "CV",
                         "title": f"Công văn {notation} về công tác văn thư, lưu trữ ({tag})"}}


async def register_arrival(clerk: httpx.AsyncClient, ledger: Ledger,
                           with_file: bool = False) -> httpx.Response | None:
    """POST /orgs/VPTU/arrivals (or /with-file, multipart with a unique PDF)."""
    notation = ledger.next_notation()
    body = arrival_body(notation, ledger.tag)
    if with_file:
        import json

        pdf = small_pdf(f"{notation} {ledger.tag}")
        call = clerk.post("/orgs/VPTU/arrivals/with-file",
                          data={"metadata": json.dumps(body)},
                          files={"file": (f"{notation.replace('/', '_')}.pdf", pdf,
                                          "application/pdf")})
    else:
        call = clerk.post("/orgs/VPTU/arrivals", json=body)
    resp = await _send(ledger, "arrival+file" if with_file else "arrival", call)
    if resp is None or resp.status_code >= 500:
        ledger.unknown_arrivals.append(notation)
    elif resp.status_code == 201:
        data = resp.json()
        ledger.arrivals[data["id"]] = {
            "notation": notation, "number": data["arrival_number"],
            "scope_key": data["scope_key"], "document_id": data["document"]["id"],
            "files": [f["sha256"] for f in data["document"]["files"]]}
    return resp


async def request_copy(department: httpx.AsyncClient, ledger: Ledger,
                       document_id: int) -> int | None:
    """A department of VPTU asks for a sao lục of the document, sent on to VPDUK."""
    resp = await _send(ledger, "copy request", department.post(
        "/orgs/VPTU/copy-requests", json={
            "kind": "SAO_LUC", "document_id": document_id,
            "reason": f"Phổ biến đến chi bộ ({ledger.tag})",
            "recipients": [{"name": "Các đ/c TUV"},
                           {"org_code": "VPDUK", "name": "Các Đảng bộ trực thuộc"}]}))
    if resp is None or resp.status_code != 201:
        return None
    request_id = int(resp.json()["id"])
    ledger.requests[request_id] = {"status": "pending"}
    return request_id


async def approve_copy(clerk: httpx.AsyncClient, ledger: Ledger,
                       request_id: int) -> httpx.Response | None:
    """The clerk approves: the copy is numbered, signed, stored and sent, or nothing happens."""
    resp = await _send(ledger, "copy issue", clerk.post(
        f"/copy-requests/{request_id}/approve",
        json={"signer_title": "CHÁNH VĂN PHÒNG", "signer_name": "Lê Văn Chiến",
              "archive_line": "Lưu Văn phòng Tỉnh ủy"}))
    if resp is not None and resp.status_code == 201:
        data = resp.json()
        ledger.requests[request_id] = {"status": "issued", "copy_id": data["id"]}
        ledger.copies[data["id"]] = {
            "notation": data["notation"], "number": data["number"],
            "scope_key": data["scope_key"], "pdf_sha256": data["pdf_sha256"],
            "request_id": request_id}
    return resp


async def copy_cycle(department: httpx.AsyncClient, clerk: httpx.AsyncClient, ledger: Ledger,
                     document_id: int) -> None:
    request_id = await request_copy(department, ledger, document_id)
    if request_id is not None:
        await approve_copy(clerk, ledger, request_id)


async def seed_document_id(clerk: httpx.AsyncClient) -> int:
    resp = await clerk.get("/search", params={"q": SEED_NOTATION, "limit": 5})
    resp.raise_for_status()
    for hit in resp.json()["items"]:
        if hit["notation"] == SEED_NOTATION:
            return int(hit["document_id"])
    raise RuntimeError(f"{SEED_NOTATION} not found: is the demo loaded?")


async def verify_copy(clerk: httpx.AsyncClient, ledger: Ledger, copy_id: int) -> None:
    resp = await _send(ledger, "verification", clerk.get(f"/copies/{copy_id}/verification"))
    if resp is not None and resp.status_code == 200 and resp.json().get("verdict") != "VALID":
        ledger.outcomes[-1].detail = f"copy {copy_id}: {resp.text[:200]}"
        ledger.outcomes[-1].status = 299  # answered, but not VALID: counted as an error


async def read_one(rng: random.Random, clerk: httpx.AsyncClient, clerk_vpduk: httpx.AsyncClient,
                   ledger: Ledger) -> None:
    """One of the reads an office does all day."""
    pick = rng.random()
    if pick < 0.25:
        await _send(ledger, "read: arrivals list",
                    clerk.get("/orgs/VPTU/arrivals", params={"limit": 20}))
    elif pick < 0.45:
        await _send(ledger, "read: search",
                    clerk.get("/search", params={"q": rng.choice(SEARCHES), "limit": 20}))
    elif pick < 0.65 and ledger.arrivals:
        arrival_id = rng.choice(list(ledger.arrivals))
        await _send(ledger, "read: arrival", clerk.get(f"/arrivals/{arrival_id}"))
    elif pick < 0.80 and ledger.copies:
        copy_id = rng.choice(list(ledger.copies))
        await _send(ledger, "read: copy", clerk.get(f"/copies/{copy_id}"))
    elif pick < 0.90:
        await _send(ledger, "read: inbox", clerk_vpduk.get("/orgs/VPDUK/inbox"))
    else:
        await _send(ledger, "read: copy register",
                    clerk.get("/orgs/VPTU/copies", params={"limit": 20}))


@dataclass
class Burst:
    """Writers hammering the register until stopped: arrivals (half with a PDF) and copies."""

    clerk: httpx.AsyncClient
    department: httpx.AsyncClient
    ledger: Ledger
    document_id: int
    arrival_writers: int = 4
    copy_writers: int = 3
    #: Pause after a request that got no answer (the server is down): do not spin.
    backoff: float = 0.05

    async def run_until(self, stop: Any) -> None:
        import asyncio

        async def arrivals(i: int) -> None:
            while not stop.is_set():
                resp = await register_arrival(self.clerk, self.ledger, with_file=i % 2 == 0)
                if resp is None or resp.status_code >= 500:
                    await asyncio.sleep(self.backoff)

        async def copies() -> None:
            while not stop.is_set():
                before = len(self.ledger.outcomes)
                await copy_cycle(self.department, self.clerk, self.ledger, self.document_id)
                if any(not o.ok for o in self.ledger.outcomes[before:]):
                    await asyncio.sleep(self.backoff)

        await asyncio.gather(*(arrivals(i) for i in range(self.arrival_writers)),
                             *(copies() for _ in range(self.copy_writers)))


def summarise(ledger: Ledger) -> dict[str, Any]:
    """Requests by kind and status (None: no answer)."""
    by_kind: dict[str, dict[str, int]] = {}
    for (kind, status), n in sorted(ledger.count().items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        by_kind.setdefault(kind, {})[str(status)] = n
    return {"requests": len(ledger.outcomes), "by_kind": by_kind,
            "acknowledged": {"arrivals": len(ledger.arrivals), "copies": len(ledger.copies),
                             "copy_requests": len(ledger.requests)}}
