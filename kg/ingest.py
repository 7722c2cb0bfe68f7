"""Read real-world files (text in any common Chinese encoding, HTML, PDF, DOCX) into documents.

Every reader returns a :class:`SourceDocument` whose ``text`` is the "original" that the offset
map of :func:`kg.normalize.normalize` points into. Anything that cannot be read cleanly raises
:class:`IngestError` with a human-readable reason; nothing is ever silently decoded as mojibake.
Dates (publication date, relative mentions) are worked out by :mod:`kg.dates`.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import logging
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.dates import estimate_publication_date, iso_date
from kg.normalize import normalize

log = logging.getLogger(__name__)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "IngestError",
    "SourceDocument",
    "discover",
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
            date = iso_date(content)
    if not title and soup.title and soup.title.string:
        title = soup.title.string.strip() or None
    if not date:
        for t in soup.find_all("time"):
            if t.get("datetime") and (date := iso_date(str(t["datetime"]))):
                break
    if not title:
        h1 = soup.find("h1")
        if h1:
            title = " ".join(h1.get_text(" ").split()) or None

    # mark dropped subtrees instead of decompose() (which recurses in some bs4 versions); every
    # node inside one is marked once, so the test is a set lookup, not a walk up a deep tree
    dropped: set[int] = set()
    for tag in soup.find_all(_DROP_TAGS):  # document order: an outer tag comes before its inner ones
        if id(tag) not in dropped:
            dropped.add(id(tag))
            dropped.update(id(node) for node in tag.descendants)

    def is_dropped(node: Tag | NavigableString) -> bool:
        return id(node) in dropped

    container = soup.find("article") or soup.find("main")
    if container is None:
        scores: Counter[int] = Counter()
        by_id: dict[int, Tag] = {}
        # One pass over the text nodes, each credited to its nearest <p>'s parent (a bounded walk):
        # p.get_text() per <p> would be quadratic when hostile markup nests thousands of them.
        for node in soup.descendants:
            if not isinstance(node, NavigableString) or is_dropped(node):
                continue
            up = next((a for i, a in enumerate(node.parents) if a.name == "p" or i > 200), None)
            if up is None or up.name != "p" or up.parent is None:
                continue
            scores[id(up.parent)] += len(_CJK_CHAR_RE.findall(str(node)))
            by_id[id(up.parent)] = up.parent
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


class _Held(logging.Handler):
    """Holds a library's log records while one file is read: its warnings ("invalid pdf header",
    "EOF marker not found") name no file, and a file that fails is reported once, by the build."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _quiet(logger_name: str, path: Path) -> Iterator[_Held]:
    """Inside: ``logger_name``'s records (and its modules') and Python warnings are held back."""
    logger = logging.getLogger(logger_name)
    held, propagate = _Held(), logger.propagate
    logger.addHandler(held)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield held
    finally:
        logger.removeHandler(held)
        logger.propagate = propagate
        for message in held.messages:  # for -vv, with the file they are about
            log.debug("%s: %s: %s", path, logger_name, message)


def _pdf(path: Path) -> tuple[str, str | None]:
    with _quiet("pypdf", path) as held:
        try:
            return _read_pdf(path)
        except IngestError as e:
            if not held.messages:
                raise
            # pypdf's first complaint often says more than its exception ("invalid pdf header")
            raise IngestError(path, f"{e.reason} ({held.messages[0]})") from e


def _read_pdf(path: Path) -> tuple[str, str | None]:
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
