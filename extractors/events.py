"""Signing, groundbreaking and opening events, and the batch of projects each announces.

"某区2023年一季度招商引资项目集中签约活动举行，共签约19个项目，总投资50.8亿元": the money belongs to
the batch of projects the event announces, not to the district. The event is named as the text
names it (the phrase ending in a cue of ``event_cues.tsv``: 集中签约, 集中开工, 签约仪式 …) and
becomes a :class:`Project` with ``batch=True`` (``pkg:ProjectBatch``) located in the district named
in its clause, else in its sentence, else the document's. "共签约19个项目" adds the batch phrase
as an alias. Later bare mentions ("此次集中开工的79个项目") refer back to the last event of the
same kind; in one document the mentions of one kind of event in one district are one batch (a
headline and its report name it twice). A sentence naming another district ("某区一季度项目集中开
工60个") is another batch. The spans go into ``doc.spans["projects"]``, so the money component
attaches a total stated after the event in its sentence to the batch.

>>> [(e.name, e.kind) for e in find_events("3月28日，某某区2023年一季度项目集中签约活动举行，共签约19个项目。")]
[('某某区2023年一季度项目集中签约活动', 'signing')]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import add_span, evidence_for, facts_of, sentence_bounds, text_of
from extractors.lexicons import alternation, read_table
from kg.model.facts import Project

__all__ = ["EventExtractor", "EventMention", "find_events"]

# what may open the clause before an event name and is not part of it
LEADING = re.compile(r"^(?:(?:19|20)\d\d年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:上午|下午|晚上)?[，,]?"
                     rf"(?:{alternation('event_clause_openers.txt')})*")
ANAPHOR = re.compile(r"(?:此次|本次|这次|该|当天|活动现场|现场)$")
BATCH = re.compile(r"(?:共|集中)?(?:签约|开工|竣工|投产)?(?:的)?(?P<count>\d+|[一二三四五六七八九十百]+)个"
                   r"(?:重大|重点)?项目")
MIN_NAME = 6


@dataclass(frozen=True)
class EventMention:
    """An event named in the text ([start, end)), or a bare reference to one (``name`` None)."""

    start: int
    end: int
    name: str | None
    kind: str
    batch: str | None = None  # "19个项目"


@cache
def _cues() -> tuple[tuple[str, str], ...]:
    rows = [(row[0], row[1]) for row in read_table("event_cues.tsv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@cache
def _cue_re() -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(re.escape(c) for c, _ in _cues()) + ")(?:活动|仪式|大会)?")


def find_events(text: str) -> list[EventMention]:
    """Every event mention in ``text``: named ones and bare references, in text order."""
    kinds = dict(_cues())
    out: list[EventMention] = []
    for m in _cue_re().finditer(text):
        cue = next(c for c, _ in _cues() if m.group().startswith(c))
        clause_start = max(text.rfind(c, 0, m.start()) for c in "，。；：！？,;:\n 　") + 1
        lead = LEADING.match(text, clause_start, m.start())
        start = lead.end() if lead else clause_start
        sentence_end = min([i for i in (text.find(c, m.end()) for c in "。；！？\n") if i >= 0] or [len(text)])
        batch = BATCH.search(text, m.end() if start < m.start() else clause_start, sentence_end)
        if batch is None:
            batch = BATCH.search(text, clause_start, m.start())
        phrase = f"{batch.group('count')}个项目" if batch else None
        name = text[start:m.end()]
        if len(name) - len(cue) < 2 or len(name) < MIN_NAME or ANAPHOR.search(text[clause_start:m.start()]):
            out.append(EventMention(m.start(), m.end(), None, kinds[cue], phrase))
        else:
            out.append(EventMention(start, m.end(), name, kinds[cue], phrase))
    return out


class EventExtractor:
    """Write event/batch spans into ``doc.spans["projects"]`` and batch :class:`Project` facts."""

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        if "projects" not in doc.spans:
            doc.spans["projects"] = []
        facts = facts_of(doc)
        # (kind, district) → canonical name of the batch; the latest named batch of each kind
        batches: dict[tuple[str, str | None], str] = {}
        latest: dict[str, str] = {}
        for e in find_events(text):
            district = self._district(doc, e.start, e.end)
            if e.name is None:
                name = latest.get(e.kind)
                if name is None:
                    continue
            else:
                name = batches.setdefault((e.kind, district), e.name)
                latest[e.kind] = name
            add_span(doc, "projects", e.start, e.end, "PROJECT", key=name, kind="ProjectBatch")
            aliases = tuple(a for a in (e.name, e.batch) if a and a != name)
            facts.projects.append(Project(name=name, aliases=aliases, district=district,
                                          evidence=(evidence_for(doc, e.start, e.end),), batch=True))
        return doc

    @staticmethod
    def _district(doc: Doc, start: int, end: int) -> str | None:
        """The district named in the event's name, else first in its sentence, else the document's."""
        spans = [s for s in doc.spans.get("districts", []) if s._.key]
        inside = [s for s in spans if start <= s.start and s.end <= end]
        if inside:
            return inside[-1]._.key
        sent_start, sent_end = sentence_bounds(doc, start)
        in_sentence = [s for s in spans if sent_start <= s.start and s.end <= sent_end]
        if in_sentence:
            return in_sentence[0]._.key
        counts = Counter(s._.key for s in spans)
        return counts.most_common(1)[0][0] if counts else None


@Language.factory("policykg_events", assigns=["doc.spans", "doc._.facts"])
def make_event_extractor(nlp: Language, name: str) -> EventExtractor:
    """The ``policykg_events`` pipeline component."""
    return EventExtractor()
