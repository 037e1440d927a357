"""Lists of titles on real pages are no parts: `parse` lists each table where it is printed, once."""

from __future__ import annotations

from pathlib import Path

from llmextract import load_document
from llmextract.layout import detect_parts

MORE = Path(__file__).parents[1] / "fixtures" / "more"


def test_shenzhen_list_of_tables_on_page_3_is_no_table():
    """深圳审计局 p3 lists its eleven tables under 二、表格部分 (no page numbers): before, eleven budget tables."""
    parts = detect_parts(load_document(MORE / "深圳" / "2026年深圳市审计局部门预算.pdf"))
    assert [p.title for p in parts if p.page <= 3] == []
    assert sum(p.kind == "budget_table" for p in parts) >= 10  # printed later, each with its table


def test_beijing_table_of_contents_running_onto_page_2_is_no_part():
    """北京商务局's 目录 ends on page 2 (十二、十三、 without the 目录 title): before, a 部门整体 table there."""
    parts = detect_parts(load_document(MORE / "北京" / "2026年北京市商务局部门预算.pdf"))
    assert [p for p in parts if p.page <= 2] == []
    assert parts[0].title == "第一部分 2026年度部门预算情况说明"
