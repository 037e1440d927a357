"""Which table readings the verifier trusts, and what it does with the others.

A reading is trusted when
- every amount column sits under a header cell (its amounts are mapped to a header by position; amounts
  under no header mean a row shifted against the header), and
- most of the table's own relations hold: no kind of relation (a rule: the code hierarchy, 合计 = 基本 +
  项目, the sources sum …) fails on ``MIN_FAILURES`` or more of its checks and on more than half of them.
  Kinds are counted apart because a misread column breaks one kind on every row while the others hold
  (column sums by code do not care what a column is called).

The row structure (codes, 其中 rows, subtotal and balancing rows, units vs projects) is recognised by the
parser (:mod:`llmextract.tables.structure`); a structure read wrongly shows as relations that fail
together, which is what the second test catches. Published disclosures are mostly consistent: a table whose
relations mostly fail is misread, not misprinted. Such a table gets one ``table.reading-suspect`` warning
with the evidence (how many relations failed, the first of them), and its failing checks become
``not_checkable``. Its figures cannot make an error elsewhere either: a cross-table, prose or record check
that fails on a cell of a distrusted table is not checkable, with the reason (:meth:`Checker.distrust`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from llmextract.core.document import Document
from llmextract.core.findings import Finding
from llmextract.tables import BudgetTable
from llmextract.verify.report import Checker, Span, VerificationReport
from llmextract.verify.source_rules import SOURCE_TABLES, check_sources_sum
from llmextract.verify.summary_rules import check_summary_columns
from llmextract.verify.table_rules import check_table

RULE = "table.reading-suspect"
MIN_FAILURES = 3  # fewer failures than this are read as the document's own errors, however small the table
_EVIDENCE = 3  # failing relations quoted in the warning


@dataclass
class Verdict:
    table: BudgetTable
    checks: Counter[str] = field(default_factory=Counter)  # by rule
    failed: list[Finding] = field(default_factory=list)
    unmapped: list[int] = field(default_factory=list)  # amount columns under no header cell

    @property
    def trusted(self) -> bool:
        return not self.unmapped and not self.failing_kinds()

    def failing_kinds(self) -> list[str]:
        """Rules that fail on ``MIN_FAILURES`` or more of this table's checks and on more than half."""
        failures = Counter(f.rule_id for f in self.failed)
        return [r for r, n in failures.items() if n >= MIN_FAILURES and n * 2 > self.checks[r]]

    def reason(self) -> str:
        if self.unmapped:
            return f"amounts in column {', '.join(map(str, self.unmapped))} sit under no header cell"
        failures = Counter(f.rule_id for f in self.failed)
        return ", ".join(f"{r} fails on {failures[r]} of its {self.checks[r]} checks" for r in self.failing_kinds())


def own_relations(doc: Document, table: BudgetTable, checker: Checker) -> None:
    """Every rule that relates a table's cells to each other."""
    check_table(doc, table, checker)
    if table.empty:
        return
    if table.kind in ("summary", "fiscal_summary"):
        check_summary_columns(table, checker)
    if table.kind in SOURCE_TABLES:
        check_sources_sum(table, checker)


def judge(doc: Document, table: BudgetTable) -> tuple[Verdict, Checker]:
    """The verdict on one table, and a checker holding the results of its own relations."""
    scratch = Checker(doc)
    own_relations(doc, table, scratch)
    report = scratch.report
    verdict = Verdict(table, report.by_rule, [f for f in report.findings if f.severity in ("error", "warning")])
    # A raw text dump names its columns from a header line it cannot place (no header cells): not unmapped.
    if any(c.header for c in table.columns):
        verdict.unmapped = [c.index for c in table.columns if not c.header]
    return verdict, scratch


def check_tables(doc: Document, tables: list[BudgetTable], checker: Checker) -> list[Verdict]:
    """Each table's own relations, reported when its reading is trusted; one warning when it is not."""
    verdicts = []
    for table in tables:
        with checker.guard(f"the table rules on {table.title}", (table.start, table.end)):
            verdict, scratch = judge(doc, table)
            verdicts.append(verdict)
            if verdict.trusted:
                checker.absorb(scratch.report)
            else:
                _suspect(verdict, scratch.report, checker)
    return verdicts


def distrust(doc: Document, tables: list[BudgetTable], checker: Checker) -> None:
    """Tell ``checker`` which tables' figures it may not hold against anything (the record rules, which
    run on their own checker, judge the tables again: the judgement is pure)."""
    for table in tables:
        verdict, _ = judge(doc, table)
        if not verdict.trusted:
            checker.distrust((table.start, table.end), _why(verdict))


def _why(verdict: Verdict) -> str:
    return f"{verdict.table.title} is not read with confidence ({verdict.reason()}; see {RULE})"


def _suspect(verdict: Verdict, scratch: VerificationReport, checker: Checker) -> None:
    table = verdict.table
    kinds = verdict.failing_kinds()
    evidence = [f for f in verdict.failed if f.rule_id in kinds][:_EVIDENCE]
    quoted = "; ".join(f.message.removeprefix(f"{table.title}: ") for f in evidence)
    spans: list[Span] = [(table.start, table.end)]
    spans += [(loc.start, loc.end) for f in evidence for loc in f.locations]
    checker.failed(
        RULE,
        f"{table.title}: the reading of this table is not trusted: {verdict.reason()}"
        + (f", e.g. {quoted}" if quoted else "")
        + "; its figures are not checked",
        "most relations of each kind hold",
        verdict.reason(),
        spans,
    )
    checker.distrust((table.start, table.end), _why(verdict))
    checker.absorb(scratch, failures=False)
    for finding in verdict.failed:
        checker.unchecked(
            finding.rule_id,
            f"not checkable ({RULE}): {finding.message}",
            [(loc.start, loc.end) for loc in finding.locations],
        )
