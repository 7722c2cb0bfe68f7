"""HTML pages → text in one linear pass (no tree): the main text, the title and a date.

Deeply nested or malformed markup costs time linear in its size; past ``_DEEP_MARKUP`` levels the
page is read as flat paragraphs and a note says so.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser

from kg.ingest.dates import iso_date
from kg.ingest.errors import TextTooLong

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
            raise TextTooLong(self.cap)
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




def _html(markup: str, cap: int | None = None, notes: list[str] | None = None) -> tuple[str, str | None, str | None]:
    """Main text (paragraphs joined by blank lines), title and date of an HTML page.

    The main text is the first ``<article>`` or ``<main>``, else the element whose ``<p>``
    children hold the most Chinese characters, else ``<body>``; each text node joins the
    paragraph of its nearest block element. Linear time and memory (:class:`_HtmlOutline`);
    a page with more than ``cap`` characters of text raises :class:`TextTooLong` as soon as
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
