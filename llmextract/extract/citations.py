"""立项依据 split into citations: document titles in 《》 and 文号 such as 晋人工字【2002】10号, 晋财资环〔2023〕62号.

A 文号 is an issuer abbreviation, the year in brackets (〔〕【】[]()（）) and a serial number with 号. A title is
paired with the 文号 printed right after it ("《…的通知》(晋人工字【2002】10号)"); a 文号 printed before an
unbracketed title ("晋驻村办〔2022〕14号 关于进一步…的通知") is paired with that title; a lone 文号 or title is a
citation on its own. Deterministic and offset-preserving, so each citation can carry its source span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmextract.core.records import Citation

_TITLE = re.compile(r"《(?P<title>[^《》]+)》")
_DOC_NUMBER = re.compile(
    r"(?P<number>[\u4e00-\u9fffA-Za-z]{1,12}[〔【\[(（]\s*(19|20)\d{2}\s*[〕】\])）]\s*第?\s*\d{1,4}\s*号)"
)
_LEADING_VERB = re.compile(r"^(依据|根据|按照|参照|落实|执行|贯彻)+")
# Between a title and its 文号: at most an opening bracket or a short connector.
_GAP_TO_NUMBER = re.compile(r"^\s*[(（\[]?\s*$")
# An unbracketed title after a 文号: a phrase ending in the kind of document it is.
_BARE_TITLE = re.compile(r"\s*(?P<title>[^，,。；;、《》()（）\s]{4,60}?(通知|意见|办法|规定|方案|决定|批复|细则|函))")


@dataclass(frozen=True, slots=True)
class CitationSpan:
    """A citation and its span ``[start, end)`` in the text it was found in."""

    citation: Citation
    start: int
    end: int


def split_citations(text: str) -> list[CitationSpan]:
    """The citations of a 立项依据 text, in order of appearance, without duplicates."""
    titles = list(_TITLE.finditer(text))
    numbers = [m for m in _DOC_NUMBER.finditer(text) if not _inside(m, titles)]
    used: set[int] = set()
    found: list[CitationSpan] = []
    for title in titles:
        number = next(
            (n for n in numbers if n.start() >= title.end() and _GAP_TO_NUMBER.match(text[title.end() : n.start()])),
            None,
        )
        if number is not None:
            used.add(number.start())
        end = number.end() if number is not None else title.end()
        doc_number = _clean_number(number.group("number")) if number is not None else None
        found.append(
            CitationSpan(Citation(title=title.group("title").strip(), doc_number=doc_number), title.start(), end)
        )
    for number in numbers:
        if number.start() in used:
            continue
        bare = _BARE_TITLE.match(text, number.end())
        title = bare.group("title") if bare else None
        end = bare.end() if bare else number.end()
        found.append(CitationSpan(Citation(title=title, doc_number=_clean_number(number.group())), number.start(), end))
    found.sort(key=lambda c: c.start)
    return _unique(found)


def _inside(match: re.Match[str], titles: list[re.Match[str]]) -> bool:
    """A 文号 quoted inside a title is part of the title, not a citation of its own."""
    return any(t.start() <= match.start() and match.end() <= t.end() for t in titles)


def _clean_number(number: str) -> str:
    """The 文号 without spaces and without a verb the issuer pattern swallowed ("依据同财办【2014】4号")."""
    return _LEADING_VERB.sub("", re.sub(r"\s+", "", number))


def _unique(found: list[CitationSpan]) -> list[CitationSpan]:
    seen: set[tuple[str | None, str | None]] = set()
    out: list[CitationSpan] = []
    for span in found:
        key = (span.citation.title, span.citation.doc_number)
        if key not in seen:
            seen.add(key)
            out.append(span)
    return out
