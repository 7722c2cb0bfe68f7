"""From a normalized document to its facts: the spaCy pipeline, loaded once per process.

>>> from kg.pipeline import extract_facts           # doctest: +SKIP
>>> facts = extract_facts("大足区委书记陈一清主持会议。")  # doctest: +SKIP
>>> [p.role for p in facts.posts]                   # doctest: +SKIP
['书记']
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

from extractors import register_components
from extractors.annotations import facts_of, register_extensions
from kg.facts import DocumentFacts

__all__ = ["extract_facts", "load_pipeline"]


@cache
def load_pipeline(segmenter: str = "auto") -> Language:
    """The extraction pipeline: blank Chinese with the character tokenizer and every component.

    ``segmenter``: "auto", "zh_core_web", "pkuseg" or "jieba" (see :mod:`extractors.segmenters`).
    """
    register_extensions()
    import extractors.tokenizer  # noqa: F401  (registers the tokenizer)

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {
        "@tokenizers": "policykg.char_tokenizer.v1", "segmenter": segmenter}}})
    for name in register_components():
        nlp.add_pipe(name)
    nlp.max_length = 5_000_000
    return nlp


def extract_facts(text: str, *, doc_date: str | None = None, segmenter: str = "auto") -> DocumentFacts:
    """Run the pipeline over normalized ``text``; offsets in the facts index into ``text``."""
    nlp = load_pipeline(segmenter)
    doc = nlp.make_doc(text)
    doc._.doc_date = doc_date
    doc = nlp(doc)
    return facts_of(doc)
