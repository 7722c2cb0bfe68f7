"""Read real-world files (text in any common Chinese encoding, HTML, PDF, DOCX) into documents.

Every reader returns a :class:`SourceDocument` whose ``text`` is the "original" that the offset
map of :func:`kg.ingest.normalize.normalize` points into. Anything that cannot be read cleanly raises
:class:`IngestError` with a human-readable reason; nothing is ever silently decoded as mojibake.
Dates (publication date, relative mentions) are worked out by :mod:`kg.ingest.dates`.

Hostile files are read with bounded time and memory: only regular files are opened (a FIFO,
socket or device is refused unopened), a DOCX is inflated member by member under a byte budget
and a compression-ratio limit and its XML is streamed, and HTML is flattened in one linear pass.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg.ingest.dates import estimate_publication_date
from kg.ingest.errors import IngestError, TextTooLong, too_long_reason
from kg.ingest.html import _html
from kg.ingest.normalize import normalize
from kg.ingest.office import MAX_INFLATE_RATIO, _docx, _pdf

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
    kg.ingest.errors.IngestError: ...: not a regular file (named pipe), skipped unread
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
            except TextTooLong as exc:
                raise IngestError(path, too_long_reason(exc.cap)) from None
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
