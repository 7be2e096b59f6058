"""The code tables of the metadata layer, kept as data in one place.

Sources: /work/shared/reference/document-format-rules.md (Quy định 66-QĐ/TW + Hướng dẫn 36-HD/VPTW for the
Party, NĐ 30/2020 Phụ lục III for the State).  Keys of the type table are printed names; lookups use fold_key.
"""

from __future__ import annotations

# printed type name -> (Party code, State code).  None: the family has no code for it (or it is not
# an official type there); a State QPPL type without a code in its number (Luật, Hiến pháp) has None too.
DOC_TYPES: dict[str, tuple[str | None, str | None]] = {
    "NGHỊ QUYẾT": ("NQ", "NQ"),
    "QUYẾT ĐỊNH": ("QĐ", "QĐ"),
    "QUY ĐỊNH": ("QĐ", "QyĐ"),  # Party numbers a quy định as QĐ; the State uses QyĐ
    "CHỈ THỊ": ("CT", "CT"),
    "KẾT LUẬN": ("KL", None),
    "QUY CHẾ": ("QC", "QC"),
    "THÔNG TRI": ("TT", None),
    "HƯỚNG DẪN": ("HD", "HD"),
    "THÔNG BÁO": (
        "TB",
        "TB",
    ),  # "THÔNG BÁO KẾT LUẬN" is a thông báo: the longest name wins, KẾT LUẬN is subject
    "THÔNG CÁO": ("TC", "TC"),
    "BÁO CÁO": ("BC", "BC"),
    "KẾ HOẠCH": ("KH", "KH"),
    "CHƯƠNG TRÌNH": ("CTr", "CTr"),
    "TỜ TRÌNH": ("TTr", "TTr"),
    "ĐỀ ÁN": ("ĐA", "ĐA"),
    "DỰ ÁN": (None, "DA"),
    "PHƯƠNG ÁN": (None, "PA"),
    "CÔNG VĂN": ("CV", "CV"),
    "BIÊN BẢN": ("BB", "BB"),
    "BẢN SAO": ("BS", None),
    "CÔNG ĐIỆN": (None, "CĐ"),
    "GIẤY MỜI": (None, "GM"),
    "GIẤY GIỚI THIỆU": (None, "GGT"),
    "GIẤY NGHỈ PHÉP": (None, "GNP"),
    "GIẤY ỦY QUYỀN": (None, "GUQ"),
    "HỢP ĐỒNG": (None, "HĐ"),
    "BẢN GHI NHỚ": (None, "BGN"),
    "BẢN THỎA THUẬN": (None, "BTT"),
    "PHIẾU GỬI": (None, "PG"),
    "PHIẾU CHUYỂN": (None, "PC"),
    "PHIẾU BÁO": (None, "PB"),
    "NGHỊ ĐỊNH": (None, "NĐ"),
    "THÔNG TƯ LIÊN TỊCH": (None, "TTLT"),
    "THÔNG TƯ": (None, "TT"),
    "PHÁP LỆNH": (None, "PL"),
    "VĂN BẢN HỢP NHẤT": (None, "VBHN"),
    "LUẬT": (None, None),
    "BỘ LUẬT": (None, None),
    "HIẾN PHÁP": (None, None),
    "LỜI KÊU GỌI": (None, None),
    "TUYÊN BỐ": (None, None),
    "ĐIỀU LỆ": (None, None),
    "CƯƠNG LĨNH": (None, None),
    "QUY HOẠCH": (None, None),
}

# Genres outside the official types (NĐ 30/2020, HD 36-HD/VPTW) that open with their name instead of a
# header: a conference contribution, a speech... Their record is doc_type `other` with the printed name.
NONSTANDARD_TYPE_NAMES = (
    "THAM LUẬN",
    "BÀI THAM LUẬN",
    "BÀI PHÁT BIỂU",
    "DIỄN VĂN",
    "ĐỀ CƯƠNG",
    "ĐỀ CƯƠNG TUYÊN TRUYỀN",
    "BÀI VIẾT",
    "THƯ NGỎ",
)

# Types only the State issues: with no header and no number they still tell the family.
STATE_ONLY_TYPES = {
    "LUẬT",
    "BỘ LUẬT",
    "HIẾN PHÁP",
    "PHÁP LỆNH",
    "NGHỊ ĐỊNH",
    "THÔNG TƯ",
    "THÔNG TƯ LIÊN TỊCH",
    "CÔNG ĐIỆN",
    "VĂN BẢN HỢP NHẤT",
}

PARTY_TYPE_CODES = {p for p, _ in DOC_TYPES.values() if p} | {"QĐi"}
STATE_TYPE_CODES = {s for _, s in DOC_TYPES.values() if s} | {
    "BGN",
    "BTT",
    "SY",
    "TrS",
    "SL",
    "GN",
    "TTh",
    "UQ",
    "NP",  # TT 01/2011 codes, still printed on older documents
}

# A Party issuer code ends with the code of a committee or body (TU, HU, VPTW, UBKTTU, BTCHU, ĐUK…); joint
# issuers are joined with '-' and every part must qualify.
PARTY_ISSUER_ENDINGS = (
    "TW",
    "TU",
    "HU",
    "QU",
    "ThU",
    "TxU",
    "ĐU",
    "ĐUK",
    "CB",
    "ĐĐ",
    "BCSĐ",
    "BCĐ",
    "HĐ",
    "ĐH",
    "TN",  # Đoàn TNCS Hồ Chí Minh, numbered in the Party style: TWĐTN, TĐTN, HĐTN, BCTĐ&TTN
)

# Ranks printed before a signer's name in the armed forces and the police ('Thiếu tướng Trương Minh Đương').
SIGNER_RANKS = (
    "Đại tướng",
    "Thượng tướng",
    "Trung tướng",
    "Thiếu tướng",
    "Đại tá",
    "Thượng tá",
    "Trung tá",
    "Thiếu tá",
    "Đại úy",
    "Thượng úy",
    "Trung úy",
    "Thiếu úy",
)

# The commonest Vietnamese surnames: a signer's surname read without its marks ('Pham') gets them back when
# exactly one surname of the table has those letters.
SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Đoàn", "Trịnh", "Lâm", "Mai", "Trương", "Lương", "Tạ", "Hà", "Cao", "Châu",
)  # fmt: skip

# Signature authority markers: as printed (folded, upper, no spaces) -> canonical form.
AUTHORITY_MARKERS = {
    "T/M": "T/M",
    "K/T": "K/T",
    "T/L": "T/L",
    "TM.": "TM.",
    "KT.": "KT.",
    "TL.": "TL.",
    "TUQ.": "TUQ.",
    "Q.": "Q.",
}

# Lines of the signature area that are not the signer's name.
SIGNATURE_NOISE = (
    "(đã ký)",
    "đã ký",
    "(ký)",
    "(ký tên)",
    "(ký, đóng dấu)",
    "(ký tên, đóng dấu)",
    "[đã ký]",
    "(đã ký và đóng dấu)",
    "(ký và đóng dấu)",
)

# Phrases of headers and signature blocks whose tone marks OCR damages; a caps line is repaired only when a
# phrase matches it accent-insensitively and the printed form is not a spelling variant (UỶ/ỦY) of it.
HEADER_PHRASES = [
    "PHÓ CHÁNH VĂN PHÒNG",
    "CHÁNH VĂN PHÒNG",
    "PHÓ GIÁM ĐỐC",
    "GIÁM ĐỐC",
    "PHÓ CHỦ TỊCH",
    "CHỦ TỊCH",
    "PHÓ BÍ THƯ",
    "BÍ THƯ",
    "PHÓ TRƯỞNG BAN",
    "TRƯỞNG BAN",
    "PHÓ CHỦ NHIỆM",
    "CHỦ NHIỆM",
    "PHÓ THỦ TƯỚNG",
    "THỦ TƯỚNG",
    "BỘ TRƯỞNG",
    # not THỨ TRƯỞNG: its letters are those of THỦ TRƯỞNG (a head of agency), a repair would swap them
    "PHÓ HIỆU TRƯỞNG",
    "HIỆU TRƯỞNG",
    "PHÓ TỔNG BIÊN TẬP",
    "TỔNG BIÊN TẬP",
    "BAN THƯỜNG VỤ",
    "THƯỜNG TRỰC",
    "ỦY BAN NHÂN DÂN",
    "ỦY BAN",
    "HỘI ĐỒNG NHÂN DÂN",
    "ỦY BAN KIỂM TRA",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    "THÀNH PHỐ",
    "TỈNH ỦY",
    "HUYỆN ỦY",
    "THÀNH ỦY",
    "THỊ ỦY",
    "QUẬN ỦY",
    "ĐẢNG ỦY",
    "ĐẢNG BỘ",
    "QUỐC HỘI",
    "VĂN PHÒNG",
]

# Section headings that start the body (never part of the trích yếu).
BODY_HEADINGS = ("LỜI NÓI ĐẦU", "CHƯƠNG", "PHẦN", "ĐIỀU", "MỤC")
# First words of a body paragraph right after the trích yếu.
BODY_OPENERS = (
    "Căn cứ",
    "Thực hiện",
    "Kính gửi",
    "Ngày",
    "Sáng ngày",
    "Chiều ngày",
    "Trong",
    "Nhằm",
    "Theo",
    "Qua",
    "Vừa qua",
    "Thời gian qua",
    "Để",
    "Hôm nay",
    "Ban Thường vụ",
    "Thường trực",
)

MONTH_WORDS = {
    "mot": 1,
    "gieng": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
    "muoi mot": 11,
    "muoi hai": 12,
    "chap": 12,
}

# OCR misreads of digits inside a day/month/number field (only used when the repaired value validates).
DIGIT_LOOKALIKES = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1"}

# The 63 provinces and centrally-run cities before the 1 July 2025 merger (the 34 after it keep names from
# this list), plus 'HUẾ' (Thừa Thiên Huế became the city of Huế in 2025).  Used only to repair an OCR-damaged
# province name after 'TỈNH' in a header line; a name that is not within reach of exactly one entry is kept.
PROVINCES = (
    "AN GIANG", "BÀ RỊA - VŨNG TÀU", "BẮC GIANG", "BẮC KẠN", "BẠC LIÊU", "BẮC NINH", "BẾN TRE", "BÌNH ĐỊNH",
    "BÌNH DƯƠNG", "BÌNH PHƯỚC", "BÌNH THUẬN", "CÀ MAU", "CẦN THƠ", "CAO BẰNG", "ĐÀ NẴNG", "ĐẮK LẮK",
    "ĐẮK NÔNG", "ĐIỆN BIÊN", "ĐỒNG NAI", "ĐỒNG THÁP", "GIA LAI", "HÀ GIANG", "HÀ NAM", "HÀ NỘI", "HÀ TĨNH",
    "HẢI DƯƠNG", "HẢI PHÒNG", "HẬU GIANG", "HÒA BÌNH", "HƯNG YÊN", "KHÁNH HÒA", "KIÊN GIANG", "KON TUM",
    "LAI CHÂU", "LÂM ĐỒNG", "LẠNG SƠN", "LÀO CAI", "LONG AN", "NAM ĐỊNH", "NGHỆ AN", "NINH BÌNH",
    "NINH THUẬN", "PHÚ THỌ", "PHÚ YÊN", "QUẢNG BÌNH", "QUẢNG NAM", "QUẢNG NGÃI", "QUẢNG NINH", "QUẢNG TRỊ",
    "SÓC TRĂNG", "SƠN LA", "TÂY NINH", "THÁI BÌNH", "THÁI NGUYÊN", "THANH HÓA", "HỒ CHÍ MINH",
    "THỪA THIÊN HUẾ", "HUẾ", "TIỀN GIANG", "TRÀ VINH", "TUYÊN QUANG", "VĨNH LONG", "VĨNH PHÚC", "YÊN BÁI",
)  # fmt: skip

# Real words spelled with the letters of a phrase the OCR repairs know, in other marks: no accent repair can
# tell them from a damaged reading, so the letters they share are never repaired, in either direction
# (metadata_repairs.restore_accents, ocr_correct's phrase pass).  'THỦ TRƯỞNG' heads an agency, 'THỨ TRƯỞNG'
# is a deputy minister; 'CÔNG SẢN' is public property; 'TỪ ĐÓ' is 'from there' (đ folds to d); 'MẶT TRẦN';
# 'CÔNG ĐIỀN', communal rice land; districts spelled with a province's letters: 'QUANG BÌNH' (Hà Giang),
# 'PHÙ YÊN' (Sơn La), 'THẠNH HÓA' (Long An).
SAME_LETTERS_AS_KNOWN = (
    "THỦ TRƯỞNG", "CÔNG SẢN", "TỪ ĐÓ", "MẶT TRẦN", "CÔNG ĐIỀN", "QUANG BÌNH", "PHÙ YÊN", "THẠNH HÓA",
)  # fmt: skip

# Known header and closing words of two or more syllables: an OCR reading with the same letters but other
# tone marks or vowel hats ('LÂM ĐÒNG', 'Lâm Đông', 'DẪN VẬN', 'CHANH VAN PHONG') is given this spelling.
HEADER_VOCABULARY = (
    *HEADER_PHRASES,
    *DOC_TYPES,
    *PROVINCES,
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM", "ĐỘC LẬP", "TỰ DO", "HẠNH PHÚC",
    "TUYÊN GIÁO", "DÂN VẬN", "TỔ CHỨC", "KIỂM TRA", "NỘI CHÍNH", "PHÁT THANH", "TRUYỀN HÌNH", "BIÊN TẬP",
    "TỔNG BIÊN TẬP", "MẶT TRẬN", "TỔ QUỐC", "VIỆT NAM", "NHÂN DÂN", "CÔNG AN", "VIỄN THÔNG", "BƯU CHÍNH",
    "TẬP ĐOÀN", "ĐẠI HỌC", "CÔNG THƯƠNG", "TƯ PHÁP", "NỘI VỤ", "TÀI CHÍNH", "XÂY DỰNG", "Y TẾ",
    "GIÁO DỤC", "ĐÀO TẠO", "KHOA HỌC", "CÔNG NGHỆ", "NÔNG NGHIỆP", "MÔI TRƯỜNG", "THÔNG TIN", "TRUYỀN THÔNG",
    "CHỈ ĐẠO", "CHỈ HUY", "THƯỜNG TRỰC", "THỦ TƯỚNG", "CHÍNH PHỦ", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "HIỆU TRƯỞNG",
    "ĐOÀN THANH NIÊN", "CỘNG SẢN", "HỒ CHÍ MINH", "PHỤ NỮ", "CỰU CHIẾN BINH", "NÔNG DÂN", "LIÊN ĐOÀN",
    "LAO ĐỘNG", "THIẾU TƯỚNG", "ĐẠI TÁ", "THƯỢNG TÁ", "TRUNG TÁ",
)  # fmt: skip

# Party issuer code implied by the first words of an issuer's name (36-HD/VPTW; see document-format-rules).
# 'THÀNH ỦY' is left out on purpose: it is TU for a centrally-run city and ThU for a provincial one.
PARTY_ISSUER_CODE_BY_NAME = {"tinh uy": "TU", "huyen uy": "HU", "quan uy": "QU"}

# --- the record's type vocabulary (pipeline/merge.py) ---------------------------------------------------
# DOC_TYPES above is what the parser recognises on a type line, with the codes numbers carry. The record
# needs a code for every type a portal's document section publishes, including those whose numbers carry
# none (a law is "15/2012/QH13"): these codes are the archive's own, chosen not to collide with DOC_TYPES'.
RECORD_ONLY_TYPE_CODES: dict[str, str] = {
    "LUẬT": "Lu",
    "BỘ LUẬT": "BLu",
    "HIẾN PHÁP": "HP",
    "LỆNH": "L",  # Lệnh of the State President: "05/2019/L-CTN"
    "NGHỊ QUYẾT LIÊN TỊCH": "NQLT",
    "ÁN LỆ": "AL",  # court precedent: "Án lệ số 01/2016/AL"
    "CÔNG BÁO": "CB",  # an issue of the Official Gazette ("Số 45 + 46")
    "LỜI KÊU GỌI": "LKG",
    "TUYÊN BỐ": "TBo",
    "ĐIỀU LỆ": "ĐL",
    "CƯƠNG LĨNH": "CLi",
    "CHIẾN LƯỢC": "CLc",
    "QUY HOẠCH": "QHo",
    "SẮC LỆNH": "SL",
}
# A type outside every table keeps its printed name in doc_type_name under this code.
OTHER_TYPE = "other"
# Types whose documents legitimately carry no number-symbol.
NUMBERLESS_TYPES = frozenset({"HP", "CB", "CLi", "ĐL", "LKG", "TBo", OTHER_TYPE})
# Types only courts or the State issue, beyond STATE_ONLY_TYPES (they tell the family without a header).
STATE_ONLY_RECORD_TYPES = frozenset({"Lu", "BLu", "HP", "L", "NQLT", "AL", "CB", "SL"})
# Portal labels that are not a type ("Văn bản khác", "Khác") or that name a type differently.
TYPE_LABEL_ALIASES: dict[str, str | None] = {
    "van ban khac": None,
    "khac": None,
    "van ban": None,
    "quyet dinh quy pham": "QUYẾT ĐỊNH",
    "thong tu lien tich": "THÔNG TƯ LIÊN TỊCH",
    "cong van": "CÔNG VĂN",
    "an le": "ÁN LỆ",
    "nghi quyet lien tich": "NGHỊ QUYẾT LIÊN TỊCH",
}
