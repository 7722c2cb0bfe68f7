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
    "is_word_boundary",
    "joins_nouns",
    "register_extensions",
    "sentence_bounds",
    "sentences",
    "text_of",
]

NOUN_TAGS = frozenset({"n", "vn"})  # word_tags() of common nouns and verbal nouns

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
    text, tags = text_of(doc), word_tags()
    if tags.get(text[start:end]) != "c" or start <= lo:
        return False
    before = start - 1
    while before > lo and not is_word_boundary(doc, before):
        before -= 1
    after = end + 1
    while after < len(text) and not is_word_boundary(doc, after):
        after += 1
    return tags.get(text[before:start]) in NOUN_TAGS and tags.get(text[end:after]) in NOUN_TAGS


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
