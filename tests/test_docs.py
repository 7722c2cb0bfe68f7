"""The documentation keeps up with the code: every ``pkg:`` term and SHACL target is on the data-model
page, the page's Turtle examples are valid and pass the shapes, and every relative link resolves to a
file inside the repository."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import SH

from kg.model import ONTOLOGY_FILE, SHAPES_FILE
from kg.model.namespaces import PKG, PREFIXES, RDF

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DATA_MODEL = DOCS / "data-model.md"
ARCHITECTURE = DOCS / "architecture.md"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]

# [text](target) and ![alt](target), target up to the first space or ")"; and [label]: target definitions
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
TURTLE_BLOCK = re.compile(r"^```turtle\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _prose(text: str) -> str:
    """Markdown without its fenced code blocks (a link inside code is not a link)."""
    return FENCE.sub("", text)


def _section(text: str, heading: str) -> str:
    """The body of the ``## heading`` section, up to the next heading of the same level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def _mentions(text: str, prefixed_name: str) -> bool:
    """Whether ``prefixed_name`` occurs as a whole name (``pkg:Project`` is not in ``pkg:ProjectList``)."""
    return re.search(rf"(?<![\w:]){re.escape(prefixed_name)}(?![\w-])", text) is not None


def ontology_terms() -> list[str]:
    """Every ``pkg:`` term the ontology file defines, as a prefixed name."""
    graph = rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")
    ns = str(PKG._NS)
    return sorted({f"pkg:{s[len(ns):]}" for s in graph.subjects(RDF.type, None) if str(s).startswith(ns)})


def shape_targets() -> list[str]:
    """Every ``sh:targetClass`` of the shapes file, as a prefixed name."""
    graph = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    return sorted({graph.namespace_manager.normalizeUri(c) for c in graph.objects(None, SH.targetClass)})


def relative_links(page: Path) -> list[str]:
    """Link targets of ``page`` that are not URLs (anchors in the page itself included)."""
    prose = _prose(page.read_text(encoding="utf-8"))
    targets = INLINE_LINK.findall(prose) + LINK_DEFINITION.findall(prose)
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.IGNORECASE)]


def test_the_ontology_and_shapes_are_read():
    # guards the two tests below against passing on an empty list
    assert len(ontology_terms()) >= 30 and "pkg:Evidence" in ontology_terms()
    assert "org:Post" in shape_targets() and "pkg:Document" in shape_targets()


@pytest.mark.parametrize("term", ontology_terms())
def test_every_ontology_term_is_in_the_vocabulary_table(term: str):
    vocabulary = _section(DATA_MODEL.read_text(encoding="utf-8"), "Vocabulary")
    assert re.search(rf"^\| `{re.escape(term)}` \|", vocabulary, re.MULTILINE), (
        f"{term} (kg/model/ontology.ttl) has no row in the Vocabulary table of docs/data-model.md")


@pytest.mark.parametrize("target", shape_targets())
def test_every_shape_target_class_is_on_the_data_model_page(target: str):
    assert _mentions(DATA_MODEL.read_text(encoding="utf-8"), target), (
        f"sh:targetClass {target} (kg/model/shapes.ttl) is not mentioned in docs/data-model.md")


def test_the_vocabulary_table_lists_no_term_the_ontology_lacks():
    vocabulary = _section(DATA_MODEL.read_text(encoding="utf-8"), "Vocabulary")
    listed = set(re.findall(r"^\| `(pkg:\w+)` \|", vocabulary, re.MULTILINE))
    assert listed and listed <= set(ontology_terms()), listed - set(ontology_terms())


def test_mentions_are_whole_names():
    assert _mentions("a `pkg:Project` node", "pkg:Project")
    assert not _mentions("a `pkg:ProjectList` node", "pkg:Project")
    assert not _mentions("see schema:Person", "pkg:Person")


@pytest.fixture(scope="module")
def example_graph() -> rdflib.Graph:
    """Every Turtle example of the data-model page, parsed into one graph."""
    prologue = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    prologue += f"@base <{PREFIXES['id']}> .\n"
    blocks = TURTLE_BLOCK.findall(DATA_MODEL.read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    graph = rdflib.Graph()
    for i, block in enumerate(blocks):
        try:
            graph.parse(data=prologue + block, format="turtle")
        except Exception as e:  # rdflib raises bare Exceptions for bad Turtle
            pytest.fail(f"Turtle example {i + 1} of docs/data-model.md does not parse: {e}")
    return graph


def test_the_examples_use_only_defined_pkg_terms(example_graph: rdflib.Graph):
    ns = str(PKG._NS)
    used = {f"pkg:{t[len(ns):]}" for triple in example_graph for t in triple if str(t).startswith(ns)}
    assert used and used <= set(ontology_terms()), used - set(ontology_terms())


def test_the_examples_together_pass_the_shapes(example_graph: rdflib.Graph):
    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    conforms, _, report = pyshacl.validate(example_graph, shacl_graph=shapes, advanced=True)
    assert conforms, report


def test_the_examples_cover_every_shape_target(example_graph: rdflib.Graph):
    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    targets = set(shapes.objects(None, SH.targetClass))
    assert targets <= set(example_graph.objects(None, RDF.type)), targets - set(example_graph.objects(None, RDF.type))


def test_link_extraction_finds_links_outside_code():
    page = "see [a](docs/a.md), ![b](b.png \"t\") and [c](https://x.org)\n```\n[d](nowhere.md)\n```\n[e]: ../e.md\n"
    assert INLINE_LINK.findall(_prose(page)) == ["docs/a.md", "b.png", "https://x.org"]
    assert LINK_DEFINITION.findall(_prose(page)) == ["../e.md"]


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for the headings of ``page``: lower case, punctuation dropped, spaces → "-"."""
    headings = re.findall(r"^#{1,6} (.+)$", _prose(page.read_text(encoding="utf-8")), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_anchors_follow_github():
    assert anchors(ARCHITECTURE) >= {"the-layers-contract", "kgmodel-the-data-model"}
    assert "6-document-new-terms" in anchors(DOCS / "adding-an-extractor.md")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_files_in_the_repository(page: Path):
    broken = []
    for link in relative_links(page):
        path, _, fragment = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if "../shared" in link or not target.is_relative_to(ROOT) or not target.exists():
            broken.append(link)
        elif fragment and target.suffix == ".md" and fragment not in anchors(target):
            broken.append(link)  # a section that was renamed or never written
    assert not broken, f"{page.relative_to(ROOT)}: links to missing files or sections, or outside the repo: {broken}"


def test_the_docs_pages_exist_and_the_readme_links_them():
    readme_links = set(relative_links(ROOT / "README.md"))
    for page in ("docs/data-model.md", "docs/architecture.md", "docs/adding-an-extractor.md"):
        assert (ROOT / page).is_file(), page
        assert page in readme_links, f"README.md does not link {page}"


def test_the_architecture_page_has_a_section_per_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    packages = {p.strip() for layer in contract["layers"] for p in layer.split("|")}
    headings = re.findall(r"^#{2,4} .*$", ARCHITECTURE.read_text(encoding="utf-8"), re.MULTILINE)
    missing = [p for p in sorted(packages) if not any(f"`{p}`" in h for h in headings)]
    assert len(packages) >= 8 and not missing, f"docs/architecture.md has no section heading for {missing}"
