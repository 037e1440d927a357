"""``llmextract rules``: the verifier's rule catalogue."""

from __future__ import annotations

import typer
from rich.table import Table

from llmextract.cli.output import console, print_json
from llmextract.core.catalogue import CHINESE
from llmextract.verify import RULES


def rules_command(
    as_json: bool = typer.Option(False, "--json", help="Print the catalogue as JSON."),
) -> None:
    """List the verifier's rules: stable id, severity of a failure, and what each checks."""
    if as_json:
        print_json(
            [
                {"id": r.id, "severity": r.severity, "description": r.description, "description_zh": CHINESE[r.id]}
                for r in RULES
            ]
        )
        return
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("rule")
    table.add_column("severity")
    table.add_column("checks")
    for rule in RULES:
        table.add_row(rule.id, rule.severity, rule.description)
    console.print(table)
