"""Traditional Chinese input (a Big5 page) is read in simplified form: the same facts as its
simplified twin, with every evidence offset slicing the original traditional text. Invented text."""

from __future__ import annotations

import re

import pytest

from extractors.pipeline import extract_facts
from kg.ingest.normalize import normalize
from kg.ingest.readers import read_document
from kg.ingest.script import is_traditional, to_simplified

SIMPLIFIED = ("本报讯（记者 陈立新）3月8日，四川省成都市武侯区召开区委常委会会议。区委书记王建华主持会议，"
              "区长林志明出席并讲话。会议听取了区人力资源和社会保障局关于稳就业工作的汇报。\n区委常委、"
              "组织部部长赵文静，副区长刘晓峰参加会议。会议要求，各部门要加强协调，推动成都市与重庆市合作"
              "项目尽快落地，市委、市政府将给予支持。")
TRADITIONAL = ("本報訊（記者 陳立新）3月8日，四川省成都市武侯區召開區委常委會會議。區委書記王建華主持會議，"
               "區長林志明出席並講話。會議聽取了區人力資源和社會保障局關於穩就業工作的彙報。\n區委常委、"
               "組織部部長趙文靜，副區長劉曉峰參加會議。會議要求，各部門要加強協調，推動成都市與重慶市合作"
               "項目儘快落地，市委、市政府將給予支持。")


def keys(facts) -> dict[str, set]:
    return {"persons": {p.name for p in facts.persons},
            "posts": {(p.person, p.role, p.org) for p in facts.posts},
            "districts": {d.adcode for d in facts.districts},
            "organizations": {o.name for o in facts.organizations}}


@pytest.fixture(scope="module")
def both():
    simplified, traditional = normalize(SIMPLIFIED), normalize(TRADITIONAL)
    return ((simplified, extract_facts(simplified.text, segmenter="jieba")),
            (traditional, extract_facts(traditional.text, segmenter="jieba")))


def test_traditional_text_is_detected_and_converted_one_for_one():
    assert is_traditional(TRADITIONAL) and not is_traditional(SIMPLIFIED)
    converted = to_simplified(TRADITIONAL)
    assert converted == SIMPLIFIED
    assert to_simplified(SIMPLIFIED) is None
    assert normalize(TRADITIONAL).script == "traditional" and normalize(SIMPLIFIED).script == "simplified"


def test_phrases_convert_only_when_they_keep_their_length():
    # 乾隆 stays a name, 乾淨 is 干净: same length either way
    assert to_simplified("乾隆年間的乾淨水質與臺灣") == "乾隆年间的干净水质与台湾"


def test_simplified_text_with_a_stray_traditional_form_is_left_alone():
    text = "会议指出，要深入学习乾隆年间的治水经验，扎实推进各项工作落实落地见效。"
    assert to_simplified(text) is None and normalize(text).text == text


def test_same_facts_as_the_simplified_twin(both):
    (_, simplified), (_, traditional) = both
    assert keys(traditional) == keys(simplified)
    assert {"王建华", "林志明", "赵文静"} <= keys(traditional)["persons"]
    assert ("林志明", "区长", "武侯区人民政府") in keys(traditional)["posts"]
    assert "510107" in keys(traditional)["districts"]


def test_evidence_offsets_slice_the_original_traditional_text(both):
    _, (normalized, facts) = both
    evidence = [p.evidence for p in facts.posts]
    evidence += [e for group in (facts.persons, facts.districts, facts.organizations)
                 for item in group for e in item.evidence]
    assert len(evidence) > 15
    for ev in evidence:
        start, end = normalized.to_original(ev.start, ev.end)
        surface = re.sub(r"\s", "", TRADITIONAL[start:end])
        assert to_simplified(surface, detect=lambda _: True) == re.sub(r"\s", "", ev.text), ev
    post = next(p for p in facts.posts if p.person == "林志明")
    start, end = normalized.to_original(post.evidence.start, post.evidence.end)
    assert TRADITIONAL[start:end].startswith("區長")


def test_big5_file_reads_back_to_the_same_facts(tmp_path, both):
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    doc = read_document(path)
    normalized = normalize(doc.text)
    (_, simplified), _ = both
    assert keys(extract_facts(normalized.text, segmenter="jieba")) == keys(simplified)


def test_graph_keeps_the_traditional_surface_forms_as_alternative_labels(both):
    from rdflib import RDFS, SKOS

    from kg.rdf.facts_to_rdf import DocumentMeta, document_graph

    _, (normalized, facts) = both
    g = document_graph(DocumentMeta(name="t.txt", sha256="ef" * 32, path="t.txt"), normalized, facts)
    labels = {str(o) for o in g.objects(None, RDFS.label)}
    alt = {str(o) for o in g.objects(None, SKOS.altLabel)}
    assert {"林志明", "武侯区委"} <= labels
    assert {"趙文靜", "武侯區", "區委"} <= alt  # a person, a district, a short form as written
