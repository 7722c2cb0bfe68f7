"""The NER backbone (extractors.ner), the person-name filters and their use for persons and officials.

Every name here is invented.
"""

from __future__ import annotations

import os

import pytest

from extractors.ner import LacModel, get_model
from extractors.person_names import NameFilter, merge_person_words
from extractors.pipeline import extract_facts
from extractors.segmenters import DEFAULT_SEGMENTER, ModelUnavailable, load_segmenter, resolve_segmenter
from kg.ingest.normalize import normalize

SENTENCES = ["区委书记韩明哲主持会议。", "昨天，东川区召开了全区经济工作会议，欧阳若溪出席并讲话。",
             "周子墨说。", "林晓岚和陈思远一起调研了新建的社区服务中心。"]


@pytest.fixture(scope="module")
def model() -> LacModel:
    return get_model()


# -- the model wrapper ----------------------------------------------------------------------------
def test_tags_do_not_depend_on_what_else_is_in_the_batch(model):
    alone = [model.analyze([s])[0] for s in SENTENCES]
    together = model.analyze(SENTENCES * 3, batch_size=2)
    for i, single in enumerate(alone):
        for batched in (together[i], together[i + len(SENTENCES)]):
            assert batched.words == single.words
            assert (batched.per_prob == single.per_prob).all()


def test_a_line_break_is_never_inside_a_word(model):
    text = "记者 韩\n明哲报道：\n  会议由林晓岚主持。\n\n"
    words = model.analyze([text])[0].words
    assert words
    assert all("\n" not in text[w.start:w.end] and not text[w.start:w.end].isspace() for w in words)
    assert not any(w.start < 4 < w.end for w in words)  # "韩" and "明哲" stay apart


def test_a_long_sentence_is_cut_after_a_comma_and_keeps_its_offsets(model):
    clause = "东川区加快推进城乡融合发展，"
    text = "会上，" + clause * 30 + "林晓岚作了总结。"
    pieces = LacModel.chunks(text, max_len=64)
    assert all(e - s <= 64 for s, e in pieces)
    assert all(text[e - 1] in "，。" for s, e in pieces[:-1])
    assert "".join(text[s:e] for s, e in pieces) == text
    words = model.analyze([text], max_len=64)[0].words
    assert [(w.start, w.end) for w in words] == sorted((w.start, w.end) for w in words)
    assert "".join(text[w.start:w.end] for w in words) == text
    assert any(text[w.start:w.end] == "林晓岚" and w.tag == "PER" for w in words)


def test_chunks_skip_line_breaks_and_spaces():
    assert LacModel.chunks("  甲乙。丙丁\n\n 戊己 庚") == [(2, 5), (5, 7), (10, 12), (13, 14)]


# -- the name filters (no model) ------------------------------------------------------------------
@pytest.fixture(scope="module")
def names() -> NameFilter:
    return NameFilter.from_data()


def test_titles_and_honorifics_are_stripped(names):
    assert names.clean("韩明哲老师", 0.9) == "韩明哲"
    assert names.clean("韩明哲区长", 0.9) == "韩明哲"
    assert names.clean("小欧阳若溪", 0.9) == "欧阳若溪"


def test_single_characters_and_anonymised_names_are_not_names(names):
    assert names.clean("韩", 0.99) is None
    assert names.clean("韩某", 0.99) is None  # "某" stripped: a surname alone


def test_surname_gate_unless_sure_or_transliterated(names):
    assert names.clean("晓岚", 0.6) is None  # no surname, not a foreign name, model unsure
    assert names.clean("晓岚", 0.95) == "晓岚"
    assert names.clean("卡洛斯", 0.6) == "卡洛斯"  # transliterated
    assert names.clean("勃列坚科夫", 0.6) == "勃列坚科夫"  # Russian-style transliteration, 5 characters


def test_length_and_function_characters(names):
    assert names.clean("韩明哲远", 0.6) is None  # single surname + 3
    assert names.clean("欧阳若溪", 0.6) == "欧阳若溪"
    assert names.clean("韩明的", 0.95) is None
    assert names.clean("韩明3", 0.95) is None


def test_unsure_reduplicated_and_common_words_are_rejected(names):
    assert names.clean("明明", 0.3) is None
    assert names.clean("高级", 0.4) is None  # a dictionary adjective
    assert names.clean("高级", 0.9) == "高级"  # the check only breaks ties


def _words(text: str, cuts: list[tuple[str, str]], conf: float = 0.9) -> list[tuple[int, int, str, float]]:
    out, pos = [], 0
    for piece, tag in cuts:
        assert text.startswith(piece, pos)
        out.append((pos, pos + len(piece), tag, conf))
        pos += len(piece)
    return out


def test_foreign_names_are_merged_across_the_dot_and_han_names_stay_apart(names):
    text = "阿依古丽·买买提和韩明哲林晓岚"
    words = _words(text, [("阿依古丽", "PER"), ("·", "w"), ("买", "v"), ("买提", "PER"), ("和", "c"),
                          ("韩明哲", "PER"), ("林晓岚", "PER")])
    found = merge_person_words(words, text, [0.0] * (len(text) + 1), names)
    assert [text[c.start:c.end] for c in found] == ["阿依古丽·买买提", "韩明哲", "林晓岚"]
    split_foreign = [(0, 2, "PER", 0.9), (2, 4, "PER", 0.7)]  # 卡洛|斯塔
    found = merge_person_words(split_foreign, "卡洛斯塔", [0.0] * 5, names)
    assert [(c.start, c.end, c.conf) for c in found] == [(0, 4, 0.7)]


def test_a_cut_name_is_extended_when_the_model_still_sees_a_person(names):
    text = "韩明之说"
    words = _words(text, [("韩明", "PER"), ("之", "u"), ("说", "v")])
    prob = [0.9, 0.9, 0.3, 0.0, 0.0]
    assert [(c.start, c.end) for c in merge_person_words(words, text, prob, names)] == [(0, 3)]
    prob[2] = 0.05
    assert [(c.start, c.end) for c in merge_person_words(words, text, prob, names)] == [(0, 2)]


# -- persons and officials through the pipeline -------------------------------------------------
def _facts(text: str):
    return extract_facts(normalize(text).text, segmenter="lac")


def test_a_tagged_name_after_a_title_chain_is_an_official():
    facts = _facts("昨天，东川区委副书记、区长阿依古丽·买买提主持召开会议。")
    assert {(p.name, p.is_official) for p in facts.persons} == {("阿依古丽·买买提", True)}
    assert {p.role for p in facts.posts if p.person == "阿依古丽·买买提"} == {"副书记", "区长"}


def test_a_list_of_leaders_without_titles_are_officials():
    facts = _facts("东川区召开会议。区领导陈思远、刘佳宁、赵明轩出席活动。")
    assert {(p.name, p.is_official) for p in facts.persons} == {
        ("陈思远", True), ("刘佳宁", True), ("赵明轩", True)}


def test_a_tagged_name_without_any_title_is_a_person_not_an_official():
    facts = _facts("据悉，林晓岚带领团队完成了这项研究。")
    assert {(p.name, p.is_official) for p in facts.persons} == {("林晓岚", False)}


def test_lac_word_bounds_come_from_the_ner_component():
    from extractors.pipeline import load_pipeline

    doc = load_pipeline("lac")("区委书记韩明哲主持会议。\n林晓岚出席。")
    assert doc._.word_bounds is not None
    starts = {s for s, _, _, _ in doc._.lac_words}
    assert all(bool(doc._.word_bounds[i]) == (i in starts or i in {e for _, e, _, _ in doc._.lac_words})
               for i in range(1, len(doc)))
    assert [s.text for s in doc.spans["ner"] if s.label_ == "PER"] == ["韩明哲", "林晓岚"]


# -- segmenter choice -----------------------------------------------------------------------------
def test_auto_resolves_deterministically(monkeypatch):
    monkeypatch.delenv("POLICYKG_SEGMENTER", raising=False)
    assert resolve_segmenter("auto") == DEFAULT_SEGMENTER
    monkeypatch.setenv("POLICYKG_SEGMENTER", "jieba")
    assert resolve_segmenter("auto") == "jieba"
    with pytest.raises(ValueError, match="unknown segmenter"):
        resolve_segmenter("nonesuch")


def test_pkuseg_without_its_model_fails_and_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYKG_MODEL_DIR", str(tmp_path))
    load_segmenter.cache_clear()
    try:
        with pytest.raises(ModelUnavailable, match="policykg setup"):
            load_segmenter("pkuseg")
    finally:
        load_segmenter.cache_clear()


def test_an_unsure_tagged_name_needs_corroboration():
    import numpy as np

    from extractors.pipeline import load_pipeline

    nlp = load_pipeline("jieba")
    persons = nlp.get_pipe("policykg_persons")
    text = "林晓岚来了。韩明哲、周子墨也来了。林晓岚笑了。"
    doc = nlp.make_doc(text)
    doc._.ner_per_prob = np.zeros(len(text), dtype=np.float32)

    def kept(ner: dict[int, tuple[int, float]]) -> set[str]:
        names: dict[int, int] = {}
        persons._add_ner_names(doc, ner, names, set())
        return {text[s:e] for s, e in names.items()}

    assert kept({0: (3, 0.3)}) == set()  # unsure, alone
    assert kept({0: (3, 0.3), 17: (20, 0.9)}) == {"林晓岚"}  # sure elsewhere in the document
    assert kept({6: (9, 0.9), 10: (13, 0.3)}) == {"韩明哲", "周子墨"}  # listed next to an accepted name
    assert kept({10: (13, 0.3)}) == set()


def test_an_unsure_tagged_name_next_to_an_occupation_is_corroborated():
    import numpy as np

    from extractors.pipeline import load_pipeline

    persons_nlp = load_pipeline("jieba")
    persons = persons_nlp.get_pipe("policykg_persons")
    for text, start in (("报告会上，钟秉文行长分析了形势。", 5), ("此后，前锋钟秉文两次射门。", 5),
                        ("会议由钟秉文主持。", 3)):
        doc = persons_nlp.make_doc(text)
        doc._.ner_per_prob = np.zeros(len(text), dtype=np.float32)
        names: dict[int, int] = {}
        persons._add_ner_names(doc, {start: (start + 3, 0.4)}, names, set())
        assert bool(names) == ("行长" in text or "前锋" in text), text


def test_the_pkuseg_model_segments_when_fetched():
    """``make test`` fetches the pkuseg model (``make pkuseg``), so CI checks the alternative segmenter
    for real; elsewhere the test says how to get it."""
    from extractors.segmenters import _has_pkuseg_model, pkuseg_model_dir

    if not _has_pkuseg_model(pkuseg_model_dir()):
        if os.environ.get("CI"):
            pytest.fail("CI must fetch the pkuseg model first (make pkuseg)")
        pytest.skip("no pkuseg model: `make pkuseg` (or `policykg setup`) fetches it")
    load_segmenter.cache_clear()
    try:
        words = load_segmenter("pkuseg")("区长林晓岚主持会议")
    finally:
        load_segmenter.cache_clear()
    assert "".join(words) == "区长林晓岚主持会议" and len(words) >= 3 and "主持" in words
