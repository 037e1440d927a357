"""Multi-project target tables with indicators: SYNTHETIC tab-separated text exports (no document of the
non-held-out corpus prints one), written after the layouts the issue describes: wide tables
单位（项目）名称 | 资金总额 | 绩效目标 | 一级 | 二级 | 三级指标 | 指标值, and lists 序号 | 项目名称 | 预算金额 |
绩效目标 | indicator columns, with project cells merged down (blank = same project), unit subtotal rows, page
breaks with and without a repeated header."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from llmextract import load_document
from llmextract.extract.rules import extract_rules
from llmextract.layout.project_blocks import find_project_blocks

WIDE = "\n".join(
    [
        "2026年部门项目支出绩效目标表",
        "单位：万元",
        "单位（项目）名称\t资金总额\t绩效目标\t一级\t二级\t三级指标\t指标值",
        "某某市商务局\t300.00\t\t\t\t\t",
        "展会补助经费\t200.00\t举办展会3场，带动交易额增长。\t产出指标\t数量指标\t举办展会场次\t≥3场",
        "\t\t\t\t质量指标\t参展企业满意度\t≥90%",
        "\t\t\t效益指标\t经济效益指标\t带动交易额\t≥1亿元",
        "日常运行经费\t100.00\t保障机关正常运转。\t产出指标\t时效指标\t按时支付率\t100%",
        "某某市商务发展中心\t150.00\t\t\t\t\t",
        "日常运行经费\t150.00\t保障中心正常运转，\t产出指标\t数量指标\t保障人数\t20人",
        "\f单位（项目）名称\t资金总额\t绩效目标\t一级\t二级\t三级指标\t指标值",
        "\t\t完成全年服务任务。\t满意度指标\t服务对象满意度指标\t职工满意度\t≥95%",
        "合计\t450.00\t\t\t\t\t",
    ]
)

NUMBERED = "\n".join(
    [
        "项目支出绩效目标表",
        "序号\t项目名称\t预算金额（元）\t绩效目标\t一级指标\t二级指标\t三级指标\t指标值",
        "1\t信息系统运维\t120000\t保障系统稳定运行。\t产出指标\t质量指标\t系统可用率\t≥99%",
        "\t\t\t\t效益指标\t社会效益指标\t服务效率\t明显提升",
        "2\t档案数字化\t80000\t完成档案数字化加工。\t产出指标\t数量指标\t加工页数\t≥10万页",
        "备注：无。",
    ]
)


def _doc(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def test_synthetic_wide_table_one_record_per_project_with_its_own_indicators(tmp_path: Path):
    records = extract_rules(_doc(tmp_path, "wide.txt", WIDE))
    assert [(r.name, r.implementing_unit, r.funding.annual_total) for r in records] == [
        ("展会补助经费", "某某市商务局", Decimal("200.00")),
        ("日常运行经费", "某某市商务局", Decimal("100.00")),
        ("日常运行经费", "某某市商务发展中心", Decimal("150.00")),
    ]
    assert all(r.funding.unit == "万元" for r in records)
    fair = records[0]
    assert fair.goals.annual == "举办展会3场，带动交易额增长。"
    assert [(i.level1, i.level2, i.name, i.value_raw) for i in fair.indicators] == [
        ("产出指标", "数量指标", "举办展会场次", "≥3场"),
        ("产出指标", "质量指标", "参展企业满意度", "≥90%"),
        ("效益指标", "经济效益指标", "带动交易额", "≥1亿元"),
    ]


def test_synthetic_wide_table_project_continued_after_a_page_break_and_a_repeated_header(tmp_path: Path):
    last = extract_rules(_doc(tmp_path, "wide.txt", WIDE))[-1]
    assert last.goals.annual == "保障中心正常运转，完成全年服务任务。"
    assert [(i.level1, i.name, i.value_raw) for i in last.indicators] == [
        ("产出指标", "保障人数", "20人"),
        ("满意度指标", "职工满意度", "≥95%"),
    ]


def test_synthetic_numbered_list_with_indicator_columns_and_the_unit_in_the_header(tmp_path: Path):
    records = extract_rules(_doc(tmp_path, "numbered.txt", NUMBERED))
    assert [(r.name, r.funding.annual_total, r.funding.unit) for r in records] == [
        ("信息系统运维", Decimal("120000"), "元"),
        ("档案数字化", Decimal("80000"), "元"),
    ]
    assert [i.name for i in records[0].indicators] == ["系统可用率", "服务效率"]
    assert records[0].indicators[1].level2 == "社会效益指标"


def test_synthetic_list_header_starting_with_project_name_is_not_read_as_a_form(tmp_path: Path):
    text = (
        NUMBERED.replace("序号\t", "").replace("\n1\t", "\n").replace("\n2\t", "\n").replace("\n\t\t\t\t", "\n\t\t\t")
    )
    doc = _doc(tmp_path, "list.txt", text)
    blocks = find_project_blocks(doc)
    assert [b.layout for b in blocks] == ["rows", "rows"]
    assert [r.name for r in extract_rules(doc)] == ["信息系统运维", "档案数字化"]


def test_synthetic_list_blocks_give_the_llm_each_project_rows(tmp_path: Path):
    doc = _doc(tmp_path, "wide.txt", WIDE)
    blocks = find_project_blocks(doc)
    texts = [doc.text[b.start : b.end] for b in blocks]
    assert len(texts) == 3
    assert texts[0].startswith("展会补助经费\t200.00") and "带动交易额" in texts[0] and "日常运行经费" not in texts[0]
    assert "完成全年服务任务" in texts[2]


def test_synthetic_amount_printed_with_its_unit_in_the_cell(tmp_path: Path):
    text = "\n".join(
        [
            "项目\t预算数\t绩效目标",
            "培训经费\t12.5万元\t完成培训2期。",
            "宣传经费\t3万元\t完成宣传活动。",
        ]
    )
    records = extract_rules(_doc(tmp_path, "cell-unit.txt", text))
    assert [(r.name, r.funding.annual_total, r.funding.unit) for r in records] == [
        ("培训经费", Decimal("12.5"), "万元"),
        ("宣传经费", Decimal("3"), "万元"),
    ]


def test_synthetic_project_list_without_goal_column_gives_no_records(tmp_path: Path):
    text = "\n".join(
        [
            "项目支出预算表",
            "单位名称\t项目名称\t金额",
            "某某局\t培训经费\t12.50",
            "某某局\t宣传经费\t3.00",
        ]
    )
    assert extract_rules(_doc(tmp_path, "plain-list.txt", text)) == []


def test_synthetic_list_with_period_and_annual_value_columns_reads_both(tmp_path: Path):
    text = "\n".join(
        [
            "项目名称\t资金总额\t绩效目标\t一级指标\t二级指标\t三级指标\t实施期指标值\t年度指标值",
            "道路养护\t500.00\t完成道路养护。\t产出指标\t数量指标\t养护里程\t≥300公里\t≥100公里",
            "\t\t\t\t质量指标\t优良路率\t≥90%\t≥88%",
        ]
    )
    (record,) = extract_rules(_doc(tmp_path, "two-columns.txt", text))
    assert [(i.column, i.level2, i.name, i.value_raw) for i in record.indicators] == [
        ("period", "数量指标", "养护里程", "≥300公里"),
        ("period", "质量指标", "优良路率", "≥90%"),
        ("annual", "数量指标", "养护里程", "≥100公里"),
        ("annual", "质量指标", "优良路率", "≥88%"),
    ]
    assert len({i.ordinal for i in record.indicators}) == 4


def test_synthetic_project_cells_redrawn_at_the_top_of_the_next_page_continue_the_project(tmp_path: Path):
    text = "\n".join(
        [
            "项目名称\t资金总额\t绩效目标\t一级指标\t二级指标\t三级指标\t指标值",
            "道路养护\t500.00\t完成道路养护。\t产出指标\t数量指标\t养护里程\t≥100公里",
            "\f项目名称\t资金总额\t绩效目标\t一级指标\t二级指标\t三级指标\t指标值",
            "道路养护\t500.00\t完成道路养护。\t效益指标\t社会效益指标\t通行条件\t明显改善",
            "桥梁检测\t80.00\t完成桥梁检测。\t产出指标\t数量指标\t检测座数\t≥20座",
        ]
    )
    records = extract_rules(_doc(tmp_path, "redrawn.txt", text))
    assert [(r.name, r.goals.annual, len(r.indicators)) for r in records] == [
        ("道路养护", "完成道路养护。", 2),
        ("桥梁检测", "完成桥梁检测。", 1),
    ]


def test_synthetic_name_cut_by_a_page_break_stays_one_project(tmp_path: Path):
    text = "\n".join(
        [
            "单位名称\t项目名称\t金额\t绩效目标",
            "某某局\t基层公共法律服务体系建设补助\t30.00\t完成基层法律服务点建设，",
            "\f\t资金\t\t覆盖全部街道。",
            "某某局\t法治宣传\t12.00\t开展普法活动10场。",
        ]
    )
    records = extract_rules(_doc(tmp_path, "cut-name.txt", text))
    assert [(r.name, r.goals.annual) for r in records] == [
        ("基层公共法律服务体系建设补助资金", "完成基层法律服务点建设，覆盖全部街道。"),
        ("法治宣传", "开展普法活动10场。"),
    ]


def test_synthetic_goal_text_printed_between_rows_belongs_to_the_row_above_and_prose_after_ends_the_list(
    tmp_path: Path,
):
    text = "\n".join(
        [
            "单位名称\t项目名称\t金额\t绩效目标",
            "某某局\t培训经费\t10.00\t完成培训",
            "2期，覆盖全体干部。",
            "某某局\t宣传经费\t5.00\t完成宣传活动。",
            "以上项目均按要求编制了绩效目标，并将在执行中开展绩效监控，确保资金使用效益。",
        ]
    )
    records = extract_rules(_doc(tmp_path, "cut-goal.txt", text))
    assert [(r.name, r.goals.annual) for r in records] == [
        ("培训经费", "完成培训2期，覆盖全体干部。"),
        ("宣传经费", "完成宣传活动。"),
    ]


def test_synthetic_list_with_overview_and_basis_columns_and_one_column_the_reader_does_not_know(tmp_path: Path):
    text = "\n".join(
        [
            "项目名称\t项目概况\t立项依据\t责任处室\t项目金额（万元）\t年度绩效目标",
            "农村公路养护\t养护县乡道路。\t《公路法》\t公路科\t200.00\t完成养护300公里。",
        ]
    )
    (record,) = extract_rules(_doc(tmp_path, "extra-columns.txt", text))
    assert (record.name, record.overview, record.basis, record.funding.annual_total, record.funding.unit) == (
        "农村公路养护",
        "养护县乡道路。",
        "《公路法》",
        Decimal("200.00"),
        "万元",
    )
    assert record.goals.annual == "完成养护300公里。"
    assert [c.title for c in record.basis_citations] == ["公路法"]


def test_synthetic_list_of_second_level_projects_under_first_level_ones(tmp_path: Path):
    text = "\n".join(
        [
            "编制单位：某某市文化局 单位：万元",
            "一级项目名称\t二级项目名称\t预算数\t绩效目标",
            "文化事业发展\t非遗保护\t50.00\t完成非遗项目记录10项。",
            "\t公共文化服务\t80.00\t举办惠民演出50场。",
        ]
    )
    records = extract_rules(_doc(tmp_path, "levels.txt", text))
    assert [(r.name, r.department, r.funding.unit) for r in records] == [
        ("非遗保护", "某某市文化局", "万元"),
        ("公共文化服务", "某某市文化局", "万元"),
    ]


def test_synthetic_same_name_twice_for_one_unit_in_one_list_is_two_projects(tmp_path: Path):
    text = "\n".join(
        [
            "单位名称\t项目名称\t金额\t绩效目标",
            "某某局\t日常保障运行\t10.00\t保障机关运转。",
            "某某局\t日常保障运行\t20.00\t保障信息系统运转。",
        ]
    )
    records = extract_rules(_doc(tmp_path, "twice.txt", text))
    assert [r.funding.annual_total for r in records] == [Decimal("10.00"), Decimal("20.00")]
