"""The vocabulary of indicator levels: 一级 (产出/效益/满意度/成本) and 二级 (数量/质量/时效/…) words.

Evaluation tables print weights after the words ("产出 (60)", "数量(20分)"); they are not part of the level.
"成本指标" is 一级 in forms since 2025 (with 经济成本指标 under it) and 二级 under 产出指标 in older ones; the
grid reader decides which from its neighbours.
"""

from __future__ import annotations

import re
from decimal import Decimal

from llmextract.core.numbers import parse_indicator_value, try_decimal

_WEIGHT = re.compile(r"\s*[(（]\s*\d+(\.\d+)?\s*分?\s*[)）]\s*$")
_NAME_WEIGHT = re.compile(r"\s*[(（]\s*\d+(\.\d+)?\s*分\s*[)）]\s*$")
_LEVEL1 = re.compile(r"^(产出|效益|满意度|成本)(指标)?$")
_LEVEL2 = re.compile(
    r"^(数量|质量|时效|成本|经济成本|社会成本|生态环境成本|生态成本|经济效益|社会效益|生态效益|可持[续續](发展)?影响|可持[续續]发展|"
    r"服务对象满意度|满意度|经济|社会|生态)(指标)?$"
)
_GENERIC_LEVEL2 = re.compile(r"^[\u4e00-\u9fff]{2,10}指标$")
AMBIGUOUS = "成本指标"
_FAMILIES = {
    "产出": frozenset({"数量", "质量", "时效", "成本"}),
    "效益": frozenset(
        {"经济效益", "社会效益", "生态效益", "可持续影响", "可持续发展影响", "可持续发展", "经济", "社会", "生态"}
    ),
    "满意度": frozenset({"服务对象满意度", "满意度"}),
    "成本": frozenset({"经济成本", "社会成本", "生态环境成本", "生态成本"}),
}
_CLEAN_UNIT = re.compile(r"^[^\d\s，,。;；:：()（）]{0,8}$")
_DATE = re.compile(r"^\d{4}年(度|全年)?(\d{1,2}月)?(\d{1,2}日)?(份|底|末|前|内|以内|之前|完成|[~～-].*)*$")


def clean_level(text: str) -> str:
    """A level word without its printed weight and spaces."""
    return _WEIGHT.sub("", text).replace(" ", "").replace("\u3000", "")


def name_weight(text: str) -> Decimal | None:
    """The weight an evaluation table prints after an indicator name ("补助外贸企业数 (10分)" -> 10)."""
    m = _NAME_WEIGHT.search(text)
    return try_decimal(re.sub(r"[^\d.]", "", m.group())) if m else None


def clean_name(text: str) -> str:
    """A 三级指标 without its printed weight ("补助外贸企业数 (10分)")."""
    return _NAME_WEIGHT.sub("", text).strip()


def level_of(text: str) -> int | None:
    """1 or 2 when ``text`` is a level word, None for anything else (an indicator name or value)."""
    word = clean_level(text)
    if _LEVEL1.match(word):
        return 1
    if _LEVEL2.match(word) or _GENERIC_LEVEL2.match(word):
        return 2
    return None


def belongs_under(level1: str, level2: str | None) -> bool:
    """Whether ``level2`` is one of the 二级 words of ``level1`` (数量 under 产出, 社会效益 under 效益)."""
    family = _FAMILIES.get(_LEVEL1.sub(r"\1", clean_level(level1)))
    word = clean_level(level2 or "").removesuffix("指标").replace("續", "续")
    return family is not None and word in family


def split_level_prefix(text: str) -> tuple[str, str] | None:
    """("社会效益指标", "保障涉拆单位人") from a raw-dump piece where a level word ran into the next cell."""
    for end in range(len(text) - 1, 1, -1):
        head = text[:end]
        if head.endswith("指标") and level_of(head) is not None:
            return head, text[end:]
    return None


def is_definite_value(text: str) -> bool:
    """A quantity with a clean unit, a comparison, a percentage or a deadline: never part of a name."""
    parsed = parse_indicator_value(text)
    if parsed.value is not None:
        return parsed.unit is None or bool(_CLEAN_UNIT.match(parsed.unit))
    return parsed.comparator is not None or bool(_DATE.match(text))
