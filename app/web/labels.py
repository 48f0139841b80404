"""Vietnamese names of roles, copy kinds and statuses, and each role's menu."""

from __future__ import annotations

from app.services.access import Principal

ROLES = {"clerk": "Văn thư", "head": "Lãnh đạo văn phòng", "department": "Đơn vị, phòng ban",
         "auditor": "Kiểm tra", "admin": "Quản trị"}
COPY_KINDS = {"SAO_Y": "Sao y", "SAO_LUC": "Sao lục", "TRICH_SAO": "Trích sao"}
STATUSES = {"received": "Đã tiếp nhận", "routed": "Đã chuyển", "in_progress": "Đang giải quyết",
            "done": "Đã giải quyết", "pending": "Chờ xử lý", "refused": "Từ chối",
            "issued": "Đã cấp bản sao", "registered": "Đã vào sổ", "withdrawn": "Đã thu hồi",
            "cancelled": "Đã hủy", "VALID": "HỢP LỆ", "INVALID": "KHÔNG HỢP LỆ",
            "UNSIGNED": "KHÔNG CÓ CHỮ KÝ SỐ"}
REGISTERS = {"arrival": "Sổ văn bản đến", "dispatch": "Sổ văn bản đi", "copy": "Sổ bản sao"}


def role(value: str | None) -> str:
    return ROLES.get(value or "", value or "")


def copy_kind(value: str | None) -> str:
    return COPY_KINDS.get(value or "", value or "")


def status(value: str | None) -> str:
    return STATUSES.get(value or "", value or "")


#: Each menu entry: (path under /web, label, roles that see it).
MENU: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/arrivals", "Sổ văn bản đến", ("clerk", "head")),
    ("/intake", "Vào sổ văn bản đến", ("clerk",)),
    ("/inbox", "Văn bản gửi đến", ("clerk",)),
    ("/requests", "Yêu cầu sao", ("clerk", "head", "department")),
    ("/dispatches", "Sổ văn bản đi", ("clerk", "head")),
    ("/copies", "Sổ bản sao", ("clerk", "head", "auditor")),
    ("/registers", "Sổ đăng ký", ("clerk", "head")),
    ("/search", "Tìm văn bản", ("clerk", "head", "department", "auditor")),
    ("/verify", "Kiểm tra bản sao", ("auditor", "clerk", "head")),
    ("/password", "Đổi mật khẩu", ("clerk", "head", "department", "auditor", "admin")),
)


def nav(who: Principal | None) -> list[tuple[str, str]]:
    if who is None:
        return []
    return [(path, label) for path, label, roles in MENU if who.role in roles]
