"""Personal names from the statistical tagger's PER words (:mod:`extractors.ner`), filtered.

The raw PER words of LAC find most names but also fragments, titles glued to names, places and
common words. Each rule here was measured on held-out text (README "Accuracy"):

1. **merge** touching PER words when one looks transliterated or not both start with a surname
   (a foreign name cut in two), and ``A·B`` / ``A—B``; two Han names in a row stay two names;
2. **extend** a two-character name by the next one-character word when the model still gives
   that character some PER probability (LAC cuts three-character names before a character that is
   also a function word);
3. **strip** one title/honorific suffix (``roles.tsv``, ``name_honorifics.txt``) and a 老/小 prefix;
4. reject names holding digits, Latin letters or punctuation, single characters, names ending in
   (or, after a surname, holding) a function/organ character (``name_breaking_chars.txt``);
5. **length**: single surname + at most 2 characters, other non-transliterated names at most 4,
   **surname gate**: a Chinese surname (``surnames.txt``) or a transliterated name
   (``transliteration_chars.txt``) — both unless the model is sure (conf ≥ :data:`SURE`);
6. **reduplication**: an unsure two-character name of one character twice is a word ("殷殷");
7. **common word**: an unsure (conf < :data:`UNSURE`) name that is a dictionary word with a
   non-name part of speech (:func:`extractors.lexicons.word_tags`) is rejected.

>>> names = NameFilter.from_data()
>>> names.clean("陈明远老师", 0.9), names.clean("约翰·史密斯", 0.6), names.clean("王", 0.99)
('陈明远', '约翰·史密斯', None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors.lexicons import read_entries, read_table, word_tags

__all__ = ["DOTS", "SURE", "UNSURE", "NameCandidate", "NameFilter", "common_word", "merge_person_words"]

SURE = 0.8  # the model's confidence above which a name needs no surname and may be long
UNSURE = 0.5  # below this, a name needs corroboration (common-word check here, context in persons.py)
EXTEND_PROB = 0.2  # P(PER) of the next character that lets a two-character name grow to three
DOTS = "·•・‧"
_BAD = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ\s，。、；：！？（）()《》“”\"'\[\]【】—\-_/]")
_NAME_TAGS = ("nr", "ns", "nz", "t")  # jieba tags a name may carry (its dictionary is noisy)


@dataclass(frozen=True)
class NameCandidate:
    """A PER span after merging/extension: ``[start, end)`` in the doc and the least confidence."""

    start: int
    end: int
    conf: float


def merge_person_words(words: list[tuple[int, int, str, float]], text: str, per_prob,
                       names: NameFilter) -> list[NameCandidate]:
    """Person candidates from LAC words ``(start, end, tag, confidence)`` (rules 1-2)."""
    out: list[NameCandidate] = []
    i, n = 0, len(words)
    while i < n:
        start, end, tag, conf = words[i]
        if tag != "PER":
            i += 1
            continue
        j = i + 1
        while j < n:
            nxt_start, nxt_end, nxt_tag, nxt_conf = words[j]
            if nxt_tag == "PER" and nxt_start == end and names.one_name(text[start:end], text[nxt_start:nxt_end]):
                end, conf, j = nxt_end, min(conf, nxt_conf), j + 1
            elif nxt_start == end and text[nxt_start:nxt_end] in (*DOTS, "—", "-") and \
                    (k := _next_part(words, j + 1)) is not None:
                end, conf, j = words[k][1], min(conf, words[k][3]), k + 1
            else:
                break
        if (end - start == 2 and j < n and words[j][1] - words[j][0] == 1 and words[j][0] == end
                and words[j][2] not in ("w", "PER") and per_prob[end] >= EXTEND_PROB):
            end, j = end + 1, j + 1
        out.append(NameCandidate(start, end, conf))
        i = j
    return out


def _next_part(words: list[tuple[int, int, str, float]], k: int) -> int | None:
    """Index of the PER word that continues a name after "·": the next word, or one behind at
    most two one-character words the model split off it ("·" 买 | 买提)."""
    for gap in range(3):
        if k + gap >= len(words) or words[k + gap][2] == "w" or (gap and words[k + gap][0] != words[k + gap - 1][1]):
            return None
        if words[k + gap][2] == "PER":
            return k + gap
        if words[k + gap][1] - words[k + gap][0] != 1:
            return None
    return None


class NameFilter:
    """Rules 3-6 over one candidate string (see the module docstring)."""

    def __init__(self, surnames: tuple[str, ...], suffixes: tuple[str, ...], translit: str, breaking: str) -> None:
        self.compound = frozenset(s for s in surnames if len(s) == 2)
        self.single = frozenset(s for s in surnames if len(s) == 1)
        self.suffixes = tuple(sorted(set(suffixes), key=len, reverse=True))
        self.translit = frozenset(translit)
        self.breaking = frozenset(breaking)

    @classmethod
    @cache
    def from_data(cls) -> NameFilter:
        roles = tuple(row[0] for row in read_table("roles.tsv"))
        return cls(read_entries("surnames.txt"), roles + read_entries("name_honorifics.txt"),
                   "".join(read_entries("transliteration_chars.txt")), "".join(read_entries("name_breaking_chars.txt")))

    def surname_len(self, name: str) -> int:
        if name[:2] in self.compound:
            return 2
        return 1 if name[:1] in self.single else 0

    def is_transliterated(self, name: str) -> bool:
        chars = [c for c in name if c not in DOTS]
        return bool(chars) and sum(c in self.translit for c in chars) >= 0.75 * len(chars)

    def one_name(self, left: str, right: str) -> bool:
        """Whether touching PER words ``left`` + ``right`` are one name (a cut foreign name), not two."""
        return (self.is_transliterated(left) or self.is_transliterated(right)
                or not (self.surname_len(left) and self.surname_len(right)))

    def strip(self, name: str) -> str:
        """One title/honorific suffix and a 老/小 prefix off: "陈明老师" → "陈明", "小陈明" → "陈明"."""
        for suffix in self.suffixes:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                break
        rest = name[1:]
        if name[:1] in "老小" and (self.surname_len(rest) or (len(rest) >= 2 and self.is_transliterated(rest))):
            name = rest
        if len(name) == 2 and name[1] == "家" and name[0] in self.single:
            name = name[0]  # "刘家": the family, a surname alone
        return name

    def clean(self, raw: str, conf: float) -> str | None:
        """The name in ``raw`` (affixes cut), or None when it is not a personal name."""
        name = self.strip(raw.strip(DOTS + "—-"))
        if len(name) < 2 or _BAD.search(name):
            return None
        if any(c in DOTS for c in name):
            # "甲·乙" of single characters abbreviates a list, it is not a name
            return name if max(len(part) for part in re.split(f"[{DOTS}]", name)) >= 2 else None
        translit, surname = self.is_transliterated(name), self.surname_len(name)
        if name[-1] in self.breaking or (surname and not translit and any(c in self.breaking for c in name[surname:])):
            return None
        sure = conf >= SURE
        if len(name) == 2 and name[0] == name[1] and not sure:
            return None  # a reduplicated word ("殷殷", "炎炎"), not a surname + given name
        # transliterated names may be long (斯卡尔法罗); Han names are surname + 1-2 characters
        limit = 3 if surname == 1 and not translit else None if translit and surname != 2 else 4
        too_long = limit is not None and len(name) > limit
        if not sure and (too_long or not (surname or translit)):
            return None
        if conf < UNSURE and common_word(name):
            return None
        return name


def common_word(word: str) -> bool:
    """Whether ``word`` is a dictionary word whose part of speech is not a name's ("连忙", "文章")."""
    tag = word_tags().get(word)
    return tag is not None and not tag.startswith(_NAME_TAGS)
