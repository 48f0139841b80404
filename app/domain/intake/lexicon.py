"""Words and phrases used to repair OCR'd office names, places and signer titles.

Repair is by folded equality (the same letters without diacritics: "VAN PHONG" → "VĂN PHÒNG",
"KHỎI" → "KHỐI"), plus a short table of OCR confusions actually seen on stamps. Only phrases known
here are touched, so an unknown word stays as printed.
"""

from __future__ import annotations

import difflib

from app.domain.intake.lines import fold

#: Phrases of office names, in their correct spelling (upper case as printed in headers).
OFFICE_PHRASES: tuple[str, ...] = (
    "BAN CHẤP HÀNH TRUNG ƯƠNG",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "ĐẢNG ỦY KHỐI CÁC CƠ QUAN",
    "ĐẢNG ỦY KHỐI DOANH NGHIỆP",
    "ĐẢNG ỦY KHỐI",
    "ĐẢNG BỘ TỈNH",
    "ĐẢNG ỦY",
    "ĐẢNG BỘ",
    "VÀ DOANH NGHIỆP",
    "CÁC CƠ QUAN",
    "ỦY BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
    "ỦY BAN KIỂM TRA",
    "BAN THƯỜNG VỤ",
    "THƯỜNG TRỰC",
    "VĂN PHÒNG",
    "TỈNH ỦY",
    "THÀNH ỦY",
    "HUYỆN ỦY",
    "BAN TỔ CHỨC",
    "BAN TUYÊN GIÁO",
    "BAN DÂN VẬN",
    "BAN NỘI CHÍNH",
    "CHÍNH PHỦ",
    "BỘ NỘI VỤ",
    "BỘ TÀI CHÍNH",
    "SỞ TÀI CHÍNH",
    "SỞ NỘI VỤ",
    "SỞ TƯ PHÁP",
    "SỞ KẾ HOẠCH VÀ ĐẦU TƯ",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    "SỞ Y TẾ",
    "CÔNG AN TỈNH",
    "TỈNH",
    "HUYỆN",
    "THÀNH PHỐ",
    "UBND",
    "HĐND",
)

#: Place names (địa danh) as written in date lines and office names.
PLACES: tuple[str, ...] = (
    "Hà Nội",
    "Thành phố Hồ Chí Minh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Huế",
    "Đắk Nông",
    "Đắk Lắk",
    "Lâm Đồng",
    "Gia Nghĩa",
    "Buôn Ma Thuột",
    "Đà Lạt",
    "Gia Lai",
    "Kon Tum",
    "Bình Phước",
    "Bình Dương",
    "Đồng Nai",
    "Quảng Ninh",
    "Hạ Long",
    "Nghệ An",
    "Vinh",
    "Thanh Hóa",
    "Hà Tĩnh",
    "Quảng Bình",
    "Quảng Trị",
    "Quảng Nam",
    "Quảng Ngãi",
    "Bình Định",
    "Quy Nhơn",
    "Phú Yên",
    "Khánh Hòa",
    "Nha Trang",
    "Ninh Thuận",
    "Bình Thuận",
    "Tây Ninh",
    "Long An",
    "Tiền Giang",
    "Bến Tre",
    "Vĩnh Long",
    "Trà Vinh",
    "Sóc Trăng",
    "An Giang",
    "Kiên Giang",
    "Bạc Liêu",
    "Cà Mau",
    "Hậu Giang",
    "Đồng Tháp",
    "Lào Cai",
    "Yên Bái",
    "Điện Biên",
    "Lai Châu",
    "Sơn La",
    "Hòa Bình",
    "Hà Giang",
    "Cao Bằng",
    "Bắc Kạn",
    "Lạng Sơn",
    "Tuyên Quang",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Giang",
    "Bắc Ninh",
    "Hải Dương",
    "Hưng Yên",
    "Thái Bình",
    "Nam Định",
    "Ninh Bình",
    "Hà Nam",
    "Vĩnh Phúc",
    "Bà Rịa - Vũng Tàu",
    "Cư Jút",
    "Đắk Mil",
    "Đắk R'Lấp",
    "Krông Nô",
    "Tuy Đức",
    "Đắk Song",
    "Đắk Glong",
)

#: Signer titles (chức vụ) in their correct spelling.
SIGNER_TITLES: tuple[str, ...] = (
    "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG",
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "BÍ THƯ",
    "PHÓ BÍ THƯ",
    "THƯỜNG TRỰC",
    "THỦ TƯỚNG",
    "PHÓ THỦ TƯỚNG",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN",
    "TRƯỞNG PHÒNG",
    "PHÓ TRƯỞNG PHÒNG",
    "CHÁNH THANH TRA",
    "TỔNG BÍ THƯ",
    "CHỦ NHIỆM",
    "PHÓ CHỦ NHIỆM",
)

#: OCR confusions seen on real stamps and signatures (folded wrong form → correct form).
OCR_CONFUSIONS: dict[str, str] = {
    "THUONG CHINH": "THƯỜNG TRỰC",
    "THUONG TRUE": "THƯỜNG TRỰC",
    "VAN PHONC": "VĂN PHÒNG",
}


def _phrase_table(phrases: tuple[str, ...]) -> list[tuple[list[str], list[str]]]:
    table = [(fold(p).split(), p.split()) for p in phrases]
    table += [(k.split(), v.split()) for k, v in OCR_CONFUSIONS.items()]
    return sorted(table, key=lambda item: -len(item[0]))


_OFFICE_TABLE = _phrase_table(OFFICE_PHRASES + tuple(p.upper() for p in PLACES))
_PLACE_BY_FOLD = {fold(p): p for p in PLACES}


def restore_upper(text: str) -> str:
    """Repair the known phrases of an upper-case office line; other words stay as printed."""
    tokens = text.split()
    folded = [fold(t) for t in tokens]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for wrong, right in _OFFICE_TABLE:
            if folded[i : i + len(wrong)] == wrong:
                out.extend(right)
                i += len(wrong)
                break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


def restore_place(text: str) -> str:
    """The known spelling of a place name, or `text` unchanged."""
    return _PLACE_BY_FOLD.get(fold(text), text)


def match_title(text: str, threshold: float = 0.85) -> str | None:
    """The known signer title closest to `text` (OCR "CHÍNH VĂN PHÒNG" → "CHÁNH VĂN PHÒNG")."""
    key = fold(text)
    best, score = None, 0.0
    for title in SIGNER_TITLES:
        ratio = difflib.SequenceMatcher(None, key, fold(title)).ratio()
        if ratio > score:
            best, score = title, ratio
    return best if score >= threshold else None
