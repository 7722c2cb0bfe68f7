"""The dictionary-only cut segments exactly as ``jieba.lcut(text, HMM=False)`` does."""

from __future__ import annotations

import jieba
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.dictionary_cut import dictionary_words

ALPHABET = "甲乙县人民政府委员会组织部长市区工业园开发管理办公室街道党委书记ABCxyz0129 .-_%#&+，。\n\t《》"


def test_compound_names_split_into_dictionary_words():
    for name in ["青川县人民政府办公室", "某某市工业园区管理委员会", "乙县委组织部", "XY2开发区 管委会"]:
        assert dictionary_words(name) == jieba.lcut(name, HMM=False)
    assert dictionary_words("乙县人民政府")[-1] == "人民政府"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(ALPHABET), st.characters(codec="utf-8")), max_size=40))
def test_any_text_cuts_as_jieba_does(text):
    assert dictionary_words(text) == jieba.lcut(text, HMM=False)
