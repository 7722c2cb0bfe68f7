"""A character tokenizer that keeps the segmenter's word boundaries as an annotation.

Chinese names, districts and organizations are recognized on characters: a segmenter may split
"赵秀云" into "徐" "秀霞" or glue "区长王建华" together, so token boundaries cannot be trusted as
entity boundaries. Every character is one token; the segmenter's words are kept in
``doc._.word_bounds`` so extractors can still ask "does a word start here?" (which is how a
district short form inside another word, such as 金山 in 金山银山, is rejected).
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from extractors.annotations import TEXT_KEY, register_extensions

__all__ = ["CharTokenizer", "Segmenter", "create_char_tokenizer"]

Segmenter = Callable[[str], list[str]]


class CharTokenizer:
    """One token per character; ``doc._.word_bounds[i]`` is 1 where a segmenter word starts or ends.

    >>> tok = CharTokenizer(Vocab(), lambda text: ["大足", "区委"])
    >>> doc = tok("大足区委")
    >>> [t.text for t in doc], list(doc._.word_bounds)
    (['大', '足', '区', '委'], [1, 0, 1, 0, 1])
    """

    def __init__(self, vocab: Vocab, segmenter: Segmenter | None) -> None:
        register_extensions()
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str) -> Doc:
        doc = Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        doc.user_data[TEXT_KEY] = text  # spares rebuilding doc.text from the tokens
        if self.segmenter is None:
            return doc  # word bounds come later, from the NER component (the "lac" segmenter)
        bounds = bytearray(len(text) + 1)
        bounds[0] = bounds[len(text)] = 1
        pos = 0
        for word in self.segmenter(text):
            # segmenters drop whitespace; find each word where it really is
            found = text.find(word, pos) if word else -1
            if found < 0:
                continue
            bounds[found] = 1
            pos = found + len(word)
            bounds[pos] = 1
        doc._.word_bounds = bounds
        return doc

    # spaCy serializes tokenizers with the pipeline; the segmenter is rebuilt from config
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> CharTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> CharTokenizer:
        return self


@registry.tokenizers("policykg.char_tokenizer.v1")
def create_char_tokenizer(segmenter: str = "auto") -> Callable[[object], CharTokenizer]:
    """Registered tokenizer factory: ``segmenter`` is "auto", "lac", "pkuseg", "jieba" or "zh_core_web"
    ("lac" leaves the bounds to the ``policykg_ner`` component)."""
    from extractors.segmenters import load_segmenter

    def make(nlp) -> CharTokenizer:
        return CharTokenizer(nlp.vocab, load_segmenter(segmenter))

    return make
