"""The Doc/Span extensions the extractors share, and helpers to read and write them.

Span groups written by the components (``doc.spans[NAME]``):
``ner`` (statistical PER/ORG/LOC/TIME, ``span._.ner_conf``), ``districts``, ``orgs``, ``persons``,
``roles``, ``measures``, ``projects``, ``money``. ``doc._.lac_words`` and ``doc._.ner_per_prob`` hold
the NER model's words and per-character person probability (:mod:`extractors.ner`).
Each span has ``span._.key`` (canonical key: adcode for districts, canonical name otherwise) and
``span._.kind`` (organization kind, measure class, role family ...).
Every component also appends its typed facts to ``doc._.facts`` (:class:`kg.model.facts.DocumentFacts`).
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc, Span

from extractors.lexicons import word_tags
from kg.model.facts import DocumentFacts, Evidence

__all__ = [
    "add_span",
    "evidence_for",
    "facts_of",
    "is_cjk",
    "is_word_boundary",
    "joins_nouns",
    "register_extensions",
    "sentence_bounds",
    "sentences",
    "text_of",
    "verb_in_compound",
]

NOUN_TAGS = frozenset({"n", "vn"})  # word_tags() of common nouns and verbal nouns
# word_tags() of words a noun compound may continue from: nouns, names, places, organizations
COMPOUND_TAGS = frozenset({"n", "vn", "nz", "j", "ns", "nr", "nrt", "nrfg", "nt", "eng"})

def register_extensions() -> None:
    """Register the custom attributes once per process (idempotent)."""
    for name, default in (("word_bounds", None), ("facts", None), ("doc_date", None), ("region", None),
                          ("sentence_starts", None), ("document_header", None), ("clauses", None),
                          ("lac_words", None), ("ner_per_prob", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name in ("key", "kind", "value", "ner_conf"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


TEXT_KEY = "policykg.text"


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds it from every token on each access, which costs
    O(length) per call on a character Doc."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def facts_of(doc: Doc) -> DocumentFacts:
    """The document's fact list, created on first use."""
    if doc._.facts is None:
        doc._.facts = DocumentFacts()
    return doc._.facts


def is_word_boundary(doc: Doc, i: int) -> bool:
    """Whether a segmenter word starts (or ends) at character ``i``; True when unknown."""
    bounds = doc._.word_bounds
    return bounds is None or i <= 0 or i >= len(bounds) - 1 or bool(bounds[i])


def joins_nouns(doc: Doc, lo: int, start: int, end: int) -> bool:
    """Whether the word ``[start, end)`` is a conjunction between two common nouns (the one before
    it starting at or after ``lo``), as inside a name: "发展|和|改革局", "创新科技|及|工业局"."""
    text = text_of(doc)
    if word_tags().get(text[start:end]) != "c" or start <= lo:
        return False
    after = end + 1
    while after < len(text) and not is_word_boundary(doc, after):
        after += 1
    return _noun_like(text[_word_start(doc, start, lo):start]) and _noun_like(text[end:after])


def verb_in_compound(doc: Doc, lo: int, start: int, end: int, stopwords: frozenset[str] = frozenset()) -> bool:
    """Whether the verb ``[start, end)`` is part of a noun compound, after a noun or a name (the
    word before it starting at or after ``lo``): "协同|创新|联盟", "潍柴|控股|集团", "政府|创新|…局";
    after a verb or adverb ("加快|建设…") it opens a clause instead."""
    text, tags = text_of(doc), word_tags()
    if tags.get(text[start:end]) != "v" or start <= lo or not is_cjk(text[start - 1]):
        return False
    before = text[_word_start(doc, start, lo):start]
    return before not in stopwords and (tags.get(before) in COMPOUND_TAGS or _noun_like(before))


def _word_start(doc: Doc, end: int, lo: int) -> int:
    """Start of the segmenter word that ends at ``end`` (not before ``lo``)."""
    start = end - 1
    while start > lo and not is_word_boundary(doc, start) and is_cjk(text_of(doc)[start - 1]):
        start -= 1
    return start


def _noun_like(word: str) -> bool:
    """A common noun, or a compound the lexicon lacks ("创新科技")."""
    tag = word_tags().get(word)
    return tag in NOUN_TAGS or (tag is None and len(word) >= 2)


def is_cjk(c: str) -> bool:
    """Whether ``c`` is a CJK unified ideograph."""
    return "\u4e00" <= c <= "\u9fff"


def add_span(doc: Doc, group: str, start: int, end: int, label: str, key: str | None = None,
             kind: str | None = None) -> Span:
    """Add the character range [start, end) to ``doc.spans[group]`` (one token per char)."""
    span = Span(doc, start, end, label=label)
    span._.key = key
    span._.kind = kind
    if group not in doc.spans:
        doc.spans[group] = []
    doc.spans[group].append(span)
    return span


def sentence_bounds(doc: Doc, start: int) -> tuple[int, int]:
    """[start, end) of the sentence containing character ``start`` (whole doc when unset)."""
    starts = doc._.sentence_starts
    if not starts:
        return 0, len(doc)
    i = bisect_right(starts, start) - 1
    return starts[max(i, 0)], starts[i + 1] if i + 1 < len(starts) else len(doc)


def sentences(doc: Doc) -> list[tuple[int, int]]:
    """Every sentence as [start, end) (the whole doc when no boundaries are set)."""
    starts = doc._.sentence_starts or [0]
    return list(zip(starts, [*starts[1:], len(doc)], strict=True))


def evidence_for(doc: Doc, start: int, end: int) -> Evidence:
    """The :class:`Evidence` for characters [start, end) of ``doc``."""
    s, e = sentence_bounds(doc, start)
    return Evidence(start, end, text_of(doc)[start:end], s, e)
