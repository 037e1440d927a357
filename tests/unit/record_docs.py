"""Small built documents for the record-rule tests: a 项目支出表 line and the project's target table, each
number a parameter, so a test can make them agree or perturb one."""

from __future__ import annotations

import tempfile
from pathlib import Path

from llmextract import load_document
from llmextract.core.document import Document

PROJECT = """{prose}
2024年项目支出预算表（本年预算）
单位：万元
项目名称\t合计\t一般公共预算
忻州市商务局\t{list_amount}\t{list_amount}
{list_name}\t{list_amount}\t{list_amount}

项目支出绩效目标表
项目名称\t\t{name}
主管部门及代码\t\t409-忻州市商务局\t\t实施单位\t忻州市商务局
项目属性\t\t经常性项目\t\t项目期\t1年
项目资金（元）\t\t实施期资金总额：\t{period}\t年度资金总额：\t{annual}
\t其中：中央财政资金\t0\t其中：中央财政资金\t0
\t省级财政资金\t0\t省级财政资金\t0
\t市县（区）财政资金\t{period_local}\t市县（区）财政资金\t{local}
\t单位自筹\t0\t单位自筹\t0
项目概况\t\t按照市委组织部要求，保障驻村帮扶工作
实施期目标\t\t\t\t年度目标
总体目标\t保障驻村工作队经费\t\t\t保障驻村工作队经费
绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t驻村帮扶人数\t3人\t数量指标\t驻村帮扶人数\t3人
\t\t\t下基层锻炼选调生人数\t4人\t\t下基层锻炼选调生人数\t4人
\t\t成本指标\t每年补助经费\t{cost}\t成本指标\t每年补助经费\t{cost}
\t满意度指标\t服务对象满意度指标\t工作人员满意度\t≥95%\t服务对象满意度指标\t工作人员满意度\t≥95%
"""
PROJECT_DEFAULTS = {
    "prose": "",
    "list_name": "驻村干部补助",
    "list_amount": "19.60",
    "name": "驻村干部补助",
    "period": "196,000",
    "annual": "196,000",
    "period_local": "196,000",
    "local": "196,000",
    "cost": "2.8万元/人",
}

DEPARTMENT = """2025年编报部门整体支出绩效目标，涉及部门预算资金{prose_total}万元，\
其中基本支出{prose_basic}万元，项目支出{prose_project}万元。

县(区)级预算部门(单位)整体支出绩效目标申报表
部门基本信息\t部门名称\t029-山阴县商务局(部门)
部门绩效目标\t面向市场，深入实施消费扩容提质行动。
年度预算情况\t按资金来源划分\t资金总额(万元)\t按资金使用划分\t资金总额(万元)
\t合计\t{total}\t合计\t{total}
\t其中:一般公共预算资金\t{general}\t其中:基本支出\t{basic}
\t政府性基金预算资金\t{fund}\t项目支出\t{project}
年度绩效目标\t全力推动县域商贸经济高质量发展。
年度绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t规模以上企业数量\t≥300家
"""
DEPARTMENT_DEFAULTS = {
    "prose_total": "1272.82",
    "prose_basic": "242.32",
    "prose_project": "1030.50",
    "total": "1272.82",
    "general": "1272.82",
    "fund": "0.00",
    "basic": "242.32",
    "project": "1030.50",
}

EVALUATION = """{prose}

信访干部培训专项项目绩效自评表
项目名称\t\t信访干部培训专项
主管部门\t\t[292] 国家信访局\t实施单位\t国家信访局
项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
\t年度资金总额：\t180.61\t180.03\t{spent}\t10.0\t{rate}\t10
\t其中：财政拨款\t140.61\t140.61\t140.61\t--\t0.0%\t--
\t上年结转\t40.00\t39.42\t39.42\t--\t0.0%\t--
绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分
\t产出指标\t数量指标\t培训人数\t≥300人\t366人\t40\t40
\t\t质量指标\t培训合格率\t≥98%\t100%\t30\t{score}
\t满意度指标\t服务对象满意度指标\t受训学员满意率\t≥95%\t100%\t20\t20
总分\t\t\t\t\t\t100\t{total}
"""
EVALUATION_DEFAULTS = {
    "prose": "2024年，信访干部培训专项预算资金180.03万元，实际使用资金180.03万元，结余0万元。",
    "spent": "180.03",
    "rate": "100.00%",
    "score": "28",
    "total": "98",
}


def load_text(text: str) -> Document:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.txt"
        path.write_text(text, encoding="utf-8")
        return load_document(path)


def project_doc(**values: str) -> Document:
    return load_text(PROJECT.format(**{**PROJECT_DEFAULTS, **values}))


def department_doc(**values: str) -> Document:
    return load_text(DEPARTMENT.format(**{**DEPARTMENT_DEFAULTS, **values}))


def evaluation_doc(**values: str) -> Document:
    return load_text(EVALUATION.format(**{**EVALUATION_DEFAULTS, **values}))
