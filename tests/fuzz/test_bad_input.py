"""Hand-written bad input: what an office's clients (or someone probing them) may send.

Every refusal is a 4xx problem+json naming the field; nothing reaches a 500, and a refused
request changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.factories import APPROVE_VPTU, arrive_with_pdf, ask, issue_first_copy, seed_arrival_body, set_clock
from tests.pdfs import make_pdf

PROBLEM = "application/problem+json"


def problem(r: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is the problem+json `status`, naming `field` (when given)."""
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["content-type"] == PROBLEM, r.headers["content-type"]
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["detail"], body
    if field is not None:
        assert body.get("field") == field, body
    return body


def arrivals_of(client: Any, world: Any, org: str = "VPTU") -> list[dict[str, Any]]:
    r = client.get(f"/orgs/{org}/arrivals", headers=world.auth(f"clerk_{org.lower()}"))
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def post_raw(client: Any, world: Any, path: str, content: bytes | Iterator[bytes],
             content_type: str = "application/json", who: str = "clerk_vptu") -> Any:
    return client.post(path, content=content,
                       headers={**world.auth(who), "Content-Type": content_type})


# -- size and shape of the body ------------------------------------------------------------------


def test_json_over_the_limit_is_413_before_it_is_read(client: Any, world: Any) -> None:
    limit = client.app.state.ctx.settings.max_json_bytes
    body = seed_arrival_body()
    body["document"]["title"] = "x" * limit
    r = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"), json=body)
    problem(r, 413)
    assert str(limit) in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts what arrives
        raw = json.dumps(body).encode()
        for i in range(0, len(raw), 64 * 1024):
            yield raw[i:i + 64 * 1024]

    problem(post_raw(client, world, "/orgs/VPTU/arrivals", chunks()), 413)
    assert arrivals_of(client, world) == []


@pytest.mark.parametrize("path", ["/orgs/VPTU/arrivals", "/orgs/VPTU/dispatches",
                                  "/orgs/VPTU/copy-requests", "/intake/parse", "/orgs"])
@pytest.mark.parametrize("shape", ["array", "object"])
def test_deeply_nested_json_is_422_not_a_recursion_error(client: Any, world: Any, path: str,
                                                        shape: str) -> None:
    depth = 10_000
    raw = ("[" * depth + "]" * depth) if shape == "array" else ('{"a":' * depth + "1" + "}" * depth)
    problem(post_raw(client, world, path, raw.encode()), 422, "body")


def test_deeply_nested_metadata_of_an_upload_is_422(client: Any, world: Any) -> None:
    r = client.post("/orgs/VPTU/arrivals/with-file", headers=world.auth("clerk_vptu"),
                    data={"metadata": "[" * 10_000 + "]" * 10_000},
                    files={"file": ("a.pdf", make_pdf(["x"]), "application/pdf")})
    problem(r, 422, "metadata")
    assert arrivals_of(client, world) == []


def test_nesting_inside_a_valid_document_is_422_naming_the_field(client: Any, world: Any) -> None:
    body = seed_arrival_body()
    nested: Any = "62-KL/TW"
    for _ in range(500):
        nested = [nested]
    body["document"]["references"] = [{"notation": nested}]
    r = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"), json=body)
    problem(r, 422, "document.references[0].notation")


@pytest.mark.parametrize(("raw", "field"), [
    (b'{"issuer_code": "TW", "document": {"notation": "\xff\xfe160-TB/TW"}}', "body"),
    (b'{"issuer_code": "TW", "document": {"notation": "\xc3\x28"}}', "body"),  # cut short
    (b"\xef\xbb\xbf\xef\xbb\xbf{}", "body"),  # two byte-order marks
    # UTF-8 of a lone surrogate: the JSON parses, the string cannot be one
    (b'{"issuer_code": "TW", "document": {"notation": "\xed\xa0\x80"}}', "document.notation"),
])
def test_invalid_utf8_in_a_json_body_is_422_naming_the_field(client: Any, world: Any,
                                                             raw: bytes, field: str) -> None:
    problem(post_raw(client, world, "/orgs/VPTU/arrivals", raw), 422, field)
    assert arrivals_of(client, world) == []


def test_invalid_utf8_in_intake_text_is_422(client: Any, world: Any) -> None:
    problem(post_raw(client, world, "/intake/parse", b'{"text": "S\xf4 160-TB/TW"}'), 422, "text")


@pytest.mark.parametrize(("raw", "field"), [
    (b'{"issuer_code": "TW",', "body"), (b"", "body"), (b"null", "body"), (b"[]", "body"),
    (b'"text"', "body"), (b'{"issuer_code": NaN}', "issuer_code"),  # NaN: JSON as Python reads it
    (b'{"issuer_code": "TW", "issuer_code": {"x": 1}}', "issuer_code"),  # the last key wins
])
def test_broken_or_wrong_json_is_422_naming_the_field(client: Any, world: Any, raw: bytes,
                                                      field: str) -> None:
    problem(post_raw(client, world, "/orgs/VPTU/arrivals", raw), 422, field)


# -- text that displays as something else ------------------------------------------------------

BAD_TEXT = {
    "right-to-left override": "Văn phòng \u202eủy nhiệm",
    "right-to-left mark": "Tỉnh ủy\u200f Đắk Nông",
    "first-strong isolate": "Ban \u2068Tổ chức\u2069",
    "bell": "Kết luận\x07",
    "NUL": "Kết\x00luận",
    "escape": "Kết luận \x1b[31m",
}


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_control_and_bidi_characters_in_names_and_titles_are_422(client: Any, world: Any,
                                                                 text: str) -> None:
    admin, clerk = world.auth("admin"), world.auth("clerk_vptu")
    r = client.post("/orgs", headers=admin, json={"code": "BTG", "name": text,
                                                  "family": "party", "parent_code": "TUDN"})
    body = problem(r, 422, "name")
    assert "control or bidirectional" in body["detail"]
    problem(client.patch("/orgs/VPTU", headers=admin, json={"name": text}), 422, "name")
    problem(client.post("/orgs/VPTU/users", headers=admin, json={"name": text, "role": "clerk"}),
            422, "name")
    arrival = seed_arrival_body()
    arrival["document"]["title"] = text
    problem(client.post("/orgs/VPTU/arrivals", headers=clerk, json=arrival), 422,
            "document.title")
    problem(client.post("/orgs/VPTU/dispatches", headers=clerk,
                        json={"type_code": "TB", "title": text}), 422, "title")
    problem(client.post("/orgs/VPTU/arrivals", headers=clerk,
                        json=seed_arrival_body(sender=text)), 422, "sender")
    assert arrivals_of(client, world) == []
    assert client.get("/orgs/BTG", headers=admin).status_code == 404


def test_newlines_and_tabs_are_kept_in_text(client: Any, world: Any) -> None:
    arrival = seed_arrival_body(note="dòng 1\n\tdòng 2")
    r = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"), json=arrival)
    assert r.status_code == 201, r.text
    assert r.json()["note"] == "dòng 1\n\tdòng 2"


@pytest.mark.parametrize("query", ["q=K%E1%BA%BFt%00lu%E1%BA%ADn", "issuer=T%00W", "type_code=%00",
                                   "cursor=%00", "org=VPTU%00"])
def test_a_nul_in_a_query_is_422_naming_the_parameter(client: Any, world: Any,
                                                      query: str) -> None:
    """PostgreSQL cannot compare text with a NUL in it: refused before any route runs."""
    for path in ("/search", "/orgs/VPTU/arrivals", "/orgs/VPTU/copies"):
        r = client.get(f"{path}?limit=5&{query}", headers=world.auth("clerk_vptu"))
        assert "must not contain the NUL" in problem(r, 422, query.split("=")[0])["detail"]


def test_a_nul_in_the_path_is_422(client: Any, world: Any) -> None:
    for path in ("/orgs/VPTU%00/arrivals", "/orgs/%00", "/documents/1/files/%00"):
        problem(client.get(path, headers=world.auth("clerk_vptu")), 422, "path")
    # the text "%00", sent encoded, is only text
    r = client.get("/orgs/VPTU/arrivals?q=%2500", headers=world.auth("clerk_vptu"))
    assert r.status_code == 200 and r.json()["items"] == []


@pytest.mark.parametrize("query", ["q=%ED%A0%80", "q=%FF%FE", "q=%C0%AF..%C0%AF", "issuer=%FF"])
def test_bytes_that_are_not_utf8_in_a_query_find_nothing(client: Any, world: Any,
                                                         query: str) -> None:
    """They decode to U+FFFD: the query finds nothing or is 422 naming it, never a 500."""
    for path in ("/search", "/orgs/VPTU/arrivals"):
        r = client.get(f"{path}?{query}", headers=world.auth("clerk_vptu"))
        if r.status_code == 200:
            assert r.json()["items"] == []
        else:
            problem(r, 422, query.split("=")[0])


# -- notations with look-alike characters --------------------------------------------------------

LOOK_ALIKES = {
    "Cyrillic Т and В in the type": ("160-\u0422\u0412/TW", "CYRILLIC CAPITAL LETTER TE"),
    "Cyrillic С in a công văn": ("05-\u0421V/TW", "CYRILLIC CAPITAL LETTER ES"),
    "Greek Τ in the issuer": ("160-TB/\u03a4W", "GREEK CAPITAL LETTER TAU"),
    "Cyrillic У in the State issuer": ("05/QĐ-\u0423BND", "CYRILLIC CAPITAL LETTER U"),
    "Arabic-Indic digits": ("\u0661\u0666\u0660-TB/TW", "ARABIC-INDIC DIGIT ONE"),
    "full-width digits": ("\uff11\uff16\uff10-TB/TW", "FULLWIDTH DIGIT ONE"),
}


@pytest.mark.parametrize(("notation", "named"), LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_notation_with_look_alike_characters_is_422_naming_the_character(
        client: Any, world: Any, notation: str, named: str) -> None:
    """A notation is Latin letters and 0-9 (app/domain/notation.py): "160-ТВ/TW" in Cyrillic
    would be a second 160-TB/TW that no search for the real one finds."""
    arrival = seed_arrival_body()
    arrival["document"]["notation"] = notation
    if "/QĐ-" in notation:
        arrival.update(issuer_code="UBND")
    body = problem(client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"),
                               json=arrival), 422, "notation")
    assert named in body["detail"] and "look-alike" in body["detail"]
    assert arrivals_of(client, world) == []


def test_the_latin_notation_registers_and_is_found(client: Any, world: Any) -> None:
    r = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"),
                    json=seed_arrival_body())
    assert r.status_code == 201, r.text
    hits = client.get("/search", headers=world.auth("clerk_vptu"), params={"q": "160-TB/TW"})
    assert [h["notation"] for h in hits.json()["items"]] == ["160-TB/TW"]
    # the Cyrillic look-alike finds nothing: it is not the same text
    hits = client.get("/search", headers=world.auth("clerk_vptu"),
                      params={"q": "160-\u0422\u0412/TW"})
    assert hits.status_code == 200 and hits.json()["items"] == []


@pytest.mark.parametrize(("notation", "field", "reason"), [
    ("123456789-TB/TW", "notation", "at most 99999999"),
    ("1" * 50 + "-TB/TW", "notation", "at most 99999999"),
    ("1" * 300 + "-TB/TW", "document.notation", "at most 60 characters"),
    ("1-TB/" + "A" * 60, "document.notation", "at most 60 characters"),  # a valid shape
])
def test_a_notation_beyond_any_register_is_422(client: Any, world: Any, notation: str,
                                               field: str, reason: str) -> None:
    arrival = seed_arrival_body()
    arrival["document"]["notation"] = notation
    body = problem(client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"),
                               json=arrival), 422, field)
    assert reason in body["detail"]


# -- SQL-like strings ----------------------------------------------------------------------------

SQLISH = ["'; DROP TABLE arrivals; --", "\" OR 1=1 --", "1; DELETE FROM documents",
          "Robert'); DROP TABLE users;--", "%' OR '%'='"]


def test_sql_like_strings_are_stored_verbatim_and_harmless(client: Any, world: Any) -> None:
    clerk = world.auth("clerk_vptu")
    ids = []
    for i, text in enumerate(SQLISH, start=1):
        arrival = seed_arrival_body(note=text, sender=text)
        arrival["document"].update(notation=f"{i}-CV/TW", title=f"Trích yếu {text}")
        r = client.post("/orgs/VPTU/arrivals", headers=clerk, json=arrival)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    for arrival_id, text in zip(ids, SQLISH, strict=True):
        got = client.get(f"/arrivals/{arrival_id}", headers=clerk).json()
        assert (got["note"], got["sender"]) == (text, text)
        assert got["document"]["title"] == f"Trích yếu {text}"
    # the tables are all there, and a query made of SQL finds only what contains it
    assert len(arrivals_of(client, world)) == len(SQLISH)
    listing = client.get("/orgs/VPTU/arrivals", headers=clerk, params={"q": "DROP TABLE"})
    assert len(listing.json()["items"]) == 2
    for q in ("' OR '1'='1", "x' OR 1=1 --", "%"):
        listing = client.get("/orgs/VPTU/arrivals", headers=clerk, params={"q": q})
        assert listing.status_code == 200, listing.text
        assert len(listing.json()["items"]) <= 1, q
        hits = client.get("/search", headers=clerk, params={"q": q})
        if hits.status_code != 200:  # "%" has no letter or digit to search for
            problem(hits, 422, "q")
        else:
            assert len(hits.json()["items"]) <= 1, q
    r = client.get("/orgs/VPTU' OR '1'='1/arrivals", headers=clerk)
    problem(r, 404, "code")
    assert client.get("/me", headers=clerk).status_code == 200


# -- file names ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("sent", "stored"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\Windows\\system32\\x.pdf", "x.pdf"),
    ("/etc/passwd.pdf", "passwd.pdf"),
    ("....//....//secret.pdf", "secret.pdf"),
    ("..", "document.pdf"),
    ("Kết luận <script>.pdf", "Kết luận script.pdf"),
])
def test_path_traversal_in_upload_names_keeps_only_a_plain_name(
        client: Any, world: Any, settings: Any, sent: str, stored: str) -> None:
    body = seed_arrival_body()
    r = client.post("/orgs/VPTU/arrivals/with-file", headers=world.auth("clerk_vptu"),
                    data={"metadata": json.dumps(body)},
                    files={"file": (sent, make_pdf(["trang 1"]), "application/pdf")})
    assert r.status_code == 201, r.text
    files = r.json()["document"]["files"]
    assert [f["filename"] for f in files] == [stored]
    # nothing was written outside the store, and the store holds the file by its digest only
    written = [p for p in settings.storage_dir.rglob("*") if p.is_file()]
    assert [p.name for p in written] == [files[0]["sha256"]]
    assert not (settings.storage_dir.parent / "etc").exists()
    r = client.get(f"/documents/{r.json()['document']['id']}/files/{files[0]['sha256']}",
                   headers=world.auth("clerk_vptu"))
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert re.fullmatch(r'attachment; filename="[0-9a-f]{64}\.pdf"',
                        r.headers["content-disposition"])


def test_control_characters_in_an_upload_name_are_dropped(client: Any, world: Any) -> None:
    """httpx escapes them, so the multipart body is written by hand."""
    boundary = "vanthu-boundary"
    parts = [
        (b'Content-Disposition: form-data; name="metadata"\r\n\r\n'
         + json.dumps(seed_arrival_body()).encode()),
        (b'Content-Disposition: form-data; name="file"; filename="a\x00b\x1bc\x7f.pdf"\r\n'
         b"Content-Type: application/pdf\r\n\r\n" + make_pdf(["x"])),
    ]
    raw = b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
    r = post_raw(client, world, "/orgs/VPTU/arrivals/with-file", raw + b"--vanthu-boundary--\r\n",
                 f"multipart/form-data; boundary={boundary}")
    assert r.status_code == 201, r.text
    assert [f["filename"] for f in r.json()["document"]["files"]] == ["abc.pdf"]


@pytest.mark.parametrize("sha", ["../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "0" * 64,
                                 "A" * 5000])
def test_file_digests_from_the_url_never_reach_the_disk(client: Any, world: Any,
                                                        sha: str) -> None:
    arrival = arrive_with_pdf(client, world)
    r = client.get(f"/documents/{arrival['document']['id']}/files/{sha}",
                   headers=world.auth("clerk_vptu"))
    assert r.status_code == 404, r.text
    assert "root:" not in r.text


# -- tokens --------------------------------------------------------------------------------------

@pytest.mark.parametrize("authorization", [
    "Bearer vt_" + "A" * 43,  # the shape of a token, not one we issued
    "Bearer ' OR '1'='1",
    "Bearer " + "vt_" + "x" * 20_000,
    "Bearer ",
    "Bearer",
    "Token vt_abc",
    "bearer",
    "Bearer vt_\u00e9t\u00e9",  # Latin-1 bytes in the header
])
def test_forged_tokens_are_401(client: Any, world: Any, authorization: str) -> None:
    r = client.get("/me", headers={"Authorization": authorization.encode("latin-1")})
    problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"


def test_a_token_of_another_user_with_one_character_changed_is_401(client: Any,
                                                                   world: Any) -> None:
    token = world.tokens["admin"]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    problem(client.get("/me", headers={"Authorization": f"Bearer {forged}"}), 401)


def test_revoked_tokens_are_401_everywhere_and_the_owner_can_revoke_their_own(
        client: Any, world: Any) -> None:
    """Tokens do not expire; a lost one is revoked (by its owner or an admin above)."""
    made = client.post(f"/users/{world.user_ids['clerk_vptu']}/tokens",
                       headers=world.auth("admin"), json={"label": "laptop"}).json()
    mine = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/me", headers=mine).status_code == 200
    assert client.delete(f"/tokens/{made['id']}", headers=mine).status_code == 204
    for method, path in (("GET", "/me"), ("GET", "/orgs/VPTU/arrivals"),
                         ("POST", "/orgs/VPTU/arrivals")):
        body = problem(client.request(method, path, headers=mine, json=seed_arrival_body()), 401)
        assert "revoked" in body["detail"]
    assert arrivals_of(client, world) == []


# -- another organisation's ids ------------------------------------------------------------------

OUTSIDERS = ["clerk_ubnd", "admin_ubnd", "clerk_tttu"]


@pytest.fixture
def vptu_records(client: Any, world: Any, ctx: Any) -> dict[str, Any]:
    """VPTU's records: an arrival with its PDF, its copy (sent to VPDUK), a pending request, a
    dispatch to VPDUK (in VPDUK's inbox), a confidential arrival, and a second token."""
    arrival, copy = issue_first_copy(client, world, ctx)
    set_clock(ctx, "2020-03-02T09:00:00+07:00")  # the dispatch is numbered on its day
    clerk = world.auth("clerk_vptu")
    pending = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"])
    assert pending.status_code == 201, pending.text
    dispatch = client.post("/orgs/VPTU/dispatches", headers=clerk, json={
        "type_code": "TB", "title": "Thông báo mật về nhân sự", "issued_on": "2020-03-02",
        "recipients": [{"org_code": "VPDUK"}]})
    assert dispatch.status_code == 201, dispatch.text
    inbox = client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()
    token = client.post(f"/users/{world.user_ids['clerk_vptu']}/tokens",
                        headers=world.auth("admin"), json={"label": "second"})
    assert token.status_code == 201, token.text
    return {"arrival": arrival, "copy": copy, "request": pending.json(),
            "dispatch": dispatch.json(), "inbox": inbox, "token": token.json()}


def _id_routes(rec: dict[str, Any], world: Any) -> dict[tuple[str, str], tuple[str, Any]]:
    """(method, path template) → (path with VPTU's ids, body)."""
    a, doc, c = rec["arrival"]["id"], rec["arrival"]["document"]["id"], rec["copy"]["id"]
    sha = rec["arrival"]["document"]["files"][0]["sha256"]
    req, d, item = rec["request"]["id"], rec["dispatch"]["id"], rec["inbox"][-1]["id"]
    pdf = {"files": {"file": ("scan.pdf", make_pdf(["scan"]), "application/pdf")}}
    why = {"json": {"reason": "thử từ cơ quan khác"}}
    fix = {"json": {"reason": "thử từ cơ quan khác", "title": "Trích yếu khác"}}
    return {
        ("GET", "/arrivals/{arrival_id}"): (f"/arrivals/{a}", None),
        ("PATCH", "/arrivals/{arrival_id}"): (f"/arrivals/{a}", {"json": {"status": "routed"}}),
        ("GET", "/arrivals/{arrival_id}/declared"): (f"/arrivals/{a}/declared", None),
        ("POST", "/arrivals/{arrival_id}/corrections"): (f"/arrivals/{a}/corrections", fix),
        ("POST", "/arrivals/{arrival_id}/cancel"): (f"/arrivals/{a}/cancel", why),
        ("GET", "/dispatches/{dispatch_id}"): (f"/dispatches/{d}", None),
        ("POST", "/dispatches/{dispatch_id}/corrections"): (f"/dispatches/{d}/corrections", fix),
        ("POST", "/dispatches/{dispatch_id}/cancel"): (f"/dispatches/{d}/cancel", why),
        ("GET", "/documents/{doc_id}"): (f"/documents/{doc}", None),
        ("GET", "/documents/{doc_id}/files/{sha256}"): (f"/documents/{doc}/files/{sha}", None),
        ("POST", "/documents/{doc_id}/files"): (f"/documents/{doc}/files", pdf),
        ("GET", "/documents/{doc_id}/distribution"): (f"/documents/{doc}/distribution", None),
        ("GET", "/documents/{doc_id}/declared-copies"): (f"/documents/{doc}/declared-copies",
                                                         None),
        ("GET", "/copy-requests/{request_id}"): (f"/copy-requests/{req}", None),
        ("POST", "/copy-requests/{request_id}/approve"): (f"/copy-requests/{req}/approve",
                                                          {"json": APPROVE_VPTU}),
        ("POST", "/copy-requests/{request_id}/refuse"): (f"/copy-requests/{req}/refuse",
                                                         {"json": {"reason": "không"}}),
        ("GET", "/copies/{copy_id}"): (f"/copies/{c}", None),
        ("GET", "/copies/{copy_id}/pdf"): (f"/copies/{c}/pdf", None),
        ("GET", "/copies/{copy_id}/manifest"): (f"/copies/{c}/manifest", None),
        ("GET", "/copies/{copy_id}/verification"): (f"/copies/{c}/verification", None),
        ("GET", "/copies/{copy_id}/history"): (f"/copies/{c}/history", None),
        ("GET", "/copies/{copy_id}/archive.pdf"): (f"/copies/{c}/archive.pdf", None),
        ("POST", "/copies/{copy_id}/revoke"): (f"/copies/{c}/revoke", why),
        ("POST", "/orgs/{code}/inbox/{item_id}/register"): (f"/orgs/{{own}}/inbox/{item}/register",
                                                            {"json": {}}),
        ("POST", "/users/{user_id}/tokens"): (
            f"/users/{world.user_ids['clerk_vptu']}/tokens", {"json": {"label": "stolen"}}),
        ("DELETE", "/tokens/{token_id}"): (f"/tokens/{rec['token']['id']}", None),
        ("GET", "/audit/events/{seq}"): ("/audit/events/1", None),
    }


def test_every_id_route_covered(client: Any, world: Any, vptu_records: dict[str, Any]) -> None:
    routes = {(method.upper(), path)
              for path, item in client.app.openapi()["paths"].items()
              if re.search(r"\{\w*(_id|seq|sha256)\}", path) for method in item}
    assert routes == set(_id_routes(vptu_records, world))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_another_organisations_ids_answer_403_or_404_and_no_data(
        client: Any, world: Any, vptu_records: dict[str, Any], who: str) -> None:
    own = {"clerk_ubnd": "UBND", "admin_ubnd": "UBND", "clerk_tttu": "TTTU"}[who]
    rec = vptu_records
    secrets = ["Bộ Chính trị", rec["arrival"]["document"]["notation"], rec["copy"]["notation"],
               rec["dispatch"]["notation"], "Thông báo mật", "%PDF", "BEGIN"]
    for (method, template), (path, extra) in _id_routes(vptu_records, world).items():
        r = client.request(method, path.replace("{own}", own), headers=world.auth(who),
                           **(extra or {}))
        if template == "/audit/events/{seq}" and who.startswith("admin"):
            # the log is one for the service: admins and auditors read every event, which holds
            # ids, digests and the actor, never a document's content (docs/security.md)
            assert r.status_code == 200, r.text
        else:
            assert r.status_code in (403, 404), (who, method, template, r.status_code,
                                                 r.text[:300])
            assert r.headers["content-type"] == PROBLEM
        leaked = [s for s in secrets if s in r.text]
        assert not leaked, (who, method, template, leaked, r.text[:300])
    # requests that name VPTU's records by an id in the body: not found, nothing named
    for body in ({"document_id": rec["arrival"]["document"]["id"]}, {"copy_id": rec["copy"]["id"]}):
        r = client.post(f"/orgs/{own}/copy-requests", headers=world.auth(who),
                        json={"kind": "SAO_LUC", "reason": "xem thử",
                              "recipients": [{"name": "Lưu"}], **body})
        assert r.status_code in (403, 404), (who, body, r.text[:300])
        leaked = [s for s in secrets if s in r.text]
        assert not leaked, (who, body, leaked, r.text[:300])
    # nothing changed: the arrival is not routed, the request still pending, the token works,
    # VPDUK's inbox item still waiting
    clerk = world.auth("clerk_vptu")
    arrival = client.get(f"/arrivals/{vptu_records['arrival']['id']}", headers=clerk).json()
    assert arrival["status"] == "received" and arrival["cancelled"] is None
    assert arrival["corrections"] == []
    dispatch = client.get(f"/dispatches/{vptu_records['dispatch']['id']}", headers=clerk).json()
    assert dispatch["cancelled"] is None and dispatch["corrections"] == []
    copy = client.get(f"/copies/{vptu_records['copy']['id']}", headers=clerk).json()
    assert copy["revoked_at"] is None
    assert client.get(f"/copy-requests/{vptu_records['request']['id']}",
                      headers=clerk).json()["status"] == "pending"
    token = {"Authorization": f"Bearer {vptu_records['token']['token']}"}
    assert client.get("/me", headers=token).status_code == 200
    inbox = client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()
    assert [i["id"] for i in inbox] == [i["id"] for i in vptu_records["inbox"]]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_another_organisations_registers_by_code_are_403(client: Any, world: Any,
                                                         vptu_records: dict[str, Any],
                                                         who: str) -> None:
    h = world.auth(who)
    for path in ("/orgs/VPTU/arrivals", "/orgs/VPTU/dispatches", "/orgs/VPTU/copies",
                 "/orgs/VPTU/copy-requests", "/orgs/VPTU/inbox", "/orgs/VPTU/deadlines",
                 "/orgs/VPTU/registers/arrival/book?year=2020"):
        r = client.get(path, headers=h)
        problem(r, 403)
        assert "Bộ Chính trị" not in r.text
    for params in ({"q": "160 TB TW"}, {"org": "VPTU", "q": "160"}, {"org": "VPTU"}):
        hits = client.get("/search", headers=h, params=params)
        assert hits.status_code == 200 and hits.json()["items"] == [], hits.text


def test_within_the_office_only_a_clerk_or_the_head_decides_a_copy_request(
        client: Any, world: Any, vptu_records: dict[str, Any]) -> None:
    request_id = vptu_records["request"]["id"]
    for who in ("dept_vptu", "auditor", "admin", "clerk_vpduk"):
        for action, body in (("approve", APPROVE_VPTU), ("refuse", {"reason": "không cần"})):
            r = client.post(f"/copy-requests/{request_id}/{action}", headers=world.auth(who),
                            json=body)
            assert r.status_code in (403, 404), (who, action, r.text)
            assert r.headers["content-type"] == PROBLEM
    r = client.post(f"/copy-requests/{request_id}/refuse", headers=world.auth("head_vptu"),
                    json={"reason": "đã có bản sao"})
    assert r.status_code == 200 and r.json()["status"] == "refused", r.text


# -- numbers out of range ------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/arrivals/99999999999999999999", "/arrivals/2147483648", "/arrivals/0", "/arrivals/-1",
    "/dispatches/9223372036854775808", "/documents/1e3", "/copies/99999999999999999999/pdf",
    "/copy-requests/18446744073709551616", "/tokens/99999999999999999999",
    "/audit/events/99999999999999999999",
])
def test_ids_out_of_range_are_422_naming_the_id(client: Any, world: Any, path: str) -> None:
    method = "DELETE" if path.startswith("/tokens") else "GET"
    body = problem(client.request(method, path, headers=world.auth("admin")), 422)
    assert body["field"].endswith(("_id", "seq")), body


def test_the_largest_id_is_simply_not_found(client: Any, world: Any) -> None:
    problem(client.get("/arrivals/2147483647", headers=world.auth("clerk_vptu")), 404)


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/orgs/VPTU/arrivals", {"year": "99999"}, "year"),
    ("/orgs/VPTU/arrivals", {"year": "0"}, "year"),
    ("/orgs/VPTU/dispatches", {"year": "-5"}, "year"),
    ("/orgs/VPTU/copies", {"year": "10000"}, "year"),
    ("/orgs/VPTU/copies", {"document_id": "99999999999999999999"}, "document_id"),
    ("/orgs/VPTU/copy-requests", {"requested_by": "2147483648"}, "requested_by"),
    ("/orgs/VPTU/arrivals", {"limit": str(10**30)}, "limit"),
    ("/orgs/VPTU/arrivals", {"date_from": "99999-01-01"}, "date_from"),
    ("/orgs/VPTU/arrivals", {"cursor": "' OR 1=1"}, "cursor"),
    ("/audit/proofs/inclusion", {"seq": "0", "tree_size": str(2**64)}, "tree_size"),
])
def test_query_numbers_out_of_range_are_422(client: Any, world: Any, path: str,
                                            params: dict[str, str], field: str) -> None:
    problem(client.get(path, headers=world.auth("auditor"), params=params), 422, field)


@pytest.mark.parametrize(("body", "field"), [
    ({"document_id": 99999999999999999999}, "document_id"),
    ({"document_id": 2**31}, "document_id"),
    ({"copy_id": -1}, "copy_id"),
    ({"document_id": 1, "kind": "TRICH_SAO", "pages": [2**40]}, "pages[0]"),
])
def test_body_ids_out_of_range_are_422(client: Any, world: Any, body: dict[str, Any],
                                       field: str) -> None:
    r = ask(client, world, "dept_vptu", "VPTU", **body)
    problem(r, 422, field)


@pytest.mark.parametrize(("field", "value"), [
    ("received_at", "9999-12-31T23:00:00+00:00"),  # +07:00 would be year 10000
    ("received_at", "0001-01-01T00:00:00+07:00"),  # UTC would be year 0
    ("deadline", "0001-01-01"),
    ("deadline", "3000-01-01"),
])
def test_days_outside_1900_to_2999_are_422(client: Any, world: Any, field: str,
                                           value: str) -> None:
    r = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"),
                    json=seed_arrival_body(**{field: value}))
    assert "between 1900-01-01 and 2999-12-31" in problem(r, 422, field)["detail"]


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("GET", "/orgs/VPTU/deadlines?on=9999-12-31&soon_days=366", None, "on"),
    ("GET", "/orgs/VPTU/copy-requests?created_from=9999-12-31T23:00:00-12:00", None,
     "created_from"),
    ("GET", "/orgs/VPTU/copy-requests?created_to=0001-01-01T00:00:00%2B14:00", None,
     "created_to"),
    ("POST", "/orgs/VPTU/dispatches", {"type_code": "TB", "title": "x",
                                       "issued_on": "9999-12-31"}, "issued_on"),
    ("PUT", "/orgs/VPTU/registers/series", {"register": "arrival", "on": "0001-01-01",
                                            "last_number": 3}, "on"),
])
def test_extreme_days_elsewhere_are_422(client: Any, world: Any, method: str, path: str,
                                        body: Any, field: str) -> None:
    problem(client.request(method, path, headers=world.auth("clerk_vptu"), json=body), 422,
            field)


# -- content types -------------------------------------------------------------------------------

def test_json_routes_refuse_other_content_types(client: Any, world: Any) -> None:
    raw = json.dumps(seed_arrival_body()).encode()
    for content_type in ("text/plain", "application/xml", "application/x-www-form-urlencoded"):
        problem(post_raw(client, world, "/orgs/VPTU/arrivals", raw, content_type), 422, "body")
    assert arrivals_of(client, world) == []


def test_upload_routes_refuse_json_and_non_pdf_files(client: Any, world: Any) -> None:
    clerk = world.auth("clerk_vptu")
    r = client.post("/orgs/VPTU/arrivals/with-file", headers=clerk, json=seed_arrival_body())
    body = problem(r, 422)
    assert body["field"] in ("metadata", "file")
    for name, data, kind in (("a.pdf", b"<html>not a pdf</html>", "application/pdf"),
                             ("a.pdf", b"%PDF-1.7\n garbage", "application/pdf"),
                             ("a.exe", b"MZ\x90\x00", "application/octet-stream")):
        r = client.post("/orgs/VPTU/arrivals/with-file", headers=clerk,
                        data={"metadata": json.dumps(seed_arrival_body())},
                        files={"file": (name, data, kind)})
        problem(r, 415, "file")
    problem(post_raw(client, world, "/orgs/VPTU/arrivals/with-file", b"--x\r\n",
                     "multipart/form-data"), 422, "body")
    problem(post_raw(client, world, "/intake/parse", b"160-TB/TW", "text/plain"), 415, "file")
    assert arrivals_of(client, world) == []


def test_an_undeclared_method_is_405_problem(client: Any, world: Any) -> None:
    problem(client.put("/arrivals/1", headers=world.auth("clerk_vptu"), json={}), 405)


# -- every text field at its longest -------------------------------------------------------------

def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if isinstance(node, dict) and "anyOf" in node:
        node = next(n for n in node["anyOf"] if n.get("type") != "null")
        return _resolve(spec, node)
    return node


def _longest_strings(spec: dict[str, Any], node: Any,
                     path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...],
                                                                    str]]:
    """(path, the longest value the schema allows) for every bounded text field."""
    node = _resolve(spec, node)
    if node.get("type") == "object":
        for name, child in node.get("properties", {}).items():
            yield from _longest_strings(spec, child, (*path, name))
    elif node.get("type") == "array":
        yield from _longest_strings(spec, node["items"], (*path, 0))
    elif node.get("type") == "string" and "maxLength" in node and "format" not in node:
        # Vietnamese letters (two bytes in UTF-8); a code's pattern takes capitals only
        letter = "A" if "pattern" in node else "Đ"
        yield path, letter * node["maxLength"]


def _with(body: Any, path: tuple[str | int, ...], value: str) -> Any:
    body = json.loads(json.dumps(body))
    here = body
    for key, after in zip(path, (*path[1:], None), strict=True):
        if after is None:
            if isinstance(here, list) and not here:
                here.append(value)
            else:
                here[key] = value
        else:
            if isinstance(here, list):
                if not here:
                    here.append({} if isinstance(after, str) else [])
                here = here[0]
            else:
                here = here.setdefault(key, {} if isinstance(after, str) else [])
    return body


def test_every_text_field_at_its_longest_is_stored_or_422_never_500(
        client: Any, world: Any, ctx: Any, vptu_records: dict[str, Any]) -> None:
    """The lengths the API accepts fit the columns (PostgreSQL refuses a longer VARCHAR): each
    bounded text field of each JSON write, filled to its maxLength, is stored or refused with a
    422, never a 500."""
    spec = client.app.openapi()
    admin, clerk, dept = world.auth("admin"), world.auth("clerk_vptu"), world.auth("dept_vptu")
    assert client.post("/orgs", headers=admin, json={"code": "BTG", "name": "Ban Tuyên giáo",
                                                     "family": "party",
                                                     "parent_code": "TUDN"}).status_code == 201
    arrival_id = vptu_records["arrival"]["id"]
    doc_id = vptu_records["arrival"]["document"]["id"]
    serial = iter(range(100, 10_000))

    def arrival() -> dict[str, Any]:
        body = seed_arrival_body()
        body["document"]["notation"] = f"{next(serial)}-CV/TW"
        return body

    writes: list[tuple[str, str, dict[str, str], Any]] = [
        ("POST", "/orgs", admin, lambda: {"code": f"X{next(serial)}", "name": "x",
                                          "family": "party", "parent_code": "TUDN"}),
        ("PATCH", "/orgs/{code}", admin, lambda: {}),
        ("POST", "/orgs/{code}/terms", admin, lambda: {"label": "k", "starts_on": "2030-01-01"}),
        ("POST", "/orgs/{code}/users", admin, lambda: {"name": "x", "role": "clerk"}),
        ("POST", "/users/{user_id}/tokens", admin, lambda: {}),
        ("POST", "/orgs/{code}/arrivals", clerk, arrival),
        ("PATCH", "/arrivals/{arrival_id}", clerk, lambda: {}),
        ("POST", "/orgs/{code}/dispatches", clerk, lambda: {"type_code": "TB", "title": "x"}),
        ("PUT", "/orgs/{code}/registers/series", clerk,
         lambda: {"register": "dispatch", "on": "2021-01-01", "last_number": 1}),
        ("POST", "/orgs/{code}/copy-requests", dept,
         lambda: {"kind": "SAO_LUC", "document_id": doc_id, "reason": "x",
                  "recipients": [{"name": "x"}]}),
    ]
    paths = {"/orgs/{code}": "/orgs/VPTU", "/orgs/{code}/terms": "/orgs/BTG/terms",
             "/users/{user_id}/tokens": f"/users/{world.user_ids['clerk_vptu']}/tokens",
             "/arrivals/{arrival_id}": f"/arrivals/{arrival_id}"}
    statuses: list[int] = []
    for method, template, headers, base in writes:
        operation = spec["paths"][template][method.lower()]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        url = paths.get(template, template.replace("{code}", "VPTU"))
        fields = list(_longest_strings(spec, schema))
        assert fields, template
        for path, value in fields:
            body = _with(base(), path, value)
            if template == "/orgs/{code}/terms":  # one term per office: a new office each time
                code = f"T{next(serial)}"
                assert client.post("/orgs", headers=admin, json={
                    "code": code, "name": "x", "family": "party",
                    "parent_code": "TUDN"}).status_code == 201
                url = f"/orgs/{code}/terms"
            r = client.request(method, url, headers=headers, json=body)
            assert r.status_code < 500, (method, template, path, r.text[:300])
            if r.status_code >= 400:
                problem(r, r.status_code)
            statuses.append(r.status_code)
    stored = sum(200 <= s < 300 for s in statuses)
    assert stored >= len(statuses) * 2 // 3, statuses
