"""kg.ingest.readers: encodings, HTML/PDF/DOCX extraction, hostile files, date helpers."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from document_files import write_docx, write_html, write_pdf

from kg.ingest.dates import estimate_publication_date, resolve_relative_date
from kg.ingest.normalize import normalize
from kg.ingest.readers import SUPPORTED_SUFFIXES, IngestError, discover, read_document

SEEDS = Path(__file__).parent.parent / "seeds"
TRADITIONAL = "重慶市人力社保局發布人才政策，支持創新創業。\n兩地攜手推進經濟圈建設。\n"


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def seed000() -> str:
    return _seed("000")


def test_supported_suffixes():
    assert {".txt", ".md", ".text", ".html", ".htm", ".pdf", ".docx"} == SUPPORTED_SUFFIXES


def test_plain_utf8_seed_metadata(seed000):
    (path,) = SEEDS.glob("000_*.txt")
    doc = read_document(path)
    assert doc.text == seed000 and doc.format == "text" and doc.encoding == "utf-8"
    assert doc.name == path.name and doc.path == path
    assert len(doc.sha256) == 64
    assert doc.date == "2023-01-04"
    (path3,) = SEEDS.glob("003_*.txt")
    assert read_document(path3).title == "成渝地区双城经济圈建设规划纲要"
    (path2,) = SEEDS.glob("002_*.txt")
    assert read_document(path2).title is None  # a byline is not a title


@pytest.mark.parametrize(("encoding", "expected"), [("gb18030", "gb18030"), ("utf-8-sig", "utf-8-sig")])
def test_seed_in_other_encodings(tmp_path, seed000, encoding, expected):
    path = tmp_path / "seed.txt"
    path.write_bytes(seed000.encode(encoding))
    doc = read_document(path)
    assert doc.encoding == expected
    assert normalize(doc.text).text == normalize(seed000).text


def test_gbk_subset_and_utf16_bom(tmp_path):
    gbk = tmp_path / "gbk.md"
    gbk.write_bytes("重庆市人力社保局相关负责人进行了解读。".encode("gbk"))
    assert read_document(gbk).text == "重庆市人力社保局相关负责人进行了解读。"
    u16 = tmp_path / "u16.txt"
    u16.write_bytes("\ufeff重庆日报记者 黄乔\n".encode("utf-16-le"))
    doc = read_document(u16)
    assert doc.encoding == "utf-16" and "黄乔" in doc.text


def test_big5_traditional(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    doc = read_document(path)
    assert doc.encoding == "big5"
    assert doc.text == TRADITIONAL


def test_identical_bytes_share_sha256(tmp_path, seed000):
    a, b = tmp_path / "a.txt", tmp_path / "sub.md"
    a.write_text(seed000, encoding="utf-8")
    b.write_text(seed000, encoding="utf-8")
    assert read_document(a).sha256 == read_document(b).sha256


def test_utf8_with_a_few_stray_bytes(tmp_path, seed000):
    raw = bytearray(seed000.encode("utf-8"))
    at = len(seed000[:1500].encode("utf-8"))
    raw[at:at] = b"\xff"  # one bad byte in ~22 KB
    path = tmp_path / "ocr.txt"
    path.write_bytes(bytes(raw))
    doc = read_document(path)
    assert doc.encoding == "utf-8" and doc.text.count("\ufffd") == 1


def test_html_wrapped_seed(tmp_path, seed000):
    path = write_html(tmp_path / "page.html", seed000)
    doc = read_document(path)
    assert doc.format == "html" and doc.title == "重庆日报 要闻" and doc.date == "2023-01-04"
    assert "脚本" not in doc.text and "导航" not in doc.text and "版权" not in doc.text
    assert normalize(doc.text).text == normalize(seed000).text


def test_html_without_article_picks_densest_block_and_meta_variants(tmp_path):
    page = (
        "<html><head><meta property='og:title' content='人才新政'>"
        "</head><body><div class='side'><p>广告</p></div><div class='content'>"
        "<p>离岸人才注册企业“一站式”服务。</p><p>该负责人<b>介绍</b>，机制是新机制。</p></div>"
        "<time datetime='2022-12-30'>昨天</time></body></html>"
    )
    path = tmp_path / "p.htm"
    path.write_text(page, encoding="gb18030")
    doc = read_document(path)
    assert doc.text == "离岸人才注册企业“一站式”服务。\n\n该负责人介绍，机制是新机制。"
    assert doc.title == "人才新政" and doc.date == "2022-12-30" and doc.encoding == "gb18030"


def test_deeply_nested_html_does_not_recurse(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + "<p>深层文本内容。</p>" + "</div>" * 100_000)
    try:
        doc = read_document(path)
    except IngestError:
        return  # a clean refusal is acceptable too
    assert doc.text == "深层文本内容。"


def test_pdf_with_cjk_text_layer(tmp_path, seed000):
    path = write_pdf(tmp_path / "seed.pdf", seed000)
    doc = read_document(path)
    assert doc.format == "pdf" and doc.encoding is None and doc.title == "新渝报 第2版"
    assert _squash(normalize(doc.text).text) == _squash(normalize(seed000).text)


def test_pdf_without_text_layer_and_broken_pdf(tmp_path):
    from reportlab.pdfgen import canvas

    empty = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(empty))
    c.rect(100, 100, 200, 200)
    c.showPage()
    c.save()
    with pytest.raises(IngestError, match="PDF has no text layer"):
        read_document(empty)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 10)
    with pytest.raises(IngestError, match="PDF"):
        read_document(broken)


def test_docx_with_paragraphs_and_table(tmp_path, seed000):
    import docx

    path = write_docx(tmp_path / "seed.docx", seed000)
    document = docx.Document(str(path))
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "项目名称"
    table.cell(0, 1).text = "总投资45亿元"
    document.save(str(path))
    doc = read_document(path)
    assert doc.format == "docx" and doc.title == "重庆日报 第3版"
    assert doc.date == "2023-01-04"  # template creation time ignored, estimated from text
    assert doc.text.endswith("项目名称\n\n总投资45亿元")
    assert normalize(doc.text).text == normalize(seed000 + "\n\n项目名称\n\n总投资45亿元").text


def test_broken_docx(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(IngestError, match="cannot read DOCX"):
        read_document(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n ", "empty file"),
        (b"%PDF-1.7 binary", "binary file, not text"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "binary file, not text"),
        (b"abc\x00def" * 10, "binary file, not text"),
    ],
)
def test_hostile_text_files(tmp_path, content, reason):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        read_document(path)
    assert info.value.reason == reason
    assert str(info.value) == f"{path}: {reason}"
    assert info.value.path == path


def test_undecodable_bytes(tmp_path):
    rng = random.Random(7)
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(rng.choice([0x80, 0xFF, 0xC0, 0xA0, 0xFE]) for _ in range(4000)))
    with pytest.raises(IngestError, match="cannot decode: not UTF-8, GB18030 or Big5"):
        read_document(path)


def test_too_large_and_missing_and_unsupported(tmp_path, seed000):
    path = tmp_path / "big.txt"
    path.write_text(seed000, encoding="utf-8")
    size = path.stat().st_size
    with pytest.raises(IngestError, match=rf"file too large \({size} bytes > limit 1000\)"):
        read_document(path, max_bytes=1000)
    with pytest.raises(IngestError, match="no such file"):
        read_document(tmp_path / "missing.txt")
    other = tmp_path / "notes.xyz"
    other.write_text("内容")
    with pytest.raises(IngestError, match=r"unsupported file type \.xyz"):
        read_document(other)


def test_discover(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / ".hidden").mkdir()
    for rel in ("a.txt", "b/z.HTML", "b/deep/c.pdf", "b/img.png", ".hidden/x.txt", ".dot.txt", "noext"):
        (tmp_path / rel).write_bytes(b"x")
    files, errors = discover([tmp_path, tmp_path / "nope"])
    assert files == [tmp_path / "a.txt", tmp_path / "b" / "deep" / "c.pdf", tmp_path / "b" / "z.HTML"]
    reasons = sorted((e.path.name, e.reason) for e in errors)
    assert reasons == [
        ("img.png", "unsupported file type .png"),
        ("noext", "unsupported file type (none)"),
        ("nope", "no such file or directory"),
    ]
    again, _ = discover([tmp_path / "a.txt", tmp_path])  # explicit file listed once
    assert again.count(tmp_path / "a.txt") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("重庆日报 2023年1月4日 星期三\n要闻。1月7日起实施。", "2023-01-04"),
        ("出版日期：2022-12-30\n正文。", "2022-12-30"),
        # a full date inside a sentence is no reported event: the latest full date is used
        ("会议于2021年3月5日召开，2021年工作……", "2021-03-05"),
        ("新华社北京3月5日电（记者 张三）3月5日上午，会议召开。2021年", "2021-03-06"),
        ("“十四五”期间，到2025年初步形成体系。", None),
        ("2020年5月，两地签订协议。2022年12月，两地联合发文。", "2022"),
        ("无日期的文字。", None),
        ("", None),
    ],
)
def test_estimate_publication_date(text, expected):
    assert estimate_publication_date(text) == expected


def test_estimate_publication_date_on_seeds():
    got = {p.name[:3]: estimate_publication_date(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    assert got["000"] == "2023-01-04"  # day after the 1月3日 meetings it reports
    assert got["002"] == "2023-01-12"  # day after 1月11日, 永川's first 人才日
    assert got["003"] is None  # a plan text with no dates at all
    assert got["004"] == "2023"


@pytest.mark.parametrize(
    ("mention", "doc_date", "expected"),
    [
        ("1月3日", "2023-01-04", "2023-01-03"),
        ("12月30日", "2023-01-04", "2022-12-30"),
        ("1月7日", "2023-01-04", "2023-01-07"),
        ("2020年5月", None, "2020-05"),
        ("2020年5月3日", None, "2020-05-03"),
        ("2020年", "2023-01-04", "2020"),
        ("今年3月", "2023-01-04", "2023-03"),
        ("去年12月", "2023-01-04", "2022-12"),
        ("今年", "2023-06-01", "2023"),
        ("3日上午", "2023-01-04", "2023-01-03"),
        ("28日", "2023-03-04", "2023-02-28"),
        ("昨天", "2023-03-01", "2023-02-28"),
        ("上个月", "2023-01-15", "2022-12"),
        ("十二月三十日", "2023-01-04", "2022-12-30"),
        ("二〇二三年一月", None, "2023-01"),
        ("1月3日", None, None),
        ("今年3月", None, None),
        ("2月30日", "2023-03-01", None),
        ("13月1日", "2023-03-01", None),
        ("会议期间", "2023-03-01", None),
        ("", "2023-03-01", None),
    ],
)
def test_resolve_relative_date(mention, doc_date, expected):
    assert resolve_relative_date(mention, doc_date) == expected
