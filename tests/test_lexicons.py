"""The lexicon loader: data files become entries, tables and regex alternations."""

from __future__ import annotations

import re

from extractors import lexicons


def test_alternation_tries_longest_entries_first_and_escapes_them(tmp_path, monkeypatch):
    (tmp_path / "invented_words.txt").write_text("# invented entries\n共\n累计\n\n累计达到\n1+1\n", encoding="utf-8")
    monkeypatch.setattr(lexicons, "DATA_DIR", tmp_path)
    try:
        alt = lexicons.alternation("invented_words.txt")
        assert re.match(f"(?:{alt})", "累计达到五万").group() == "累计达到"  # not "累计", listed first
        assert re.fullmatch(f"(?:{alt})", "1+1") and not re.fullmatch(f"(?:{alt})", "11")
        assert not re.fullmatch(f"(?:{alt})", "")  # blank and comment lines are no entries
    finally:
        lexicons.alternation.cache_clear()
        lexicons.read_entries.cache_clear()
