"""Meetings (who chaired, who attended, when) and agreements between districts."""

from __future__ import annotations

from extractors.pipeline import extract_facts
from kg.ingest.normalize import normalize


def relations(text: str, doc_date: str | None = None) -> set[tuple[str, str, str, str | None]]:
    facts = extract_facts(normalize(text).text, doc_date=doc_date, segmenter="jieba")
    return {(r.subject.key, r.predicate, r.object.key, r.date) for r in facts.relations}


def test_convened_meeting_chair_and_attendees_with_relative_date():
    found = relations("1月3日上午，江津区乡村振兴工作领导小组召开会议。江津区委书记、领导小组组长张明远主持会议。"
                      "区委副书记、区长王建华，区人大常委会主任李国强出席。", doc_date="2023-01-05")
    meeting = "江津区乡村振兴工作领导小组会议"
    assert ("张明远", "chaired", meeting, "2023-01-03") in found
    assert {("王建华", "attended", meeting, "2023-01-03"), ("李国强", "attended", meeting, "2023-01-03")} <= found


def test_a_december_meeting_reported_in_january_is_last_year():
    found = relations("12月30日，合川区人才工作领导小组第二次会议召开。会议由区委副书记陈立主持。",
                      doc_date="2023-01-04")
    assert ("陈立", "chaired", "合川区人才工作领导小组第二次会议", "2022-12-30") in found


def test_two_districts_signing_an_agreement():
    found = relations("2020年5月，潼南区与遂宁市签订人才一体化发展合作协议。")
    assert ("500152", "signed_agreement_with", "510900", "2020-05") in found
