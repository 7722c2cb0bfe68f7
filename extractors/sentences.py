"""Sentence boundaries on the character Doc, from :func:`kg.normalize.split_sentences`."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.normalize import split_sentences

__all__ = ["SentenceSetter"]


class SentenceSetter:
    """Mark ``token.is_sent_start`` at each Chinese sentence start (。！？；, paragraph breaks)."""

    def __call__(self, doc: Doc) -> Doc:
        starts = {start for start, _ in split_sentences(doc.text)}
        for token in doc:
            token.is_sent_start = token.i in starts or token.i == 0
        return doc


@Language.factory("policykg_sentences")
def make_sentence_setter(nlp: Language, name: str) -> SentenceSetter:
    return SentenceSetter()
