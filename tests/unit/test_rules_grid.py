"""The form and grid reader on small synthetic tables: the layout family, not one document."""

from __future__ import annotations

from decimal import Decimal

from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document

HEAD = "某市预算部门项目支出绩效目标表\n项目名称\t\t测试项目\t\n主管部门及代码\t\t101-某市某局\t实施单位\t某市某局\n"


def _records(tmp_path, body: str):
    path = tmp_path / "export.txt"
    path.write_text(HEAD + body, encoding="utf-8")
    return extract_rules(load_document(path))


def _rows(record):
    return [(i.column, i.level1, i.level2, i.name, i.value_raw) for i in record.indicators]


def test_cost_level_is_first_level_before_a_second_level_word(tmp_path):
    (record,) = _records(
        tmp_path,
        "项目资金（万元）\t年度资金总额\t12.5\n"
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
        "\t成本指标\t经济成本指标\t总成本\t≤12.5万元\n"
        "\t产出指标\t数量指标\t场次\t≥3场\n"
        "\t\t成本指标\t单场成本\t≤4万元\n",
    )
    assert record.funding.unit == "万元" and record.funding.annual_total == Decimal("12.5")
    assert _rows(record) == [
        ("annual", "成本指标", "经济成本指标", "总成本", "≤12.5万元"),
        ("annual", "产出指标", "数量指标", "场次", "≥3场"),
        ("annual", "产出指标", "成本指标", "单场成本", "≤4万元"),
    ]


def test_period_and_annual_columns_with_a_shifted_row(tmp_path):
    (record,) = _records(
        tmp_path,
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值\n"
        "\t产出指标\t数量指标\t人数\t6名\t数量指标\t人数\t5名\n"
        "\t\t\t次数\t2次\t\t次数\t1次\n"
        "质量指标\t合格率\t100%\t质量指标\t合格率\t≥98%\n",  # export dropped the blank 一级 cell
    )
    assert _rows(record) == [
        ("period", "产出指标", "数量指标", "人数", "6名"),
        ("annual", "产出指标", "数量指标", "人数", "5名"),
        ("period", "产出指标", "数量指标", "次数", "2次"),
        ("annual", "产出指标", "数量指标", "次数", "1次"),
        ("period", "产出指标", "质量指标", "合格率", "100%"),
        ("annual", "产出指标", "质量指标", "合格率", "≥98%"),
    ]


def test_packed_cells_split_only_when_counts_agree(tmp_path):
    (record,) = _records(
        tmp_path,
        "一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t任务2: 展会次数; 专家人数\t≥6次; ≥6人次\n"
        "任务3: 合格率; 覆盖率\t100%\n",
    )
    assert [(i.name, i.value_raw, i.value) for i in record.indicators] == [
        ("展会次数", "≥6次", Decimal("6")),
        ("专家人数", "≥6人次", Decimal("6")),
        ("合格率; 覆盖率", "100%", Decimal("100")),
    ]


def test_score_and_achieved_columns(tmp_path):
    (record,) = _records(
        tmp_path,
        "绩效指标\t一级指标\t二级指标\t三级指标\t\t年度指标值\t实际完成值\t分值\t得分\n"
        "\t产出指标\t数量指标\t培训人数\t\t≥300人\t366人\t6\t6\n"
        "\t\t\t培训班次\t≥4次\t4次\t6\t6\n",  # continued row without its empty column
    )
    assert [(i.name, i.value_raw, i.actual_raw) for i in record.indicators] == [
        ("培训人数", "≥300人", "366人"),
        ("培训班次", "≥4次", "4次"),
    ]
    assert (record.department_code, record.department) == ("101", "某市某局")
