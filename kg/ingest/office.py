"""PDF and DOCX → text, with bounded memory: PDF streams capped by ``--max-bytes``; a DOCX read
straight from its zip, each member checked for size and compression ratio before and while it
inflates, its XML streamed through expat with DTDs refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import posixpath
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from xml.parsers import expat

from kg.ingest.errors import IngestError, too_long_reason

log = logging.getLogger(__name__)

# python-docx's template's creation time: a DOCX whose core properties carry it has no real date
_DOCX_TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.UTC)


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


def _pdf(path: Path, raw: bytes, max_bytes: int, text_cap: int | None) -> tuple[str, str | None]:
    with _quiet("pypdf", path) as held:
        try:
            return _read_pdf(path, raw, max_bytes, text_cap)
        except IngestError as e:
            if not held.messages:
                raise
            # pypdf's first complaint often says more than its exception ("invalid pdf header")
            raise IngestError(path, f"{e.reason} ({held.messages[0]})") from e


def _read_pdf(path: Path, raw: bytes, max_bytes: int, text_cap: int | None) -> tuple[str, str | None]:
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
                    raise IngestError(path, too_long_reason(text_cap))
            meta = reader.metadata
            title = str(meta.title).strip() if meta is not None and meta.title else None
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types for broken files
        raise IngestError(path, f"cannot read PDF: {type(exc).__name__}: {exc}") from exc
    if not any(p.strip() for p in pages):
        raise IngestError(path, "PDF has no text layer")
    return "\n\n".join(p.strip("\n") for p in pages), title or None





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
            raise IngestError(self.path, too_long_reason(self.cap))
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
