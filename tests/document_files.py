"""Writers of real fixture files (HTML, PDF, DOCX) from a plain text, for the ingest tests."""

from __future__ import annotations

import html
import re
from pathlib import Path


def paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]


def write_html(path: Path, text: str, title: str = "重庆日报 要闻", date: str = "2023-01-04") -> Path:
    """An article page with navigation, scripts and a footer around the text's paragraphs."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(text))
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title><meta property='article:published_time' content='{date}T07:30:00+08:00'>"
        "<script>var x = '不应出现的脚本文字';</script><style>p{color:red}</style></head>"
        "<body><nav>首页 导航菜单</nav><article>"
        f"<script>document.write('脚本')</script>{body}</article>"
        "<footer>版权所有 重庆日报</footer></body></html>", encoding="utf-8")
    return path


def write_pdf(path: Path, text: str, title: str = "新渝报 第2版") -> Path:
    """A PDF whose text layer holds the text's lines (CJK in the built-in STSong-Light CID font)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setTitle(title)
    y = 800
    for line in text.split("\n"):
        if not line.strip():
            continue
        c.setFont("STSong-Light", 10)
        c.drawString(40, y, line.strip())
        y -= 14
        if y < 40:
            c.showPage()
            y = 800
    c.save()
    return path


def write_docx(path: Path, text: str, title: str = "重庆日报 第3版") -> Path:
    """A Word document with one paragraph per paragraph of the text."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for para in paragraphs(text):
        document.add_paragraph(para)
    document.save(str(path))
    return path
