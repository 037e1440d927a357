"""Count sentences beside row lists and prose projects are not counts of what is printed: 深圳's table shows its
重点项目 only, without the secret ones ("设置并编报8个项目绩效目标" above five rows and "备注：涉密项目按要求不予公开"),
普陀 explains 4 of the 25 projects it set targets for. No error may be claimed from them."""

from __future__ import annotations

import pytest

from llmextract.ingest import load_document
from llmextract.pipeline import Config, process
from tests.conftest import FIXTURES, pdf

_COUNT_RULES = {"prose.disclosed-project-tables", "record.disclosed-amount", "prose.project-count"}


@pytest.mark.parametrize(
    ("path", "records"),
    [(FIXTURES / "more" / "深圳" / "深圳市建筑工务署_p11-12.pdf", 5), (pdf("普陀"), 4)],
    ids=["shenzhen-8-stated-5-shown", "putuo-25-stated-4-explained"],
)
def test_count_sentence_is_not_claimed_against_the_rows(path, records):
    result = process(load_document(path), Config(extractor="rules"))
    assert len(result.records) == records
    findings = list(result.findings) + [f for r in result.records for f in r.record.findings]
    assert [f for f in findings if f.rule_id in _COUNT_RULES and f.severity != "info"] == []
