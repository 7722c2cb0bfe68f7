"""What a newcomer trips over (issue 15), tried as a user would: the CLI in a subprocess, the API.

Parameters match labels whatever their language tag and say what is wrong with a value; IRIs print
in a form a query accepts; syntax errors point at the spot; ambiguous names list their candidates;
notebooks open with the `notebook` extra; builds and installs are quiet; mistakes leave nothing
behind; picture labels neither overlap nor get clipped; the README's commands print what it shows.
Most tests use a small invented store (names below are made up).
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shlex
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT, run_cli, run_python
from rdflib import Graph

from kg.model.iris import document_iri
from kg.model.namespaces import ENTITY_PREFIXES, PREFIXES, sparql_iri
from kg.query.saved import run_saved
from kg.query.sparql import QueryError, run_query
from kg.store.knowledge_store import KnowledgeStore

INVENTED = """
district:990101 a schema:AdministrativeArea ; rdfs:label "海棠区"@zh, "Haitang District"@en ;
    skos:altLabel "海棠"@zh ; pkg:adminCode "990101" .
district:990102 a schema:AdministrativeArea ; rdfs:label "桃源区"@zh ; pkg:adminCode "990102" .
organization:aa01 a org:Organization ; rdfs:label "海棠区委"@zh ; skos:altLabel "区委"@zh ;
    schema:areaServed district:990101 .
organization:bb02 a org:Organization ; rdfs:label "桃源区委"@zh ; schema:areaServed district:990102 .
person:cc03 a schema:Person, pkg:Official ; rdfs:label "林知远"@zh ; org:holds post:dd04 .
post:dd04 a org:Post ; rdfs:label "海棠区委书记"@zh ; org:postIn organization:aa01 ; org:role role:ee05 .
person:ff06 a schema:Person, pkg:Official ; rdfs:label "苏望舒"@zh ; org:holds post:ab07 .
post:ab07 a org:Post ; rdfs:label "桃源区委书记"@zh ; org:postIn organization:bb02 ; org:role role:ee05 .
role:ee05 a org:Role ; rdfs:label "书记"@zh .
measure:cd08 a pkg:PolicyMeasure, pkg:Program ; rdfs:label "海棠英才计划"@zh ;
    schema:areaServed district:990101 ; pkg:funding amount:ef09 .
amount:ef09 a schema:MonetaryAmount ; schema:value 300000000 ; pkg:asWritten "3亿元"@zh ;
    pkg:purpose "人才奖励"@zh .
"""


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the invented entities above, as one document."""
    path = tmp_path_factory.mktemp("invented") / "store"
    prologue = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    graph = Graph().parse(data=prologue + INVENTED, format="turtle")
    with KnowledgeStore(path) as store:
        store.replace_document(document_iri("ab" * 32), graph)
    return path


def cli(store: Path, *args: str, **kw) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, "--store", store, **kw)


# ------------------------------------------------------------------------------------- parameters
def test_a_bare_name_matches_labels_whatever_their_language_tag(invented):
    query = "SELECT ?d WHERE { ?d rdfs:label ?name }"
    for name in ("海棠区", "Haitang District"):  # @zh and @en
        done = cli(invented, "query", query, "--param", f"name={name}")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[2:] == ["district:990101", "(1 row)"]
    with KnowledgeStore(invented, read_only=True) as store:
        assert len(run_query(store, query, {"name": "海棠区"}).rows) == 1
        assert run_query(store, query, {"name": '"海棠区"'}).rows == []  # a quoted literal is exactly that
    done = cli(invented, "queries", "run", "officials_by_district", "--param", "district=海棠区")
    assert done.returncode == 0 and "林知远" in done.stdout and "苏望舒" not in done.stdout


def test_a_name_that_names_nothing_is_an_error_with_suggestions(invented):
    done = cli(invented, "queries", "run", "officials_by_district", "--param", "district=海棠县")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("policykg: error: no district named '海棠县'; did you mean: 海棠区 (District)")
    done = cli(invented, "query", "SELECT ?d WHERE { ?d rdfs:label ?name }", "--param", "name=海棠县")
    assert done.returncode == 1
    assert "nothing in the store is named '海棠县' (?name); did you mean: 海棠, 海棠区," in done.stderr
    with KnowledgeStore(invented, read_only=True) as store, pytest.raises(QueryError, match="no district named"):
        run_saved(store, "measures_of_district", {"district": "海棠县"})


def test_a_query_files_param_header_checks_its_parameters(invented, tmp_path):
    mine = tmp_path / "mine.rq"
    mine.write_text("# param place (district): where\n# param floor (number, optional): yuan\n"
                    "SELECT ?m WHERE { ?m schema:areaServed ?place ; pkg:funding/schema:value ?v "
                    "FILTER(!BOUND(?floor) || ?v >= ?floor) }\n", encoding="utf-8")
    assert cli(invented, "query", "-f", mine, "--param", "place=district:990101").stdout.splitlines()[2] == \
        "measure:cd08"
    done = cli(invented, "query", "-f", mine, "--param", "place=海棠县")
    assert done.returncode == 1 and "no district named '海棠县'; did you mean: 海棠区" in done.stderr
    done = cli(invented, "query", "-f", mine, "--param", "place=district:990101", "--param", "floor=三亿")
    assert done.returncode == 1 and "floor must be a number, not '三亿': write 300000000" in done.stderr


def test_a_value_of_the_wrong_type_says_so(invented):
    done = cli(invented, "queries", "run", "measures_over_amount", "--param", "min_amount=一亿")
    assert done.returncode == 1
    assert done.stderr.strip() == "policykg: error: min_amount must be a number, not '一亿': write 100000000"
    with KnowledgeStore(invented, read_only=True) as store:
        with pytest.raises(QueryError, match="min_posts must be a number, not '两'"):
            run_saved(store, "posts_per_organization", {"min_posts": "两"})
        assert [str(r[0]) for r in run_saved(store, "measures_over_amount", {"min_amount": 100_000_000}).rows] == [
            "海棠英才计划"]
    done = cli(invented, "query", "SELECT ?a WHERE { ?a schema:value ?v FILTER(?v >= ?min) }",
               "--param", "min=3亿")
    assert done.returncode == 1 and "?min is the text '3亿', not a number: write 300000000" in done.stderr


# -------------------------------------------------------------------------------------------- IRIs
def test_printed_iris_can_be_pasted_back_into_a_query(invented):
    table = cli(invented, "query", "SELECT ?x WHERE { ?x rdfs:label ?n } ORDER BY ?n", "--param", "n=海棠英才计划")
    iri = table.stdout.splitlines()[2]
    assert iri == "measure:cd08"
    for query in (f"SELECT ?p ?o WHERE {{ {iri} ?p ?o }}", f"DESCRIBE {iri}", f"ASK {{ {iri} a pkg:Program }}"):
        done = cli(invented, "query", query)
        assert done.returncode == 0, done.stderr
        assert "海棠英才计划" in done.stdout or done.stdout.strip() == "true"
    shown = cli(invented, "show", "林知远")
    header_iri = shown.stdout.split()[2]
    assert header_iri == "person:cc03" and cli(invented, "show", header_iri).stdout == shown.stdout
    done = cli(invented, "queries", "run", "officials_by_district", "--param", "district=district:990102")
    assert done.returncode == 0 and "苏望舒" in done.stdout


def test_every_kind_of_node_has_a_prefix_declared_once():
    from kg.model import iris

    minted = [iris.district_iri("990101"), iris.person_iri("林知远"), iris.org_iri("海棠区委"), iris.role_iri("书记"),
              iris.post_iri("林知远", None, "书记", "海棠区委"), iris.measure_iri("海棠英才计划"),
              iris.project_iri("海棠医院"), iris.amount_iri("ab" * 32, 1, 2), iris.evidence_iri("ab" * 32, 1, 2),
              iris.meeting_iri("常委会", "2024-01-01"), iris.document_iri("ab" * 32),
              iris.change_iri("林知远", None, "Appointed", "区长", "海棠区人民政府", "2024-01-01")]
    printed = [sparql_iri(i) for i in minted]
    assert all(p.split(":", 1)[0] in ENTITY_PREFIXES and "/" not in p for p in printed), printed
    namespaces = (ROOT / "kg" / "model" / "namespaces.py").read_text(encoding="utf-8")
    others = [p for p in (ROOT / "kg").rglob("*.py") if p.name != "namespaces.py"]
    assert '"district": "district"' in namespaces
    assert not any('"organization": "org"' in p.read_text(encoding="utf-8") for p in others)


# --------------------------------------------------------------------------------- syntax errors
@pytest.mark.parametrize(("query", "words", "line", "column"), [
    ("SELECT ?p ?o WHERE { id:district/990101 ?p ?o }", "write district:990101 or <https://", 1, 22),
    ("SELECT ?x WHERE {\n  ?x a pkg:Official .\n  FILTR(?x != ?y)\n}", "did you mean FILTER?", 3, 3),
    ("SELECT ?x WHERE {\n  ?x rdfs:label ?n", "this '{' is never closed", 1, 17),
    ("SELECT ?x WHERE { ?x a pkg:Official } LIMT 5", "did you mean LIMIT?", 1, 39),
    ("SELECT ?x WHERE { ?x a pkg:Official ?x rdfs:label ?n }", "a '.' is missing", 1, 37),
    ("SELECT ?x WHERE { ?x rdfs:label 海棠区 }", 'write a literal ("海棠区"@zh)', 1, 33),
    ("SELECT ?x WHERE { ?x nope:p ?o }", "unknown prefix 'nope:'", 1, 22),
])
def test_syntax_errors_say_what_and_point_at_where(invented, query, words, line, column):
    done = cli(invented, "query", query)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    first, source, caret = done.stderr.splitlines()
    assert first.startswith(f"policykg: error: malformed SPARQL query at line {line}, column {column}: ")
    assert words in first and "Expected" not in first
    assert source == "  " + query.splitlines()[line - 1]
    assert caret == "  " + " " * (column - 1) + "^"  # ASCII before the spot: one column a character


# ------------------------------------------------------------------------------ ambiguous names
@pytest.mark.parametrize("args", [
    ["show", "区委"],
    ["path", "区委", "林知远"],
    ["viz", "neighbourhood", "区委", "-o", "picture.png"],
    ["queries", "run", "officials_by_organization", "--param", "organization=区委"],
])
def test_an_ambiguous_name_lists_its_candidates(invented, tmp_path, args):
    done = cli(invented, *args, cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert "'区委' could be 2 organizations" in done.stderr
    assert "organization:aa01  海棠区委 (Organization)" in done.stderr
    assert "organization:bb02  桃源区委 (Organization)" in done.stderr
    assert not (tmp_path / "picture.png").exists()


def test_a_candidate_is_named_by_its_iri_or_full_name(invented):
    assert cli(invented, "show", "organization:bb02").stdout.startswith("桃源区委  [Organization]")
    done = cli(invented, "queries", "run", "officials_by_organization", "--param", "organization=海棠区委")
    assert done.returncode == 0 and "林知远" in done.stdout


# ----------------------------------------------------------------------------------- notebooks
def test_the_notebook_extra_installs_jupyterlab_and_pandas():
    requires = importlib.metadata.requires("policykg") or []
    extra = {re.split(r"[<>=;\s\[]", r, maxsplit=1)[0].lower() for r in requires if 'extra == "notebook"' in r}
    assert {"jupyterlab", "pandas"} <= extra
    assert any(r.lower().startswith("pandas") and 'extra == "dev"' in r for r in requires)  # CI runs them
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e '.[notebook]'" in readme and "jupyter lab notebooks/" in readme


# ------------------------------------------------------------------------------ quiet messages
def test_each_bad_file_is_one_line_that_names_it(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "not-a.pdf").write_bytes(b"not a pdf at all")
    (docs / "cut.pdf").write_bytes(b"%PDF-1.4\n garbage")
    done = run_cli("build", docs, "--store", tmp_path / "store", "--no-progress")
    assert done.returncode == 1
    assert done.stderr == ""  # nothing from pypdf ("invalid pdf header" naming no file)
    failed = [line for line in done.stdout.splitlines() if line.startswith("failed:")]
    assert len(failed) == 2 and all(line.count(".pdf") == 1 for line in failed)
    assert any("not-a.pdf" in line and "invalid pdf header" in line for line in failed)


def test_a_real_build_prints_no_third_party_warnings(seed_build):
    assert "features.msgpack" not in seed_build.stderr
    assert seed_build.stderr.strip() == ""


def test_the_package_builds_without_setuptools_warnings(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert not re.search(r"(?i)warning|deprecat", output), output
    (wheel,) = tmp_path.glob("policykg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {p.name for p in (ROOT / "kg" / "queries").glob("*.rq")} <= {Path(n).name for n in names
                                                                       if n.startswith("kg/query/saved_queries/")}
    assert "extractors/data/surnames.txt" in names and "kg/model/ontology.ttl" in names
    assert not any(n.startswith(("tests/", "bench/", "notebooks/")) for n in names)


# -------------------------------------------------------------------------- no side effects
def test_a_build_of_nothing_creates_no_store(tmp_path):
    done = run_cli("build", tmp_path / "nonexistent", "--store", tmp_path / "store")
    assert done.returncode == 1 and "no such file or directory" in done.stdout
    assert "store: none created" in done.stdout
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_exports_follow_the_umask(invented, tmp_path, umask, mode):
    out = tmp_path / "kg.ttl"
    done = run_python("-c", f"import os, sys; os.umask({umask}); from kg.cli.main import main; "
                      f"sys.exit(main(['export', '--format', 'turtle', '-o', {str(out)!r}, '--store', "
                      f"{str(invented)!r}]))")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == mode


# ------------------------------------------------------------------------------------ pictures
def _label_problems(fig, G, highlight=()) -> list[str]:
    """Labels that overlap each other or another node, or stick out of the axes (would be clipped)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    frame = ax.get_window_extent(renderer)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_text()]
    problems = []
    for i, (a, box) in enumerate(boxes):
        if not (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1):
            problems.append(f"{a} sticks out")
        problems += [f"{a} overlaps {b}" for b, other in boxes[i + 1:] if box.overlaps(other)]
    centres = ax.collections[-1].get_offsets()  # the node markers
    radius = (900 ** 0.5) / 2 * fig.dpi / 72
    for a, box in boxes:
        for cx, cy in ax.transData.transform(centres):
            x, y = min(max(cx, box.x0), box.x1), min(max(cy, box.y0), box.y1)
            if (x - cx) ** 2 + (y - cy) ** 2 < (radius * 0.95) ** 2:
                problems.append(f"{a} covers a node")
    return problems


def test_neighbourhood_labels_do_not_overlap_or_get_clipped(seed_graph):
    from kg.explore.viz import draw_neighbourhood
    from kg.query.lookup import resolve_entity

    for name in ("陈一清", "大足区委"):
        fig = draw_neighbourhood(seed_graph, resolve_entity(seed_graph, name), depth=2)
        assert len(fig.axes[0].texts) > 20
        assert _label_problems(fig, seed_graph) == [], name


def test_a_crowded_picture_still_has_every_label_clear():
    from kg.explore.viz import draw_graph

    G = nx.MultiDiGraph()
    G.add_node("hub", type="Organization", label="海棠区人民政府办公室")
    for i in range(40):  # forty long names around one node, each edge labelled
        G.add_node(f"n{i}", type="Official", label=f"海棠区委第{i}专项工作领导小组组长")
        G.add_edge(f"n{i}", "hub", key="postIn")
    fig = draw_graph(G, title="拥挤")
    assert len([t for t in fig.axes[0].texts if t.get_text()]) == 41 + 40
    assert _label_problems(fig, G) == []


# ---------------------------------------------------------------------------------------- README
def _readme_examples() -> list[tuple[str, str]]:
    """(command, expected output) for every README command shown with its output: a ```bash
    `policykg query` block followed by a plain block, and `$ policykg …` transcripts."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    fences = re.findall(r"```(\w*)\n(.*?)```", text, re.S)
    examples = []
    for (lang, body), (next_lang, next_body) in zip(fences, [*fences[1:], ("", "")], strict=True):
        if lang == "bash" and body.startswith("policykg query '") and next_lang == "":
            examples.append((body.strip(), next_body))
    for lang, body in fences:
        if lang == "" and body.startswith("$ policykg"):
            for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
                command, _, output = chunk.partition("\n")
                examples.append((command, output))
    return examples


def _matches(expected: str, actual: str) -> bool:
    """``actual`` is ``expected`` where a line "…" stands for any lines."""
    pattern = "".join("(?:.*\n)*?" if line == "…" else re.escape(line) + "\n" for line in expected.splitlines())
    return re.fullmatch(pattern, actual if actual.endswith("\n") or not actual else actual + "\n") is not None


def test_the_readme_commands_print_what_the_readme_shows(seed_build):
    examples = _readme_examples()
    assert len(examples) >= 10
    env = {"POLICYKG_STORE": str(seed_build.store), "COLUMNS": "200"}
    for command, expected in examples:
        args = shlex.split(command, comments=True)
        assert args[0] == "policykg", command
        # run where the seeds were built from, as `make sample` does: source paths print as seeds/…
        done = run_cli(*args[1:], cwd=seed_build.seeds.parent, env=env)
        assert _matches(expected, done.stdout + done.stderr), f"{command}\n--- README\n{expected}--- got\n" \
                                                               f"{done.stdout}{done.stderr}"
