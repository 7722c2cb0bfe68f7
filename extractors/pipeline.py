"""From a normalized document to its facts: the spaCy pipeline, loaded once per process.

The pipeline works on a character-level ``Doc`` and several components take time that grows
faster than linearly with the document, so a long text is cut into chunks of at most
:data:`CHUNK_CHARS` characters at paragraph (else sentence) boundaries; each chunk's facts are
shifted back to document offsets and the chunks' entities are merged again by key. Time and
memory then grow linearly, whatever the document's length.

>>> from extractors.pipeline import extract_facts           # doctest: +SKIP
>>> facts = extract_facts("大足区委书记张明远主持会议。")  # doctest: +SKIP
>>> [p.role for p in facts.posts]                   # doctest: +SKIP
['书记']
"""

from __future__ import annotations

import dataclasses
import threading
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors import register_components
from extractors.annotations import facts_of, register_extensions
from extractors.documents import find_policy_document
from extractors.resolution import resolve_facts
from extractors.segmenters import resolve_segmenter
from kg.model.facts import DocumentFacts, Evidence

__all__ = ["CHUNK_CHARS", "extract_facts", "extract_many", "load_lexicons_in_background", "load_pipeline",
           "merge_facts", "split_chunks"]

#: Longest text run through the pipeline in one piece. The longest seed is ~11k characters; the
#: components slow down quadratically with length, and a Doc costs ~270 bytes per character.
CHUNK_CHARS = 12_000
_SENTENCE_ENDS = "。！？；!?;"


@cache
def load_pipeline(segmenter: str = "auto") -> Language:
    """The extraction pipeline: blank Chinese with the character tokenizer and every component.

    ``segmenter``: "auto", "lac", "pkuseg", "jieba" or "zh_core_web" (see :mod:`extractors.segmenters`);
    with "lac" the NER component's words are the word bounds, so no second model runs.
    """
    register_extensions()
    import extractors.tokenizer  # noqa: F401  (registers the tokenizer)

    chosen = resolve_segmenter(segmenter)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {
        "@tokenizers": "policykg.char_tokenizer.v1", "segmenter": chosen}}})
    configs = {"policykg_ner": {"word_bounds": chosen == "lac"}}
    for name in register_components():
        nlp.add_pipe(name, config=configs.get(name, {}))
    nlp.max_length = 5_000_000
    return nlp


def load_lexicons_in_background() -> threading.Thread:
    """Load the dictionaries the rule components read on their first document (jieba's words
    with their tags and frequencies, ~0.6 s) on a thread. An extraction worker calls it once
    loaded: its first task's NER pass runs meanwhile (onnxruntime releases the GIL), so the rules
    need not wait for them. A first use racing the thread is safe: both are cached pure
    functions (at worst read twice)."""

    def load() -> None:
        from extractors import dictionary_cut
        from extractors.lexicons import word_tags

        dictionary_cut.load()
        word_tags()

    thread = threading.Thread(target=load, name="policykg-lexicons", daemon=True)
    thread.start()
    return thread


def split_chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """``[start, end)`` pieces of ``text``, each at most ``size`` characters, cut after a line
    break if there is one in the piece, else after a sentence end, else anywhere.

    >>> split_chunks("第一段。\\n第二段。\\n第三段。", 8)
    [(0, 5), (5, 10), (10, 14)]
    >>> split_chunks("", 10), split_chunks("短", 10)
    ([], [(0, 1)])
    """
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = window.rfind("\n") + 1
        if cut <= 0:
            cut = max(window.rfind(c) for c in _SENTENCE_ENDS) + 1
        if cut <= 0:
            cut = size
        pieces.append((start, start + cut))
        start += cut
    if start < len(text):
        pieces.append((start, len(text)))
    return pieces


def _shift(value: object, delta: int) -> object:
    """``value`` with every :class:`Evidence` in it moved ``delta`` characters on."""
    if isinstance(value, Evidence):
        return dataclasses.replace(value, start=value.start + delta, end=value.end + delta,
                                   sentence_start=value.sentence_start + delta,
                                   sentence_end=value.sentence_end + delta)
    if isinstance(value, tuple):
        return tuple(_shift(v, delta) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _shift(getattr(value, f.name), delta) for f in dataclasses.fields(value)
                   if isinstance(getattr(value, f.name), Evidence | tuple)}
        return dataclasses.replace(value, **changes) if changes else value
    return value


def merge_facts(parts: list[tuple[int, DocumentFacts]]) -> DocumentFacts:
    """One document's facts from its chunks' (``(offset, facts)``): offsets shifted to the
    document, entities merged by the same keys as in-document resolution."""
    out = DocumentFacts()
    for offset, facts in parts:
        for name in out.counts():
            getattr(out, name).extend(_shift(f, offset) for f in getattr(facts, name))
    resolve_facts(out)
    return out


def _extract_piece(nlp: Language, text: str, doc_date: str | None, header=None) -> DocumentFacts:
    return facts_of(nlp(_make_doc(nlp, text, doc_date, header)))


def _make_doc(nlp: Language, text: str, doc_date: str | None, header=None) -> Doc:
    doc = nlp.make_doc(text)
    doc._.doc_date = doc_date
    doc._.document_header = header  # a later chunk of a policy document still belongs to it
    return doc


def extract_many(items: list[tuple[str, str | None]], *, segmenter: str = "auto",
                 chunk_chars: int = CHUNK_CHARS) -> list[DocumentFacts | Exception]:
    """:func:`extract_facts` of several ``(text, doc_date)`` at once, each result (or the error
    that text raised) in order. The texts go through ``nlp.pipe`` together, so the NER backbone
    tags the sentences of every document in one pass (more equal-length batches, fewer model
    calls); each document's facts are the same as :func:`extract_facts` gives it alone."""
    nlp = load_pipeline(segmenter)
    out: list[DocumentFacts | Exception | None] = [None] * len(items)
    short = [i for i, (text, _) in enumerate(items) if len(text) <= chunk_chars]
    if len(short) > 1:
        try:
            docs = nlp.pipe((_make_doc(nlp, *items[i]) for i in short), batch_size=len(short))
            for i, doc in zip(short, docs, strict=True):
                out[i] = facts_of(doc)
        except Exception:  # which text failed: found by running them one by one below
            pass
    for i, (text, doc_date) in enumerate(items):
        if out[i] is None:
            try:
                out[i] = extract_facts(text, doc_date=doc_date, segmenter=segmenter, chunk_chars=chunk_chars)
            except Exception as e:  # this text's own error, for its file's report
                out[i] = e
    return out  # type: ignore[return-value]


def extract_facts(text: str, *, doc_date: str | None = None, segmenter: str = "auto",
                  chunk_chars: int = CHUNK_CHARS) -> DocumentFacts:
    """Run the pipeline over normalized ``text``; offsets in the facts index into ``text``.

    Texts longer than ``chunk_chars`` are processed chunk by chunk (see the module docstring).
    """
    nlp = load_pipeline(segmenter)
    if len(text) <= chunk_chars:
        return _extract_piece(nlp, text, doc_date)
    header = find_policy_document(text)
    later = header.without_offsets() if header is not None else None
    # A chunk repeated word for word (a page that repeats a block) is extracted once: the
    # pipeline is deterministic, so its facts are the same, shifted to each occurrence.
    seen: dict[tuple[str, bool], DocumentFacts] = {}
    parts = []
    for a, b in split_chunks(text, chunk_chars):
        key = (text[a:b], a == 0)
        if key not in seen:
            seen[key] = _extract_piece(nlp, text[a:b], doc_date, header if a == 0 else later)
        parts.append((a, seen[key]))
    return merge_facts(parts)
