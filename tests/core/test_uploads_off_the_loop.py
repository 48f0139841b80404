"""A route taking an upload runs its service off the event loop: while one upload's service waits
(as it would on a busy SQLite, up to its 60 s busy timeout), another request is answered.

The service is held by a threading.Event, not by a delay, so nothing here depends on the
machine's speed; the waits are bounds that only a blocked event loop would reach."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.factories import arrive, seed_arrival_body
from tests.intake.helpers import seed_text, text_pdf
from tests.pdfs import make_pdf

BOUND = 30.0  # seconds; reached only if the loop is blocked


Send = Callable[[], Any]


def _arrival_with_file(client: Any, world: Any) -> Send:
    return lambda: client.post(
        "/orgs/VPTU/arrivals/with-file", headers=world.auth("clerk_vptu"),
        data={"metadata": json.dumps(seed_arrival_body())},
        files={"file": ("160.pdf", make_pdf(["160-TB/TW"]), "application/pdf")})


def _scan_on_file(client: Any, world: Any) -> Send:
    doc_id = arrive(client, world)["document"]["id"]
    return lambda: client.post(
        f"/documents/{doc_id}/files", headers=world.auth("clerk_vptu"),
        files={"file": ("scan.pdf", make_pdf(["bản chính (scan)"]), "application/pdf")})


def _verify(client: Any, world: Any) -> Send:
    return lambda: client.post(
        "/verify", headers=world.auth("clerk_vptu"),
        files={"file": ("x.pdf", make_pdf(["không ký"]), "application/pdf")})


def _intake(client: Any, world: Any) -> Send:
    return lambda: client.post(
        "/intake/parse", headers=world.auth("clerk_vptu"),
        files={"file": ("160.pdf", text_pdf(seed_text()), "application/pdf")})


#: route, the service function it calls (module, name), what sends the upload (made before the
#: service is held), the status it answers once released.
ROUTES: list[tuple[str, str, str, Callable[[Any, Any], Send], int]] = [
    ("arrival with file", "app.services.arrivals", "register", _arrival_with_file, 201),
    ("scan on file", "app.services.scans", "upload", _scan_on_file, 201),
    ("verify", "app.services.verification", "verify_upload", _verify, 200),
    ("intake parse", "app.services.intake_parse", "parse_pdf", _intake, 200),
]


@pytest.mark.parametrize(("route", "module", "name", "sender", "status"), ROUTES,
                         ids=[r[0] for r in ROUTES])
def test_another_request_is_served_while_an_upload_waits_in_its_service(
        client: Any, world: Any, monkeypatch: pytest.MonkeyPatch, route: str, module: str,
        name: str, sender: Callable[[Any, Any], Send], status: int) -> None:
    import importlib

    service = importlib.import_module(module)
    real = getattr(service, name)
    entered, release = threading.Event(), threading.Event()

    def held(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        if not release.wait(BOUND):
            raise AssertionError("the test never released the service")
        return real(*args, **kwargs)

    post = sender(client, world)
    monkeypatch.setattr(service, name, held)
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            upload = pool.submit(post)
            assert entered.wait(BOUND), "the upload never reached its service"
            other = pool.submit(client.get, "/orgs/VPTU/arrivals",
                                headers=world.auth("clerk_vptu"))
            answered = other.result(timeout=BOUND)  # a blocked loop would wait for `release`
            assert answered.status_code == 200, answered.text
            assert not upload.done(), f"{route}: the upload finished before it was released"
        finally:
            release.set()
        done = upload.result(timeout=BOUND)
    assert done.status_code == status, done.text
