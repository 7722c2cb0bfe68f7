"""Sentence boundaries on the character Doc, from :func:`kg.ingest.normalize.split_sentences`."""

from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import text_of
from kg.ingest.normalize import split_sentences

__all__ = ["SentenceSetter"]


class SentenceSetter:
    """Mark sentence starts (。！？；, paragraph breaks) as ``token.is_sent_start`` and keep them in
    ``doc._.sentence_starts`` for the fast look-ups of :func:`extractors.annotations.sentence_bounds`."""

    def __call__(self, doc: Doc) -> Doc:
        starts = sorted({0, *(start for start, _ in split_sentences(text_of(doc)))} - {len(doc)})
        if len(doc):
            # one vectorized write: per-token assignment costs seconds on a long document
            values = numpy.full((len(doc), 1), -1, dtype="int64")
            values[starts, 0] = 1
            values = values.astype("uint64")  # spaCy's attribute arrays are uint64; -1 wraps as it expects
            doc.from_array([SENT_START], values)
        doc._.sentence_starts = starts
        return doc


@Language.factory("policykg_sentences", assigns=["token.is_sent_start", "doc._.sentence_starts"])
def make_sentence_setter(nlp: Language, name: str) -> SentenceSetter:
    return SentenceSetter()
