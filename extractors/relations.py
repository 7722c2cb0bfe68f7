"""Relations between recognized entities: who chaired or attended a meeting, who signed with whom.

* "陈一清主持会议" / "会议由罗晓春主持" → chaired; persons of a sentence ending in 出席/参加会议 →
  attended. The meeting is the latest "…会议" named in the paragraph (date: the document's date).
* "A与B签订《…协议》" between two districts → signed_agreement_with.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import evidence_for, facts_of
from kg.facts import EntityRef, Relation

__all__ = ["RelationExtractor"]

MEETING = re.compile(r"(?:^|(?<=[，。；：、\n])|(?<=召开)|(?<=举行)|(?<=日))"
                     r"((?:(?!召开|举行|参加|出席|主持)[\u4e00-\u9fff0-9（）]){4,40}?"
                     r"(?:会议|座谈会|推进会|联席会|工作会|大会|常务会))")
ATTEND = re.compile(r"(?:出席|参加)(?:会议|活动)?[。；，]?$")


class RelationExtractor:
    def __call__(self, doc: Doc) -> Doc:
        facts = facts_of(doc)
        persons = list(doc.spans.get("persons", []))
        districts = list(doc.spans.get("districts", []))
        for sent in doc.sents if doc.has_annotation("SENT_START") else [doc[:]]:
            text = sent.text
            in_sent = [p for p in persons if sent.start <= p.start and p.end <= sent.end]
            meeting = self._meeting(doc, sent.start)
            if meeting and in_sent:
                chair = re.search(r"由(\S{2,4})主持|(\S{2,4})主持(?:召开)?(?:会议|并讲话)", text)
                chaired = None
                if chair:
                    name = chair.group(1) or chair.group(2)
                    chaired = next((p for p in in_sent if p.text == name or name.endswith(p.text)), None)
                    if chaired is not None:
                        facts.relations.append(Relation(EntityRef("person", chaired.text), "chaired",
                                                        EntityRef("meeting", meeting), evidence_for(
                                                            doc, chaired.start, chaired.end), doc._.doc_date))
                if ATTEND.search(text.strip()):
                    for p in in_sent:
                        if p is not chaired:
                            facts.relations.append(Relation(EntityRef("person", p.text), "attended",
                                                            EntityRef("meeting", meeting),
                                                            evidence_for(doc, p.start, p.end), doc._.doc_date))
            signed = re.search(r"签(?:订|署)", text)
            if signed:
                local = [d for d in districts if sent.start <= d.start and d.end <= sent.start + signed.start()]
                keys = list(dict.fromkeys(d._.key for d in local))
                if len(keys) >= 2:
                    a, b = keys[-2], keys[-1]
                    date = re.search(r"(20\d\d)年(\d{1,2})月", text)
                    when = f"{date.group(1)}-{int(date.group(2)):02d}" if date else None
                    facts.relations.append(Relation(EntityRef("district", a), "signed_agreement_with",
                                                    EntityRef("district", b),
                                                    evidence_for(doc, sent.start, sent.end), when))
        return doc

    def _meeting(self, doc: Doc, pos: int) -> str | None:
        """The latest meeting named before ``pos`` in the same paragraph."""
        para_start = doc.text.rfind("\n", 0, pos) + 1
        found = None
        for m in MEETING.finditer(doc.text, para_start, pos + 200):
            if m.start() <= pos + 200:
                found = m.group(1)
        return found


@Language.factory("policykg_relations")
def make_relation_extractor(nlp: Language, name: str) -> RelationExtractor:
    return RelationExtractor()
