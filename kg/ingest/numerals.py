"""Chinese numerals: the one place that reads 一千二百, 二〇二三, 壹佰贰拾 and full-width digits.

Used by :mod:`extractors.money` (amounts) and :mod:`kg.ingest.dates` (years, months, days).

>>> parse_chinese_number("一千二百万"), parse_chinese_number("壹佰贰拾万"), chinese_int("二〇二三")
(12000000.0, 1200000.0, 2023)
"""

from __future__ import annotations

__all__ = ["CN_DIGITS", "CN_NUMERAL_CHARS", "CN_SMALL_UNITS", "chinese_int", "parse_chinese_number"]

# everyday and financial (大写) digit forms
CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7,
    "捌": 8, "玖": 9,
}
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000, "拾": 10, "佰": 100, "仟": 1000}
CN_BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
#: every character a Chinese numeral may contain (for building regular expressions)
CN_NUMERAL_CHARS = "".join((*CN_DIGITS, *CN_SMALL_UNITS, *CN_BIG_UNITS))
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_chinese_number(text: str) -> float | None:
    """The value of a Chinese numeral (everyday or financial forms), or None when it is not one.

    >>> parse_chinese_number("一千二百万"), parse_chinese_number("二十"), parse_chinese_number("十")
    (12000000.0, 20.0, 10.0)
    >>> parse_chinese_number("叁仟伍佰"), parse_chinese_number("三亿五千万"), parse_chinese_number("abc")
    (3500.0, 350000000.0, None)
    """
    total, section, digit = 0.0, 0.0, None
    seen = False
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
            seen = True
        elif ch in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
            seen = True
        elif ch in CN_BIG_UNITS:
            if not seen and total == 0 and section == 0:
                return None
            if CN_BIG_UNITS[ch] == 100_000_000:
                total = (total + section + (digit or 0)) * CN_BIG_UNITS[ch]
            else:
                total += (section + (digit or 0)) * CN_BIG_UNITS[ch]
            section, digit = 0.0, None
        else:
            return None
    if not seen:
        return None
    return float(total + section + (digit or 0))


def chinese_int(text: str) -> int | None:
    """An integer written with Arabic (also full-width) or Chinese digits: a year written digit by
    digit (二〇二三) or a number with units (二十三); None when it is not one.

    >>> chinese_int("２０２３"), chinese_int("二〇二三"), chinese_int("十二"), chinese_int("三十一")
    (2023, 2023, 12, 31)
    >>> chinese_int("上旬") is None
    True
    """
    text = text.translate(_FULL_WIDTH)
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGITS and c not in CN_SMALL_UNITS for c in text):
        return None
    if len(text) > 1 and all(c in CN_DIGITS for c in text):
        return int("".join(str(CN_DIGITS[c]) for c in text))  # 二〇二三: digit by digit
    value = parse_chinese_number(text)
    return int(value) if value is not None else None
