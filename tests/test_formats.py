"""The same seed text as GB18030, UTF-8 with BOM, HTML, PDF and DOCX yields the facts of the plain
file, and every fact's offsets slice the original text to its surface form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from document_files import write_docx, write_html, write_pdf

from extractors.pipeline import extract_facts
from kg.ingest.normalize import normalize
from kg.ingest.readers import read_document
from kg.model.facts import DocumentFacts

SEED = Path(__file__).parent.parent / "seeds" / "000_6b93980e7507874a.txt"


def facts_of(path: Path) -> tuple[str, object, DocumentFacts]:
    doc = read_document(path)
    normalized = normalize(doc.text)
    return doc.text, normalized, extract_facts(normalized.text, doc_date=doc.date, segmenter="jieba")


def fact_keys(facts: DocumentFacts) -> dict[str, set]:
    return {
        "persons": {p.name for p in facts.persons},
        "posts": {(p.person, p.role, p.org) for p in facts.posts},
        "districts": {d.adcode for d in facts.districts},
        "organizations": {o.name for o in facts.organizations},
        "measures": {m.name for m in facts.measures},
        "funding": {(f.value, f.qualifier) for f in facts.funding},
    }


@pytest.fixture(scope="module")
def plain() -> dict[str, set]:
    return fact_keys(facts_of(SEED)[2])


@pytest.mark.parametrize("variant", ["gb18030", "utf-8-sig", "html", "pdf", "docx"])
def test_every_format_yields_the_plain_files_facts(tmp_path, plain, variant):
    text = SEED.read_text(encoding="utf-8")
    if variant in ("gb18030", "utf-8-sig"):
        path = tmp_path / "seed.txt"
        path.write_bytes(text.encode(variant))
    else:
        path = {"html": write_html, "pdf": write_pdf, "docx": write_docx}[variant](tmp_path / f"seed.{variant}", text)
    assert fact_keys(facts_of(path)[2]) == plain
    assert plain["posts"] and plain["districts"] and plain["funding"]


def test_offsets_slice_the_original_to_the_surface_form():
    original, normalized, facts = facts_of(SEED)
    evidence = [p.evidence for p in facts.posts] + [f.evidence for f in facts.funding]
    evidence += [e for group in (facts.persons, facts.districts, facts.organizations, facts.measures)
                 for item in group for e in item.evidence]
    assert len(evidence) > 100
    for ev in evidence:
        start, end = normalized.to_original(ev.start, ev.end)
        # the original may hold the line breaks and spaces that normalization removed
        assert re.sub(r"\s", "", original[start:end]) == re.sub(r"\s", "", ev.text), ev
        assert original[start] == ev.text[0] and original[end - 1] == ev.text[-1]
