"""Row lists and prose sections beside the per-project forms: which become blocks of their own, which prose
explains the project of a form, and which "forms" are rows of a list.

A prose section and a target table of the same project make one record: the prose goes with the form whose
title or 项目名称 row names the project, or with the form printed right after a section that points to its
"项目绩效目标表". A list header that starts with 项目名称 also looks like a form's first row; inside a list, the
list's reading wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from llmextract.core.document import Document
from llmextract.layout.project_lists import ListedProject, find_project_lists, listed_projects
from llmextract.layout.prose_projects import ProseProject, find_prose_projects

Entry = ListedProject | ProseProject
_FORM_HEAD = 400  # chars of a form that hold its title and 项目名称 row
_MAX_LINES_BETWEEN = 4  # title lines between a prose section and the target table it points to
_NAME_TAIL = re.compile(r"(项目|经费|资金)$")
_MIN_KEY = 4


class Form(Protocol):
    """A per-project form's block, as far as placing lists and prose needs it."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def kind(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Placement:
    entries: tuple[Entry, ...]  # list rows and prose sections that are blocks of their own
    prose_of_form: dict[int, ProseProject]  # form index -> the prose that explains its project
    inside: frozenset[int]


def place_lists_and_prose(doc: Document, forms: Sequence[Form]) -> Placement:
    """Where the row lists and prose projects of ``doc`` go, given its forms (in order)."""
    lists = find_project_lists(doc)
    spans = [(f.start, f.end) for f in forms]
    inside = frozenset(n for n, span in enumerate(spans) if any(_overlap(span, (pl.start, pl.end)) for pl in lists))
    # Prose explains a project: it joins a project form (not a department-wide or self-evaluation table).
    kept = [n for n, f in enumerate(forms) if n not in inside and f.kind == "project"]
    prose_of_form: dict[int, ProseProject] = {}
    own: list[Entry] = list(listed_projects(lists))
    for prose in find_prose_projects(doc):
        form = _explained_form(doc, prose, spans, kept, prose_of_form)
        if form is None:
            own.append(prose)
        else:
            prose_of_form[form] = prose
    return Placement(tuple(own), prose_of_form, inside)


def _explained_form(
    doc: Document,
    prose: ProseProject,
    forms: list[tuple[int, int]],
    candidates: list[int],
    taken: dict[int, ProseProject],
) -> int | None:
    free = [n for n in candidates if n not in taken]
    name = prose.name
    key = _key(name.text) if name else ""
    if len(key) >= _MIN_KEY:
        for n in free:
            start = forms[n][0]
            if key in _key(doc.text[start : start + _FORM_HEAD]):
                return n
    if prose.points_to_table:
        after = [n for n in free if forms[n][0] >= prose.end]
        if after and len(doc.lines_in(prose.end, forms[after[0]][0])) <= _MAX_LINES_BETWEEN + 2:
            return after[0]
    return None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _key(text: str) -> str:
    return _NAME_TAIL.sub("", re.sub(r"\s+", "", text))
