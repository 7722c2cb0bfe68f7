"""Hostile and broken input through the real build (jieba segmenter), and property-based tests of
the extraction pipeline and of its chunking.

Also the bounds on hostile files: zip bombs, special files, pathological markup, runaway
provenance and files that never finish (the per-file budget of supervised workers)."""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import ROOT, fake_extract, run_cli
from document_files import write_docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.pipeline import merge_facts, split_chunks
from kg.build.batch import build
from kg.build.workers import FileTimeout, _deadline, open_executor
from kg.ingest.readers import IngestError, discover, read_document
from kg.model.facts import DocumentFacts, Evidence, Person
from kg.model.namespaces import PKG, RDF
from kg.query.sparql import run_query
from kg.rdf.facts_to_rdf import DocumentMeta, _IdentityText, document_graph
from kg.store.knowledge_store import KnowledgeStore

SENTENCE = "大足区委书记、区长陈一清主持召开区政府常务会议，研究部署“3113”项目攻坚行动，安排资金200万元。\n"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PACKAGE = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                           'content-types"><Override PartName="/word/document.xml" ContentType="application/'
                           'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
}


def write_word_part(path: Path, chunks: Iterable[bytes], level: int = 6) -> Path:
    """A minimal DOCX package whose word/document.xml is ``chunks`` (streamed into the zip)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, text in _PACKAGE.items():
            z.writestr(name, text)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for chunk in chunks:
                f.write(chunk)
    return path


def word_body(*paragraphs: str) -> bytes:
    runs = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return f'<w:document xmlns:w="{W_NS}"><w:body>{runs}</w:body></w:document>'.encode()


def write_docx_bomb(path: Path, inflated: int) -> Path:
    """A DOCX whose document.xml inflates to ``inflated`` bytes of one paragraph repeated."""
    block = word_body("大足区召开会议。")[:-len(b"</w:body></w:document>")]
    block = block[block.index(b"<w:p>"):] * ((1 << 20) // 40)
    head = f'<w:document xmlns:w="{W_NS}"><w:body>'.encode()
    count = inflated // len(block) + 1
    return write_word_part(path, [head, *(block for _ in range(count)), b"</w:body></w:document>"], level=1)


def random_han(n: int, seed: int = 7) -> str:
    """``n`` random Han characters: text that deflate cannot shrink much."""
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


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
    os.mkfifo(folder / "pipe.txt")  # a build that opens it blocks forever
    files["pipe.txt"] = False
    write_word_part(folder / "bomb.docx", [b"<w:document>", bytes(30_000_000)])  # 30 MB of zeros, 1000:1
    files["bomb.docx"] = False
    write_word_part(folder / "huge-node.docx", [word_body(random_han(250_000))])  # over 2 x --max-chars
    files["huge-node.docx"] = False
    files["dtd.docx"] = False
    with zipfile.ZipFile(folder / "dtd.docx", "w") as z:  # entity expansion ("billion laughs")
        z.writestr("word/document.xml", '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                                        + word_body("&b;").decode())
    put("deep.html", "<p>陈一清讲话。" * 12_000, True)  # 12,000 levels of unclosed <p>
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
    # the FIFO is refused when the folder is listed, never "seen" (opened and hashed)
    assert summary["extracted"] == sum(files.values()) and summary["seen"] == len(files) - 1
    assert "file too large (200000000 bytes" in failed["huge.txt"]
    assert "text too long" in failed["one-line.txt"]
    assert failed["pipe.txt"] == "not a regular file (named pipe), skipped unread"
    assert failed["bomb.docx"].startswith("zip bomb refused: word/document.xml inflates ")
    assert "text too long" in failed["huge-node.docx"] and "DTD" in failed["dtd.docx"]
    warnings = {Path(f["path"]).name: f["reason"] for f in summary["warnings"]}
    assert "nested 12000 levels deep" in warnings["deep.html"]
    assert all(reason and "\n" not in reason for reason in failed.values())
    assert int(max_rss_kb) < 1_500_000, f"peak RSS {int(max_rss_kb) // 1024} MB"
    with KnowledgeStore(tmp_path / "s") as store:
        assert store.verify().ok and len(store.named_graphs()) == sum(files.values())


_RUSAGE_WRAPPER = (  # an intermediate process, so RUSAGE_CHILDREN is the build's own peak RSS
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=600)\n"
    "sys.stderr.write(done.stderr)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.stdout)\n"
)


def test_bomb_fifo_and_deep_html_are_named_and_good_documents_kept(tmp_path):
    """Two good documents, a DOCX inflating to 2 GiB, a FIFO and 100,000 levels of nested <p>:
    the batch ends, names each bad file with its reason, stores the good ones, and the store
    checks out."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good-a.txt").write_text(SENTENCE * 2, encoding="utf-8")
    write_docx(folder / "good-b.docx", "渝北区副区长林海峰出席签约仪式。\n\n区委副书记周晓明主持会议。")
    write_docx_bomb(folder / "bomb.docx", 2 << 30)
    os.mkfifo(folder / "pipe.txt")
    (folder / "nested.html").write_text("<html><body>" + "<p>王建华主持会议。" * 100_000, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _RUSAGE_WRAPPER, sys.executable, "-m", "kg", "build", str(folder),
         "--store", str(tmp_path / "s"), "--json", "--no-progress", "--segmenter", "jieba"],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT), "POLICYKG_OFFLINE": "1"})
    code, max_rss_kb, out = done.stdout.split(" ", 2)
    summary = json.loads(out)
    assert "Traceback" not in done.stderr and int(code) == 1
    failed = {Path(f["path"]).name: f["reason"] for f in summary["failed"]}
    assert set(failed) == {"bomb.docx", "pipe.txt"}
    assert failed["pipe.txt"] == "not a regular file (named pipe), skipped unread"
    bomb = re.fullmatch(r"zip bomb refused: word/document.xml would inflate to (\d+) bytes > limit 50000000 "
                        r"\(see --max-bytes\)", failed["bomb.docx"])
    assert bomb and int(bomb.group(1)) > 2 << 30, failed["bomb.docx"]
    warnings = {Path(f["path"]).name: f["reason"] for f in summary["warnings"]}
    assert warnings == {"nested.html": "HTML nested 100002 levels deep, read as flat paragraphs"}
    assert summary["extracted"] == 3 and summary["documents"] == 3
    assert int(max_rss_kb) < 2_000_000, f"peak RSS {int(max_rss_kb) // 1024} MB"
    check = run_cli("stats", "--check", "--store", tmp_path / "s")
    assert check.returncode == 0 and "store check: ok (3 documents" in check.stderr, check.stderr
    with KnowledgeStore(tmp_path / "s", read_only=True) as store:
        people = {str(r[0]) for r in run_query(store, "SELECT ?l WHERE { ?p a schema:Person ; rdfs:label ?l }").rows}
        posts = {str(r[0]) for r in run_query(store, "SELECT ?l WHERE { ?p a org:Post ; rdfs:label ?l }").rows}
        # 100,000 identical mentions share one evidence node
        (row,) = run_query(store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?p rdfs:label '王建华'@zh ; "
                                  "pkg:evidence ?e }").rows
    assert {"陈一清", "林海峰", "周晓明", "王建华"} <= people
    assert any("区长" in post for post in posts) and any("副区长" in post for post in posts)
    assert int(row[0]) == 1


def test_docx_members_are_inflated_under_limits(tmp_path):
    good = write_word_part(tmp_path / "good.docx", [word_body("大足区召开会议。", "陈一清讲话。")])
    assert read_document(good).text == "大足区召开会议。\n\n陈一清讲话。"
    big = write_word_part(tmp_path / "big.docx", [word_body(random_han(400_000))])  # 1.2 MB inflated
    with pytest.raises(IngestError, match=r"zip bomb refused: word/document.xml would inflate to \d+ bytes > "
                                          r"limit 1000000 \(see --max-bytes\)"):
        read_document(big, max_bytes=1_000_000)
    ratio = write_word_part(tmp_path / "ratio.docx", [word_body("大" * 2_000_000)])
    with pytest.raises(IngestError, match=r"zip bomb refused: word/document.xml inflates \d+:1 .*limit 100:1"):
        read_document(ratio)
    long = write_word_part(tmp_path / "long.docx", [word_body(random_han(30_000))])
    with pytest.raises(IngestError, match=r"text too long \(over 20000 characters .*limit 10000; see --max-chars"):
        read_document(long, max_chars=10_000)
    assert len(read_document(long, max_chars=20_000).text) == 30_000  # the cap is twice --max-chars


def test_docx_text_boxes_tables_and_deleted_text(tmp_path):
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    xml = (f'<w:document xmlns:w="{W_NS}" xmlns:mc="{mc}"><w:body>'
           '<w:p><w:r><w:t>正文</w:t><w:tab/><w:t>一段</w:t><w:br/><w:t>换行</w:t></w:r>'
           '<w:r><mc:AlternateContent><mc:Choice><w:p><w:r><w:t>文本框</w:t></w:r></w:p></mc:Choice>'
           '<mc:Fallback><w:p><w:r><w:t>文本框</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent></w:r>'
           '<w:del><w:r><w:delText>删除的字</w:delText></w:r></w:del></w:p>'
           '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>单元格</w:t></w:r></w:p><w:p><w:r><w:t>第二段</w:t></w:r></w:p>'
           '</w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>')
    doc = read_document(write_word_part(tmp_path / "a.docx", [xml.encode()]))
    assert doc.text == "文本框\n\n正文\t一段\n换行\n\n单元格\n第二段"


def test_special_files_are_reported_and_never_opened(tmp_path):
    short = Path(tempfile.mkdtemp(prefix="kg"))  # a socket path must stay under ~100 bytes
    os.mkfifo(short / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(short / "sock.txt"))
        with _deadline(20):  # a regression would block in open(): fail, don't hang
            found, errors = discover([short, short / "pipe.txt"])
            with pytest.raises(IngestError, match="not a regular file"):
                read_document(short / "pipe.txt")
    finally:
        server.close()
        shutil.rmtree(short)
    assert found == []
    reasons = sorted((e.path.name, e.reason) for e in errors)
    assert reasons == [("pipe.txt", "not a regular file (named pipe), skipped unread")] * 2 + [
        ("sock.txt", "not a regular file (socket), skipped unread")]


def test_deeply_nested_html_is_flattened_in_one_pass(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<title>标题</title><article>" + "<div><p>第一段。<span>" * 100_000 + "末段。", encoding="utf-8")
    doc = read_document(page)
    assert doc.text.count("第一段。\n\n") == 99_999 and doc.text.endswith("\n\n第一段。末段。")
    assert doc.title == "标题"
    assert doc.warnings == ("HTML nested 300001 levels deep, read as flat paragraphs",)
    with pytest.raises(IngestError, match="text too long"):
        read_document(page, max_chars=1000)


def _evidence_facts(text: str, name: str, every: int) -> list[Evidence]:
    return [Evidence(i, i + len(name), name, i, i + every) for i in range(0, len(text), every)]


def test_evidence_is_shared_and_budgeted():
    meta = DocumentMeta(name="a.txt", sha256="ab" * 32, path="a.txt")
    same = "陈一清讲话。" * 50  # one sentence, 50 times
    graph = document_graph(meta, _IdentityText(same), DocumentFacts(
        persons=[Person("陈一清", True, "500000", tuple(_evidence_facts(same, "陈一清", 6)))]))
    assert len(set(graph.subjects(RDF.type, PKG.Evidence))) == 1
    varied = "".join(f"第{i:03d}次陈一清讲话。" for i in range(50)) + "张明远讲话。"
    chen = tuple(Evidence(i * 11 + 5, i * 11 + 8, "陈一清", i * 11, i * 11 + 11) for i in range(50))
    zhang = (Evidence(550, 553, "张明远", 550, 556),)
    warnings: list[str] = []
    graph = document_graph(meta, _IdentityText(varied), DocumentFacts(
        persons=[Person("陈一清", True, "500000", chen), Person("张明远", True, "500000", zhang)]),
        evidence_budget=10, warnings=warnings)
    assert len(set(graph.subjects(RDF.type, PKG.Evidence))) == 11  # the budget, and 张明远's first
    assert warnings == ["evidence budget of 10 nodes reached: 11 evidence nodes stored, 40 further mentions "
                        "not linked (each node keeps its first)"]


def test_supervised_worker_past_its_deadline_is_killed_and_replaced():
    pool = open_executor(1, timeout=2, preload=False)
    try:
        stuck = pool.submit(time.sleep, 600)
        dying = pool.submit(os._exit, 3)
        fine = pool.submit(math.factorial, 5)
        with pytest.raises(FileTimeout, match="timed out after 2 s"):
            stuck.result()
        with pytest.raises(ChildProcessError, match=r"extraction worker died \(exit status 3\)"):
            dying.result()
        assert fine.result() == 120
    finally:
        pool.close()


def slow_extract(text: str, doc_date: str | None) -> DocumentFacts:
    """fake_extract, but a text starting with 慢 never finishes (a picklable stand-in for a hang)."""
    if text.startswith("慢"):
        time.sleep(600)
    return fake_extract(text, doc_date)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_past_its_budget_is_reported_and_the_batch_goes_on(tmp_path, workers):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in [("a.txt", "陈一清主持会议。"), ("slow.txt", "慢慢慢。"), ("z.txt", "张明远讲话。")]:
        (docs / name).write_text(text, encoding="utf-8")
    # workers=1 with a custom extractor runs in this process, under a SIGALRM deadline
    summary = build([docs], tmp_path / "s", progress=False, extract=slow_extract, workers=workers, file_timeout=10)
    assert [(Path(f.path).name, f.reason) for f in summary.failed] == [
        ("slow.txt", "timed out after 10 s (see --file-timeout)")]
    assert summary.extracted == 2 and summary.documents == 2


def dying_extract(text: str, doc_date: str | None) -> DocumentFacts:
    """fake_extract, but a text starting with 崩 kills its worker (a picklable stand-in for a crash)."""
    if text.startswith("崩"):
        os._exit(3)
    return fake_extract(text, doc_date)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_task_of_several_files_that_overruns_is_retried_file_by_file(tmp_path, workers):
    """Three files in one task: the task's budget is three files' budgets; when it runs out, each
    file gets a task (and a budget) of its own, so only the slow one fails, under its name."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in [("a.txt", "陈一清主持会议。"), ("slow.txt", "慢慢慢。"), ("z.txt", "张明远讲话。")]:
        (docs / name).write_text(text, encoding="utf-8")
    budget = 2 if workers == 1 else 8  # a fresh worker's clock starts while it imports this module
    summary = build([docs], tmp_path / "s", progress=False, extract=slow_extract, workers=workers,
                    file_timeout=budget, files_per_task=3)
    assert [(Path(f.path).name, f.reason) for f in summary.failed] == [
        ("slow.txt", f"timed out after {budget} s (see --file-timeout)")]
    assert summary.extracted == 2 and summary.documents == 2


def test_a_worker_dying_inside_a_task_of_several_files_fails_only_its_file(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    names = ["a.txt", "b.txt", "crash.txt", "d.txt", "e.txt", "f.txt"]
    for name in names:
        (docs / name).write_text("崩溃了。" if name == "crash.txt" else f"{name[0]}某某主持会议。", encoding="utf-8")
    summary = build([docs], tmp_path / "s", progress=False, extract=dying_extract, workers=2, files_per_task=3)
    assert [(Path(f.path).name, f.reason) for f in summary.failed] == [
        ("crash.txt", "extraction failed: ChildProcessError: extraction worker died (exit status 3)")]
    assert summary.extracted == 5
    with KnowledgeStore(tmp_path / "s", read_only=True) as store:
        assert sorted(Path(p).name for d in store.documents() for p in d.source_paths) == sorted(
            set(names) - {"crash.txt"})


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
