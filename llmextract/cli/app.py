"""Typer application: global options and command registration."""

from __future__ import annotations

import sys

import typer

from llmextract import __version__
from llmextract.cli.eval import eval_command
from llmextract.cli.export import export_command
from llmextract.cli.extract import extract_command
from llmextract.cli.output import INTERNAL_ERROR, report_internal_error, set_debug
from llmextract.cli.parse import parse_command
from llmextract.cli.review import review_command
from llmextract.cli.rules import rules_command
from llmextract.cli.run import run_command
from llmextract.cli.schema import schema_command
from llmextract.cli.verify import verify_command

app = typer.Typer(
    name="llmextract",
    help=(
        "Turn Chinese budget disclosures (部门预算/决算公开, PDF or text export) into typed, source-grounded "
        "records whose every number is checked against the document's own tables.\n\n"
        "Exit codes: 0 ok · 1 findings or failures in the data · 2 bad input or usage · 3 internal error (a bug)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"llmextract {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and the debug log (for bug reports)."),
) -> None:
    """llmextract command line."""
    set_debug(debug)


app.command("parse", help=parse_command.__doc__)(parse_command)
app.command("verify", help=verify_command.__doc__)(verify_command)
app.command("rules", help=rules_command.__doc__)(rules_command)
app.command("extract", help=extract_command.__doc__)(extract_command)
app.command("schema", help=schema_command.__doc__)(schema_command)
app.command("run", help=run_command.__doc__)(run_command)
app.command("export", help=export_command.__doc__)(export_command)
app.command("eval", help=eval_command.__doc__)(eval_command)
app.command("review", help=review_command.__doc__)(review_command)


def main() -> None:
    try:
        app()
    except Exception as exc:
        report_internal_error(exc)
        sys.exit(INTERNAL_ERROR)
