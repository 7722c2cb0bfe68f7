"""Normalize Chinese newspaper text while keeping an exact map back to the original.

Extractors work on the *normalized* text (column line breaks joined, stray spaces removed,
ASCII punctuation next to Chinese made full-width, page-continuation markers cut out,
traditional characters made simplified one for one, see :mod:`kg.ingest.script`). Every
fact must still point into the file the user gave us, so :func:`normalize` records, for each
normalized character, the index of the original character it came from.

Long because the cleaning, line, paragraph and sentence stages all write into one offset map;
each stage is a section of its own below.

>>> nt = normalize("（上接1版）要及时准\\n确发布权威信息, 坚持企业 主体。")
>>> nt.text
'要及时准确发布权威信息，坚持企业主体。'
>>> s, e = nt.to_original(1, 7)
>>> nt.text[1:7], "（上接1版）要及时准\\n确发布权威信息, 坚持企业 主体。"[s:e]
('及时准确发布', '及时准\\n确发布')
>>> [m.kind for m in nt.markers]
['continuation']
>>> text = "他说：“好。”然后走了！\\n第二段"
>>> [text[a:b] for a, b in split_sentences(text)]
['他说：“好。”', '然后走了！', '第二段']
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from kg.ingest.script import to_simplified

__all__ = ["Marker", "NormalizedText", "normalize", "split_sentences"]


@dataclass(frozen=True)
class Marker:
    """Something normalization recognized: a page-continuation note or a byline.

    ``start``/``end`` are in ORIGINAL text coordinates; ``text`` is ``original[start:end]``.
    """

    kind: str  # "continuation" (removed from the text) or "byline" (kept as its own paragraph)
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NormalizedText:
    """Normalized text plus the offset map back into the original.

    ``offsets`` has ``len(text) + 1`` entries: ``offsets[i]`` is the index in the original of
    normalized character ``i`` and the last entry is ``len(original)``. It is an
    ``array('q')`` (8 bytes per char) rather than a tuple, which would cost ~5x the memory.
    """

    text: str
    offsets: Sequence[int]
    markers: tuple[Marker, ...]
    # NFC can compose several original chars into one; remember where such clusters end so
    # that to_original() does not cut a combining mark off. Empty for already-NFC input.
    _cluster_ends: Mapping[int, int] = field(default_factory=dict, repr=False, compare=False)
    #: "traditional" when the original was traditional Chinese, converted character for character
    script: str = "simplified"
    # the original text, kept (by reference) only for a converted traditional text
    _original: str = field(default="", repr=False, compare=False)

    def original_form(self, start: int, end: int) -> str | None:
        """The original (traditional) characters of the normalized span, without the line breaks
        and spaces normalization removed; None unless the text was converted from traditional.

        >>> normalize("臺北市議會召開會議，區長林某出席").original_form(0, 5)
        '臺北市議會'
        """
        if self.script != "traditional":
            return None
        s, e = self.to_original(start, end)
        return "".join(self._original[s:e].split())

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized span ``[start, end)`` to an original span ``[s, e)``.

        ``original[s]`` is the character that became ``text[start]`` and ``original[e-1]`` the
        one that became ``text[end-1]``; in between, the original may also contain removed line
        breaks, spaces and continuation markers.

        >>> nt = normalize("强化协同。坚持企业 主体、市场导向。")
        >>> nt.text[7:11], nt.to_original(7, 11)
        ('企业主体', (7, 12))
        >>> nt.to_original(3, 3)
        (3, 3)
        """
        n = len(self.text)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        if start == end:
            pos = self.offsets[start]
            return pos, pos
        last = self.offsets[end - 1]
        e = max(last + 1, self._cluster_ends.get(last, 0))
        return self.offsets[start], e


# --------------------------------------------------------------------------- character classes

# Whitespace that may appear inside a line (after control chars are cleaned out).
_WS = " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_WS_RUN_RE = re.compile(f"[{_WS}]+")

# Han ideographs, kana, bopomofo, CJK punctuation, full-width forms and the general
# punctuation Chinese text uses (quotes, ellipsis, dashes, middle dot).
_CJK_CLASS = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
    "\u201c\u201d\u2018\u2019\u2026\u2014\u00b7"
)
_CJK_RE = re.compile(f"[{_CJK_CLASS}]")
# Ideographs/kana only ("letters"): spaces between two of these in a heading are separators.
_HAN_RE = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f〇]"
)

_FINAL_PUNCT = frozenset("。！？；：…”’）」』》!?;:")
# Headlines carry no sentence punctuation (and no commas: parts are separated by spaces).
_SENTENCE_PUNCT_RE = re.compile("[。！？!?，；;]")
_BODY_PUNCT_RE = re.compile("[。！？，；：]")

# Control chars (except \n), zero-width/format chars, BOM, lone surrogates, tag chars: deleted.
# \r\n, \r, VT, FF, NEL, U+2028/2029 become \n; tab becomes a space.
_CLEAN_RE = re.compile(
    "\r\n?|[\x0b\x0c\x85\u2028\u2029]|\t"
    "|[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)

# Runs of characters that might be changed by NFC or compose with their neighbours. Everything
# outside this class is NFC-stable, a starter, and never the second half of a composition
# (verified against unicodedata), so segments can be normalized independently.
_NFC_RISKY_RE = re.compile(
    "[^\u0000-\u02ff\u2010-\u2027\u3000-\u3029\u3030-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+"
)

# Page-continuation notes: （上接1版） (下转第四版) 〔紧转第2版〕 【接上版】 ...
_CONTINUATION_RE = re.compile(
    r"[（(〔【\[]\s*(?:上接|下转|紧转|紧接|转接|接上|转至|转|接)\s*(?:第\s*)?"
    r"[0-9０-９一二三四五六七八九十百上下]{0,4}\s*(?:版|页|面)\s*[）)〕】\]]"
)

_ROLE = r"(?:首席|特约|见习|实习)?(?:摄影记者|记者|通讯员|摄影)"
_NAME = r"[\u4e00-\u9fff·]{2,4}"
_SP = "[ \u3000\u00a0]"
# A whole line that is a byline: "重庆日报记者 林晓", "本报记者 张三 李四 通讯员 王五",
# "记者 彭磊 摄/视觉重庆".
_BYLINE_LINE_RE = re.compile(
    rf"(?:[\u4e00-\u9fff]{{0,12}}?{_ROLE}{_SP}*{_NAME}(?:(?:{_SP}|[、，,])+{_NAME})*{_SP}*)+"
    rf"(?:摄影?|报道)?(?:/\S{{1,12}})?"
)
# A byline opening a paragraph: "本报讯（记者 王五）", "新华社北京1月3日电（记者 张三）".
_BYLINE_INLINE_RE = re.compile(
    rf"(?:[\u4e00-\u9fff]{{1,8}}报讯|[\u4e00-\u9fff]{{0,10}}(?:\d{{1,2}}月\d{{1,2}}日)?电){_SP}*"
    r"[（(][^（）()\n]{0,40}?(?:记者|通讯员)[^（）()\n]{0,40}?[）)]"
)
_BYLINE_ROLE_END = ("记者", "通讯员", "报讯", "摄影")
_BULLETS = "□■"

_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_PUNCT_RE = re.compile(f"(?<=[{_CJK_CLASS}])[,;:?!()]|[,;:?!()](?=[{_CJK_CLASS}])")
_PAREN_PAIR_RE = re.compile(r"\(([^()\n]{0,200})\)")

_HEADING_MAX = 60
_BYLINE_MAX = 50
_NOISE_MAX = 40

_BLANK, _BREAK, _TEXT, _BYLINE, _NOISE, _MDHEAD = range(6)


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def _is_han(ch: str) -> bool:
    return bool(_HAN_RE.match(ch))


# --------------------------------------------------------------------------- stage A: clean + NFC


@cache
def _nfc_second_starters() -> frozenset[str]:
    """Starters (ccc 0) that compose with a preceding char; computed once, only when needed."""
    found = {chr(cp) for cp in range(0x1161, 0x1176)} | {chr(cp) for cp in range(0x11A8, 0x11C3)}
    for cp in range(0x110000):
        d = unicodedata.decomposition(chr(cp))
        if d and not d.startswith("<"):
            parts = d.split()
            if len(parts) == 2:
                c = chr(int(parts[1], 16))
                if unicodedata.combining(c) == 0:
                    found.add(c)
    return frozenset(found)


def _clean(original: str) -> tuple[str, array | None]:
    """Drop control/zero-width chars and unify line breaks; offsets None means identity."""
    if not _CLEAN_RE.search(original):
        return original, None
    pieces: list[str] = []
    offs = array("q")
    pos = 0
    for m in _CLEAN_RE.finditer(original):
        a, b = m.span()
        if a > pos:
            pieces.append(original[pos:a])
            offs.extend(range(pos, a))
        g = m.group()
        if g[0] in "\r\x0b\x0c\x85\u2028\u2029":
            pieces.append("\n")
            offs.append(a)
        elif g == "\t":
            pieces.append(" ")
            offs.append(a)
        pos = b
    pieces.append(original[pos:])
    offs.extend(range(pos, len(original)))
    return "".join(pieces), offs


def _nfc(s: str, offs: array | None) -> tuple[str, array | None, dict[int, int]]:
    """NFC-normalize ``s`` cluster by cluster so every output char keeps an origin."""
    if unicodedata.is_normalized("NFC", s):
        return s, offs, {}
    second = _nfc_second_starters()
    pieces: list[str] = []
    new = array("q")
    ends: dict[int, int] = {}

    def orig(i: int) -> int:
        return offs[i] if offs is not None else i

    def orig_end(i: int) -> int:  # exclusive original end of s[:i]
        return offs[i - 1] + 1 if offs is not None else i

    pos = 0
    for m in _NFC_RISKY_RE.finditer(s):
        a = max(m.start() - 1, pos)  # the preceding safe char may be a base for combining marks
        b = m.end()
        seg = s[a:b]
        if unicodedata.is_normalized("NFC", seg):
            continue
        pieces.append(s[pos:a])
        new.extend(range(pos, a))
        # split seg into clusters starting at chars that cannot compose with what precedes
        starts = [0] + [
            i for i in range(1, len(seg))
            if unicodedata.combining(seg[i]) == 0 and seg[i] not in second
        ]
        starts.append(len(seg))
        for k in range(len(starts) - 1):
            ca, cb = a + starts[k], a + starts[k + 1]
            cluster = s[ca:cb]
            norm = unicodedata.normalize("NFC", cluster)
            if norm == cluster:
                pieces.append(cluster)
                new.extend(range(ca, cb))
            else:
                pieces.append(norm)
                new.extend([ca] * len(norm))
                ends[orig(ca)] = orig_end(cb)
        pos = b
    pieces.append(s[pos:])
    new.extend(range(pos, len(s)))
    if offs is not None:
        new = array("q", (offs[i] for i in new))
    return "".join(pieces), new, ends


# --------------------------------------------------------------------------- stage B: lines


@dataclass
class _Line:
    kind: int
    segs: list[tuple[int, int]]  # content pieces in stage-A coordinates (markers cut out)
    content: str  # the stripped content, joined from segs

    @property
    def first(self) -> str:
        return self.content[0]

    @property
    def last(self) -> str:
        return self.content[-1]


def _scan_line(
    s: str, a: int, b: int, to_orig: Callable[[int], int], markers: list[Marker], original: str
) -> _Line:
    line = s[a:b]
    segs: list[tuple[int, int]] = []
    had_marker = False
    pos = 0
    if "接" in line or "转" in line:  # cheap pre-check: most lines have no marker
        for m in _CONTINUATION_RE.finditer(line):
            had_marker = True
            ms, me = to_orig(a + m.start()), to_orig(a + m.end() - 1) + 1
            markers.append(Marker("continuation", ms, me, original[ms:me]))
            if m.start() > pos:
                segs.append((a + pos, a + m.start()))
            pos = m.end()
    if pos < len(line):
        segs.append((a + pos, b))
    # strip surrounding whitespace of the remaining content
    while segs:
        sa, sb = segs[0]
        sa += len(s[sa:sb]) - len(s[sa:sb].lstrip(_WS))
        if sa < sb:
            segs[0] = (sa, sb)
            break
        segs.pop(0)
    while segs:
        sa, sb = segs[-1]
        sb = sa + len(s[sa:sb].rstrip(_WS))
        if sa < sb:
            segs[-1] = (sa, sb)
            break
        segs.pop()
    if not segs:
        return _Line(_BREAK if had_marker else _BLANK, [], "")
    content = "".join(s[x:y] for x, y in segs)
    if content.startswith("#"):
        return _Line(_MDHEAD, segs, content)
    if len(content) <= _NOISE_MAX and not _CJK_RE.search(content) and any(c.isalpha() for c in content):
        return _Line(_NOISE, segs, content)
    return _Line(_TEXT, segs, content)


def _byline_line(line: _Line, s: str) -> bool:
    """Mark a whole-line byline (dropping a leading □/■ bullet); True if it is one."""
    content = line.content
    bullet = content[0] in _BULLETS
    body = content[1:].lstrip(_WS) if bullet else content
    if not body or len(body) > _BYLINE_MAX or not _BYLINE_LINE_RE.fullmatch(body):
        return False
    if bullet:
        drop = len(content) - len(body)
        while drop and line.segs:  # bullet + spaces are at most a few chars of the first segs
            sa, sb = line.segs[0]
            take = min(drop, sb - sa)
            drop -= take
            if sa + take < sb:
                line.segs[0] = (sa + take, sb)
            else:
                line.segs.pop(0)
        line.content = body
    line.kind = _BYLINE
    return True


def _heading_like(line: _Line) -> bool:
    c = line.content
    return (
        line.kind == _TEXT
        and len(c) <= _HEADING_MAX
        and c[-1] not in _FINAL_PUNCT
        and not _SENTENCE_PUNCT_RE.search(c)
    )


def _ends_block(lines: list[_Line], j: int) -> bool:
    return j >= len(lines) or lines[j].kind in (_BLANK, _BREAK)


def _join_step(lines: list[_Line], i: int, continued: bool) -> int:
    """How far to jump to the line that continues line ``i``'s paragraph; 0 = paragraph ends.

    1: the next line continues a sentence broken by the column width. 2: the same across a
    single blank line. Newspaper dumps put blank lines mid-sentence ("推动双城经济圈建设形"
    / "" / "成更多标志性成果。"), so such a break is bridged when line ``i`` is a body line (it
    continues a column paragraph, or has sentence punctuation inside) that ends mid-sentence and the
    line after the blank starts with a Han char or an opening quote and is not a heading.
    """
    line = lines[i]
    if line.last in _FINAL_PUNCT:
        return 0
    body = continued or bool(_BODY_PUNCT_RE.search(line.content))
    for step in (1, 2):
        j = i + step
        if j >= len(lines):
            return 0
        nxt = lines[j]
        if nxt.kind == _TEXT and _BYLINE_INLINE_RE.match(nxt.content):
            return 0  # "本报讯（记者…）" always opens a new article
        if step == 2:
            if lines[i + 1].kind != _BLANK or not body or nxt.kind != _TEXT:
                return 0
            return step if (_is_han(nxt.first) or nxt.first in "“《") else 0
        if nxt.kind == _TEXT:
            # a headline block: this line and a short last line closed by a blank line
            if not body and _heading_like(nxt) and _ends_block(lines, j + 1):
                return 0
            return step
        if nxt.kind != _BLANK:
            return 0
    return 0

# --------------------------------------------------------------------------- stage C: paragraphs


class _Out:
    """Accumulates normalized text and offsets (into stage-A coordinates)."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.offs = array("q")

    def add(self, text: str, offs: Sequence[int]) -> None:
        self.pieces.append(text)
        self.offs.extend(offs)

    def newline(self) -> None:
        # map the separator to just after the previous content (the original's own line break
        # or space), so a span ending in it never reaches into the next paragraph
        self.pieces.append("\n")
        self.offs.append(self.offs[-1] + 1 if self.offs else 0)


def _fix_spaces(p: str, po: array, mode: str) -> tuple[str, array]:
    """Remove/collapse whitespace runs inside a paragraph (see module rules).

    mode: "body" (remove if a neighbour is CJK), "heading" (keep one space between two Han
    chars, they separate headline parts), "byline" (drop the space after 记者/通讯员, keep one
    between names).
    """
    if not _WS_RUN_RE.search(p):
        return p, po
    if mode == "heading":
        tokens = p.split()
        if len(tokens) >= 3 and sum(len(tok) == 1 for tok in tokens) * 5 >= len(tokens) * 3:
            mode = "body"  # letter-spaced title "新 使 命 书 写": the spaces are decoration
    pieces: list[str] = []
    offs = array("q")
    pos = 0
    for m in _WS_RUN_RE.finditer(p):
        a, b = m.span()
        pieces.append(p[pos:a])
        offs.extend(po[pos:a])
        pos = b
        if a == 0 or b == len(p):
            continue
        left, right = p[a - 1], p[b]
        if _is_cjk(left) or _is_cjk(right):
            keep = False
            if mode == "heading":
                keep = left == "#" or (
                    (_is_han(left) or left in "”’》」』）") and (_is_han(right) or right in "“‘《「『（")
                )
            elif mode == "byline":
                keep = _is_han(left) and _is_han(right) and not p[:a].endswith(_BYLINE_ROLE_END)
            if not keep:
                continue
        pieces.append(" ")
        offs.append(po[a])
    pieces.append(p[pos:])
    offs.extend(po[pos:])
    return "".join(pieces), offs


def _paren_pair(m: re.Match[str]) -> str:
    s, a, b = m.string, m.start(), m.end()
    if (
        _CJK_RE.search(m.group(1))
        or (a > 0 and _is_cjk(s[a - 1]))
        or (b < len(s) and _is_cjk(s[b]))
    ):
        return "（" + m.group(1) + "）"
    return m.group()


def _fix_punct(p: str) -> str:
    """ASCII , ; : ? ! ( ) next to CJK become full-width; same length, so offsets still hold."""
    if "(" in p:
        p = _PAREN_PAIR_RE.sub(_paren_pair, p)
    return _PUNCT_RE.sub(lambda m: _ASCII_TO_FULL[m.group()], p)


def _emit_part(out: _Out, p: str, po: array, mode: str) -> None:
    p, po = _fix_spaces(p, po, mode)
    out.add(_fix_punct(p), po)


def normalize(original: str) -> NormalizedText:
    """Normalize newspaper text; see the module docstring for the rules.

    Paragraphs come out one per line (separated by a single ``\\n``); broken column lines are
    joined; continuation markers are removed and bylines put on their own line.

    >>> nt = normalize(" □ 重庆日报记者 林晓\\n\\n什么是人才双向离岸机制？该机制\\n有何优势？")
    >>> nt.text
    '重庆日报记者林晓\\n什么是人才双向离岸机制？该机制有何优势？'
    >>> nt.markers[0].kind, nt.markers[0].text
    ('byline', '重庆日报记者 林晓')
    >>> normalize("Version 2.0, 中文(测试)").text
    'Version 2.0，中文（测试）'
    """
    s, a_offs = _clean(original)
    s, a_offs, cluster_ends = _nfc(s, a_offs)
    # traditional text (a Big5 page) is read in simplified form; the conversion keeps every
    # character's position, so the offsets so far still hold
    simplified = to_simplified(s)
    if simplified is not None:
        s = simplified

    def to_orig(i: int) -> int:
        return a_offs[i] if a_offs is not None else i

    def span(a: int, b: int) -> Sequence[int]:
        return a_offs[a:b] if a_offs is not None else range(a, b)

    markers: list[Marker] = []
    # ---- stage B: classify lines (O(lines), each line touched a constant number of times)
    lines: list[_Line] = []
    pos = 0
    for raw in s.split("\n"):
        lines.append(_scan_line(s, pos, pos + len(raw), to_orig, markers, original))
        pos += len(raw) + 1
    n = len(lines)
    for i, line in enumerate(lines):
        if line.kind != _TEXT:
            continue
        prev_kind = lines[i - 1].kind if i else _BLANK
        next_kind = lines[i + 1].kind if i + 1 < n else _BLANK
        # a bullet marks a byline for sure; otherwise demand a paragraph edge next to it, so that
        # a column line like "本报记者采访" inside a paragraph is not mistaken for one
        if (
            line.first in _BULLETS
            or prev_kind in (_BLANK, _BREAK, _NOISE, _BYLINE)
            or next_kind in (_BLANK, _BREAK)
        ):
            _byline_line(line, s)

    # ---- group lines into paragraphs
    paragraphs: list[tuple[list[_Line], int]] = []  # (lines, kind of the paragraph)
    cur: list[_Line] = []
    i = 0
    while i < n:
        line = lines[i]
        if line.kind in (_BLANK, _BREAK):
            if cur:
                paragraphs.append((cur, _TEXT))
                cur = []
            i += 1
            continue
        if line.kind != _TEXT:
            if cur:
                paragraphs.append((cur, _TEXT))
                cur = []
            paragraphs.append(([line], line.kind))
            i += 1
            continue
        continued = bool(cur)
        cur.append(line)
        step = _join_step(lines, i, continued)
        if step:
            i += step
            continue
        paragraphs.append((cur, _TEXT))
        cur = []
        i += 1
    if cur:
        paragraphs.append((cur, _TEXT))

    # ---- stage C: build each paragraph and emit it
    out = _Out()
    for plines, pkind in paragraphs:
        pieces: list[str] = []
        po = array("q")
        prev_last = ""
        for li, line in enumerate(plines):
            if li:
                a, b = prev_last, line.first
                if (
                    a.isalnum() and b.isalnum() and not _is_cjk(a) and not _is_cjk(b)
                    and not (a.isdigit() and b.isdigit())
                ):
                    pieces.append(" ")  # an English line break separates words
                    po.append(to_orig(line.segs[0][0] - 1))
            for sa, sb in line.segs:
                pieces.append(s[sa:sb])
                po.extend(span(sa, sb))
            prev_last = line.last
        p = "".join(pieces)
        if out.pieces:
            out.newline()
        if pkind == _BYLINE:
            ms, me = po[0], po[-1] + 1
            markers.append(Marker("byline", ms, me, original[ms:me]))
            _emit_part(out, p, po, "byline")
            continue
        if pkind == _MDHEAD or (pkind == _TEXT and len(plines) == 1 and _heading_like(plines[0])):
            _emit_part(out, p, po, "heading")
            continue
        if pkind == _TEXT and ("报讯" in p[:20] or "电" in p[:30]):
            m = _BYLINE_INLINE_RE.match(p)
            if m:
                ms, me = po[0], po[m.end() - 1] + 1
                markers.append(Marker("byline", ms, me, original[ms:me]))
                _emit_part(out, p[: m.end()], po[: m.end()], "byline")
                rest = p[m.end():]
                skip = len(rest) - len(rest.lstrip(_WS))
                if rest[skip:]:
                    out.newline()
                    _emit_part(out, rest[skip:], po[m.end() + skip:], "body")
                continue
        _emit_part(out, p, po, "body")

    text = "".join(out.pieces)
    offs = out.offs
    offs.append(len(original))
    markers.sort(key=lambda m: (m.start, m.end))
    if simplified is None:
        return NormalizedText(text, offs, tuple(markers), cluster_ends)
    return NormalizedText(text, offs, tuple(markers), cluster_ends, "traditional", original)


# --------------------------------------------------------------------------- sentences

_SENT_END_RE = re.compile("(?:[。！？；!?]+|…+)[”’）」』》\"')\\]]*")
_MAX_SENTENCE = 2000


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split (normalized) Chinese text into sentence spans ``[start, end)``.

    Splits after 。！？；!? and runs of …, keeping closing quotes/brackets with the sentence;
    every ``\\n`` ends a sentence; spans are trimmed of whitespace and never empty. Runs longer
    than 2000 chars are cut at the last '，' (or hard-cut) so downstream regexes stay bounded.

    >>> t = "要坚持“两个毫不动摇”。会议指出！\\n标题\\n"
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['要坚持“两个毫不动摇”。', '会议指出！', '标题']
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        start = pos
        for m in _SENT_END_RE.finditer(text, pos, line_end):
            _add_span(text, start, m.end(), spans)
            start = m.end()
        _add_span(text, start, line_end, spans)
        pos = line_end + 1
    return spans


def _add_span(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    while b - a > _MAX_SENTENCE:
        cut = text.rfind("，", a, a + _MAX_SENTENCE)
        cut = cut + 1 if cut > a else a + _MAX_SENTENCE
        _add_span(text, a, cut, spans)
        a = cut
        while a < b and text[a].isspace():
            a += 1
    if a < b:
        spans.append((a, b))
