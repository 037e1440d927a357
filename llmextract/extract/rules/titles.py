"""A project's name from its table's title, for forms that print no name row.

"信息化运行维护绩效目标表" names its project; "专项资金绩效目标表", "政策和项目预算绩效目标表" and
"阳泉市市级预算部门（单位）项目支出绩效目标表" only say what kind of table follows: they name nothing.
"""

from __future__ import annotations

import re

# "2024 年鼓励扩大进出口专项资金项目绩效评价表" → "鼓励扩大进出口专项资金"
_TITLE_NAME = re.compile(r"^(\d{4}\s*年度?)?(?P<name>.+?)(项目)?(支出)?绩效(目标|自评|评价)(申报)?表.*$")
# Words of a generic title: place and level, kind of unit, kind of table.
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,8}?[省市县区州盟旗]")
_GENERIC_WORDS = re.compile(
    r"(市级|县级|区级|省级|本级|县[(（]区[)）]级|[(（]单位[)）]|预算|部门|单位|政策和项目|政策|项目|专项资金|专项|重点|一般性|"
    r"支出|总体|整体|年度|[(（]\d{4}年?度?[)）])"
)


# What is left of "烟台市民政局专项资金绩效目标表" once the generic words are gone: a unit, not a project.
_UNIT = re.compile(r"^[\u4e00-\u9fff]{1,10}(局|委员会|委|厅|办公室|办)$")


def title_name(title: str) -> str | None:
    """The project name a title states, or None when the title is generic."""
    m = _TITLE_NAME.match(title.replace(" ", "").replace("\u3000", ""))
    if m is None:
        return None
    name = m.group("name").strip()
    rest = _GENERIC_WORDS.sub("", _PLACE.sub("", name, count=1))
    if not rest or _UNIT.match(rest):
        return None
    return name
