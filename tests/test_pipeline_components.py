"""The extractors are spaCy components the way spaCy users expect them."""

from __future__ import annotations

import json

from conftest import run_python
from spacy.language import Language

from extractors import PIPELINE
from extractors.pipeline import load_pipeline

# Invented text: a district, a two-post official, a program with an award.
TEXT = ("成都市温江区召开会议。温江区委副书记、区长林晓岚主持会议。"
        "会议审议《温江区青苗人才计划》，对入选人才给予最高50万元奖励。\n")

FACTS_OF = """
import json, sys
from extractors.annotations import facts_of
import spacy
nlp = spacy.load(sys.argv[1]) if len(sys.argv) > 1 else None
if nlp is None:
    from extractors.pipeline import load_pipeline
    nlp = load_pipeline("jieba")
facts = facts_of(nlp(TEXT))
print(json.dumps({name: sorted(repr(f) for f in getattr(facts, name)) for name in facts.counts()}, ensure_ascii=False))
""".replace("TEXT", repr(TEXT))


def test_every_component_declares_what_it_assigns():
    nlp = load_pipeline("jieba")
    for name, _ in PIPELINE:
        meta = Language.get_factory_meta(name)
        assert meta.assigns, name
        assert name in nlp.pipe_names


def test_a_saved_pipeline_loads_back_with_spacy_load_and_gives_the_same_facts(tmp_path):
    save = run_python("-c", "import sys\nfrom extractors.pipeline import load_pipeline\n"
                            "load_pipeline('jieba').to_disk(sys.argv[1])", tmp_path / "nlp")
    assert save.returncode == 0, save.stderr
    config = (tmp_path / "nlp" / "config.cfg").read_text(encoding="utf-8")
    assert "policykg_persons" in config and "policykg.char_tokenizer.v1" in config
    script = tmp_path / "facts.py"
    script.write_text(FACTS_OF, encoding="utf-8")
    fresh = run_python(script)
    loaded = run_python(script, tmp_path / "nlp")  # spacy.load finds our factories by entry point
    assert fresh.returncode == 0 and loaded.returncode == 0, fresh.stderr[-2000:] + loaded.stderr[-2000:]
    facts = json.loads(fresh.stdout)
    assert facts["persons"] and facts["measures"] and facts["funding"] and facts["posts"]
    assert json.loads(loaded.stdout) == facts
