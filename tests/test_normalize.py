"""kg.ingest.normalize on the seed newspaper pages, plus property tests for the offset map."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.ingest.normalize import NormalizedText, normalize, split_sentences

SEEDS = Path(__file__).parent.parent / "seeds"
_WS = re.compile(r"\s+")


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _squash(s: str) -> str:
    return _WS.sub("", s)


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, NormalizedText]]:
    out = {}
    for prefix in ("000", "001", "002", "003", "004"):
        original = _seed(prefix)
        out[prefix] = (original, normalize(original))
    return out


def test_broken_column_lines_are_joined(seeds):
    original, nt = seeds["000"]
    assert "及时准\n确发布" in original
    assert "及时准确发布权威信息" in nt.text
    # a line break inside a date is joined too
    assert "2022年12月30日，资阳大足文旅融合发展示范区" in nt.text


def test_blank_line_inside_a_sentence_is_bridged(seeds):
    _, nt = seeds["002"]
    assert "推动双城经济圈建设形成更多标志性成果。" in nt.text
    assert "市发展改革委将会同市卫生健康委" in nt.text


def test_headings_stay_separate_paragraphs(seeds):
    lines = seeds["000"][1].text.split("\n")
    assert "离岸人才注册企业“一站式”服务" in lines
    assert "双向离岸聚国际能量 激发人才创新创业活力" in lines  # headline parts keep one space
    assert "XIN YU BAO" in lines


def test_inner_spaces_removed_and_ascii_punct_widened(seeds):
    _, nt = seeds["003"]
    assert "坚持企业主体、市场导向，健全产学研用深度融合的科技创新体系" in nt.text
    assert "第三节 提升协同创新能力" in nt.text.split("\n")
    _, nt1 = seeds["001"]
    assert "1030个乡镇（街道）" in nt1.text and "去年达到1092.8万吨；" in nt1.text


def test_continuation_markers_removed_and_recorded(seeds):
    for prefix, expected in (("000", "（上接1版）"), ("001", "(上接3版)"), ("003", "(下转第四版)")):
        original, nt = seeds[prefix]
        conts = [m for m in nt.markers if m.kind == "continuation"]
        assert expected in [m.text for m in conts]
        for m in conts:
            assert original[m.start : m.end] == m.text
        assert "上接" not in nt.text and "下转" not in nt.text
    assert seeds["000"][1].text.startswith("要加强“三情”联动")


def test_bylines_recorded_and_kept_as_own_paragraph(seeds):
    original, nt = seeds["000"]
    bylines = [m for m in nt.markers if m.kind == "byline"]
    assert [m.text for m in bylines][:2] == ["重庆日报记者 黄乔", "新渝报讯（记者 曾蕊）"]
    for m in bylines:
        assert original[m.start : m.end] == m.text
    lines = nt.text.split("\n")
    assert "重庆日报记者黄乔" in lines  # bullet dropped, space after 记者 removed
    assert "新渝报讯（记者刘星 犹骥）" in lines  # names stay apart
    assert "□" not in nt.text
    _, nt2 = seeds["002"]
    assert nt2.text.split("\n")[0] == "本报记者黄乔"
    assert "本报讯（记者周雨）" in nt2.text.split("\n")
    assert "记者崔力 摄/视觉重庆" in nt2.text.split("\n")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_offsets_round_trip_on_seeds(seeds, prefix):
    original, nt = seeds[prefix]
    offs = nt.offsets
    assert len(offs) == len(nt.text) + 1 and offs[-1] == len(original)
    assert all(offs[i] <= offs[i + 1] for i in range(len(offs) - 1))
    # every non-space normalized char comes from the same char (or its ASCII twin) in the original
    widen = {"，": ",", "；": ";", "：": ":", "？": "?", "！": "!", "（": "(", "）": ")"}
    for i, ch in enumerate(nt.text):
        if not ch.isspace():
            assert original[offs[i]] in (ch, widen.get(ch))
    rng = random.Random(prefix)
    for _ in range(300):
        a = rng.randrange(len(nt.text))
        b = rng.randrange(a, min(len(nt.text), a + 200) + 1)
        s, e = nt.to_original(a, b)
        piece = original[s:e]
        for m in nt.markers:  # continuation markers inside the span are the only extra text
            if m.kind == "continuation" and s <= m.start and m.end <= e:
                piece = piece.replace(m.text, "", 1)
        piece = re.sub("[□■]", "", piece)  # byline bullets are dropped too
        norm_piece = nt.text[a:b].translate(str.maketrans(widen))
        assert _squash(piece).translate(str.maketrans(widen)) == _squash(norm_piece)


def test_to_original_endpoints_and_clamping():
    original = "（上接1版）要及时准\n确发布权威信息, 坚持企业 主体。"
    nt = normalize(original)
    a = nt.text.index("准确")
    s, e = nt.to_original(a, a + 2)
    assert original[s:e] == "准\n确"
    assert nt.to_original(-5, 10_000) == nt.to_original(0, len(nt.text))
    assert nt.to_original(3, 3)[0] == nt.to_original(3, 3)[1]


def test_cleanup_of_control_chars_and_line_endings():
    original = "\ufeff第一行内\u200b容，\r\n继续\x00写\r第二句。\u3000\n"
    nt = normalize(original)
    assert nt.text == "第一行内容，继续写第二句。"
    assert nt.offsets[-1] == len(original)


def test_latin_spacing_and_nfc():
    nt = normalize("支持 Version 2.0 版本, 金额10 000元。Cafe\u0301 very good.")
    assert nt.text == "支持Version 2.0版本，金额10 000元。Café very good."
    i = nt.text.index("é")
    s, e = nt.to_original(i, i + 1)
    assert e == s + 2  # the combining accent stays inside the span


def test_split_sentences_rules():
    text = "他说：“要坚持。”会议指出！真的吗？是的……然后；最后\n标题\n\n  \n末尾句"
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == ["他说：“要坚持。”", "会议指出！", "真的吗？", "是的……", "然后；", "最后", "标题", "末尾句"]
    assert split_sentences("") == [] and split_sentences(" \n \n") == []


def test_split_sentences_keeps_closing_brackets_and_bounds_length():
    t = "（一）推进改革。）后面的话"
    assert [t[a:b] for a, b in split_sentences(t)] == ["（一）推进改革。）", "后面的话"]
    long = "很长的句子，" * 1000 + "结束。"
    spans = split_sentences(long)
    assert all(b - a <= 2000 for a, b in spans)
    assert "".join(long[a:b] for a, b in spans) == long
    assert long[spans[0][1] - 1] == "，"  # cut after a comma, not mid-clause
    hard = "字" * 5000
    assert [b - a for a, b in split_sentences(hard)] == [2000, 2000, 1000]


def test_split_sentences_on_seed(seeds):
    _, nt = seeds["000"]
    sents = [nt.text[a:b] for a, b in split_sentences(nt.text)]
    first = "要加强“三情”联动，搞好舆论引导，及时准确发布权威信息，全面客观宣传解读政策，依法打击网络谣言。"
    assert first in sents
    assert "重庆日报记者黄乔" in sents


_ALPHABET = st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.sampled_from(list("中文汉字。，！？；：…”’）「」（上接1版下转第四）□■记者本报讯")),
    st.sampled_from(list(" \u3000\n\r\t\x00\u200b,;:?!()e\u0301")),
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=300))
def test_normalize_offsets_properties(original):
    nt = normalize(original)
    offs = nt.offsets
    assert len(offs) == len(nt.text) + 1
    assert offs[-1] == len(original)
    assert all(0 <= o <= len(original) for o in offs)
    assert all(offs[i] <= offs[i + 1] for i in range(len(offs) - 1))
    for m in nt.markers:
        assert original[m.start : m.end] == m.text
    for a, b in ((0, len(nt.text)), (len(nt.text) // 3, len(nt.text) // 2)):
        s, e = nt.to_original(a, b)
        assert 0 <= s <= e <= len(original)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=300))
def test_split_sentences_properties(text):
    spans = split_sentences(text)
    prev_end = 0
    for a, b in spans:
        assert prev_end <= a < b <= len(text)
        assert text[a:b].strip() and "\n" not in text[a:b]
        prev_end = b
