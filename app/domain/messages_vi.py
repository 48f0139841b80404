"""Error messages in Vietnamese: the problem+json details the services raise (in English), put
into Vietnamese for the pages and for an API client that sends ``Accept-Language: vi``.

A detail is translated by the first pattern that matches it; otherwise the answer is the
status's sentence naming the field (the English detail is then kept beside it by the caller)."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The title of each error status.
TITLES: dict[int, str] = {
    400: "Yêu cầu không hợp lệ",
    401: "Cần đăng nhập",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được phép",
    409: "Xung đột dữ liệu",
    413: "Dữ liệu quá lớn",
    415: "Loại tệp không được chấp nhận",
    422: "Dữ liệu không hợp lệ",
    429: "Thử quá nhiều lần",
    500: "Lỗi hệ thống",
    503: "Dịch vụ tạm thời không sẵn sàng",
    507: "Kho lưu trữ đã đầy",
}

#: What each status means, said to a person, when no pattern translates the detail.
GENERAL: dict[int, str] = {
    401: "Cần đăng nhập lại.",
    403: "Việc này nằm ngoài quyền của bạn (vai trò, cơ quan hoặc độ mật).",
    404: "Không có bản ghi này, hoặc bạn không được xem.",
    409: "Bản ghi đã có hoặc đang ở trạng thái không cho phép việc này.",
    413: "Tệp hoặc dữ liệu gửi lên vượt quá giới hạn.",
    415: "Chỉ nhận tệp PDF.",
    422: "Dữ liệu nhập chưa đúng.",
    429: "Đã nhập sai mật khẩu quá nhiều lần.",
    503: "Không kết nối được cơ sở dữ liệu hoặc kho tệp; chưa có gì thay đổi, hãy thử lại.",
    507: "Kho tệp đã đầy; chưa có gì được vào sổ.",
}

#: Field names as a clerk knows them.
FIELDS: dict[str, str] = {
    "login": "tên đăng nhập", "password": "mật khẩu", "new_password": "mật khẩu mới",
    "current_password": "mật khẩu hiện tại",
    "repeat_password": "nhập lại mật khẩu mới", "csrf": "mã chống giả mạo biểu mẫu",
    "notation": "số, ký hiệu", "issued_on": "ngày ban hành", "title": "trích yếu",
    "text": "nội dung văn bản", "file": "tệp PDF", "issuer_code": "cơ quan ban hành",
    "received_at": "thời gian đến", "deadline": "hạn giải quyết", "reason": "lý do",
    "recipients": "nơi nhận", "kind": "hình thức sao", "document_id": "văn bản",
    "copy_id": "bản sao", "signer_title": "chức vụ người ký", "signer_name": "họ tên người ký",
    "last_number": "số cuối của sổ giấy", "pages": "trang", "role": "vai trò",
    "type_code": "loại văn bản", "doc_type_code": "loại văn bản", "sender": "nơi gửi",
    "archive_line": "dòng lưu", "email": "thư điện tử", "on": "ngày",
}

#: (pattern of an English detail, its Vietnamese; groups are kept by number).
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"the login or the password is wrong", "Tên đăng nhập hoặc mật khẩu không đúng."),
    (r"too many wrong passwords: this login is locked until (\S+)",
     "Nhập sai mật khẩu quá nhiều lần: tài khoản bị tạm khóa đến {0} (giờ Việt Nam)."),
    (r"this one-time password must be replaced",
     "Mật khẩu dùng một lần phải được thay: hãy đặt mật khẩu mới."),
    (r"a password has at least (\d+) characters", "Mật khẩu phải có ít nhất {0} ký tự."),
    (r"the new password must differ", "Mật khẩu mới phải khác mật khẩu cũ."),
    (r"the current password is wrong", "Mật khẩu hiện tại không đúng."),
    (r"the two new passwords differ", "Hai lần nhập mật khẩu mới không giống nhau."),
    (r"the form has no valid CSRF token",
     "Biểu mẫu đã hết hạn hoặc không hợp lệ (thiếu mã chống giả mạo). Hãy tải lại trang và "
     "gửi lại."),
    (r"the API token (is not valid|was revoked)", "Phiên làm việc không còn hiệu lực."),
    (r"the API token expired on (.+?) \(", "Phiên làm việc đã hết hạn lúc {1}."),
    (r"send an API token", "Cần đăng nhập."),
    (r"the text is empty", "Nội dung văn bản đang trống."),
    (r"the PDF has no text layer", "Tệp PDF không có lớp chữ (bản quét): hãy dán nội dung."),
    (r"only a clerk of (\S+) may write its registers",
     "Chỉ văn thư của {0} được ghi vào sổ của cơ quan này."),
    (r"(\S+) of (\S+) may not read the registers of (\S+)",
     "Bạn không được xem sổ của {2}."),
    (r"this action needs the role (.+?) \(you are", "Việc này cần vai trò {0}."),
    (r"the series (\S+) has given number (\d+) in the register",
     "Sổ {0} đã cấp số {1}; chỉ tiếp nối sổ giấy trước khi cấp số đầu tiên."),
    (r"this inbox item is already registered", "Văn bản này đã được vào sổ."),
    (r"the request is (\w+)", "Yêu cầu này đã được xử lý."),
    (r"(\S+) has no PDF on file",
     "{0} chưa có tệp PDF lưu: hãy tải lên bản PDF rồi duyệt lại."),
    (r"already registered|already in the register|is a duplicate",
     "Văn bản này đã có trong sổ (trùng)."),
    (r"field required|Field required", "Chưa nhập."),
    (r"Input should be a valid date", "Ngày không đúng (ngày/tháng/năm)."),
    (r"Input should be a valid integer", "Phải là một số nguyên."),
    (r"Input should be greater than or equal to (\S+)", "Phải lớn hơn hoặc bằng {0}."),
    (r"String should have at least 1 character|cannot be empty|is empty", "Chưa nhập."),
    (r"List should have at least 1 item", "Cần ít nhất một mục."),
    (r"no such record|^no \w+", "Không tìm thấy."),
)
_COMPILED = tuple((re.compile(p), vi) for p, vi in PATTERNS)


@dataclass(frozen=True)
class ViMessage:
    title: str
    detail: str
    translated: bool  # False: the status's general sentence (the English detail says more)


def field_label(field: str | None) -> str | None:
    if not field:
        return None
    last = field.rsplit(".", 1)[-1].split("[", 1)[0]
    return FIELDS.get(last, last)


def translate_detail(detail: str) -> str | None:
    for pattern, vi in _COMPILED:
        found = pattern.search(detail)
        if found:
            return vi.format(*found.groups())
    return None


def message(status: int, detail: str, field: str | None = None) -> ViMessage:
    title = TITLES.get(status, "Lỗi")
    vi = translate_detail(detail)
    if vi is not None:
        return ViMessage(title, vi, True)
    general = GENERAL.get(status, "Yêu cầu không thực hiện được.")
    label = field_label(field)
    if label:
        general = f"{general.rstrip('.')} (trường: {label})."
    return ViMessage(title, general, False)
