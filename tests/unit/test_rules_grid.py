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


def test_packed_cells_pair_names_with_values_or_share_one_value(tmp_path):
    # Seed 004's 部门整体 table: "任务1: 日常工作完成率; 在职、离休、遗属工资保障率 | 100%" is two indicators of
    # 100% each (the gold's reading); one name over several figures stays one indicator.
    (record,) = _records(
        tmp_path,
        "一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t任务2: 展会次数; 专家人数\t≥6次; ≥6人次\n"
        "任务3: 合格率; 覆盖率\t100%\n"
        "任务4: 各类展会次数\t≥6次; ≥6人次\n"
        "任务5: 甲; 乙; 丙\t1个; 2个\n",
    )
    assert [(i.name, i.value_raw, i.value) for i in record.indicators] == [
        ("展会次数", "≥6次", Decimal("6")),
        ("专家人数", "≥6人次", Decimal("6")),
        ("合格率", "100%", Decimal("100")),
        ("覆盖率", "100%", Decimal("100")),
        ("各类展会次数", "≥6次; ≥6人次", None),
        ("甲; 乙; 丙", "1个; 2个", None),
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


def test_level_cells_cut_by_a_page_break_cover_their_rows(tmp_path):
    # PDF ingest prints the text of a merged level cell cut by a page break after the rows it covers,
    # one wrapped piece a line, with the page number and a running title among them.
    (record,) = _records(
        tmp_path,
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
        "\t成本指标\t经济成本指标\t总成本\t≤10万元\n"
        "\t\t数量指标\t设备数\t≥30台\n"
        "\t\t\t响应时间\t≤15分钟\n"
        "产出指\n标\n质量指标\n12\n某市某局2024年度部门决算\n"
        "\t\t\t完好率\t≥96%\n"
        "\t效益指标\t社会效益指标\t安全性\t提升\n",
    )
    assert _rows(record) == [
        ("annual", "成本指标", "经济成本指标", "总成本", "≤10万元"),
        ("annual", "产出指标", "数量指标", "设备数", "≥30台"),
        ("annual", "产出指标", "质量指标", "响应时间", "≤15分钟"),
        ("annual", "产出指标", "质量指标", "完好率", "≥96%"),
        ("annual", "效益指标", "社会效益指标", "安全性", "提升"),
    ]


def test_level_cell_after_the_page_break_does_not_take_rows_of_another_first_level(tmp_path):
    (record,) = _records(
        tmp_path,
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
        "\t产出指标\t数量指标\t人数\t≥300人\n"
        "\t\t时效指标\t按期完成率\t100%\n"
        "\t\t\t工作质量\t提高\n"
        "效益指 社会效益指\n标 标\n28\n"
        "\t\t\t整体素质\t提高\n",
    )
    assert [(i.level1, i.level2, i.name) for i in record.indicators] == [
        ("产出指标", "数量指标", "人数"),
        ("产出指标", "时效指标", "按期完成率"),
        ("效益指标", "社会效益指标", "工作质量"),
        ("效益指标", "社会效益指标", "整体素质"),
    ]


def test_rows_with_only_level_labels_are_not_indicators(tmp_path):
    (record,) = _records(
        tmp_path,
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值\n"
        "\t效益指标\t社会效益\t保障运转\t保障\t社会效益\t保障运转\t保障\n"
        "\t\t生态效益\t\t\t生态效益\n"
        "可持续发展影响\t\t\t可持续发展影响\n"  # shifted label-only row, a variant of 可持续影响
        "\t\t可持續影响指标\n"  # traditional 續
        "\t\t\t生态效益指标\n",  # a label shifted into the 三级 column
    )
    assert [(i.column, i.name) for i in record.indicators] == [("period", "保障运转"), ("annual", "保障运转")]


def test_a_label_only_row_run_into_the_next_row(tmp_path):
    # "生态效益指标" (an empty row) and the next row's 二级 printed on one line, shifting name and value right.
    (record,) = _records(
        tmp_path,
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
        "\t效益指标\t社会效益指标\t推动补短板\t推进\n"
        "\t\t生态效益指标\t可持續影响指标\t促进居民消费\t促进\n"
        "满意度指标\t服务对象满意度指标\t企业满意度\t≥90%\n",
    )
    assert _rows(record) == [
        ("annual", "效益指标", "社会效益指标", "推动补短板", "推进"),
        ("annual", "效益指标", "可持續影响指标", "促进居民消费", "促进"),
        ("annual", "满意度指标", "服务对象满意度指标", "企业满意度", "≥90%"),
    ]


def test_duplicated_level_cells_and_first_level_on_the_header_line(tmp_path):
    (record,) = _records(
        tmp_path,
        "绩效指标\t产出指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值\n"
        "\t\t数量指标\t数量指标\t人数\t3人\t数量指标\t人数\t3人\n"
        "\t\t\t质量指标\t质量指标\t发放率\t100%\t质量指标\t准确率\t100%\n"
        "\t成本指标\t成本指标\t补助标准\t按标准\t成本指标\t补助标准\t按标准\n",
    )
    assert _rows(record) == [
        ("period", "产出指标", "数量指标", "人数", "3人"),
        ("annual", "产出指标", "数量指标", "人数", "3人"),
        ("period", "产出指标", "质量指标", "发放率", "100%"),
        ("annual", "产出指标", "质量指标", "准确率", "100%"),
        ("period", "成本指标", "成本指标", "补助标准", "按标准"),
        ("annual", "成本指标", "成本指标", "补助标准", "按标准"),
    ]
