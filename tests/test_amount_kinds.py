"""Funding totals count only money that funds something: a store built from an invented,
seed-like text states which of its amounts count and which do not."""

from __future__ import annotations

import pytest

from kg.build.batch import build
from kg.explore.analysis import funding_amounts, funding_by_district
from kg.store.knowledge_store import KnowledgeStore

# invented: a county's yearly report with every kind of amount
REPORT = """云阳县经济运行情况通报

2022年，云阳县全产业链综合产值达到260亿元，环保产业营收超过85亿元。
县经开区签约引进项目32个，合同额约120亿元。
对主营业务收入首次突破100亿元的企业，给予一次性奖励500万元。
对新建高标准农田，每亩补助1500元。
云阳县财政安排专项资金3000万元。
吸引外资5000万美元。
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")
    path = tmp_path_factory.mktemp("store") / "s"
    summary = build([folder], path, progress=False)
    assert summary.ok
    with KnowledgeStore(path, read_only=True) as opened:
        yield opened


def test_funding_total_counts_award_and_budget_only(store):
    [county] = funding_by_district(store)
    assert county["district"] == "云阳县"
    # the award (500万元) and the budget (3000万元) fund something; output value, revenue, contract
    # value, the 100亿元 threshold, the per-mu rate and the dollar amount do not
    assert county["total"] == 35_000_000 and county["amounts"] == 2


def test_every_amount_is_listed_with_its_kind(store):
    kinds = {a["as_written"]: (a["amount_kind"], a["currency"]) for a in funding_amounts(store, kind="all")}
    assert kinds == {
        "260亿元": ("OutputOrRevenue", "CNY"), "超过85亿元": ("OutputOrRevenue", "CNY"),
        "约120亿元": ("ContractValue", "CNY"), "突破100亿元": ("Threshold", "CNY"),
        "500万元": ("SubsidyOrAward", "CNY"), "1500元": ("RatePerUnit", "CNY"),
        "3000万元": ("BudgetOrFund", "CNY"), "5000万美元": ("Investment", "USD"),
    }
    assert {a["as_written"] for a in funding_amounts(store)} == {"500万元", "3000万元"}
    assert [a["as_written"] for a in funding_amounts(store, kind="Threshold")] == ["突破100亿元"]
