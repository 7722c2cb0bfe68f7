"""jieba's dictionary-only segmentation (``jieba.lcut(text, HMM=False)``), word for word, without
jieba's start-up.

jieba builds a prefix dictionary of its 349k words (every prefix of every word as a key) and
caches it as a marshal file; loading that takes ~1 s in every extraction worker, more than the
NER backbone's own model. The segmentation needs only each word's frequency: the words found
from a position are the dictionary words starting there (jieba's prefix walk finds exactly
those), and the best route is jieba's (log frequency, ties to the longer word). So this module
reads the same ``dict.txt`` into a plain ``word -> frequency`` map (~0.3 s) and follows jieba's
``cut`` (blocks of Han/alphanumerics cut by the route, runs of single ASCII letters or digits
joined, other characters one by one, whitespace kept).

>>> dictionary_words("长沙市雨花区人民政府")
['长沙市', '雨花区', '人民政府']
>>> dictionary_words("ABC工业园 区")
['ABC', '工业园', ' ', '区']
"""

from __future__ import annotations

import re
from functools import cache
from math import log

from extractors.lexicons import jieba_dictionary

__all__ = ["dictionary_words"]

# jieba's own patterns (jieba/__init__.py: re_han_default, re_skip_default, re_eng)
_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = re.compile(r"(\r\n|\s)")
_ENG = re.compile("[a-zA-Z0-9]")


@cache
def _frequencies() -> tuple[dict[str, int], float, int]:
    """jieba's dictionary (:func:`extractors.lexicons.jieba_dictionary`): word -> frequency, log of
    the frequencies' total, the longest word."""
    freqs, _, total = jieba_dictionary()
    return freqs, log(total), max(map(len, freqs))


def _cut_block(block: str) -> list[str]:
    freqs, log_total, longest = _frequencies()
    n = len(block)
    route: dict[int, tuple[float, int]] = {n: (0.0, 0)}
    for start in range(n - 1, -1, -1):
        ends = [end for end in range(start, min(n, start + longest)) if freqs.get(block[start:end + 1])]
        route[start] = max((log(freqs.get(block[start:end + 1]) or 1) - log_total + route[end + 1][0], end)
                           for end in ends or [start])
    words: list[str] = []
    ascii_run = ""
    x = 0
    while x < n:
        y = route[x][1] + 1
        word = block[x:y]
        if len(word) == 1 and _ENG.match(word):
            ascii_run += word
        else:
            if ascii_run:
                words.append(ascii_run)
                ascii_run = ""
            words.append(word)
        x = y
    if ascii_run:
        words.append(ascii_run)
    return words


def dictionary_words(text: str) -> list[str]:
    """``jieba.lcut(text, HMM=False)``: the dictionary words of ``text`` (no guessing of new words)."""
    words: list[str] = []
    for block in _HAN.split(text):
        if not block:
            continue
        if _HAN.match(block):
            words += _cut_block(block)
            continue
        for part in _SKIP.split(block):
            if _SKIP.match(part):
                words.append(part)
            else:
                words += list(part)
    return words


def load() -> None:
    """Read the dictionary now rather than on the first use (a worker's start-up)."""
    _frequencies()
