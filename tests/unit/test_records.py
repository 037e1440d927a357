"""The output records: field names of the DESIGN.md contract, Decimal money, locations."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from llmextract.core.locations import Location
from llmextract.core.records import Funding, Indicator, ProjectRecord

LOC = Location(doc_id="d" * 64, page=1, start=0, end=4)


def test_project_record_has_the_contract_fields():
    contract = {
        "doc_id", "location", "name", "department", "department_code", "implementing_unit", "attribute",
        "period", "funding", "overview", "basis", "basis_citations", "necessity", "safeguards", "plan",
        "goals", "indicators", "extractor", "prompt_version", "confidence", "field_locations", "findings",
    }  # fmt: skip
    assert contract <= set(ProjectRecord.model_fields)
    assert {"unit", "period_total", "annual_total", "sources"} <= set(Funding.model_fields)
    assert {"level1", "level2", "name", "value_raw", "comparator", "value", "unit", "column", "location"} <= set(
        Indicator.model_fields
    )


def test_money_round_trips_as_decimal_with_its_printed_digits():
    record = ProjectRecord(
        doc_id="d" * 64,
        location=LOC,
        name="遗属补助",
        funding=Funding(unit="万元", annual_total=Decimal("6.10")),
        extractor="rules",
    )
    data = json.loads(record.model_dump_json())
    assert data["funding"]["annual_total"] == "6.10"
    assert ProjectRecord.model_validate(data).funding.annual_total == Decimal("6.10")
    assert data["kind"] == "project"


@pytest.mark.parametrize(
    ("field", "value"),
    [("column", "yearly"), ("comparator", "≥")],
)
def test_indicator_rejects_values_outside_its_vocabulary(field, value):
    with pytest.raises(ValidationError):
        Indicator(name="遗属满意度", value_raw="≥95%", **{field: value})


def test_funding_unit_is_a_money_unit():
    with pytest.raises(ValidationError):
        Funding(unit="元/年")
