"""Prose rules on small text exports: an error only from a certain reading, rounding as a warning."""

from __future__ import annotations

from pathlib import Path

from llmextract import load_document
from llmextract.verify import verify


def _prose(tmp_path: Path, text: str) -> list[tuple[str, str, str | None]]:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    report = verify(load_document(path))
    # No table in these texts: the amount-in-table rule only says so.
    relations = [f for f in report.findings if f.rule_id.startswith("prose.") and f.rule_id != "prose.amount-in-table"]
    return [(f.rule_id, f.severity, f.actual) for f in relations]


def test_a_misprinted_share_of_a_stated_total_is_an_error(tmp_path):
    found = _prose(tmp_path, "支出预算1024.87万元，其中：基本支出560.3万元，占50.67%；项目支出464.57万元，占45.33%。\n")
    assert found == [("prose.share", "error", "50.67%")]


def test_shares_of_the_listed_parts_need_no_stated_total(tmp_path):
    # The total before them also counts 结转结余; the parts' shares add up to 100%: their sum is the base.
    text = (
        "支出预算4483899.83万元。基本支出2919265.78万元，占本年支出74.41%；项目支出1003810.85万元，占本年支出25.59%。\n"
    )
    assert _prose(tmp_path, text) == []


def test_one_step_off_is_a_rounding_warning(tmp_path):
    text = "收入984760.87万元，其中：一般公共预算收入196278.67万元，占19.93%；其他收入755842.20万元，占76.75%；"
    text += "国有资本经营预算收入32640万元，占3.32%。\n"
    assert _prose(tmp_path, text) == [("prose.rounding", "warning", "3.32%")]


def test_a_share_larger_than_its_base_is_not_checkable(tmp_path):
    found = _prose(
        tmp_path, "其他支出2448.58万元。按用途分类，包括人员支出250110.65万元，占61.9%；日常公用支出47792.58万元。\n"
    )
    assert found == [("prose.share", "info", None)]


def test_a_change_rate_on_the_wrong_base_stays_an_error(tmp_path):
    # Seed 002's arithmetic: 4.41 ÷ 9.09 = 48.51% printed where 4.41 ÷ 13.50 = 32.67% is meant.
    found = _prose(tmp_path, "机关运行经费财政拨款预算9.09万元，比2024年减少4.41万元，减少48.51%。\n")
    assert found == [("prose.change-rate", "error", "48.51%")]


def test_a_total_printed_in_the_wrong_unit_is_not_checkable(tmp_path):
    # 深圳生态 p11: "2.污染防治项目 18,686.86 元，主要包括：…3,953.30 万元…" — the parts agree in 万元.
    text = "2.污染防治项目 18,686.86 元，主要包括：水生态环境管理工作 3,953.30 万元，用于调查；"
    text += "大气污染防治 14,733.56 万元，用于防治。\n"
    assert _prose(tmp_path, text) == [("prose.components-sum", "info", None)]
