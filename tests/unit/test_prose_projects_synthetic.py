"""Projects explained in prose: SYNTHETIC text exports of variants the corpus does not print (a numbered 项目名称
line with unnumbered labels after it, a transfer item that says 用于 without 主要) and prose that is not a
project (one labelled line)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from llmextract import load_document
from llmextract.extract.rules import extract_rules


def _records(tmp_path: Path, text: str):
    path = tmp_path / "prose.txt"
    path.write_text(text, encoding="utf-8")
    return extract_rules(load_document(path))


def test_synthetic_numbered_name_line_with_unnumbered_labels_is_one_project(tmp_path: Path):
    text = "\n".join(
        [
            "（四）重点项目情况说明",
            "1.项目名称：智慧交通平台建设",
            "政策依据：《交通强国建设纲要》。",
            "绩效目标：建成平台并接入数据源20个。",
            "预算安排：2026年安排1,200.50万元。",
            "2.项目名称：公交场站维修",
            "政策依据：《城市公共交通条例》。",
            "绩效目标：完成场站维修5处。",
            "预算安排：2026年安排300万元。",
            "五、名词解释",
        ]
    )
    records = _records(tmp_path, text)
    assert [(r.name, r.funding.annual_total, r.funding.unit, r.goals.annual) for r in records] == [
        ("智慧交通平台建设", Decimal("1200.50"), "万元", "建成平台并接入数据源20个。"),
        ("公交场站维修", Decimal("300"), "万元", "完成场站维修5处。"),
    ]


def test_synthetic_transfer_item_with_purpose_after_yongyu(tmp_path: Path):
    text = "\n".join(
        [
            "（五）市对区转移支付项目绩效目标情况说明",
            "2026年，安排体育发展专项转移支付资金3000.00万元，用于支持各区全民健身设施建设。",
            "六、名词解释",
        ]
    )
    (record,) = _records(tmp_path, text)
    assert (record.name, record.funding.annual_total, record.goals.annual) == (
        "体育发展专项转移支付资金",
        Decimal("3000.00"),
        "支持各区全民健身设施建设",
    )


def test_synthetic_one_labelled_line_is_not_a_project(tmp_path: Path):
    text = "\n".join(["四、绩效目标设置情况", "绩效目标：全面实施预算绩效管理，提高资金使用效益。", "五、其他"])
    assert _records(tmp_path, text) == []
