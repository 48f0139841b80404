"""Request examples for /openapi.json (and so /docs's "Try it out"), from the seed's chain.

Kept here rather than in the routers: :func:`install` adds each example to the request bodies
whose schema it names (a JSON model's name, or a multipart body's operation), so the routers
stay thin. tests/core/test_openapi_complete.py fails on a request body without an example.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

SEED_DOCUMENT = {
    "notation": "160-TB/TW", "issued_on": "2020-01-15", "place": "Hà Nội",
    "title": "Kết luận của Bộ Chính trị về việc tiếp tục thực hiện Kết luận số 62-KL/TW",
    "signer_authority": "T/M BỘ CHÍNH TRỊ", "signer_name": "Trần Quốc Vượng",
    "references": [{"notation": "62-KL/TW", "issued_on": "2009-12-08"}]}
ARRIVAL = {"issuer_code": "TW", "document": SEED_DOCUMENT,
           "received_at": "2020-01-29T08:30:00+07:00", "sender": "Văn phòng Trung ương Đảng"}

#: JSON bodies, by their schema's name.
BY_SCHEMA: dict[str, Any] = {
    "SignInIn": {"login": "vt.vptu", "password": "một mật khẩu dài"},
    "OrgIn": {"code": "VPTU", "name": "Văn phòng Tỉnh ủy Đắk Nông", "family": "party",
              "parent_code": "TUDN", "place_name": "Đắk Nông", "email": "VPTU@TUDaknong"},
    "OrgPatch": {"email": "vanthu@vptu.daknong.vn"},
    "TermIn": {"label": "2020-2025", "starts_on": "2020-10-16", "ends_on": "2025-10-15"},
    "UserIn": {"name": "Văn thư Văn phòng Tỉnh ủy", "role": "clerk", "clearance": "MAT"},
    "TokenIn": {"label": "máy quét văn thư", "expires_in_days": 30},
    "TokenKeyIn": {"module": "/usr/lib/softhsm/libsofthsm2.so", "token_label": "VPTU",
                   "key_label": "vptu-2026", "pin_env": "VANTHU_TOKEN_PIN_VPTU"},
    "ArrivalIn": ARRIVAL,
    "ArrivalPatch": {"routed_to": "Chánh Văn phòng", "deadline": "2020-02-10"},
    "ArrivalCorrectionIn": {"reason": "vào sổ nhầm giờ đến",
                            "received_at": "2020-01-29T08:15:00+07:00"},
    "CancelIn": {"reason": "cấp số nhầm: văn bản đã vào sổ ở số 565"},
    "DispatchIn": {"type_code": "TB", "title": "Thông báo thực hiện Kết luận 62",
                   "issued_on": "2020-03-02", "signer_title": "CHÁNH VĂN PHÒNG",
                   "signer_name": "Lê Văn Chiến",
                   "recipients": [{"org_code": "VPDUK"}, {"name": "Lưu Văn phòng Tỉnh ủy"}]},
    "DispatchCorrectionIn": {"reason": "sai tên người ký", "signer_name": "Lê Văn Chiến"},
    "InboxRegisterIn": {"received_at": "2020-02-05T08:00:00+07:00",
                        "routed_to": "Phòng Tổng hợp", "deadline": "2020-02-20"},
    "ContinueIn": {"register": "arrival", "on": "2020-01-01", "last_number": 564},
    "CopyRequestIn": {"kind": "SAO_LUC", "document_id": 1, "reason": "Phổ biến đến chi bộ",
                      "recipients": [{"name": "Các đ/c TUV"},
                                     {"org_code": "VPDUK", "name": "Các Đảng bộ trực thuộc"}]},
    "ApproveIn": {"signer_title": "CHÁNH VĂN PHÒNG", "signer_name": "Lê Văn Chiến",
                  "archive_line": "Lưu Văn phòng Tỉnh ủy"},
    "RefuseIn": {"reason": "văn bản không thuộc diện sao gửi"},
    "RevokeIn": {"reason": "sao nhầm văn bản"},
    "ConfirmIn": {"proposal": {"notation": "160-TB/TW", "issued_on": "2020-01-15",
                               "title": SEED_DOCUMENT["title"]},
                  "issuer_code": "TW", "received_at": "2020-01-29T08:30:00+07:00"},
}

_PDF = "(a PDF file: curl -F file=@160-TB-TW.pdf)"
#: Multipart bodies, by (method, path).
BY_OPERATION: dict[tuple[str, str], Any] = {
    ("post", "/orgs/{code}/keys"): {"file": "(office.p12: curl -F file=@office.p12)",
                                    "passphrase": "the .p12 file's passphrase"},
    ("post", "/orgs/{code}/arrivals/with-file"): {
        "metadata": '{"issuer_code": "TW", "document": {"notation": "160-TB/TW", '
                    '"issued_on": "2020-01-15", "title": "Kết luận …"}, '
                    '"received_at": "2020-01-29T08:30:00+07:00"}', "file": _PDF},
    ("post", "/documents/{doc_id}/files"): {"file": _PDF},
    ("post", "/verify"): {"file": "(copy.pdf: curl -F file=@copy.pdf)"},
}


def _schema_name(media: dict[str, Any]) -> str | None:
    ref = media.get("schema", {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1] or None


def add_examples(spec: dict[str, Any]) -> None:
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            for kind, media in (body or {}).get("content", {}).items():
                if "example" in media or "examples" in media:
                    continue
                name = _schema_name(media)
                if kind == "application/json" and name in BY_SCHEMA:
                    media["example"] = BY_SCHEMA[name]
                elif (method, path) in BY_OPERATION:
                    media["example"] = BY_OPERATION[(method, path)]


def install(app: FastAPI) -> None:
    """Add the examples to the app's OpenAPI document when it is first built."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            add_examples(generate())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
