"""Sessions without a browser: cookie flags, CSRF refusal, lockout after wrong passwords (pages
and POST /auth/token alike), sign-out, and API problem details in Vietnamese on request."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.demo import demo_password, load_demo
from app.services.sign_in import MAX_FAILURES
from tests.web.helpers import form_token, sign_in


@pytest.fixture
def demo_client(ctx: Any, client: Any) -> Any:
    load_demo(ctx, people_only=True)
    return client


def test_session_cookie_is_httponly_strict_and_secure_over_https(ctx: Any, demo_client: Any) -> None:
    r = sign_in(demo_client, "clerk")
    assert r.status_code == 303 and r.headers["location"] == "/web/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    https = TestClient(demo_client.app, base_url="https://testserver")
    cookie = sign_in(https, "clerk").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie


def test_a_post_without_the_csrf_token_is_refused(demo_client: Any) -> None:
    form_token(demo_client)
    r = demo_client.post("/web/sign-in", data={"login": "clerk",
                                               "password": demo_password("clerk")})
    assert r.status_code == 403
    assert "mã chống giả mạo" in r.text
    assert "vanthu_session" not in r.headers.get("set-cookie", "")


def test_repeated_wrong_passwords_lock_the_login(demo_client: Any) -> None:
    for _ in range(MAX_FAILURES):
        assert sign_in(demo_client, "head", "wrong password!").status_code == 401
    r = sign_in(demo_client, "head")  # the right password, while locked
    assert r.status_code == 429 and "tạm khóa" in r.text
    api = demo_client.post("/auth/token", json={"login": "head",
                                                "password": demo_password("head")})
    assert api.status_code == 429 and "locked until" in api.json()["detail"]


def test_sign_out_ends_the_session(demo_client: Any) -> None:
    sign_in(demo_client, "clerk")
    assert demo_client.get("/web/arrivals").status_code == 200
    token = form_token(demo_client, "/web/")
    assert demo_client.post("/web/sign-out", data={"csrf": token},
                            follow_redirects=False).status_code == 303
    r = demo_client.get("/web/arrivals", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/web/sign-in")


def test_api_details_in_vietnamese_on_request(demo_client: Any) -> None:
    body = {"login": "clerk", "password": "wrong password!"}
    english = demo_client.post("/auth/token", json=body)
    assert english.json()["detail"] == "the login or the password is wrong"
    vi = demo_client.post("/auth/token", json=body, headers={"Accept-Language": "vi-VN,vi;q=0.9"})
    assert vi.status_code == 401 and vi.headers["content-language"] == "vi"
    assert vi.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert vi.json()["title"] == "Cần đăng nhập"
