"""Read real-world files (text in any common Chinese encoding, HTML, PDF, DOCX) into documents.

Every reader returns a :class:`SourceDocument` whose ``text`` is the "original" that the offset
map of :func:`kg.normalize.normalize` points into. Anything that cannot be read cleanly raises
:class:`IngestError` with a human-readable reason; nothing is ever silently decoded as mojibake.

>>> estimate_publication_date("新渝报讯（记者 刘星）1月3日上午，大足区召开会议。2023年工作要点")
'2023-01-04'
>>> resolve_relative_date("12月30日", "2023-01-04")
'2022-12-30'
>>> resolve_relative_date("今年3月", "2023-01-04")
'2023-03'
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.normalize import normalize

__all__ = [
    "SUPPORTED_SUFFIXES",
    "IngestError",
    "SourceDocument",
    "discover",
    "estimate_publication_date",
    "read_document",
    "resolve_relative_date",
]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".text", ".html", ".htm", ".pdf", ".docx"})
_TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})

_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"\x7fELF", b"\x1f\x8b", b"GIF8")
_MAX_REPLACEMENT_RATIO = 0.001  # tolerated U+FFFD share in an otherwise valid UTF-8 OCR dump
_MAX_GARBAGE_RATIO = 0.01  # control / private-use chars: a "successful" decode that is really wrong
_GARBAGE_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")
# python-docx's bundled template carries this creation time; it says nothing about the document
_DOCX_TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.UTC)


class IngestError(Exception):
    """A file that cannot be ingested; ``str()`` is ``"PATH: reason"``."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class SourceDocument:
    """One ingested file. ``text`` is the original that normalization offsets point into."""

    path: Path
    name: str
    text: str
    sha256: str
    format: str  # "text", "html", "pdf", "docx"
    encoding: str | None
    title: str | None
    date: str | None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"


# --------------------------------------------------------------------------- discovery


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[IngestError]]:
    """Expand folders (recursively, sorted) into supported files; report problems, don't raise.

    Files given explicitly are kept even with an unsupported suffix (read_document reports them);
    inside folders, unsupported files are reported and hidden entries ('.'-prefixed) skipped.

    >>> discover([Path("/nonexistent/x.txt")])[1][0].reason
    'no such file or directory'
    """
    found: list[Path] = []
    errors: list[IngestError] = []
    seen: set[Path] = set()
    for root in paths:
        root = Path(root)
        if not root.exists():
            errors.append(IngestError(root, "no such file or directory"))
            continue
        if not root.is_dir():
            if root not in seen:
                seen.add(root)
                found.append(root)
            continue
        # an explicit stack, not recursion, and resolved dirs so that symlink loops terminate
        stack = [root]
        visited: set[Path] = set()
        in_root: list[Path] = []
        while stack:
            folder = stack.pop()
            real = folder.resolve()
            if real in visited:
                continue
            visited.add(real)
            try:
                entries = sorted(folder.iterdir(), key=lambda p: p.name)
            except OSError as exc:
                errors.append(IngestError(folder, f"cannot list folder: {exc.strerror or exc}"))
                continue
            subdirs = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    subdirs.append(entry)
                elif entry.suffix.lower() in SUPPORTED_SUFFIXES:
                    if entry not in seen:
                        seen.add(entry)
                        in_root.append(entry)
                else:
                    errors.append(IngestError(entry, f"unsupported file type {entry.suffix or '(none)'}"))
            stack.extend(reversed(subdirs))
        found.extend(sorted(in_root, key=lambda p: p.parts))  # path order, whatever the walk
    return found, errors


# --------------------------------------------------------------------------- reading


def read_document(path: Path, *, max_bytes: int = 50_000_000) -> SourceDocument:
    """Read one file into a :class:`SourceDocument`; raises :class:`IngestError`.

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "a.txt"
    ...     _ = p.write_bytes("《规划纲要》\\n2023年1月4日\\n正文。".encode("gb18030"))
    ...     doc = read_document(p)
    >>> doc.encoding, doc.title, doc.date
    ('gb18030', '规划纲要', '2023-01-04')
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(path, f"unsupported file type {suffix or '(none)'}")
    try:
        if not path.is_file():
            raise IngestError(path, "no such file" if not path.exists() else "not a regular file")
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(path, f"file too large ({size} bytes > limit {max_bytes})")
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror or exc}") from exc
    if len(raw) > max_bytes:  # the file grew between stat and read
        raise IngestError(path, f"file too large ({len(raw)} bytes > limit {max_bytes})")
    if not raw.strip():
        raise IngestError(path, "empty file")
    digest = hashlib.sha256(raw).hexdigest()

    encoding: str | None = None
    title: str | None = None
    date: str | None = None
    if suffix in _TEXT_SUFFIXES or suffix in _HTML_SUFFIXES:
        _reject_binary(path, raw)
        text, encoding = _decode(path, raw)
        if suffix in _HTML_SUFFIXES:
            fmt = "html"
            text, title, date = _html(text)
        else:
            fmt = "text"
            title = _text_title(text)
    elif suffix == ".pdf":
        fmt = "pdf"
        text, title = _pdf(path)
    else:
        fmt = "docx"
        text, title, date = _docx(path)
    if not text.strip():
        raise IngestError(path, "empty file" if fmt == "text" else f"{fmt.upper()} has no text content")
    return SourceDocument(
        path=path,
        name=path.name,
        text=text,
        sha256=digest,
        format=fmt,
        encoding=encoding,
        title=title,
        date=date or estimate_publication_date(text),
    )


def _reject_binary(path: Path, raw: bytes) -> None:
    if raw.startswith(_MAGIC):
        raise IngestError(path, "binary file, not text")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if b"\x00" in raw[:8192]:
        raise IngestError(path, "binary file, not text")


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    """Strict decodes in order: BOMs, UTF-8, GB18030/Big5 (charset-normalizer breaks ties)."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            pass  # falls through to the tolerant UTF-8 path below
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(raw.decode("utf-16")), "utf-16"
        except (UnicodeDecodeError, ValueError) as exc:
            raise IngestError(path, "cannot decode: invalid UTF-16") from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Mostly-valid UTF-8 (OCR dumps with stray bytes): a GB/Big5 file decoded as UTF-8 produces
    # replacement chars everywhere, so a tiny ratio means "UTF-8 with a few bad bytes".
    lossy = raw.decode("utf-8", errors="replace")
    if lossy.count("\ufffd") <= max(1, int(len(lossy) * _MAX_REPLACEMENT_RATIO)) and len(lossy) >= 100:
        return lossy, "utf-8"
    decoded: dict[str, str] = {}
    for enc in ("gb18030", "big5"):
        try:
            decoded[enc] = _checked(raw.decode(enc))
        except (UnicodeDecodeError, ValueError):
            continue
    if len(decoded) == 2:
        best = _tie_break(raw, decoded)
        return decoded[best], best
    if decoded:
        enc, text = next(iter(decoded.items()))
        return text, enc
    raise IngestError(path, "cannot decode: not UTF-8, GB18030 or Big5")


def _checked(text: str) -> str:
    """Refuse decodes that 'succeed' into control/private-use garbage."""
    if len(_GARBAGE_RE.findall(text)) > len(text) * _MAX_GARBAGE_RATIO:
        raise ValueError("decoded text is mostly garbage")
    return text


def _tie_break(raw: bytes, decoded: dict[str, str]) -> str:
    """Both GB18030 and Big5 decode: ask charset-normalizer, then prefer common characters."""
    try:
        from charset_normalizer import from_bytes

        match = from_bytes(raw[:200_000], cp_isolation=list(decoded)).best()
        if match is not None:
            name = match.encoding.replace("_", "").lower()
            for enc in decoded:
                if enc.replace("_", "") == name:
                    return enc
    except Exception:  # a tie-breaker must never turn a readable file into an error
        pass

    def common(text: str) -> int:  # share of chars in the basic CJK block or ASCII
        return sum(1 for c in text if c < "\u0080" or "\u4e00" <= c <= "\u9fa5")

    return max(decoded, key=lambda enc: (common(decoded[enc][:20000]), enc == "gb18030"))


# --------------------------------------------------------------------------- titles and dates

_TITLE_PUNCT_RE = re.compile("[。！？；，!?;,：:]")


def _text_title(text: str) -> str | None:
    """A 《》-wrapped or short punctuation-free first paragraph (not a byline), else None."""
    head = normalize(text[:2000])
    first = head.text.split("\n", 1)[0].strip()
    if not first or any(m.kind == "byline" and m.start <= head.offsets[0] for m in head.markers):
        return None
    first = first.lstrip("#").strip()
    if len(first) > 40:
        return None
    if first.startswith("《") and first.endswith("》") and first.count("《") == 1:
        return first[1:-1].strip() or None
    if _TITLE_PUNCT_RE.search(first) or not any(c.isalpha() for c in first):
        return None
    return first


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9, "十": 10}
_NUM = "[0-9０-９〇零一二两三四五六七八九十]"
_FULL_RE = re.compile(
    rf"({_NUM}{{4}})\s*年\s*({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*[日号]"
    r"|(?<![0-9])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![0-9])"
)
_MD_RE = re.compile(rf"(?<![0-9年])({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*[日号]")
_YEAR_RE = re.compile(r"(?<![0-9])((?:19|20)\d{2})\s*年")
_SENTENCE_START = "。！？；\n）)"
_TARGET_BEFORE = ("到", "预计", "拟于", "拟", "计划", "力争", "将于", "争取", "至")
_TARGET_AFTER = ("底前", "前", "完工", "建成", "竣工", "实现", "全面建成")


def _cn_int(s: str) -> int | None:
    s = s.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if s.isdigit():
        return int(s)
    if any(c not in _CN_DIGITS for c in s):
        return None
    if "十" in s:  # 十, 十二, 二十, 二十三
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in s))  # 二〇二三


def _mkdate(y: int | None, m: int | None, d: int | None) -> dt.date | None:
    try:
        return dt.date(y, m, d) if y and m and d else None
    except ValueError:
        return None


def _full_dates(text: str) -> list[tuple[int, dt.date]]:
    out = []
    for m in _FULL_RE.finditer(text):
        g = m.groups()
        y, mo, d = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
        date = _mkdate(_cn_int(y), _cn_int(mo), _cn_int(d))
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
    >>> estimate_publication_date("没有日期。") is None
    True
    """
    if not text:
        return None
    # line breaks inside a date ("2022年12月\\n30日") come from newspaper columns
    flat = re.sub(r"[ \t\u3000\u00a0\r\n]+", lambda m: "\n" if "\n" in m.group() else "", text)
    head = _full_dates(flat[:300])
    if head:
        return head[0][1].isoformat()
    years = Counter(int(m.group(1)) for m in _YEAR_RE.finditer(flat))
    fulls = _full_dates(flat)
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
        d = _mkdate(dominant, _cn_int(m.group(1)), _cn_int(m.group(2)))
        if d:
            events.append(d)
    if events:
        return (max(events) + dt.timedelta(days=1)).isoformat()
    if fulls:
        return max(d for _, d in fulls).isoformat()
    if dominant:
        mds = [_mkdate(dominant, _cn_int(m.group(1)), _cn_int(m.group(2))) for m in _MD_RE.finditer(flat)]
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
    year = _cn_int(g["year"]) if g["year"] else None
    month = _cn_int(g["month"]) if g["month"] else None
    day = _cn_int(g["day"]) if g["day"] else None
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


def _iso_from_any(value: str) -> str | None:
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

_DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "noscript", "template", "iframe")
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article main blockquote pre "
    "dd dt dl figcaption figure hr".split()
)
_DATE_METAS = ("article:published_time", "pubdate", "publishdate", "publish_date", "date",
               "dc.date", "dc.date.issued", "og:published_time", "datepublished")
_CJK_CHAR_RE = re.compile("[\u4e00-\u9fff]")


def _html(markup: str) -> tuple[str, str | None, str | None]:
    """Main text (paragraphs joined by blank lines), title and date of an HTML page.

    Only iterative bs4 APIs are used (descendants/find_all/parents), never recursion, so that
    pathologically nested markup cannot raise RecursionError.
    """
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    soup = BeautifulSoup(markup, "html.parser")
    title = None
    date = None
    for meta in soup.find_all("meta"):
        key = str(meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = str(meta.get("content") or "").strip()
        if not content:
            continue
        if key == "og:title" and not title:
            title = content
        elif key in _DATE_METAS and not date:
            date = _iso_from_any(content)
    if not title and soup.title and soup.title.string:
        title = soup.title.string.strip() or None
    if not date:
        for t in soup.find_all("time"):
            if t.get("datetime") and (date := _iso_from_any(str(t["datetime"]))):
                break
    if not title:
        h1 = soup.find("h1")
        if h1:
            title = " ".join(h1.get_text(" ").split()) or None

    # mark dropped subtrees instead of decompose() (which recurses in some bs4 versions)
    dropped = set()
    for tag in soup.find_all(_DROP_TAGS):
        dropped.add(id(tag))

    def is_dropped(node: Tag | NavigableString, limit: int = 10_000) -> bool:
        for i, parent in enumerate(node.parents):
            if id(parent) in dropped:
                return True
            if i > limit:
                break
        return False

    container = soup.find("article") or soup.find("main")
    if container is None:
        scores: Counter[int] = Counter()
        by_id: dict[int, Tag] = {}
        for p in soup.find_all("p"):
            parent = p.parent
            if parent is None or is_dropped(p):
                continue
            scores[id(parent)] += len(_CJK_CHAR_RE.findall(p.get_text()))
            by_id[id(parent)] = parent
        if scores:
            best, score = scores.most_common(1)[0]
            container = by_id[best] if score else None
    if container is None:
        container = soup.body or soup

    paragraphs: list[str] = []
    current: list[str] = []
    last_block = None
    skip = (Comment, Declaration, Doctype, ProcessingInstruction)
    for node in container.descendants:
        if isinstance(node, Tag):
            if node.name == "br" and current:
                current.append("\n")
            continue
        if isinstance(node, skip) or not isinstance(node, NavigableString) or is_dropped(node):
            continue
        block = None
        for i, parent in enumerate(node.parents):  # nearest block ancestor, bounded walk
            if parent.name in _BLOCK_TAGS or parent is container or i > 200:
                block = parent
                break
        if block is not last_block and current:
            paragraphs.append("".join(current))
            current = []
        last_block = block
        current.append(str(node))
    if current:
        paragraphs.append("".join(current))
    text = "\n\n".join(p.strip() for p in paragraphs if p.strip())
    return text, title, date


# --------------------------------------------------------------------------- PDF and DOCX


def _pdf(path: Path) -> tuple[str, str | None]:
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path, "PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
        title = str(meta.title).strip() if meta is not None and meta.title else None
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types for broken files
        raise IngestError(path, f"cannot read PDF: {type(exc).__name__}: {exc}") from exc
    if not any(p.strip() for p in pages):
        raise IngestError(path, "PDF has no text layer")
    return "\n\n".join(p.strip("\n") for p in pages), title or None


def _docx(path: Path) -> tuple[str, str | None, str | None]:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
        parts: list[str] = []
        heading = None
        body = document.element.body
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(child, document)
                if para.text.strip():
                    parts.append(para.text)
                    style = para.style.name if para.style is not None else ""
                    if heading is None and style.startswith(("Heading", "Title")):
                        heading = para.text.strip()
            elif tag == "tbl":
                seen_cells: set[int] = set()
                for row in Table(child, document).rows:
                    for cell in row.cells:
                        if id(cell._tc) in seen_cells:  # merged cells repeat
                            continue
                        seen_cells.add(id(cell._tc))
                        if cell.text.strip():
                            parts.append(cell.text)
        core = document.core_properties
        title = (core.title or "").strip() or heading
        created = core.created
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IngestError(path, f"cannot read DOCX: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # python-docx/lxml raise assorted errors on corrupt packages
        raise IngestError(path, f"cannot read DOCX: {type(exc).__name__}: {exc}") from exc
    date = None
    if created is not None:
        aware = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
        if aware != _DOCX_TEMPLATE_CREATED:
            date = created.date().isoformat()
    return "\n\n".join(parts), title, date
