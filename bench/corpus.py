"""A SYNTHETIC corpus for scale runs, composed from the seed documents.

Each generated document takes one seed document's text (its sentence structures, layout and
length) and varies the people named in it, the districts and the amounts, so the corpus grows
without repeating a document (every file has its own content hash). The text is not real news:
it is for measuring time and memory only, never for tuning or judging extraction accuracy.

>>> docs = list(generate(3, seed=1, max_chars=200))
>>> len(docs), len({d for d in docs}), all(len(d) <= 220 for d in docs)
(3, 3, True)
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from pathlib import Path

__all__ = ["SEEDS", "generate", "seed_texts", "write_corpus"]

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

#: People named in the seed documents (what the seed build finds), replaced by made-up names.
SEED_PEOPLE = (
    "曾蕊 谭建荣 袁家军 张娟克 王志 崔力 王子龙 吴锐 皮涛 胡衡华 蔡允革 犹骥 陈德川 陈敏尔 苏崇生 杨桦 "
    "周雨 陆克华 李海霞 罗晓春 齐岚森 刘星 陈政 郑裕国 姜辉 丁桑岚 张宇星 夏庆友 廖文丽 黄乔 刘国中 李东 "
    "徐晓勇 徐秀霞 姜天波 杨正林 李明清 陈一清 黎勇 周雄").split()
#: Chongqing districts the seeds mention; swapped among themselves.
DISTRICTS = ("涪陵区 合川区 黔江区 永川区 大足区 武隆区 万州区 北碚区 江津区 长寿区 南岸区 铜梁区 江北区 "
             "綦江区 潼南区 璧山区 荣昌区 开州区 梁平区 渝北区 巴南区").split()
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
_GIVEN = "明华建国志文军平东海林玉春秀英丽红德成勇杰涛强磊洋艳敏静燕芳娟晓宇鹏飞雪梅"
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(?=(?:多|余)?(?:万|亿)?元)")
_DATE = re.compile(r"(?:(\d{4})\n?年\n?)?(\d{1,2})\n?月\n?(\d{1,2})\n?日")  # pages break lines anywhere


def seed_texts() -> list[str]:
    """The seed documents' texts, in file order."""
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _vary(text: str, rng: random.Random) -> str:
    people = {p: _name(rng) for p in SEED_PEOPLE}
    districts = dict(zip(DISTRICTS, rng.sample(DISTRICTS, len(DISTRICTS)), strict=True))
    swap = {**people, **districts}
    pattern = re.compile("|".join(sorted(map(re.escape, swap), key=len, reverse=True)))
    text = pattern.sub(lambda m: swap[m.group(0)], text)
    text = _shift_dates(text, dt.timedelta(days=rng.randint(-3650, 0)))
    return _AMOUNT.sub(lambda m: str(rng.randint(1, 999) * (10 ** rng.randint(0, 2))), text)


def _shift_dates(text: str, by: dt.timedelta) -> str:
    """Every written date moved by ``by``: each document is its own day, so one meeting held on
    one date does not collect the attendees of every copy of its template.

    >>> _shift_dates("2023年1月4日，1月5日", dt.timedelta(days=-5))
    '2022年12月30日，12月31日'
    """
    year = next((int(m.group(1)) for m in _DATE.finditer(text) if m.group(1)), 2023)

    def shift(m: re.Match[str]) -> str:
        try:
            d = dt.date(int(m.group(1) or year), int(m.group(2)), int(m.group(3))) + by
        except ValueError:  # not a calendar date
            return m.group(0)
        return f"{d.year}年{d.month}月{d.day}日" if m.group(1) else f"{d.month}月{d.day}日"

    return _DATE.sub(shift, text)


def generate(n: int, *, seed: int = 0, max_chars: int | None = None) -> Iterator[str]:
    """``n`` synthetic documents (texts), seed documents in turn as templates; ``max_chars``
    keeps each to its first paragraphs up to that length (small CI-sized runs)."""
    templates = seed_texts()
    rng = random.Random(seed)
    for i in range(n):
        text = templates[i % len(templates)]
        if max_chars is not None and len(text) > max_chars:
            cut = text.rfind("\n", 0, max_chars)
            text = text[:cut if cut > 0 else max_chars]
        yield f"{_vary(text, rng)}\n（合成文档 {i}）\n"


def write_corpus(folder: Path, n: int, *, seed: int = 0, max_chars: int | None = None) -> int:
    """Write ``n`` synthetic documents into ``folder``; returns their total length in characters."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i, text in enumerate(generate(n, seed=seed, max_chars=max_chars)):
        (folder / f"synthetic_{i:05d}.txt").write_text(text, encoding="utf-8")
        total += len(text)
    return total
