"""Per-project form variants the development corpus does not contain, on SYNTHETIC text exports.

Each test writes a small tab-separated export of one layout family named in issue 11 / DOMAIN.md ("Layouts in
the wild") and reads it with the rules extractor. The texts are made up for the test; the real-page families
are pinned in tests/pdf/test_forms_real_pages.py.
"""

from __future__ import annotations

from decimal import Decimal

from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document
from llmextract.layout.project_blocks import find_project_blocks
from llmextract.pipeline import Config, process

GRID = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t场次\t≥3场\n"


def _doc(tmp_path, text: str):
    path = tmp_path / "synthetic.txt"
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def _records(tmp_path, text: str):
    return extract_rules(_doc(tmp_path, text))


def _rows(record):
    return [(i.column, i.level1, i.level2, i.name, i.value_raw) for i in record.indicators]


def test_synthetic_special_project_name_label_and_period_only_funds_with_units_in_cells(tmp_path):
    (record,) = _records(
        tmp_path,
        "专项资金绩效目标表\n"
        "专项（项目）名称\t某专项\n"
        "主管部门\t某局\n"
        "资金金额（万元）\t实施期资金总额\t300万元\n"
        "\t其中：财政拨款\t280万元\n"
        "\t其他资金\t20万元\n"
        "年度总体目标\t完成建设\n" + GRID,
    )
    assert (record.name, record.department) == ("某专项", "某局")
    funding = record.funding
    assert (funding.unit, funding.period_total, funding.annual_total) == ("万元", Decimal("300"), None)
    assert (funding.period_sources.appropriation, funding.period_sources.other) == (Decimal("280"), Decimal("20"))
    assert record.goals.annual == "完成建设"


def test_synthetic_amount_with_its_unit_in_the_cell_gives_the_unit(tmp_path):
    (record,) = _records(tmp_path, "项目支出绩效目标表\n项目名称\t某项目\n年度资金总额\t60,100元\n" + GRID)
    assert (record.funding.annual_total, record.funding.unit) == (Decimal("60100"), "元")


def test_synthetic_funds_side_by_side_under_period_and_annual_headers(tmp_path):
    (record,) = _records(
        tmp_path,
        "项目支出绩效目标表\n"
        "项目名称\t某项目\n"
        "项目资金（万元）\t\t实施期\t年度\n"
        "\t资金总额\t300\t100\n"
        "\t其中：财政拨款\t280\t90\n"
        "\t其他资金\t20\t10\n"
        "总体目标\t实施期目标\t年度目标\n"
        "\t三年建成\t本年完成一期\n" + GRID,
    )
    funding = record.funding
    assert (funding.period_total, funding.annual_total, funding.unit) == (Decimal("300"), Decimal("100"), "万元")
    assert (funding.period_sources.appropriation, funding.sources.appropriation) == (Decimal("280"), Decimal("90"))
    assert (funding.period_sources.other, funding.sources.other) == (Decimal("20"), Decimal("10"))
    assert (record.goals.period, record.goals.annual) == ("三年建成", "本年完成一期")


def test_synthetic_name_printed_in_the_title_only(tmp_path):
    (record,) = _records(
        tmp_path,
        "城乡环境整治项目绩效目标表\n（2026年度）\n"
        "主管部门\t某局\t实施单位\t某中心\n"
        "年度资金总额（万元）\t50.00\n"
        "年度目标\t完成整治\n" + GRID,
    )
    assert (record.name, record.implementing_unit, record.funding.annual_total) == (
        "城乡环境整治",
        "某中心",
        Decimal("50.00"),
    )


def test_synthetic_generic_title_names_nothing(tmp_path):
    # A blank template under a generic title: no name, no amount, no value — not a record.
    text = (
        "部门预算项目绩效目标表\n项目名称\t\n主管部门\t\n年度资金总额（万元）\t\n"
        "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t\t\n效益指标\t社会效益指标\t\t\n"
    )
    doc = _doc(tmp_path, text)
    assert find_project_blocks(doc) == []  # no block: neither the rules reader nor the LLM gets one
    assert extract_rules(doc) == []


def test_synthetic_raw_dump_with_the_row_label_stacked_one_character_a_line(tmp_path):
    (record,) = _records(
        tmp_path,
        "某市预算部门项目支出绩效目标表\n项目名称 某项目\n主管部门及代码 101-某市某局 实施单位 某市某局\n"
        "年度资金总额： 100\n年度目标 完成培训\n一级指标 二级指标 三级指标 指标值\n"
        "年\n度 产出指标\n数量指标 培训人数 300人\n绩\n效 质量指标 合格率 100%\n指\n标 满意度指标\n"
        "服务对象满意度指标 学员满意度 ≥90%\n",
    )
    assert [(i.level2, i.name, i.value_raw) for i in record.indicators] == [
        ("数量指标", "培训人数", "300人"),
        ("质量指标", "合格率", "100%"),
        ("服务对象满意度指标", "学员满意度", "≥90%"),
    ]


def test_synthetic_department_table_titled_without_支出(tmp_path):
    (record,) = _records(
        tmp_path,
        "部门整体绩效目标表\n部门（单位）名称\t某局\n年度预算资金（万元）\t1000.00\n年度绩效目标\t保障运转\n" + GRID,
    )
    assert (record.kind, record.name, record.funding.annual_total) == ("department", "某局", Decimal("1000.00"))


def test_synthetic_name_nature_value_unit_weight_columns_compose_one_value(tmp_path):
    (record,) = _records(
        tmp_path,
        "项目支出绩效目标表\n项目名称\t某项目\n年度资金总额（万元）\t100\n"
        "指标名称\t指标性质\t指标值\t计量单位\t权重\n"
        "产出指标\t\t\t\t\n"
        "数量指标\t\t\t\t\n"
        "培训人数\t≥\t300\t人\t20\n"
        "指标2：培训合格率\t≥\t90\t%\t20分\n"
        "质量指标\t\t\t\t\n"
        "服务质量\t定性\t良好\t\t10\n"
        "效益指标\t\t\t\t\n"
        "社会效益指标\t\t\t\t\n"
        "群众知晓率\t正向\t95\t%\t10\n"
        "无\t/\t/\t/\t\n",
    )
    got = [
        (i.level1, i.level2, i.name, i.value_raw, i.comparator, i.value, i.unit, i.weight) for i in record.indicators
    ]
    assert got == [
        ("产出指标", "数量指标", "培训人数", "≥300人", ">=", Decimal("300"), "人", Decimal("20")),
        ("产出指标", "数量指标", "培训合格率", "≥90%", ">=", Decimal("90"), "%", Decimal("20")),
        ("产出指标", "质量指标", "服务质量", "良好", None, None, None, Decimal("10")),
        ("效益指标", "社会效益指标", "群众知晓率", "95%", None, Decimal("95"), "%", Decimal("10")),
    ]
    doc = load_document(tmp_path / "synthetic.txt")
    first = record.indicators[0].location
    assert doc.text[first.start : first.end].split("\t")[0] == "培训人数"


def test_synthetic_value_content_scoring_unit_and_value_type_columns(tmp_path):
    (record,) = _records(
        tmp_path,
        "项目支出绩效目标表\n项目名称\t某项目\n年度资金总额（万元）\t100\n"
        "一级指标\t二级指标\t三级指标\t指标值\t指标值内容\t评(扣)分标准\t度量单位\t指标值类型\n"
        "产出指标\t数量指标\t培训人数\t300\t\t完成得满分\t人\t≥\n"
        "\t质量指标\t合格率\t90\t\t按比例扣分\t%\t≥\n"
        "效益指标\t社会效益指标\t群众满意\t\t明显提升\t酌情扣分\t\t定性\n",
    )
    assert _rows(record) == [
        ("annual", "产出指标", "数量指标", "培训人数", "≥300人"),
        ("annual", "产出指标", "质量指标", "合格率", "≥90%"),
        ("annual", "效益指标", "社会效益指标", "群众满意", "明显提升"),
    ]


def test_synthetic_indicator_content_column_joined_cells_and_placeholder_rows(tmp_path):
    (record,) = _records(
        tmp_path,
        "项目支出绩效目标表\n项目名称\t某项目\n年度资金总额（万元）\t100\n"
        "一级指标\t二级指标\t指标内容\t指标值\t备注\n"
        "产出指标\t数量指标\t培训人数/培训天数\t300人/3天\t\n"
        "\t\t设备/系统故障恢复时间\t≤4小时\t\n"
        "\t质量指标\t合格率；优良率\t≥90%；≥50%\t无\n"
        "\t时效指标\t/\t/\t\n"
        "\t成本指标\t不涉及\t不涉及\t\n"
        "\t\t-\t-\t\n",
    )
    assert [(i.level2, i.name, i.value_raw) for i in record.indicators] == [
        ("数量指标", "培训人数", "300人"),
        ("数量指标", "培训天数", "3天"),
        ("数量指标", "设备/系统故障恢复时间", "≤4小时"),
        ("质量指标", "合格率", "≥90%"),
        ("质量指标", "优良率", "≥50%"),
    ]


def test_synthetic_weight_column_headed_score_weight_and_numbered_names(tmp_path):
    (record,) = _records(
        tmp_path,
        "项目支出绩效目标表\n项目名称\t某项目\n年度资金总额（万元）\t100\n"
        "一级指标\t二级指标\t三级指标\t指标值\t分值权重（90分）\n"
        "产出指标\t数量指标\t指标1：培训人数\t≥300人\t20\n"
        "\t\t指标2：培训次数\t≥3次\t10\n",
    )
    assert [(i.name, i.value_raw, i.weight) for i in record.indicators] == [
        ("培训人数", "≥300人", Decimal("20")),
        ("培训次数", "≥3次", Decimal("10")),
    ]


def test_synthetic_packed_indicator_cell_with_period_and_annual_values(tmp_path):
    cell = (
        "1－产出指标，11－数量指标，培训人数；实施周期指标值：≥300人，年度指标值：≥100人；"
        "12－质量指标，合格率；实施周期指标值：≥95%，年度指标值：≥95%；"
        "2－效益指标，21－社会效益指标，群众知晓率；年度指标值：明显提升"
    )
    doc = _doc(tmp_path, f"项目支出绩效目标表\n项目名称\t某项目\n年度资金总额（万元）\t100\n绩效指标\t{cell}\n")
    (record,) = extract_rules(doc)
    assert _rows(record) == [
        ("period", "产出指标", "数量指标", "培训人数", "≥300人"),
        ("annual", "产出指标", "数量指标", "培训人数", "≥100人"),
        ("period", "产出指标", "质量指标", "合格率", "≥95%"),
        ("annual", "产出指标", "质量指标", "合格率", "≥95%"),
        ("annual", "效益指标", "社会效益指标", "群众知晓率", "明显提升"),
    ]
    # Each indicator spans its own name and value inside the packed cell.
    annual = record.indicators[1].location
    assert doc.text[annual.start : annual.end] == "培训人数；实施周期指标值：≥300人，年度指标值：≥100人"
    period = record.indicators[0].location
    assert doc.text[period.start : period.end] == "培训人数；实施周期指标值：≥300人"


def test_synthetic_packed_indicator_cell_numbered_entries(tmp_path):
    cell = (
        "1、1-产出指标；11-数量指标；培训人数：≥300人 2、1-产出指标；12-质量指标；合格率：100% "
        "3、3-满意度指标；31-服务对象满意度指标；学员满意度；≥90%"
    )
    (record,) = _records(tmp_path, f"项目支出绩效目标表\n项目名称\t某项目\n绩效指标\t{cell}\n")
    assert _rows(record) == [
        ("annual", "产出指标", "数量指标", "培训人数", "≥300人"),
        ("annual", "产出指标", "质量指标", "合格率", "100%"),
        ("annual", "满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"),
    ]


def test_synthetic_table_continued_on_the_next_page_with_its_header_repeated(tmp_path):
    records = _records(
        tmp_path,
        "项目支出绩效目标表\n项目名称\t甲项目\n年度资金总额（万元）\t100\n"
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
        "\t产出指标\t数量指标\t人数\t≥3人\n"
        "\f项目支出绩效目标表\n"
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
        "\t\t质量指标\t合格率\t100%\n"
        "\t满意度指标\t服务对象满意度指标\t满意度\t≥90%\n"
        "\f项目支出绩效目标表\n项目名称\t乙项目\n年度资金总额（万元）\t50\n"
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
        "\t产出指标\t数量指标\t人数\t≥1人\n",
    )
    assert [(r.name, r.location.page, len(r.indicators)) for r in records] == [("甲项目", 1, 3), ("乙项目", 3, 1)]
    assert [i.level2 for i in records[0].indicators] == ["数量指标", "质量指标", "服务对象满意度指标"]
    assert records[0].indicators[1].location.page == 2


def test_synthetic_table_starting_mid_page_without_a_title(tmp_path):
    (record,) = _records(
        tmp_path,
        "（二）项目绩效目标\n本单位2026年公开1个项目的绩效目标，见下表。\n"
        "项目名称\t某项目\n主管部门\t某局\n年度资金总额（万元）\t12.00\n" + GRID + "三、其他情况说明\n",
    )
    assert (record.name, record.funding.annual_total, len(record.indicators)) == ("某项目", Decimal("12.00"), 1)


def test_synthetic_summary_document_with_many_units_tables(tmp_path):
    unit_table = (
        "{unit}\n项目支出绩效目标表\n项目名称\t{name}\n"
        "主管部门\t某局\t实施单位\t{unit}\n年度资金总额（万元）\t{amount}\n"
    )
    text = "".join(
        unit_table.format(unit=unit, name=name, amount=amount) + GRID
        for unit, name, amount in (
            ("某局机关", "运转保障", "10"),
            ("某局信息中心", "运转保障", "20"),
            ("某局档案馆", "档案数字化", "30"),
        )
    )
    records = _records(tmp_path, text)
    assert [(r.name, r.implementing_unit, r.funding.annual_total) for r in records] == [
        ("运转保障", "某局机关", Decimal("10")),
        ("运转保障", "某局信息中心", Decimal("20")),
        ("档案数字化", "某局档案馆", Decimal("30")),
    ]


def test_synthetic_table_of_contents_and_prose_mentions_are_no_records(tmp_path):
    doc = _doc(
        tmp_path,
        "目 录\n十二、项目支出绩效目标表\n十三、部门整体支出绩效目标表\n"
        "\f第一部分 情况说明\n（项目绩效目标表公开情况见附件）\n本部门编报部门整体支出绩效目标表。\n",
    )
    assert find_project_blocks(doc) == []


def test_synthetic_untitled_self_evaluation_told_by_its_columns(tmp_path):
    (record,) = _records(
        tmp_path,
        "项目名称\t某项目\n年度资金总额\t100\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "产出指标\t数量指标\t人数\t≥3人\t3人\t10\t10\n",
    )
    assert record.kind == "evaluation"
    assert [(i.value_raw, i.actual_raw, i.weight, i.score) for i in record.indicators] == [
        ("≥3人", "3人", Decimal("10"), Decimal("10"))
    ]


def test_synthetic_reading_incomplete_when_the_funds_row_is_not_read(tmp_path):
    # 年初预算数 is a funds label the form reader does not take an amount from: the block prints funds the
    # record does not have, so the record is warned about and routed to review.
    doc = _doc(
        tmp_path,
        "项目名称\t某项目\n年初预算数（万元）\t100\t全年执行数\t90\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\n产出指标\t数量指标\t人数\t≥3人\t3人\n",
    )
    (result,) = process(doc, Config(extractor="rules")).records
    (finding,) = [f for f in result.record.findings if f.rule_id == "reading.incomplete"]
    assert finding.severity == "warning" and finding.fields == ["funding.annual_total"]
    assert "funds" in finding.message and finding.locations[0].start == doc.text.index("年初预算数")
    assert result.needs_review and result.confidence < 0.7
