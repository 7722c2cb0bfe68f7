"""Write notebooks/*.ipynb from the cell sources below (outputs empty; CI executes them).

Run after editing a cell here: ``python notebooks/make_notebooks.py``. Keeping the sources in one
plain Python file makes notebook changes reviewable as ordinary diffs. To open them:
``pip install -e '.[notebook]'`` (JupyterLab, pandas), then ``jupyter lab notebooks/``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = '''import os
import pathlib
import tempfile

from kg.build.batch import build
from kg.store.knowledge_store import KnowledgeStore

# The sample corpus lives in seeds/ beside this folder. $POLICYKG_STORE names an existing store
# (CI passes the one its tests built); otherwise the seeds are built into a fresh temporary store.
ROOT = pathlib.Path.cwd().parent if pathlib.Path.cwd().name == "notebooks" else pathlib.Path.cwd()
store_path = os.environ.get("POLICYKG_STORE")
if not store_path:
    store_path = pathlib.Path(tempfile.mkdtemp()) / "store"
    print(build([ROOT / "seeds"], store_path, progress=False).format())
store = KnowledgeStore(store_path, read_only=True)
print(store.path, store.triple_count(), "triples")
assert store.triple_count() > 1000'''

QUICKSTART = [
    new_markdown_cell("""# PolicyKG quickstart

Build the sample corpus (five Chongqing/Sichuan news pages in `seeds/`) into a knowledge store, ask
it questions in SPARQL, walk it as a networkx graph, see why it says what it says, and draw it."""),
    new_markdown_cell("## 1. A store\n\nBuilding takes about 20 s the first time (spaCy loads once)."),
    new_code_cell(SETUP),
    new_markdown_cell("""## 2. SPARQL

`run_query` predeclares the project's prefixes (`pkg:`, `org:`, `schema:`, and one per kind of node:
`district:500111`, `person:…`) and binds parameters as RDF terms: the name below is never pasted into
the query text, and a bare name matches labels whatever their language tag. `records` turns a
result into rows of Python values, a pandas `DataFrame` in one step."""),
    new_code_cell('''import pandas as pd

from kg.explore.analysis import records
from kg.query.sparql import run_query

result = run_query(store, """
SELECT ?official ?post WHERE {
  ?d rdfs:label ?district .
  ?o schema:areaServed ?d . ?x org:postIn ?o ; rdfs:label ?post .
  ?p org:holds ?x ; a pkg:Official ; rdfs:label ?official .
} ORDER BY ?official ?post""", {"district": "大足区"})
officials = pd.DataFrame(records(result))
assert {"陈一清", "徐晓勇"} <= set(officials["official"])
officials'''),
    new_markdown_cell("The saved queries in `kg/query/saved_queries/` answer common questions by name:"),
    new_code_cell('''from kg.query.saved import run_saved, saved_queries

print(pd.DataFrame([{"name": q.name, "title": q.title} for q in saved_queries()]).to_string(index=False))
totals = pd.DataFrame(records(run_saved(store, "funding_by_district")))
# funding totals count only money that funds something (subsidies, budgets, investment,
# financing), not output value, revenue, contract values or thresholds
assert totals.loc[0, "district"] == "长寿区"
totals'''),
    new_markdown_cell("""## 3. networkx

`to_networkx` turns the store into a `MultiDiGraph`: typed nodes with labels, aliases and evidence,
edges keyed by relation. `resolve_entity` finds a node by name, alias or adcode (and suggests close
names when there is none)."""),
    new_code_cell('''from collections import Counter

from kg.explore.network import neighbourhood, shortest_connection, to_networkx
from kg.query.lookup import EntityNotFound, resolve_entity

G = to_networkx(store)
print(G.number_of_nodes(), "entities,", G.number_of_edges(), "relations")
print(Counter(t for _, t in G.nodes(data="type")).most_common())
chen = resolve_entity(G, "陈一清")
print(G.nodes[chen]["label"], G.nodes[chen]["type"])
try:
    resolve_entity(G, "陈一青")  # a typo
except EntityNotFound as e:
    print(e)
assert G.nodes[chen]["type"] == "Official"'''),
    new_code_cell('''near = neighbourhood(G, chen, depth=1)
print(sorted(G.nodes[n]["label"] for n in near))
for step in shortest_connection(G, chen, resolve_entity(G, "杨桦")):
    print(step["from"], step["direction"], step["relation"], step["to"])
assert any(G.nodes[n]["label"] == "大足区委书记" for n in near)'''),
    new_markdown_cell("## 4. Why does the graph say this?\n\n`describe` lists every fact with the sentence and "
                      "document stating it (the same as `policykg show 陈一清`)."),
    new_code_cell('''from kg.explore.describe import describe

report = describe(G, chen)
print(report.format())
posts = [s for s in report.statements if s.relation == "post"]
assert any(s.value == "大足区委书记" and s.evidence and "陈一清" in s.evidence[0].sentence for s in posts)'''),
    new_markdown_cell("## 5. Pictures\n\nLabels are set in Noto Sans CJK SC (installed with PolicyKG from "
                      "PyPI's `noto-cjk-sans-otc`)."),
    new_code_cell('''from kg.explore.fonts import cjk_font, missing_glyphs
from kg.explore.viz import draw_neighbourhood

font = cjk_font()
print(font.family, font.source)
labels = "".join(G.nodes[n]["label"] for n in neighbourhood(G, chen, depth=2))
assert missing_glyphs(font, labels) == ""
fig = draw_neighbourhood(G, chen, depth=2)'''),
    new_code_cell('''from kg.explore.html_view import neighbourhood_html, write_html

page = write_html(neighbourhood_html(G, chen, depth=2), pathlib.Path(tempfile.mkdtemp()) / "chen.html")
print("open", page, "in a browser: it works offline")
assert "陈一清" in page.read_text(encoding="utf-8")
store.close()'''),
]

ANALYSIS = [
    new_markdown_cell("""# Who works with whom, and where the money goes

An analysis of the sample corpus with the helpers in `kg.explore.analysis` (plain lists of dicts) and
networkx: the officials of a district, who meets whom, and funding by district."""),
    new_code_cell(SETUP),
    new_markdown_cell("## Officials of 大足区 and the organizations they serve in"),
    new_code_cell('''import pandas as pd

from kg.explore.analysis import officials_of_district, officials_of_organization

officials = pd.DataFrame(officials_of_district(store, "大足区"))
by_person = officials.groupby("official")["post"].apply(list)
print(len(by_person), "officials")
assert "区长" in by_person["徐晓勇"]
assert [r["person"] for r in officials_of_organization(store, "大足区委")] == sorted(
    r["person"] for r in officials_of_organization(store, "中共重庆市大足区委员会"))
officials'''),
    new_code_cell('''from kg.explore.network import to_networkx
from kg.explore.viz import draw_official_network
from kg.query.lookup import resolve_entity

G = to_networkx(store)
fig = draw_official_network(G, resolve_entity(G, "大足区", types={"District"}))'''),
    new_markdown_cell("""## Meeting co-occurrence

Two people are linked when they chaired or attended the same meeting; the weight is how many
meetings they shared. Degree centrality then says who sits at the most tables."""),
    new_code_cell('''import networkx as nx

from kg.explore.analysis import meeting_cooccurrence

pairs = meeting_cooccurrence(store)
M = nx.Graph()
for p in pairs:
    M.add_edge(p["official"], p["other"], weight=p["meetings"], meetings=p["which"])
centrality = (pd.DataFrame(nx.degree_centrality(M).items(), columns=["person", "centrality"])
              .sort_values(["centrality", "person"], ascending=[False, True], ignore_index=True))
print(nx.number_connected_components(M), "groups of people who met")
assert M.has_edge("陈一清", "徐晓勇")
assert {p["other"] for p in meeting_cooccurrence(store, "陈一清")} == set(M["陈一清"])
centrality.head(6)'''),
    new_markdown_cell("""## Funding by district

Only money that funds something counts (`pkg:amountKind` subsidy/award, budget/fund, investment,
financing, in yuan). Output value, revenue, contract values, award thresholds and per-unit rates
are amounts too, but not funding: `funding_amounts(store, kind="all")` lists them with their kind."""),
    new_code_cell('''from kg.explore.analysis import funding_amounts, funding_by_district
from kg.explore.viz import draw_funding

totals = pd.DataFrame(funding_by_district(store))
totals["亿元"] = totals["total"].astype(float) / 1e8
amount_rows = funding_amounts(store)
amounts = pd.DataFrame(amount_rows)
assert totals.loc[0, "district"] == "长寿区"
not_funding = [a for a in funding_amounts(store, kind="all") if a["amount_kind"] == "OutputOrRevenue"]
assert not_funding and not any(a["as_written"] == n["as_written"] for a in amount_rows for n in not_funding)
# the totals are the per-district sums of the listed amounts
by_area = amounts.dropna(subset=["adcode"]).groupby("adcode")["amount"].sum()
assert dict(zip(totals["adcode"], totals["total"], strict=True)) == by_area.to_dict()
fig = draw_funding(amount_rows)
totals[["district", "adcode", "亿元", "amounts"]]'''),
    new_markdown_cell("## Agreements between districts"),
    new_code_cell('''from kg.explore.analysis import agreements

pairs = pd.DataFrame(agreements(store)).fillna({"agreement": "（未命名协议）"})
assert any({a["party"], a["other_party"]} == {"潼南区", "遂宁市"} for a in agreements(store, "潼南区"))
store.close()
pairs[["agreement", "party", "other_party", "date"]]'''),
]


TIMELINES = [
    new_markdown_cell("""# Timelines: who held which post when

Three saved queries answer the questions asked first of an officials-and-posts graph: who held a
post over time (`post_holders_over_time`), every change in a district in a period
(`post_changes_in_district`), and officials who moved between districts
(`officials_moving_between_districts`). A post stated in a dated document is seen held "as of" that
date; a post change (任免) carries the date the text states for it. Documents built into one store
are one graph: the same official in several documents is one person."""),
    new_code_cell(SETUP),
    new_markdown_cell("""## 1. Who held a post over time

On the seeds, every post is seen in a dated news report (kind `Held`); the first and last dates
are the documents' dates."""),
    new_code_cell('''import pandas as pd

from kg.explore.analysis import records
from kg.query.saved import run_saved

holders = pd.DataFrame(records(run_saved(store, "post_holders_over_time", {"role": "区长"})))
assert "徐晓勇" in set(holders["person"])
held = pd.DataFrame(records(run_saved(store, "post_changes_in_district", {"district": "大足区", "held": "1"})))
assert set(held["kind"]) == {"Held"} and "陈一清" in set(held["person"])
store.close()
holders'''),
    new_markdown_cell("""## 2. Appointment notices (任免)

Three short invented documents about two officials (the names are made up, the places real): two
standing-committee decisions two years apart in two districts, and a later meeting report. They are
built into a store of their own."""),
    new_code_cell('''NOTICES = {
    "01_dazu_2021.txt": "大足区人大常委会任免名单\\n\\n2021年3月15日，重庆市大足区第十八届人民代表大会常务委员会"
                        "第三十八次会议决定：\\n任命柯望山为重庆市大足区人民政府副区长；\\n"
                        "免去贺明川的重庆市大足区人民政府副区长职务。\\n",
    "02_yongchuan_2023.txt": "永川区人大常委会任免名单\\n\\n2023年6月20日，重庆市永川区第二届人民代表大会常务委员会"
                             "第十二次会议决定：\\n任命柯望山为重庆市永川区人民政府副区长；\\n"
                             "接受贺明川辞去重庆市永川区人民政府副区长职务的请求。\\n",
    "03_dazu_2024.txt": "大足区召开区委常委会会议\\n\\n2024年1月8日，大足区委书记贺明川主持召开区委常委会会议，"
                        "区委副书记、区长柯望山出席。\\n",
}
folder = pathlib.Path(tempfile.mkdtemp()) / "notices"
folder.mkdir()
for name, text in NOTICES.items():
    (folder / name).write_text(text, encoding="utf-8")
notices_path = folder.parent / "store"
print(build([folder], notices_path, progress=False).format())
notices = KnowledgeStore(notices_path, read_only=True)
changes = pd.DataFrame(records(run_saved(notices, "post_changes_in_district",
                                         {"district": "大足区", "from": "2021", "to": "2021"})))
assert set(zip(changes["person"], changes["kind"], strict=True)) == {("柯望山", "Appointed"), ("贺明川", "Removed")}
assert set(changes["date"]) == {"2021-03-15"}  # the date the decision states
changes[["date", "kind", "person", "post", "organization", "sentence"]]'''),
    new_markdown_cell("""## 3. Who held 副区长, and who moved

The same name in documents about one province is one person, whichever district each document is
about; so a move reads top to bottom, first and last seen per district."""),
    new_code_cell('''deputies = pd.DataFrame(records(run_saved(notices, "post_holders_over_time", {"role": "副区长"})))
assert set(deputies["changes"]) >= {"Appointed 2021-03-15", "Removed 2021-03-15", "Resigned 2023-06-20"}
moves = pd.DataFrame(records(run_saved(notices, "officials_moving_between_districts")))
where = moves[moves["person"] == "柯望山"]
assert list(where["place"]) == ["大足区", "永川区"]
assert str(where["last_seen"].iloc[0]) == "2024-01-08"  # back in 大足区 as 区长 in the meeting report
deputies'''),
    new_code_cell('''from kg.explore.describe import describe
from kg.explore.network import to_networkx
from kg.query.lookup import resolve_entity

G = to_networkx(notices)
report = describe(G, resolve_entity(G, "柯望山"))
assert report.timeline and len(report.timeline.changes) >= 2
print(report.timeline.format(1))
notices.close()
moves'''),
]


def write(name: str, cells: list) -> Path:
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{Path(name).stem}-{i}"  # stable ids: regenerating changes nothing
    path = NOTEBOOKS / name
    NOTEBOOKS.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    print(write("quickstart.ipynb", QUICKSTART))
    print(write("district_analysis.ipynb", ANALYSIS))
    print(write("timelines.ipynb", TIMELINES))
