"""Cross-document entity resolution (kg.store.resolution) on invented documents: one node per
measure across its full name, short form and 文号; namesakes of different provinces kept apart;
the same official across documents one person; and the same N-Quads whatever the build order."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import run_cli
from rdflib import Dataset, Literal, URIRef

from kg.build.batch import build
from kg.model.facts import DocumentFacts, Evidence, Measure, Organization, Person, Post, Project
from kg.model.iris import measure_iri, person_iri, project_iri
from kg.model.namespaces import ORG, PKG, RDF, RDFS, SKOS
from kg.store.export import serialize
from kg.store.knowledge_store import KnowledgeStore
from kg.store.resolution import match_keys


def _ev(text: str, needle: str) -> Evidence:
    i = text.index(needle)
    return Evidence(i, i + len(needle), needle, 0, len(text))


# Invented documents: the text is the key to the facts the stub extractor returns for it.
DOCS: dict[str, str] = {
    "a.txt": "云溪市印发《云溪市青苗人才计划实施办法》（以下简称“青苗计划”）。",
    "b.txt": "“青苗计划”首批入选者名单公布，云溪市石桥区委书记柯望山出席。",
    "c.txt": "石桥区人民政府印发《石桥区促进数字产业发展若干政策》（石府发〔2031〕9号）。",
    "d.txt": "石府发〔2031〕9号文件明确，对数字企业给予奖励。石桥区区长柯望山介绍。",
    "e.txt": "远江省平川县县长柯望山调研青苗计划。",
    "f.txt": "云溪市石桥区新港物流园项目开工，新港物流园由石桥区城投公司建设。",
    "g.txt": "云溪市石桥区新港物流园（一期）项目签约。",
}


def _facts(text: str, date: str | None) -> DocumentFacts:
    f = DocumentFacts()
    if text == DOCS["a.txt"]:
        f.measures = [Measure("云溪市青苗人才计划实施办法", "PolicyDocument", aliases=("青苗计划",),
                              evidence=(_ev(text, "云溪市青苗人才计划实施办法"),))]
    elif text == DOCS["b.txt"]:
        f.measures = [Measure("青苗计划", "Program", evidence=(_ev(text, "青苗计划"),))]
        f.organizations = [Organization("云溪市石桥区委", "party", evidence=(_ev(text, "云溪市石桥区委"),))]
        f.persons = [Person("柯望山", True, "500000", (_ev(text, "柯望山"),))]
        f.posts = [Post("柯望山", "书记", "云溪市石桥区委", "云溪市石桥区委书记", _ev(text, "云溪市石桥区委书记"))]
    elif text == DOCS["c.txt"]:
        f.measures = [Measure("石桥区促进数字产业发展若干政策", "PolicyDocument", document_number="石府发〔2031〕9号",
                              aliases=("石府发〔2031〕9号",), evidence=(_ev(text, "石桥区促进数字产业发展若干政策"),))]
    elif text == DOCS["d.txt"]:
        f.measures = [Measure("石府发〔2031〕9号文件", "PolicyDocument", document_number="石府发〔2031〕9号",
                              evidence=(_ev(text, "石府发〔2031〕9号文件"),))]
        f.persons = [Person("柯望山", True, "500000", (_ev(text, "柯望山"),))]
        f.posts = [Post("柯望山", "区长", "石桥区人民政府", "石桥区区长", _ev(text, "石桥区区长"))]
    elif text == DOCS["e.txt"]:
        f.persons = [Person("柯望山", True, "430000", (_ev(text, "柯望山"),))]
        f.posts = [Post("柯望山", "县长", "平川县人民政府", "平川县县长", _ev(text, "平川县县长"))]
        # a short form with no document stating its full name here: it meets the other documents' node
        f.measures = [Measure("青苗计划", "Program", evidence=(_ev(text, "青苗计划"),))]
    elif text == DOCS["f.txt"]:
        f.projects = [Project("新港物流园项目", aliases=("新港物流园",), evidence=(_ev(text, "新港物流园项目"),))]
    elif text == DOCS["g.txt"]:
        f.projects = [Project("新港物流园（一期）项目", evidence=(_ev(text, "新港物流园（一期）项目"),))]
    return f


@pytest.fixture
def corpus(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    paths = []
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


def _build(paths: list[Path], store: Path) -> bytes:
    summary = build(paths, store, progress=False, extract=_facts)
    assert summary.ok, summary.format()
    with KnowledgeStore(store, read_only=True) as s:
        return b"".join(serialize(s, "nq"))


def _dataset(nq: bytes) -> Dataset:
    ds = Dataset(default_union=True)  # the union of the document graphs
    ds.parse(data=nq.decode("utf-8"), format="nquads")
    return ds


def test_match_keys_skip_generic_and_context_bound_names():
    assert match_keys("measure", ["实施方案", "《措施》"]) == set()
    assert match_keys("org", ["区委", "云溪市石桥区委"]) == {"org|云溪市石桥区委"}
    assert match_keys("measure", ["“青苗计划”"]) == match_keys("measure", ["青苗计划"])


def test_short_form_in_one_document_and_full_name_in_another_are_one_node(corpus, tmp_path):
    ds = _dataset(_build(corpus, tmp_path / "s"))
    full = measure_iri("云溪市青苗人才计划实施办法")
    assert (measure_iri("青苗计划"), None, None) not in ds  # the short form's own IRI is gone
    labels = set(ds.objects(full, RDFS.label))
    assert labels == {Literal("云溪市青苗人才计划实施办法", lang="zh")}
    assert Literal("青苗计划", lang="zh") in set(ds.objects(full, SKOS.altLabel))
    # each document that named it by its short form says so in a merge record of its own graph
    records = list(ds.subjects(PKG.mergedInto, full))
    assert len(records) == 3
    stated = {str(n) for r in records for n in ds.objects(r, PKG.statedName)}
    assert stated == {"云溪市青苗人才计划实施办法", "青苗计划"}
    assert measure_iri("青苗计划") in set(ds.objects(None, PKG.mergedIRI))


def test_document_number_ties_two_names_of_one_policy(corpus, tmp_path):
    ds = _dataset(_build(corpus, tmp_path / "s"))
    numbered = {s for s in ds.subjects(PKG.documentNumber, Literal("石府发〔2031〕9号"))}
    assert numbered == {measure_iri("石桥区促进数字产业发展若干政策")}  # the fuller name wins


def test_different_projects_sharing_no_specific_name_stay_apart(corpus, tmp_path):
    ds = _dataset(_build(corpus, tmp_path / "s"))
    assert (project_iri("新港物流园项目"), RDF.type, PKG.Project) in ds
    assert (project_iri("新港物流园（一期）项目"), RDF.type, PKG.Project) in ds


def test_namesakes_of_different_provinces_stay_two_persons_and_one_official_is_one(corpus, tmp_path):
    ds = _dataset(_build(corpus, tmp_path / "s"))
    chongqing, hunan = person_iri("柯望山", "500000"), person_iri("柯望山", "430000")
    assert chongqing != hunan
    # the district chief of one document and the district secretary of another: one person, two posts
    posts = {str(ds.value(p, RDFS.label)) for p in ds.objects(chongqing, ORG.holds)}
    assert posts == {"云溪市石桥区委书记", "石桥区区长"}
    assert {str(ds.value(p, RDFS.label)) for p in ds.objects(hunan, ORG.holds)} == {"平川县县长"}


@pytest.mark.parametrize("order", [list(range(7))[::-1], [3, 0, 6, 1, 5, 2, 4], [4, 2, 5, 1, 6, 0, 3]])
def test_the_graph_does_not_depend_on_the_build_order(corpus, tmp_path, order):
    forward = _build(corpus, tmp_path / "forward")
    other = _build([corpus[i] for i in order], tmp_path / "other")
    assert forward == other


def test_documents_added_one_at_a_time_give_the_same_graph(corpus, tmp_path):
    # incremental: each build adds one document to the store left by the previous builds
    expected = _build(corpus, tmp_path / "all")
    for i in itertools.count():
        if i == len(corpus):
            break
        last = _build(list(reversed(corpus))[: i + 1], tmp_path / "incremental")
    assert last == expected


def test_a_new_document_rewrites_only_the_graphs_naming_the_merged_node(corpus, tmp_path):
    store = tmp_path / "s"
    _build([corpus[0], corpus[2], corpus[5]], store)
    with KnowledgeStore(store, read_only=True) as s:
        before = {g: s.document_ntriples(g) for g in s.named_graphs()}
    _build([corpus[0], corpus[2], corpus[5], corpus[1]], store)  # b.txt: the short form alone
    with KnowledgeStore(store, read_only=True) as s:
        after = {g: s.document_ntriples(g) for g in before}
    changed = {g for g in before if before[g] != after[g]}
    assert len(changed) == 1  # a.txt's graph (now the node has a record there); c.txt, f.txt untouched
    assert "青苗" in next(iter(after[g] for g in changed))
    assert isinstance(next(iter(changed)), URIRef)


def test_show_says_which_document_named_the_node_how_and_why_they_are_one(corpus, tmp_path):
    _build(corpus, tmp_path / "s")
    done = run_cli("show", "云溪市青苗人才计划实施办法", "--store", tmp_path / "s")
    assert done.returncode == 0, done.stderr
    tail = done.stdout.split("one node across 3 document(s)", 1)[1]
    assert "a.txt names it 云溪市青苗人才计划实施办法, 青苗计划 — shares 「青苗计划」 with b.txt, e.txt" in tail
    assert "b.txt names it 青苗计划 — shares 「青苗计划」 with a.txt, e.txt" in tail
    shown = run_cli("show", "石桥区促进数字产业发展若干政策", "--store", tmp_path / "s").stdout
    expected = ("c.txt names it 石府发〔2031〕9号, 石桥区促进数字产业发展若干政策"
                " — shares 「文号 石府发〔2031〕9号」 with d.txt")
    assert expected in shown


def _placed_facts(text: str, date: str | None) -> DocumentFacts:
    """Invented documents naming no province: the district of a post's organization places the person."""
    f = DocumentFacts()
    if text.startswith("甲"):  # a notice whose text gives the province
        f.persons = [Person("柯望山", True, "500000", (_ev(text, "柯望山"),))]
        f.organizations = [Organization("大足区人民政府", "government", district="500111")]
        f.posts = [Post("柯望山", "副区长", "大足区人民政府", "大足区副区长", _ev(text, "大足区副区长"))]
    elif text.startswith("乙"):  # a later report naming only the district: no region from the text
        f.persons = [Person("柯望山", True, None, (_ev(text, "柯望山"),))]
        f.organizations = [Organization("大足区委", "party", district="500111")]
        f.posts = [Post("柯望山", "书记", "大足区委", "大足区委书记", _ev(text, "大足区委书记"))]
    else:  # a namesake with a post in another province's county
        f.persons = [Person("柯望山", True, None, (_ev(text, "柯望山"),))]
        f.organizations = [Organization("平江县人民政府", "government", district="430626")]
        f.posts = [Post("柯望山", "县长", "平江县人民政府", "平江县县长", _ev(text, "平江县县长"))]
    return f


def test_a_person_placed_by_the_district_of_their_post_is_the_namesake_of_that_province(tmp_path):
    texts = {"a.txt": "甲：任命柯望山为大足区副区长。", "b.txt": "乙：大足区委书记柯望山主持会议。",
             "c.txt": "丙：平江县县长柯望山调研。"}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert build([tmp_path / n for n in texts], tmp_path / "s", progress=False, extract=_placed_facts).ok
    with KnowledgeStore(tmp_path / "s", read_only=True) as s:
        ds = _dataset(b"".join(serialize(s, "nq")))
    posts = {str(ds.value(p, RDFS.label)) for p in ds.objects(person_iri("柯望山", "500000"), ORG.holds)}
    assert posts == {"大足区副区长", "大足区委书记"}  # 副区长 and later 区委书记 of one district: one person
    hunan = {str(ds.value(p, RDFS.label)) for p in ds.objects(person_iri("柯望山", "430000"), ORG.holds)}
    assert hunan == {"平江县县长"}
    assert (person_iri("柯望山", None), None, None) not in ds


def _scoped_facts(text: str, date: str | None) -> DocumentFacts:
    """Two cities' policies sharing a short form, and the short form alone in a third document."""
    from kg.model.facts import District

    dazu, pingjiang = District("500111", "大足区", "500000"), District("430626", "平江县", "430600")
    f = DocumentFacts()
    if text.startswith("甲"):
        f.districts = [dazu]
        f.measures = [Measure("大足区人才新政实施办法", "PolicyDocument", aliases=("人才新政",), district="500111")]
    elif text.startswith("乙"):
        f.districts = [pingjiang]
        f.measures = [Measure("平江县人才新政若干措施", "PolicyDocument", aliases=("人才新政",), district="430626")]
    else:
        f.districts = [dazu]
        f.measures = [Measure("人才新政", "Program")]
    return f


@pytest.mark.parametrize("names", [("a.txt", "b.txt", "c.txt"), ("c.txt", "b.txt", "a.txt")])
def test_a_short_form_holds_only_in_the_provinces_its_document_names(tmp_path, names):
    texts = dict(zip(names, ("甲：大足区人才新政。", "乙：平江县人才新政。", "丙：大足区人才新政兑现。"), strict=True))
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert build([tmp_path / n for n in sorted(texts)], tmp_path / "s", progress=False, extract=_scoped_facts).ok
    with KnowledgeStore(tmp_path / "s", read_only=True) as s:
        ds = _dataset(b"".join(serialize(s, "nq")))
    labels = {str(ds.value(m, RDFS.label)) for m in ds.subjects(RDF.type, PKG.PolicyMeasure)}
    assert labels == {"大足区人才新政实施办法", "平江县人才新政若干措施"}  # 人才新政 of 丙 joined 大足区's
    dazu = measure_iri("大足区人才新政实施办法")
    assert Literal("人才新政", lang="zh") in set(ds.objects(dazu, SKOS.altLabel))
    assert len(set(ds.subjects(PKG.mergedInto, dazu))) == 2
    assert not set(ds.subjects(PKG.mergedInto, measure_iri("平江县人才新政若干措施")))


def test_what_a_worker_says_of_a_graph_is_what_the_writer_would_read_from_it():
    # the writer resolves from StatedEntities; a named measure, a province-scoped alias, a 文号,
    # a node mentioned only as an object, and a person (not resolved) in one invented graph
    from rdflib import Graph

    from kg.model.namespaces import SCHEMA
    from kg.store.resolution import stated_entities

    measure, project = measure_iri("云溪市青苗人才计划实施办法"), project_iri("新港物流园")
    district = URIRef("https://w3id.org/policykg/id/district/510100")
    g = Graph()
    g.add((measure, RDFS.label, Literal("云溪市青苗人才计划实施办法", lang="zh")))
    g.add((measure, SKOS.altLabel, Literal("青苗计划", lang="zh")))
    g.add((measure, PKG.documentNumber, Literal("云府发〔2031〕1号")))
    g.add((district, RDF.type, SCHEMA.AdministrativeArea))
    g.add((district, PKG.adminCode, Literal("510100")))
    g.add((person_iri("柯望山", "510000"), ORG.memberOf, project))  # any predicate: a mention
    stated = stated_entities(g.serialize(format="nt"))
    assert set(stated.names) == {str(measure)}
    assert stated.names[str(measure)] == {"云溪市青苗人才计划实施办法", "青苗计划"}
    assert stated.keys[str(measure)] == match_keys(
        "measure", ["云溪市青苗人才计划实施办法"], ["青苗计划"], ["云府发〔2031〕1号"], ["510000"])
    assert "measure|青苗计划@510000" in stated.keys[str(measure)]
    assert stated.mentioned == {str(measure), str(project)}
