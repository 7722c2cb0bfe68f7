"""Read real-world files (text in any common Chinese encoding, HTML, PDF, DOCX) into documents.

Every reader returns a :class:`SourceDocument` whose ``text`` is the "original" that the offset
map of :func:`kg.normalize.normalize` points into. Anything that cannot be read cleanly raises
:class:`IngestError` with a human-readable reason; nothing is ever silently decoded as mojibake.
Dates (publication date, relative mentions) are worked out by :mod:`kg.dates`.

Hostile files are read with bounded time and memory: only regular files are opened (a FIFO,
socket or device is refused unopened), a DOCX is inflated member by member under a byte budget
and a compression-ratio limit and its XML is streamed, and HTML is flattened in one linear pass.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import io
import os
import posixpath
import re
import stat
import zipfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from kg.dates import estimate_publication_date, iso_date
from kg.normalize import normalize

__all__ = [
    "MAX_INFLATE_RATIO",
    "SUPPORTED_SUFFIXES",
    "IngestError",
    "SourceDocument",
    "discover",
    "open_regular",
    "read_document",
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
    warnings: tuple[str, ...] = ()  # read, but something about the file was hostile


# --------------------------------------------------------------------------- discovery


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[IngestError]]:
    """Expand folders (recursively, sorted) into supported files; report problems, don't raise.

    Files given explicitly are kept even with an unsupported suffix (read_document reports them);
    inside folders, unsupported files are reported and hidden entries ('.'-prefixed) skipped.
    FIFOs, sockets and devices are reported (never opened: reading a FIFO blocks forever).

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
            if (special := _special_file(root)) is not None:
                errors.append(IngestError(root, special))
            elif root not in seen:
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
                elif (special := _special_file(entry)) is not None:
                    errors.append(IngestError(entry, special))
                elif entry.suffix.lower() in SUPPORTED_SUFFIXES:
                    if entry not in seen:
                        seen.add(entry)
                        in_root.append(entry)
                else:
                    errors.append(IngestError(entry, f"unsupported file type {entry.suffix or '(none)'}"))
            stack.extend(reversed(subdirs))
        found.extend(sorted(in_root, key=lambda p: p.parts))  # path order, whatever the walk
    return found, errors


_FILE_KINDS = ((stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"),
               (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "folder"))


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "special file")
    return f"not a regular file ({kind}), skipped unread"


def _special_file(path: Path) -> str | None:
    """Why ``path`` (followed through links) is not a file to read, or None (a dangling link is
    left to the reader, which reports it)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else _not_regular(mode)


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for binary reading if it is a regular file, else raise :class:`IngestError`.

    The path is checked before opening, so a FIFO, socket or device is never opened; the open
    itself is non-blocking and the descriptor checked again, so a file swapped for a FIFO in
    between cannot hang the caller either.

    >>> import tempfile
    >>> fifo = Path(tempfile.mkdtemp()) / "pipe.txt"
    >>> os.mkfifo(fifo)
    >>> open_regular(fifo)  # would block forever in open() without the check
    Traceback (most recent call last):
    ...
    kg.ingest.IngestError: ...: not a regular file (named pipe), skipped unread
    """
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise IngestError(path, _not_regular(mode))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError as exc:
        raise IngestError(path, "no such file") from exc
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror or exc}") from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise IngestError(path, _not_regular(mode))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


# --------------------------------------------------------------------------- reading


def read_document(path: Path, *, max_bytes: int = 50_000_000, max_chars: int | None = None) -> SourceDocument:
    """Read one file into a :class:`SourceDocument`; raises :class:`IngestError`.

    ``max_bytes`` bounds the file and, for a DOCX, the bytes inflated from it (see
    :class:`_Container`); ``max_chars`` stops an HTML, DOCX or PDF reader once its text is twice
    that long (the exact limit is applied to the normalized text by the caller). A FIFO, socket
    or device is refused unopened (:func:`open_regular`).

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
        with open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise IngestError(path, f"file too large ({size} bytes > limit {max_bytes})")
            raw = f.read(max_bytes + 1)
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror or exc}") from exc
    if len(raw) > max_bytes:  # the file grew between stat and read
        raise IngestError(path, f"file too large (over {max_bytes} bytes > limit {max_bytes})")
    if not raw.strip():
        raise IngestError(path, "empty file")
    digest = hashlib.sha256(raw).hexdigest()
    text_cap = 2 * max_chars if max_chars else None

    encoding: str | None = None
    title: str | None = None
    date: str | None = None
    notes: list[str] = []
    if suffix in _TEXT_SUFFIXES or suffix in _HTML_SUFFIXES:
        _reject_binary(path, raw)
        text, encoding = _decode(path, raw)
        if suffix in _HTML_SUFFIXES:
            fmt = "html"
            try:
                text, title, date = _html(text, text_cap, notes)
            except _TextTooLong as exc:
                raise IngestError(path, _too_long(exc.cap)) from None
        else:
            fmt = "text"
            title = _text_title(text)
    elif suffix == ".pdf":
        fmt = "pdf"
        text, title = _pdf(path, raw, max_bytes, text_cap)
    else:
        fmt = "docx"
        text, title, date = _docx(path, raw, max_bytes, text_cap)
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
        warnings=tuple(notes),
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


_DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "noscript", "template", "iframe")
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article main blockquote pre "
    "dd dt dl figcaption figure hr".split()
)
_DATE_METAS = ("article:published_time", "pubdate", "publishdate", "publish_date", "date",
               "dc.date", "dc.date.issued", "og:published_time", "datepublished")
_CJK_CHAR_RE = re.compile("[\u4e00-\u9fff]")


_VOID_TAGS = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
_DEEP_MARKUP = 1_000  # nesting levels; real pages stay well under 100
_ASCII_SPACES = " \n\t\f\r"
_RAW_TAGS = frozenset({"script", "style", "template"})
_FIRST_TAGS = frozenset({"article", "main", "body", "title", "h1"})


class _HtmlOutline(HTMLParser):
    """One linear pass over a page: its element tree as flat preorder arrays, its text in order.

    Element ``i`` has ``parent[i]``, ``end[i]`` (its last descendant: the subtree is the id range
    ``i..end[i]``), and the nearest ``<p>`` and block element among itself and its ancestors, so
    every question the text extraction asks is O(1): no recursion, no walks up the tree, no
    object per node, and 100,000 nested tags cost what 100,000 sibling tags do. End tags close
    up to the most recent open element of that name (as BeautifulSoup's html.parser tree does).
    """

    def __init__(self, cap: int | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.cap = cap
        self.chars = 0
        self.parent = array("q", [-1])  # element 0: the document
        self.end = array("q", [0])
        self.near_p = array("q", [-1])
        self.near_block = array("q", [-1])
        # 0: content; 1: inside nav/footer ... (not content, but an <h1> title may be there);
        # 2: inside script/style/template (never text)
        self.dropped = bytearray(b"\0")
        self.first: dict[str, int] = {}
        self.open_ids = [0]
        self.open_names = ["[document]"]
        self.open_count: Counter[str] = Counter()
        self.depth = 0  # the deepest nesting met
        self.events: list[tuple[int, str | None]] = []  # (parent element, text); None: a <br>
        self.meta_title: str | None = None
        self.meta_date: str | None = None
        self.time_date: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._meta(dict(attrs))
        elif tag == "time" and self.time_date is None:
            stamp = dict(attrs).get("datetime")
            self.time_date = iso_date(stamp) if stamp else None
        elif tag == "br":
            self.events.append((self.open_ids[-1], None))
        if tag in _VOID_TAGS:
            return
        up = self.open_ids[-1]
        node = len(self.parent)
        self.parent.append(up)
        self.end.append(node)
        self.near_p.append(node if tag == "p" else self.near_p[up])
        self.near_block.append(node if tag in _BLOCK_TAGS else self.near_block[up])
        self.dropped.append(2 if self.dropped[up] == 2 or tag in _RAW_TAGS else
                            1 if self.dropped[up] or tag in _DROP_TAGS else 0)
        if tag in _FIRST_TAGS:
            self.first.setdefault(tag, node)
        self.open_ids.append(node)
        self.open_names.append(tag)
        self.open_count[tag] += 1
        self.depth = max(self.depth, len(self.open_ids) - 1)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_count[tag]:
            return  # a stray end tag closes nothing
        while True:  # each element is popped once: linear over the whole page
            node, name = self.open_ids.pop(), self.open_names.pop()
            self.open_count[name] -= 1
            self.end[node] = len(self.parent) - 1
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        if self.dropped[self.open_ids[-1]] == 2:
            return  # script, style: never text
        self.chars += len(data)
        if self.cap is not None and self.chars > self.cap:
            raise _TextTooLong(self.cap)
        # whitespace between tags becomes one space or newline (as BeautifulSoup keeps it)
        if not data.strip(_ASCII_SPACES) and not (self.open_count["pre"] or self.open_count["textarea"]):
            data = "\n" if "\n" in data else " "
        self.events.append((self.open_ids[-1], data))

    def _meta(self, attrs: dict[str, str | None]) -> None:
        key = str(attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        content = str(attrs.get("content") or "").strip()
        if not content:
            return
        if key == "og:title" and not self.meta_title:
            self.meta_title = content
        elif key in _DATE_METAS and not self.meta_date:
            self.meta_date = iso_date(content)

    def close(self) -> None:
        super().close()
        last = len(self.parent) - 1
        for node in self.open_ids:  # elements never closed end with the page
            self.end[node] = last

    def texts_in(self, node: int) -> Iterator[str]:
        """The text inside element ``node``, in order."""
        last = self.end[node]
        return (text for up, text in self.events if text is not None and node <= up <= last)

    def string_of(self, node: int) -> str | None:
        """The text of an element holding one text, or one element that does (BeautifulSoup's
        ``.string``), looked through at most 20 levels: each level is a scan of the page."""
        for _ in range(20):
            kids = [e for e in range(node + 1, self.end[node] + 1) if self.parent[e] == node]
            texts = [text for up, text in self.events if up == node and text is not None]
            if len(kids) + len(texts) != 1:
                return None
            if texts:
                return texts[0]
            node = kids[0]
        return None


class _TextTooLong(Exception):
    def __init__(self, cap: int) -> None:
        super().__init__(cap)
        self.cap = cap


def _html(markup: str, cap: int | None = None, notes: list[str] | None = None) -> tuple[str, str | None, str | None]:
    """Main text (paragraphs joined by blank lines), title and date of an HTML page.

    The main text is the first ``<article>`` or ``<main>``, else the element whose ``<p>``
    children hold the most Chinese characters, else ``<body>``; each text node joins the
    paragraph of its nearest block element. Linear time and memory (:class:`_HtmlOutline`);
    a page with more than ``cap`` characters of text raises :class:`_TextTooLong` as soon as
    the parser gets there. Markup nested deeper than :data:`_DEEP_MARKUP` levels is noted in
    ``notes`` (it is read all the same).

    >>> _html("<title>标题</title><body><nav>菜单</nav><div><p>第一段。</p><p>第二<b>段</b>。</p></div></body>")
    ('第一段。\\n\\n第二段。', '标题', None)
    """
    page = _HtmlOutline(cap)
    page.feed(markup)
    page.close()
    if page.depth > _DEEP_MARKUP and notes is not None:
        notes.append(f"HTML nested {page.depth} levels deep, read as flat paragraphs")
    title = page.meta_title
    if not title and "title" in page.first:
        title = (page.string_of(page.first["title"]) or "").strip() or None
    date = page.meta_date or page.time_date
    if not title and "h1" in page.first:
        title = " ".join(" ".join(page.texts_in(page.first["h1"])).split()) or None

    container = page.first.get("article", page.first.get("main"))
    if container is None:
        # the parent of the <p>s holding the most Chinese characters (first one on a tie)
        scores: dict[int, int] = {}
        for up, text in page.events:
            if text is not None and not page.dropped[up] and (p := page.near_p[up]) >= 0:
                owner = page.parent[p]
                scores[owner] = scores.get(owner, 0) + len(_CJK_CHAR_RE.findall(text))
        if scores:
            best = max(scores, key=scores.__getitem__)
            container = best if scores[best] else None
    if container is None:
        container = page.first.get("body", 0)

    paragraphs: list[str] = []
    current: list[str] = []
    last_block = None
    last = page.end[container]
    for up, text in page.events:
        if not container <= up <= last:
            continue
        if text is None:
            if current:
                current.append("\n")
            continue
        if page.dropped[up]:
            continue
        # the nearer of the nearest block element and the container: both are ancestors, and
        # the deeper ancestor has the larger preorder id
        block = max(page.near_block[up], container)
        if block != last_block and current:
            paragraphs.append("".join(current))
            current = []
        last_block = block
        current.append(text)
    if current:
        paragraphs.append("".join(current))
    text = "\n\n".join(p.strip() for p in paragraphs if p.strip())
    return text, title, date


# --------------------------------------------------------------------------- PDF and DOCX


def _pdf(path: Path, raw: bytes, max_bytes: int, text_cap: int | None) -> tuple[str, str | None]:
    try:
        import pypdf
        from pypdf import PdfReader

        # pypdf bounds each decompressed stream (75 MB by default); here they follow --max-bytes
        apply = getattr(pypdf, "apply_configuration", None)  # pypdf >= 6
        limits = {name: max_bytes for name in ("zlib_maximum_output_length", "lzw_maximum_output_length",
                                               "run_length_maximum_output_length", "image_maximum_buffer_size",
                                               "array_based_stream_maximum_output_length")}
        with apply(**limits) if apply is not None else contextlib.nullcontext():
            reader = PdfReader(io.BytesIO(raw))
            if reader.is_encrypted and not reader.decrypt(""):
                raise IngestError(path, "PDF is encrypted")
            pages: list[str] = []
            chars = 0
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                chars += len(pages[-1])
                if text_cap is not None and chars > text_cap:
                    raise IngestError(path, _too_long(text_cap))
            meta = reader.metadata
            title = str(meta.title).strip() if meta is not None and meta.title else None
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types for broken files
        raise IngestError(path, f"cannot read PDF: {type(exc).__name__}: {exc}") from exc
    if not any(p.strip() for p in pages):
        raise IngestError(path, "PDF has no text layer")
    return "\n\n".join(p.strip("\n") for p in pages), title or None


def _too_long(cap: int) -> str:
    return f"text too long (over {cap} characters before normalization > limit {cap // 2}; see --max-chars)"


#: A container member that inflates to more than this many times its compressed size is refused
#: before a byte of it is inflated (Apache POI's zip-bomb guard uses the same 1:100); members
#: under _RATIO_EXEMPT_BYTES inflated are exempt (small XML parts compress far better).
MAX_INFLATE_RATIO = 100
_RATIO_EXEMPT_BYTES = 1 << 20
_CHUNK = 1 << 16


class _Container:
    """A zip container (DOCX) whose members are inflated under limits.

    Before a member is inflated, its declared size must fit what is left of ``budget`` (the
    bytes all members read may inflate to together: ``--max-bytes``, what a plain file may
    hold) and its compression ratio must stay under :data:`MAX_INFLATE_RATIO`; while it is
    inflated, in 64 KiB chunks, the bytes are counted against its declared size and the budget.
    """

    def __init__(self, path: Path, archive: zipfile.ZipFile, budget: int) -> None:
        self.path = path
        self.archive = archive
        self.left = budget
        self.budget = budget

    def __contains__(self, name: str) -> bool:
        return name in self.archive.NameToInfo

    def chunks(self, name: str) -> Iterator[bytes]:
        info = self.archive.getinfo(name)
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > self.left:
            raise IngestError(self.path, f"zip bomb refused: {name} would inflate to {size} bytes > limit "
                                         f"{self.budget} (see --max-bytes)")
        if size > _RATIO_EXEMPT_BYTES and size > packed * MAX_INFLATE_RATIO:
            raise IngestError(self.path, f"zip bomb refused: {name} inflates {size // packed}:1 "
                                         f"({packed} -> {size} bytes; limit {MAX_INFLATE_RATIO}:1)")
        read = 0
        with self.archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                read += len(chunk)
                self.left -= len(chunk)
                if read > size or self.left < 0:  # a header that lies about the size
                    raise IngestError(self.path, f"zip bomb refused: {name} inflates past its declared "
                                                 f"{size} bytes or the limit {self.budget} (see --max-bytes)")
                yield chunk


def _parse_xml(path: Path, name: str, chunks: Iterable[bytes], start: Callable[..., None] | None = None,
               end: Callable[[str], None] | None = None, text: Callable[[str], None] | None = None) -> None:
    """Stream ``chunks`` of an XML part through expat (names as ``namespace}local``).

    Linear time, memory bounded by the handlers; a DTD is refused (no entity expansion).
    """
    parser = expat.ParserCreate(namespace_separator="}")

    def no_dtd(*_: object) -> None:
        raise IngestError(path, f"cannot read DOCX: {name} declares a DTD (refused)")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    if start is not None:
        parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise IngestError(path, f"cannot read DOCX: malformed XML in {name}: {exc}") from exc


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DC_TITLE = "http://purl.org/dc/elements/1.1/}title"
_DC_CREATED = "http://purl.org/dc/terms/}created"
_RUN_CHARS = {"tab": "\t", "ptab": "\t", "cr": "\n", "noBreakHyphen": "-"}


class _WordText:
    """expat handlers collecting the text of a WordprocessingML body, in document order.

    A ``w:p`` gives one part (its ``w:t`` text, tabs and line breaks); a table cell gives one
    part, its paragraphs joined by newlines (as python-docx reads cells); ``mc:Fallback`` (a
    second copy of a text box) is skipped. Nesting is kept on small stacks, never recursion;
    the text stops at ``cap`` characters.
    """

    def __init__(self, path: Path, cap: int | None, heading_styles: set[str]) -> None:
        self.path = path
        self.cap = cap
        self.heading_styles = heading_styles
        self.parts: list[str] = []
        self.heading: str | None = None
        self.paragraphs: list[list[str]] = []  # open w:p, innermost last
        self.styles: list[str | None] = []
        self.cells: list[list[str]] = []  # open w:tc: their paragraphs
        self.in_text = self.in_run = self.skip = self.chars = 0

    def add(self, text: str) -> None:
        if not self.paragraphs:
            return
        self.chars += len(text)
        if self.cap is not None and self.chars > self.cap:
            raise IngestError(self.path, _too_long(self.cap))
        self.paragraphs[-1].append(text)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.skip or name == _MC_FALLBACK:
            self.skip += 1
            return
        if not name.startswith(_W):
            return
        local = name[len(_W):]
        if local == "p":
            self.paragraphs.append([])
            self.styles.append(None)
        elif local == "r":
            self.in_run += 1
        elif local == "t":
            self.in_text += 1
        elif local == "tc":
            self.cells.append([])
        elif local == "pStyle" and self.styles:
            self.styles[-1] = attrs.get(_W + "val")
        elif self.in_run and (local in _RUN_CHARS or local == "br"):
            if local != "br" or attrs.get(_W + "type", "textWrapping") == "textWrapping":
                self.add(_RUN_CHARS.get(local, "\n"))

    def end(self, name: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        if not name.startswith(_W):
            return
        local = name[len(_W):]
        if local == "t":
            self.in_text -= 1
        elif local == "r":
            self.in_run -= 1
        elif local == "p" and self.paragraphs:
            text = "".join(self.paragraphs.pop())
            style = self.styles.pop()
            if self.cells:
                self.cells[-1].append(text)
            elif text.strip():
                self.parts.append(text)
                if self.heading is None and style in self.heading_styles:
                    self.heading = text.strip()
        elif local == "tc" and self.cells:
            text = "\n".join(self.cells.pop())
            if text.strip():
                self.parts.append(text)

    def text(self, data: str) -> None:
        if self.in_text and not self.skip:
            self.add(data)


def _package_parts(box: _Container) -> tuple[str, str]:
    """The main document part and the core properties part, from the package relationships."""
    main, core = "word/document.xml", "docProps/core.xml"
    if "_rels/.rels" not in box:
        return main, core
    found: dict[str, str] = {}

    def rel(name: str, attrs: dict[str, str]) -> None:
        if name == _REL:
            kind = attrs.get("Type", "").rsplit("/", 1)[-1]
            found.setdefault(kind, attrs.get("Target", "").lstrip("/"))

    _parse_xml(box.path, "_rels/.rels", box.chunks("_rels/.rels"), start=rel)
    return found.get("officeDocument") or main, found.get("core-properties") or core


def _heading_styles(box: _Container, name: str) -> set[str]:
    """Ids of the paragraph styles named like a heading or title (``heading 1``, ``Title`` ...)."""
    ids: set[str] = {"Title", *(f"Heading{i}" for i in range(1, 10))}  # python-docx/Word defaults
    if name not in box:
        return ids
    current: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == _W + "style":
            current[:] = [attrs.get(_W + "styleId", "")]
        elif tag == _W + "name" and current:
            if attrs.get(_W + "val", "").lower().startswith(("heading", "title")):
                ids.add(current[0])

    _parse_xml(box.path, name, box.chunks(name), start=start)
    return ids


def _core_properties(box: _Container, name: str) -> tuple[str | None, str | None]:
    """Title and creation date (``YYYY-MM-DD``) of the package, when it states them."""
    if name not in box:
        return None, None
    values: dict[str, list[str]] = {}
    inside: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        inside.append(tag)

    def end(tag: str) -> None:
        inside.pop()

    def text(data: str) -> None:
        if inside and inside[-1] in (_DC_TITLE, _DC_CREATED) and len(data) < 10_000:
            values.setdefault(inside[-1], []).append(data)

    _parse_xml(box.path, name, box.chunks(name), start, end, text)
    title = "".join(values.get(_DC_TITLE, [])).strip()[:1000] or None
    date = None
    try:
        created = dt.datetime.fromisoformat("".join(values.get(_DC_CREATED, [])).strip())
    except ValueError:
        created = None
    if created is not None:
        aware = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
        if aware != _DOCX_TEMPLATE_CREATED:
            date = created.date().isoformat()
    return title, date


def _docx(path: Path, raw: bytes, max_bytes: int, text_cap: int | None) -> tuple[str, str | None, str | None]:
    """Text, title and date of a DOCX, read from the zip with bounded inflation and streamed XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            box = _Container(path, archive, max_bytes)
            main, core = _package_parts(box)
            if main not in box:
                raise IngestError(path, f"cannot read DOCX: no main document part ({main})")
            styles = _heading_styles(box, posixpath.join(posixpath.dirname(main), "styles.xml"))
            body = _WordText(path, text_cap, styles)
            _parse_xml(path, main, box.chunks(main), body.start, body.end, body.text)
            title, date = _core_properties(box, core)
    except IngestError:
        raise
    except Exception as exc:  # zipfile, zlib and expat raise assorted errors on corrupt packages
        raise IngestError(path, f"cannot read DOCX: {type(exc).__name__}: {exc}") from exc
    return "\n\n".join(body.parts), title or body.heading, date
