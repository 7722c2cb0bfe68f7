"""Pictures: the CJK font has every glyph the labels need, files are written, the HTML is offline."""

from __future__ import annotations

import json
import re
import warnings

import pytest

from kg.cli.main import main
from kg.explore.analysis import funding_amounts
from kg.explore.fonts import cjk_font, missing_glyphs, use_cjk_font
from kg.explore.html_view import graph_html, neighbourhood_html
from kg.explore.network import example_graph, neighbourhood, to_networkx
from kg.explore.viz import draw_funding, draw_neighbourhood, draw_official_network
from kg.query.lookup import resolve_entity

PNG = b"\x89PNG\r\n\x1a\n"



def test_the_cjk_font_covers_every_name_in_the_sample(seed_graph):
    font = cjk_font()
    assert font.family == "Noto Sans CJK SC" and font.source == "noto-cjk-sans-otc"
    names = "".join(d["label"] + "".join(d["aliases"]) for _, d in seed_graph.nodes(data=True))
    assert len(set(names)) > 500
    assert missing_glyphs(font, names) == ""
    assert missing_glyphs(font, "大足𝄞") == "𝄞"  # a musical symbol: the check does see gaps


def test_matplotlib_resolves_text_to_the_cjk_font():
    from matplotlib import font_manager

    font = use_cjk_font()
    chosen = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert chosen == str(font.path)


def _no_missing_glyph_warnings(record) -> None:
    missing = [str(w.message) for w in record if "missing from font" in str(w.message)]
    assert missing == []


def test_neighbourhood_png_has_readable_chinese(seed_graph, tmp_path):
    chen = resolve_entity(seed_graph, "陈一清")
    out = tmp_path / "chen.png"
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fig = draw_neighbourhood(seed_graph, chen, depth=2, path=out)
    _no_missing_glyph_warnings(record)
    assert out.read_bytes()[:8] == PNG and out.stat().st_size > 50_000
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"陈一清", "大足区委书记", "书记", "主持", "担任"} <= texts
    assert len([t for t in texts if t]) >= len(neighbourhood(seed_graph, chen, 2))


def test_official_network_and_funding_pictures(seed_graph, seed_store, tmp_path):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fig = draw_official_network(seed_graph, resolve_entity(seed_graph, "大足区"), path=tmp_path / "dazu.svg")
        rows = funding_amounts(seed_store)
        bars = draw_funding(rows, path=tmp_path / "funding.png")
    _no_missing_glyph_warnings(record)
    svg = (tmp_path / "dazu.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "徐晓勇  区长；大足区委副书记；委员会副主任" in texts and "大足区人民政府" in texts
    # 8 of the 12 seed amounts fund something (not output value, revenue, trading volume, contract value)
    assert len(bars.axes[0].patches) == len([r for r in rows if r["amount"]]) == 8
    assert (tmp_path / "funding.png").read_bytes()[:8] == PNG


def test_neighbourhood_html_is_self_contained(seed_graph):
    chen = resolve_entity(seed_graph, "陈一清")
    page = neighbourhood_html(seed_graph, chen, depth=2)
    assert not re.search(r"<script[^>]+src=|<link\b|@import|url\((?!#|data:)", page)
    assert 'src:url(data:font/otf;base64,' in page  # the CJK font travels with the page
    assert not re.search(r"""(?:src|href)=["']?https?:""", page)
    payload = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1)
    data = json.loads(payload)
    assert data["focus"] == chen
    assert len(data["nodes"]) == len(neighbourhood(seed_graph, chen, 2)) == page.count('class="node"')
    post = next(n for n in data["nodes"] if n["label"] == "大足区委书记")
    assert post["evidence"][0]["sentence"] == "大足区委书记、领导小组组长陈一清主持会议并讲话。"


def test_html_escapes_hostile_labels():
    G = to_networkx(example_graph())
    G.nodes["https://w3id.org/policykg/id/person/a"]["label"] = '</script><script>alert("x")</script>'
    page = graph_html(G, title="<b>t</b>")
    assert "<script>alert" not in page and "<b>t</b>" not in page
    payload = re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1)
    assert '</script><script>alert("x")</script>' in {n["label"] for n in json.loads(payload)["nodes"]}


@pytest.mark.parametrize(("args", "suffix"), [
    (["neighbourhood", "大足区委", "--depth", "2"], ".png"),
    (["neighbourhood", "陈一清"], ".html"),
    (["officials", "大足"], ".svg"),
    (["funding"], ".pdf"),
])
def test_viz_command_writes_the_file(seed_build, tmp_path, capsys, args, suffix):
    out = tmp_path / f"picture{suffix}"
    assert main(["viz", *args, "-o", str(out), "--store", str(seed_build.store)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    head = out.read_bytes()[:16]
    assert {".png": head.startswith(PNG), ".html": head.startswith(b"<!DOCTYPE html>"),
            ".svg": b"<?xml" in head, ".pdf": head.startswith(b"%PDF")}[suffix]


def test_viz_command_errors(seed_build, tmp_path, capsys):
    store_dir = str(seed_build.store)
    assert main(["viz", "funding", "-o", str(tmp_path / "f.html"), "--store", store_dir]) == 1
    assert main(["viz", "officials", "陈一清", "-o", str(tmp_path / "o.png"), "--store", store_dir]) == 1
    assert "no entity named '陈一清'" in capsys.readouterr().err
    assert main(["viz", "funding", "--district", "大足区", "-o", str(tmp_path / "f.png"), "--store", store_dir]) == 1
