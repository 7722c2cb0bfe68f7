"""Hostile and broken input through the real build (jieba segmenter), and property-based tests of
the extraction pipeline and of its chunking."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.pipeline import merge_facts, split_chunks
from kg.model.facts import DocumentFacts, Evidence, Person
from kg.store.knowledge_store import KnowledgeStore

SENTENCE = "大足区委书记、区长陈一清主持召开区政府常务会议，研究部署“3113”项目攻坚行动，安排资金200万元。\n"


def hostile_corpus(folder: Path) -> dict[str, bool]:
    """Write the hostile files; returns {name: whether the build should store it}."""
    folder.mkdir()
    files: dict[str, bool] = {}

    def put(name: str, data: bytes | str, ok: bool) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        files[name] = ok

    put("ok.txt", SENTENCE * 3, True)
    put("gbk.txt", (SENTENCE * 2).encode("gb18030"), True)
    put("empty.txt", b"", False)
    put("blank.txt", " \n\t\u3000\n", False)
    put("png.txt", b"\x89PNG\r\n\x1a\n" + os.urandom(4000), False)
    put("random.txt", bytes(range(128, 256)) * 40, False)
    put("nul.txt", "大足区\x00\x00会议".encode() * 50, False)
    put("surrogates.txt", b"\xed\xa0\x80\xed\xb0\x80" * 100, False)
    put("garbage-controls.txt", "\x01\x02\ue000\ue001区" * 500, True)  # valid UTF-8: kept, bounded
    put("few-controls.txt", SENTENCE.replace("，", "\x07，\ue123") * 3, True)
    put("combining.txt", "陈一清" + "\u0301" * 5000 + "\u202e\u200d主持会议。", True)
    put("long-name.txt", "大足区" + "某" * 14000 + "委员会主任陈一清讲话。", True)  # chunked, bounded
    put("one-line.txt", SENTENCE.strip() * 40000, False)  # 2 MB on one line: over --max-chars
    with (folder / "huge.txt").open("wb") as f:  # 200 MB, sparse: refused before any read
        f.truncate(200_000_000)
    files["huge.txt"] = False
    put("nested.html", "<div>" * 20000 + "深层嵌套的正文。" + "</div>" * 10 + "<p>" * 5000, True)
    put("malformed.html", "<html><<p>>大足区召开会议。<script>var a='<p>'<td></tr><!-- ", True)
    put("no-text.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
        b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R"
        b">>\n%%EOF\n", False)
    put("broken.pdf", b"%PDF-1.7\n" + os.urandom(3000), False)
    put("broken.docx", b"PK\x03\x04" + os.urandom(2000), False)
    with zipfile.ZipFile(folder / "empty.docx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    files["empty.docx"] = False
    return files


def test_hostile_corpus_is_processed_or_reported_with_bounded_memory(tmp_path):
    files = hostile_corpus(tmp_path / "in")
    assert len(files) >= 15
    # An intermediate process, so RUSAGE_CHILDREN is the build's own peak RSS.
    script = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=600)\n"
        "sys.stderr.write(done.stderr)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.stdout)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, sys.executable, "-m", "kg", "build", str(tmp_path / "in"),
         "--store", str(tmp_path / "s"), "--json", "--segmenter", "jieba", "--max-chars", "100000"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT), "POLICYKG_OFFLINE": "1"})
    code, max_rss_kb, out = done.stdout.split(" ", 2)
    summary = json.loads(out)
    assert "Traceback" not in done.stderr
    assert int(code) == 1  # some files failed, the batch finished
    failed = {Path(f["path"]).name: f["reason"] for f in summary["failed"]}
    assert set(failed) == {name for name, ok in files.items() if not ok}, failed
    assert summary["extracted"] == sum(files.values()) and summary["seen"] == len(files)
    assert "file too large (200000000 bytes" in failed["huge.txt"]
    assert "text too long" in failed["one-line.txt"]
    assert all(reason and "\n" not in reason for reason in failed.values())
    assert int(max_rss_kb) < 1_500_000, f"peak RSS {int(max_rss_kb) // 1024} MB"
    with KnowledgeStore(tmp_path / "s") as store:
        assert store.verify().ok and len(store.named_graphs()) == sum(files.values())


# ------------------------------------------------------------------------------ property-based

DOMAIN = "大足区重庆市委书记区长副主任陈一清张王李主持会议。，、；：“”《》（）0123456789亿万元项目计划\n "
texts = st.text(alphabet=st.one_of(st.sampled_from(DOMAIN), st.characters(codec="utf-8")), max_size=300)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_pipeline_takes_any_text(text):
    from extractors.pipeline import extract_facts
    from kg.ingest.normalize import normalize

    normalized = normalize(text).text
    facts = extract_facts(normalized, segmenter="jieba", chunk_chars=64)  # small chunks: merging too
    for name in facts.counts():
        for fact in getattr(facts, name):
            for ev in _evidence(fact):
                assert 0 <= ev.start <= ev.end <= len(normalized)
                assert normalized[ev.start:ev.end] == ev.text


def _evidence(fact) -> list[Evidence]:
    ev = fact.evidence
    return list(ev) if isinstance(ev, tuple) else [ev]


@given(st.text(alphabet=st.sampled_from("陈一清。\n！a"), max_size=200), st.integers(1, 40))
def test_chunks_cover_the_text_in_order(text, size):
    pieces = split_chunks(text, size)
    assert "".join(text[a:b] for a, b in pieces) == text
    assert all(0 < b - a <= size for a, b in pieces)


def test_merged_chunk_facts_point_into_the_document():
    ev = Evidence(0, 3, "陈一清", 0, 5)
    first = DocumentFacts(persons=[Person("陈一清", False, None, (ev,))])
    second = DocumentFacts(persons=[Person("陈一清", True, "500000", (ev,))])
    merged = merge_facts([(0, first), (10, second)])
    (person,) = merged.persons
    assert person.is_official and person.region == "500000"
    assert [e.start for e in person.evidence] == [0, 10] and person.evidence[1].sentence_end == 15


@pytest.mark.parametrize("size", [2_000, 6_000])
def test_long_text_is_extracted_in_bounded_chunks(size):
    from extractors.pipeline import extract_facts

    text = (SENTENCE * (size // len(SENTENCE) + 1))[:size]
    whole = extract_facts(SENTENCE, segmenter="jieba")
    chunked = extract_facts(text, segmenter="jieba", chunk_chars=1_000)
    # the same entities, merged once, with evidence from every chunk
    assert {p.name for p in chunked.persons} == {p.name for p in whole.persons}
    (chen,) = [p for p in chunked.persons if p.name == "陈一清"]
    assert len(chen.evidence) >= size // len(SENTENCE)
    assert all(text[e.start:e.end] == e.text for e in chen.evidence)
