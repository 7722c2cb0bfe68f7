"""Relations between recognized entities: who chaired or attended a meeting, who signed with whom.

* "张明远主持会议" / "会议由李国强主持" → chaired; persons of a sentence ending in 出席/参加会议 →
  attended. The meeting is the latest "…会议" (or "X召开会议" → "X会议") named in the paragraph,
  else a few paragraphs up; its date is the "1月3日" stated there, resolved against the document
  date (:func:`kg.ingest.dates.resolve_relative_date`).
* "A与B签订《…协议》" between two districts → signed_agreement_with.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import evidence_for, facts_of, sentences, text_of
from extractors.lexicons import alternation
from kg.ingest.dates import resolve_relative_date
from kg.model.facts import EntityRef, Relation

__all__ = ["RelationExtractor"]

MEETING = re.compile(r"(?:^|(?<=[，。；：、\n])|(?<=召开)|(?<=举行)|(?<=日))"
                     r"((?:(?!召开|举行|参加|出席|主持)[\u4e00-\u9fff0-9（）]){4,40}?"
                     rf"(?:{alternation('meeting_endings.txt')}))")
DATE_MENTION = re.compile(r"(?:(?:19|20)\d\d年)?\d{1,2}月\d{1,2}日")
# "X召开（第N次）会议": the meeting is named after whoever convened it
CONVENED = re.compile(r"(?:^|(?<=[，。；：、\n]))((?:(?!召开|举行)[\u4e00-\u9fff（）]){4,40}?)召开了?"
                      r"((?:第[一二三四五六七八九十\d]+次)?[\u4e00-\u9fff]{0,6}?(?:会议|座谈会|推进会))")
MEETING_LOOKBACK = 600  # characters: how far up a report names the meeting it describes
# "<party>与<party>（正式）签订/签署": the party on the right ends where the verb begins
SIGNING_PARTIES = re.compile(r"(?P<left_end>与|同|和)(?P<right>[^，。；：与和]{2,30}?)(?:正式|共同|现场)?签(?:订|署)")
ATTEND = re.compile(r"(?:出席|参加)(?:会议|活动)?[。；，]?$")


class RelationExtractor:
    def __call__(self, doc: Doc) -> Doc:
        facts = facts_of(doc)
        persons = sorted(doc.spans.get("persons", []), key=lambda p: p.start)
        person_starts = [p.start for p in persons]
        districts = list(doc.spans.get("districts", []))
        for sent_start, sent_end in sentences(doc):
            text = text_of(doc)[sent_start:sent_end]
            lo, hi = bisect_left(person_starts, sent_start), bisect_left(person_starts, sent_end)
            in_sent = [p for p in persons[lo:hi] if p.end <= sent_end]
            # only sentences naming people can report who chaired or attended
            meeting, meeting_end = (self._meeting(doc, sent_start, sent_end) if in_sent else None) or (None, 0)
            when = self._date_near(doc, meeting_end) if meeting else None
            if meeting and in_sent:
                # "张明远主持会议", "会议由区委副书记陈立主持"
                chaired = next((p for p in in_sent if text_of(doc).startswith("主持", p.end)), None)
                if chaired is not None:
                    facts.relations.append(Relation(EntityRef("person", chaired.text), "chaired",
                                                    EntityRef("meeting", meeting),
                                                    evidence_for(doc, chaired.start, chaired.end), when))
                if ATTEND.search(text.strip()):
                    for p in in_sent:
                        if p is not chaired:
                            facts.relations.append(Relation(EntityRef("person", p.text), "attended",
                                                            EntityRef("meeting", meeting),
                                                            evidence_for(doc, p.start, p.end), when))
            signed = re.search(r"签(?:订|署)", text)
            if signed:
                local = [d for d in districts if sent_start <= d.start and d.end <= sent_start + signed.start()]
                keys = list(dict.fromkeys(d._.key for d in local))
                sides = self._sides(text, sent_start, local)
                if sides is not None:
                    keys = list(sides)
                if len(keys) >= 2:
                    a, b = keys[-2], keys[-1]
                    date = re.search(r"(20\d\d)年(\d{1,2})月", text)
                    when = f"{date.group(1)}-{int(date.group(2)):02d}" if date else None
                    facts.relations.append(Relation(EntityRef("district", a), "signed_agreement_with",
                                                    EntityRef("district", b),
                                                    evidence_for(doc, sent_start, sent_end), when))
        _date_undated_mentions(facts.relations, doc._.doc_date)
        return doc

    @staticmethod
    def _sides(text: str, sent_start: int, local: list) -> tuple[str, str] | None:
        """"A区人民政府与B市C区人民政府签订…": the district of the party on each side of 与 (the
        most specific one named in each party's name: C区, not B市)."""
        m = SIGNING_PARTIES.search(text)
        if m is None:
            return None
        left_lo = max(text.rfind(c, 0, m.start("left_end")) for c in "，。；：,;:") + 1
        left = [d for d in local if sent_start + left_lo <= d.start and d.end <= sent_start + m.start("left_end")]
        right = [d for d in local if sent_start + m.start("right") <= d.start
                 and d.end <= sent_start + m.end("right")]
        if not left or not right or left[-1]._.key == right[-1]._.key:
            return None
        return left[-1]._.key, right[-1]._.key

    def _date_near(self, doc: Doc, end: int) -> str | None:
        """When a meeting named just before ``end`` took place: the last "1月3日" in its paragraph
        up to there, resolved against the document date; None when the paragraph states none."""
        para_start = text_of(doc).rfind("\n", 0, end) + 1
        mentions = DATE_MENTION.findall(text_of(doc), para_start, end)
        resolved = resolve_relative_date(mentions[-1], doc._.doc_date) if mentions else None
        return resolved

    def _meeting(self, doc: Doc, start: int, end: int) -> tuple[str, int] | None:
        """The meeting a sentence reports: the latest one named up to its end, in its paragraph."""
        para_start = text_of(doc).rfind("\n", 0, start) + 1
        # the paragraph first; else the headline or lead a few paragraphs up
        for window_start in (para_start, max(0, start - MEETING_LOOKBACK)):
            named = [(m.start(), m.end(), _after_persons(doc, m.start(1), m.group(1)))
                     for m in MEETING.finditer(text_of(doc), window_start, end)]
            named += [(m.start(), m.end(), m.group(1) + m.group(2))
                      for m in CONVENED.finditer(text_of(doc), window_start, end)]
            if named:
                _, found_end, name = max(named)
                return name, found_end
        return None


def _date_undated_mentions(relations: list[Relation], doc_date: str | None) -> None:
    """A meeting mentioned without a date (a headline) is the dated meeting of that name when the
    document dates it once (one real meeting, one node); else it is dated by the document."""
    dates: dict[str, set[str]] = {}
    for r in relations:
        if r.object.kind == "meeting" and r.date:
            dates.setdefault(r.object.key, set()).add(r.date)
    for i, r in enumerate(relations):
        if r.object.kind == "meeting" and r.date is None:
            stated = dates.get(r.object.key, set())
            relations[i] = dataclasses.replace(r, date=next(iter(stated)) if len(stated) == 1 else doc_date)


def _after_persons(doc: Doc, start: int, name: str) -> str:
    """A meeting's name never holds who spoke at it: "区委书记张某在某某会议" names 某某会议.

    The name starts after the last person named inside it (and a 在/出席 right after them).
    """
    end = start + len(name)
    cut = max((span.end for span in doc.spans.get("persons", []) if start <= span.start and span.end < end),
              default=start)
    rest = text_of(doc)[cut:end]
    for word in ("在", "出席", "参加"):
        if cut > start and rest.startswith(word):
            rest = rest[len(word):]
            break
    return rest if len(rest) >= 4 else name


@Language.factory("policykg_relations", assigns=["doc._.facts"])
def make_relation_extractor(nlp: Language, name: str) -> RelationExtractor:
    return RelationExtractor()
