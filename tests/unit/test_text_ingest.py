from __future__ import annotations

from pathlib import Path

import pytest

from llmextract import load_document
from llmextract.core.errors import TextEncodingError
from llmextract.ingest.text import clean_line, find_watermarks, split_row
from tests.conftest import SEED_FILES, seed


@pytest.fixture(scope="module")
def seed001():
    return load_document(seed("001"))


def _rows(table):
    """Row texts without the trailing empty cells that padding to the widest row adds."""
    out = []
    for row in table.texts():
        while row and not row[-1]:
            row = row[:-1]
        out.append(row)
    return out


def test_seed_001_yields_table_one_rows(seed001):
    rows = [r for t in seed001.tables for r in _rows(t)]
    assert ["一、一般公共预算", "1024.87", "一、一般公共服务支出", "795.44", "795.44"] in rows
    assert ["收入总计", "1024.87", "支出总计", "1024.87", "1024.87"] in rows


def test_table_continues_over_the_blank_line_of_a_page_break(seed001):
    # 表一 is printed over two pages; the export leaves a blank line between "二十七" and "二十八".
    # 表一 (and 表四 after it) are printed over two pages.
    table = next(t for t in seed001.tables if any("二十七、债务还本支出" in r for r in t.texts()))
    labels = [r[2] for r in table.texts()]
    assert labels.index("二十八、债务付息支出") == labels.index("二十七、债务还本支出") + 1


def test_watermark_lines_are_dropped_and_reported(seed001):
    assert "仅供内部审核" not in seed001.text
    assert any("仅供内部审核" in w for w in seed001.warnings)
    # A page header repeated on every page, but never back to back, is content.
    assert seed001.text.count("单位：万元") >= 10


def test_markdown_headings_and_tags_are_not_content():
    doc = load_document(seed("002"))
    assert "<b>" not in doc.text and "</b>" not in doc.text and "<p>" not in doc.text
    assert not any(line.text.startswith("#") for line in doc.lines)
    assert any(line.text == "第一部分 概况" for line in doc.lines)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_every_line_and_cell_points_at_its_own_text(path):
    doc = load_document(path)
    for line in doc.lines:
        assert doc.text[line.start : line.end] == line.text
    for table in doc.tables:
        for cell in table.cells:
            assert doc.text[cell.start : cell.end] == cell.text
    assert doc.doc_id == __import__("hashlib").sha256(path.read_bytes()).hexdigest()


def test_gb18030_file_reads_like_its_utf8_original(tmp_path: Path):
    original = seed("001")
    gbk = tmp_path / "001-gbk.txt"
    gbk.write_bytes(original.read_text(encoding="utf-8").encode("gb18030"))
    utf8_doc, gbk_doc = load_document(original), load_document(gbk)
    assert gbk_doc.encoding == "gb18030" and utf8_doc.encoding == "utf-8"
    assert gbk_doc.text == utf8_doc.text


def test_utf8_bom_is_not_content(tmp_path: Path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff项目名称\t遗属补助\n".encode())
    doc = load_document(path)
    assert doc.encoding == "utf-8-sig"
    assert doc.tables[0].texts() == [["项目名称", "遗属补助"]]


def test_random_bytes_named_txt_are_refused(tmp_path: Path):
    import random

    rng = random.Random(7)
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    with pytest.raises(TextEncodingError, match="save the file as UTF-8"):
        load_document(path)


def test_form_feed_starts_a_new_page(tmp_path: Path):
    path = tmp_path / "paged.txt"
    path.write_text("第一页\n内容\f第二页\n项目名称\t遗属补助\n", encoding="utf-8")
    doc = load_document(path)
    assert [p.number for p in doc.pages] == [1, 2]
    cell = doc.tables[0].cells[1]
    assert doc.location(cell.start, cell.end).page == 2


def test_markdown_pipe_table(tmp_path: Path):
    path = tmp_path / "pipe.md"
    path.write_text(
        "| 科目编码 | 科目名称 | 合计 |\n|---|---|---|\n| 201 | 一般公共服务支出 | 795.44 |\n", encoding="utf-8"
    )
    doc = load_document(path)
    assert doc.tables[0].texts() == [["科目编码", "科目名称", "合计"], ["201", "一般公共服务支出", "795.44"]]


def test_clean_line_keeps_comparators_that_look_like_tags():
    assert clean_line("<b>第一部分 概况</b>") == "第一部分 概况"
    assert clean_line("### 一、本部门职责") == "一、本部门职责"
    assert clean_line("<10017元/年") == "<10017元/年"
    assert clean_line("&lt;10017元/年") == "<10017元/年"
    assert clean_line("<p>≥95%</p>") == "≥95%"


def test_find_watermarks_needs_back_to_back_repeats():
    lines = [
        "仅供内部审核",
        "",
        "仅供内部审核",
        "正文",
        "单位：万元",
        "表",
        "单位：万元",
        "仅供内部审核",
        "仅供内部审核",
    ]
    assert find_watermarks(lines) == {"仅供内部审核"}


def test_split_row():
    assert split_row("a\tb\t") == ["a", "b", ""]
    assert split_row("| a | b |") == ["a", "b"]
    assert split_row("普通的一行") is None
