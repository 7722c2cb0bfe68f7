"""Dates in Chinese news text: the publication date, and relative mentions resolved against it.

>>> resolve_relative_date("1月3日", "2023-01-04")
'2023-01-03'
>>> resolve_relative_date("12月30日", "2023-01-04")
'2022-12-30'
>>> resolve_relative_date("今年3月", "2023-01-04")
'2023-03'
>>> estimate_publication_date("新渝报讯（记者 吴涛）1月3日上午，大足区召开会议。2023年工作要点")
'2023-01-04'
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from kg.ingest.numerals import chinese_int

__all__ = ["estimate_publication_date", "iso_date", "resolve_relative_date"]

_NUM = "[0-9０-９〇零一二两三四五六七八九十]"
_FULL_RE = re.compile(
    rf"({_NUM}{{4}})\s*年\s*({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*[日号]"
    r"|(?<![0-9])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![0-9])"
)
_MD_RE = re.compile(rf"(?<![0-9年])({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*[日号]")
_YEAR_RE = re.compile(r"(?<![0-9])((?:19|20)\d{2})\s*年")
_SENTENCE_START = "。！？；\n）)"
_TARGET_BEFORE = ("到", "预计", "拟于", "拟", "计划", "力争", "将于", "争取", "至", "计划于", "预计于", "力争于",
                  "有望于", "定于")
# "2025年底建成", "6月30日前投用": a deadline, not a date the text was written on
_TARGET_AFTER = ("底前", "前", "完工", "建成", "竣工", "实现", "全面建成", "底建成", "底完工", "底竣工", "底投用",
                 "底全面", "底基本", "投用", "投运", "开业")


def _mkdate(y: int | None, m: int | None, d: int | None) -> dt.date | None:
    try:
        return dt.date(y, m, d) if y and m and d else None
    except ValueError:
        return None


def _full_dates(text: str, skip_targets: bool = False) -> list[tuple[int, dt.date]]:
    out = []
    for m in _FULL_RE.finditer(text):
        if skip_targets and _is_target(text, *m.span()):
            continue
        g = m.groups()
        y, mo, d = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
        date = _mkdate(chinese_int(y), chinese_int(mo), chinese_int(d))
        if date and 1900 <= date.year <= 2100:
            out.append((m.start(), date))
    return out


def _is_target(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 3):start]
    return (before.endswith(_TARGET_BEFORE) and not before.endswith("截至")) or text[end:].startswith(
        _TARGET_AFTER
    )


def estimate_publication_date(text: str) -> str | None:
    """Best guess of a news text's publication date ("YYYY-MM-DD", "YYYY" or None).

    1. a full date in the first 300 characters (a dateline) wins;
    2. else the day after the latest *reported event*: a date opening a sentence ("1月3日上午，
       …召开") — dailies report yesterday's events; month-day dates take the year mentioned most;
    3. else the latest full date anywhere; else the latest month-day with the dominant year;
    4. else the latest year mentioned outside target phrases ("到2025年", "2024年完工").

    >>> estimate_publication_date("2023年1月4日 星期三\\n要闻")
    '2023-01-04'
    >>> estimate_publication_date("到2025年基本建成，2021年已完成目标。")
    '2021'
    >>> estimate_publication_date("项目计划于2025年6月30日前建成，2023年3月5日开工。")
    '2023-03-05'
    >>> estimate_publication_date("没有日期。") is None
    True
    """
    if not text:
        return None
    # line breaks inside a date ("2022年12月\\n30日") come from newspaper columns
    flat = re.sub(r"[ \t\u3000\u00a0\r\n]+", lambda m: "\n" if "\n" in m.group() else "", text)
    head = _full_dates(flat[:300], skip_targets=True)
    if head:
        return head[0][1].isoformat()
    # a target year ("预计2024年达产", "到2025年") says nothing about when the text was written
    years = Counter(int(m.group(1)) for m in _YEAR_RE.finditer(flat) if not _is_target(flat, *m.span()))
    fulls = _full_dates(flat, skip_targets=True)
    for _, d in fulls:
        years[d.year] += 1
    dominant = max(years, key=lambda y: (years[y], y)) if years else None

    events: list[dt.date] = []
    full_at = {pos: d for pos, d in fulls}
    for pos, d in fulls:
        if pos == 0 or flat[pos - 1] in _SENTENCE_START:
            events.append(d)
    for m in _MD_RE.finditer(flat):
        pos = m.start()
        if pos in full_at or (pos and flat[pos - 1] not in _SENTENCE_START):
            continue
        d = _mkdate(dominant, chinese_int(m.group(1)), chinese_int(m.group(2)))
        if d:
            events.append(d)
    if events:
        return (max(events) + dt.timedelta(days=1)).isoformat()
    if fulls:
        return max(d for _, d in fulls).isoformat()
    if dominant:
        mds = [_mkdate(dominant, chinese_int(m.group(1)), chinese_int(m.group(2))) for m in _MD_RE.finditer(flat)]
        mds = [d for d in mds if d]
        if mds:
            return max(mds).isoformat()
    past_years = [int(m.group(1)) for m in _YEAR_RE.finditer(flat) if not _is_target(flat, *m.span())]
    return str(max(past_years)) if past_years else None


_REL_DAYS = {"今天": 0, "今日": 0, "当天": 0, "当日": 0, "昨天": -1, "昨日": -1, "前天": -2,
             "明天": 1, "明日": 1, "后天": 2}
_REL_YEARS = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
_REL_MONTHS = {"本月": 0, "这个月": 0, "上月": -1, "上个月": -1, "下月": 1, "下个月": 1}
_MENTION_RE = re.compile(
    rf"^(?:(?P<year>{_NUM}{{4}})年|(?P<relyear>今年|本年|去年|上年|前年|明年))?"
    rf"(?:(?P<month>{_NUM}{{1,3}})月|(?P<relmonth>本月|这个月|上个?月|下个?月))?"
    rf"(?:(?P<day>{_NUM}{{1,3}})[日号])?$"
)


def _parse_doc_date(doc_date: str | None) -> tuple[int | None, int | None, int | None]:
    if not doc_date:
        return None, None, None
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", doc_date)
    if not m:
        return None, None, None
    return tuple(int(g) if g else None for g in m.groups())  # type: ignore[return-value]


def resolve_relative_date(mention: str, doc_date: str | None) -> str | None:
    """Resolve a date mention against the document date; None when it cannot be resolved.

    >>> resolve_relative_date("1月3日", "2023-01-04")
    '2023-01-03'
    >>> resolve_relative_date("2020年5月", None)
    '2020-05'
    >>> resolve_relative_date("昨天", "2023-03-01")
    '2023-02-28'
    >>> resolve_relative_date("3日", "2023-01-04"), resolve_relative_date("5月", None)
    ('2023-01-03', None)
    """
    mention = re.sub(r"\s+", "", mention or "").rstrip("上下午晚间凌晨")
    dy, dm, dd = _parse_doc_date(doc_date)
    if mention in _REL_DAYS:
        base = _mkdate(dy, dm, dd)
        return (base + dt.timedelta(days=_REL_DAYS[mention])).isoformat() if base else None
    m = _MENTION_RE.match(mention)
    if not m or not any(m.groupdict().values()):
        return None
    g = m.groupdict()
    year = chinese_int(g["year"]) if g["year"] else None
    month = chinese_int(g["month"]) if g["month"] else None
    day = chinese_int(g["day"]) if g["day"] else None
    if g["relyear"]:
        if dy is None:
            return None
        year = dy + _REL_YEARS[g["relyear"]]
    if g["relmonth"]:
        if dy is None or dm is None:
            return None
        total = dy * 12 + (dm - 1) + _REL_MONTHS[g["relmonth"]]
        year, month = total // 12, total % 12 + 1
    if year is None:  # month/day only: anchor on the document date
        if dy is None:
            return None
        year = dy
        if month is None:  # "3日": this month, or last month if that day is still ahead
            if dm is None or day is None:
                return None
            month = dm
            if dd is not None and day > dd:
                year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        elif dm is not None and month > dm:  # a month after the issue month: last year
            year -= 1
    if month is None:
        return f"{year:04d}" if day is None and 1000 <= year <= 9999 else None
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    d = _mkdate(year, month, day)
    return d.isoformat() if d else None


def iso_date(value: str) -> str | None:
    """ISO date from a meta value like "2023-01-04T08:00:00+08:00" or "2023年1月4日"."""
    found = _full_dates(value)
    if found:
        return found[0][1].isoformat()
    m = re.search(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)", value)  # 20230104
    if m:
        d = _mkdate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return d.isoformat()
    return None


# --------------------------------------------------------------------------- HTML

