"""Signing in to the pages with a TestClient: the CSRF cookie from a form, then the post."""

from __future__ import annotations

import re
from typing import Any

from app.demo import demo_password

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def form_token(client: Any, path: str = "/web/sign-in") -> str:
    r = client.get(path)
    assert r.status_code == 200, r.text
    return csrf_of(r.text)


def sign_in(client: Any, login: str, password: str | None = None) -> Any:
    token = form_token(client)
    return client.post("/web/sign-in", data={
        "csrf": token, "login": login, "password": password or demo_password(login),
        "next": "/web/"}, follow_redirects=False)
