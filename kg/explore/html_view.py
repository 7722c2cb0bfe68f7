"""An interactive, self-contained HTML page of an entity's neighbourhood: opens offline, no CDN.

The node positions are computed here (:func:`kg.explore.viz.layout`) and drawn as inline SVG, so the page
shows the graph even with scripts off. A few lines of inline JavaScript add the rest: hovering a
node or edge shows its label and type, clicking a node highlights its neighbours and lists its
aliases, attributes and evidence sentences in a side panel, the wheel zooms and dragging pans.
The data sits in the page as JSON (``<script type="application/json">``), escaped so no label can
close the script. The CJK font (:func:`kg.explore.fonts.cjk_font`), cut down to the characters the page
uses (about 100 kB), is embedded as a ``data:`` URL, so Chinese shows even where no CJK font is
installed.

>>> from kg.explore.network import example_graph, to_networkx
>>> page = neighbourhood_html(to_networkx(example_graph()), "https://w3id.org/policykg/id/person/a", depth=2)
>>> "张明远" in page and "<script src" not in page and "<link" not in page
True
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import networkx as nx

from kg.explore.network import edge_evidence, neighbourhood, node_name
from kg.explore.viz import RELATION_NAMES, TYPE_COLOURS, layout

__all__ = ["graph_html", "neighbourhood_html", "write_html"]

_W, _H, _PAD = 1000, 720, 70
_ATTRS = ("kind", "adcode", "as_written", "purpose", "value", "min_value", "max_value", "as_of", "date", "org_kind")

_CSS = """
body{margin:0;font-family:"PolicyKG CJK","Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
"WenQuanYi Micro Hei",sans-serif;display:flex;height:100vh;color:#222}
#graph{flex:1;min-width:0;background:#fafafa}
#panel{width:340px;overflow:auto;border-left:1px solid #ddd;padding:12px 16px;font-size:14px}
#panel h2{font-size:18px;margin:4px 0}
.edge{stroke:#aaa;stroke-width:1.4}
.edge.hot{stroke:#333;stroke-width:2.5}
.node circle{stroke:#fff;stroke-width:1.5;cursor:pointer}
.node.focus circle{stroke:#000;stroke-width:4}
.node text{font-size:13px;pointer-events:none;paint-order:stroke;stroke:#fafafa;stroke-width:3px}
.elabel{font-size:10px;fill:#666;pointer-events:none}
.dim{opacity:.15}
.ev{margin:6px 0;padding:6px;background:#f3f3f3;border-radius:4px}
.src{color:#777;font-size:12px}
#tip{position:fixed;pointer-events:none;background:#222;color:#fff;padding:3px 7px;border-radius:3px;
font-size:12px;display:none}
.legend span{display:inline-block;margin-right:10px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:3px}
"""

_JS = """
(function(){
const data=JSON.parse(document.getElementById('kg-data').textContent);
const svg=document.getElementById('graph'), view=document.getElementById('view');
const tip=document.getElementById('tip'), panel=document.getElementById('detail');
const byId={}; data.nodes.forEach(n=>byId[n.id]=n);
function esc(s){const d=document.createElement('div');d.textContent=String(s);return d.innerHTML;}
function show(e,text){tip.textContent=text;tip.style.display='block';
  tip.style.left=(e.clientX+12)+'px';tip.style.top=(e.clientY+12)+'px';}
function hide(){tip.style.display='none';}
function select(id){
  const n=byId[id]; const near=new Set([id]);
  data.edges.forEach(e=>{if(e.source===id)near.add(e.target); if(e.target===id)near.add(e.source);});
  document.querySelectorAll('.node').forEach(g=>{g.classList.toggle('dim',!near.has(g.dataset.id));
    g.classList.toggle('focus',g.dataset.id===id);});
  document.querySelectorAll('.edge,.elabel').forEach(l=>{const hot=l.dataset.s===id||l.dataset.t===id;
    l.classList.toggle('dim',!hot); if(l.classList.contains('edge'))l.classList.toggle('hot',hot);});
  let h='<h2>'+esc(n.label)+'</h2><div class="src">'+esc(n.type)+' · '+esc(n.id)+'</div>';
  if(n.aliases.length)h+='<p>别名 aliases: '+n.aliases.map(esc).join('、')+'</p>';
  Object.entries(n.attrs).forEach(([k,v])=>{h+='<div>'+esc(k)+': '+esc(v)+'</div>';});
  const rel=data.edges.filter(e=>e.source===id||e.target===id);
  if(rel.length){h+='<h3>关系 relations</h3>';
    rel.forEach(e=>{const out=e.source===id, other=byId[out?e.target:e.source];
      h+='<div class="ev">'+(out?'→ ':'← ')+esc(e.label)+' <b>'+esc(other.label)+'</b>';
      e.evidence.forEach(v=>{h+='<div>“'+esc(v.sentence)+'”</div><div class="src">'+esc(v.document)+'</div>';});
      h+='</div>';});}
  if(n.evidence.length){h+='<h3>提及 mentions</h3>';
    n.evidence.forEach(v=>{h+='<div class="ev">“'+esc(v.sentence)+'”<div class="src">'+esc(v.document)+
      ', '+esc(v.start)+'–'+esc(v.end)+'</div></div>';});}
  panel.innerHTML=h;
}
document.querySelectorAll('.node').forEach(g=>{
  const n=byId[g.dataset.id];
  g.addEventListener('mousemove',e=>show(e,n.label+' ('+n.type+')'));
  g.addEventListener('mouseleave',hide);
  g.addEventListener('click',e=>{e.stopPropagation();select(n.id);});
});
document.querySelectorAll('.edge').forEach(l=>{
  const text=byId[l.dataset.s].label+' → '+l.dataset.label+' → '+byId[l.dataset.t].label;
  l.addEventListener('mousemove',e=>show(e,text));
  l.addEventListener('mouseleave',hide);
});
let vb=svg.viewBox.baseVal, drag=null;
svg.addEventListener('wheel',e=>{e.preventDefault();const f=e.deltaY>0?1.15:1/1.15;
  const r=svg.getBoundingClientRect(), px=vb.x+(e.clientX-r.left)/r.width*vb.width,
  py=vb.y+(e.clientY-r.top)/r.height*vb.height;
  vb.x=px-(px-vb.x)*f; vb.y=py-(py-vb.y)*f; vb.width*=f; vb.height*=f;},{passive:false});
svg.addEventListener('mousedown',e=>{drag={x:e.clientX,y:e.clientY};});
window.addEventListener('mouseup',()=>{drag=null;});
window.addEventListener('mousemove',e=>{if(!drag)return;const r=svg.getBoundingClientRect();
  vb.x-=(e.clientX-drag.x)/r.width*vb.width; vb.y-=(e.clientY-drag.y)/r.height*vb.height;
  drag={x:e.clientX,y:e.clientY};});
if(data.focus)select(data.focus);
})();
"""


def _font_face(text: str) -> str:
    """A CSS ``@font-face`` embedding the CJK font cut down to ``text``'s characters ('' if none)."""
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    from kg.explore.fonts import FontNotFound, cjk_font

    try:
        font_file = cjk_font()
    except FontNotFound:
        return ""  # the browser's own fonts then
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(str(font_file.path), fontNumber=font_file.index)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'@font-face{{font-family:"PolicyKG CJK";src:url(data:font/otf;base64,{data}) format("opentype")}}'


def _evidence(refs: list[dict[str, Any]], limit: int = 3) -> list[dict[str, Any]]:
    return [{"sentence": e["sentence"], "document": e["document_name"], "start": e["start"], "end": e["end"]}
            for e in refs[:limit]]


def _page_data(G: nx.MultiDiGraph, focus: str | None) -> dict[str, Any]:
    pos = layout(G)
    xs = [x for x, _ in pos.values()] or [0.0]
    ys = [y for _, y in pos.values()] or [0.0]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(node: str) -> tuple[float, float]:
        x, y = pos[node]
        return (round(_PAD + (x - min(xs)) / span_x * (_W - 2 * _PAD), 1),
                round(_PAD + (max(ys) - y) / span_y * (_H - 2 * _PAD), 1))

    nodes = []
    for node, data in sorted(G.nodes(data=True)):
        x, y = at(node)
        nodes.append({"id": node, "label": node_name(G, node), "type": data.get("type", ""), "x": x, "y": y,
                      "colour": TYPE_COLOURS.get(data.get("type", ""), "#7f7f7f"),
                      "aliases": list(data.get("aliases", [])),
                      "attrs": {k: str(data[k]) for k in _ATTRS if data.get(k) not in (None, "")},
                      "evidence": _evidence(data.get("evidence", []), 5)})
    edges = []
    for u, v, key in sorted(G.edges(keys=True)):
        edges.append({"source": u, "target": v, "key": key, "label": RELATION_NAMES.get(key, key),
                      "evidence": _evidence(edge_evidence(G, u, v), 2)})
    return {"focus": focus, "nodes": nodes, "edges": edges}


def _svg(data: dict[str, Any]) -> str:
    at = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    parts = [f'<svg id="graph" viewBox="0 0 {_W} {_H}" xmlns="http://www.w3.org/2000/svg">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="22" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#999"/></marker></defs><g id="view">']
    for e in data["edges"]:
        (x1, y1), (x2, y2) = at[e["source"]], at[e["target"]]
        attrs = (f'data-s="{html.escape(e["source"])}" data-t="{html.escape(e["target"])}" '
                 f'data-label="{html.escape(e["label"])}"')
        parts.append(f'<line class="edge" {attrs} x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
                     f'marker-end="url(#arrow)"><title>{html.escape(e["label"])}</title></line>')
        parts.append(f'<text class="elabel" {attrs} x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}" '
                     f'text-anchor="middle">{html.escape(e["label"])}</text>')
    for n in data["nodes"]:
        r = 15 if n["id"] == data["focus"] else 11
        parts.append(f'<g class="node" data-id="{html.escape(n["id"])}"><circle cx="{n["x"]}" cy="{n["y"]}" '
                     f'r="{r}" fill="{n["colour"]}"><title>{html.escape(n["label"])} ({n["type"]})</title></circle>'
                     f'<text x="{n["x"]}" y="{n["y"] + r + 14}" text-anchor="middle">'
                     f'{html.escape(n["label"])}</text></g>')
    parts.append("</g></svg>")
    return "\n".join(parts)


def graph_html(G: nx.MultiDiGraph, *, title: str = "", focus: str | None = None, embed_font: bool = True) -> str:
    """A self-contained HTML page drawing ``G`` (nodes with ``type`` and ``label``), ``focus``
    selected on load; ``embed_font=False`` leaves the CJK font out (a smaller page that relies on
    the reader's fonts).

    >>> from kg.explore.network import example_graph, to_networkx
    >>> page = graph_html(to_networkx(example_graph()), title="示例")
    >>> page.startswith("<!DOCTYPE html>") and "<title>示例</title>" in page
    True
    """
    data = _page_data(G, focus if focus in G else None)
    # "<" escaped, so that no label can end the <script> element early
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    present = sorted({n["type"] for n in data["nodes"]}, key=lambda t: list(TYPE_COLOURS).index(t)
                     if t in TYPE_COLOURS else 99)
    legend = "".join(f'<span><i style="background:{TYPE_COLOURS.get(t, "#7f7f7f")}"></i>{html.escape(t)}</span>'
                     for t in present)
    body = (f"{_svg(data)}\n"
            f'<div id="panel"><h1 style="font-size:20px">{html.escape(title)}</h1>'
            f'<div class="legend">{legend}</div><p class="src">点击节点查看详情；滚轮缩放，拖动平移。'
            f"Click a node for details; wheel zooms, drag pans.</p><div id=\"detail\"></div></div>"
            f'<div id="tip"></div>\n<script type="application/json" id="kg-data">{payload}</script>\n'
            f"<script>{_JS}</script>")
    font = _font_face(body + _JS) if embed_font else ""
    return (f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{font}{_CSS}</style></head><body>\n{body}</body></html>\n")


def neighbourhood_html(G: nx.MultiDiGraph, node: str, depth: int = 1) -> str:
    """The page for ``node`` and the entities within ``depth`` relations of it.

    >>> from kg.explore.network import example_graph, to_networkx
    >>> page = neighbourhood_html(to_networkx(example_graph()), "https://w3id.org/policykg/id/org/a")
    >>> page.count('class="node"')
    3
    """
    sub = neighbourhood(G, node, depth)
    return graph_html(sub, title=f"{node_name(G, node)} 的关系网络（{depth} 步以内）", focus=node)


def write_html(page: str, path: str | os.PathLike[str]) -> Path:
    """Write a page from :func:`graph_html` / :func:`neighbourhood_html` (UTF-8) and return its path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
