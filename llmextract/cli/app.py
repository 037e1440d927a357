"""The ``llmextract`` command line: global options, and the commands loaded only when they run.

``llmextract --help`` (and ``--version``, and a mistyped command) is answered from the table below by a small
click group, without importing any command, so it costs little more than starting Python. A command line that
names a command is run by a typer application holding that one command: only then are typer, the command's
module and what it needs (the pipeline; for LLM runs the LLM stack) imported.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from llmextract import __version__
from llmextract.cli.debug import INTERNAL_ERROR, report_internal_error, set_debug

# name: (module, function, one line for the command list)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "parse": ("llmextract.cli.parse", "parse_command", "What ingest and layout found in one document."),
    "verify": (
        "llmextract.cli.verify",
        "verify_command",
        "Every table sum, cross-table relation and prose figure of one document, checked.",
    ),
    "rules": ("llmextract.cli.rules", "rules_command", "The verifier's rule catalogue: id, severity, what it checks."),
    "extract": (
        "llmextract.cli.extract",
        "extract_command",
        "Extract, verify and score the project records of one document.",
    ),
    "schema": ("llmextract.cli.schema", "schema_command", "The JSON Schemas of the output records."),
    "run": ("llmextract.cli.run", "run_command", "Process a folder of documents into a resumable run."),
    "export": ("llmextract.cli.export", "export_command", "Regenerate a run's JSONL, Parquet and CSV exports."),
    "eval": ("llmextract.cli.eval", "eval_command", "Score an eval suite against gold; regression gate."),
    "review": ("llmextract.cli.review", "review_command", "Review low-confidence records in the browser."),
}

HELP = (
    "Turn Chinese budget disclosures (部门预算/决算公开, PDF or text export) into typed, source-grounded records "
    "whose every number is checked against the document's own tables.\n\n"
    "Exit codes: 0 ok · 1 findings or failures in the data · 2 bad input or usage · 3 internal error (a bug)."
)
DEBUG_HELP = "Show tracebacks and the debug log (for bug reports)."
_GLOBAL_FLAGS = frozenset({"--debug", "-V", "--version", "-h", "--help"})


class _CommandList(click.Group):
    """Lists the commands from :data:`COMMANDS`; never runs one (``main`` hands those to typer)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return None  # a name that reaches here is not a command: click says "No such command"

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, _, short) in COMMANDS.items()])


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"llmextract {__version__}")
        ctx.exit()


@click.group(cls=_CommandList, help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version", "-V", is_flag=True, expose_value=False, is_eager=True, callback=_version, help="Print the version."
)
@click.option("--debug", is_flag=True, help=DEBUG_HELP)
def command_list(debug: bool) -> None:
    """Never invoked with a command (see :func:`main`)."""


def command_app(name: str) -> Any:
    """A typer application with the global options and the one command ``name``."""
    import typer  # only a command that runs (or shows its own help) pays for typer and rich

    module, attr, _ = COMMANDS[name]
    function = getattr(importlib.import_module(module), attr)
    app = typer.Typer(
        name="llmextract",
        help=HELP,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def _root(debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP)) -> None:
        set_debug(debug)

    app.command(name, help=function.__doc__)(function)
    return app


def _command_name(args: list[str]) -> str | None:
    """The command an argument list names, if it names a known one after the global flags."""
    for arg in args:
        if arg in _GLOBAL_FLAGS:
            if arg in ("-V", "--version", "-h", "--help"):
                return None
            continue
        return arg if arg in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> Any:
    args = list(sys.argv[1:] if argv is None else argv)
    name = _command_name(args)
    try:
        if name is None:
            return command_list.main(args=args, prog_name="llmextract")
        set_debug("--debug" in args[: args.index(name)])
        return command_app(name)(args=args, prog_name="llmextract")
    except Exception as exc:  # no traceback reaches the user without --debug
        report_internal_error(exc)
        sys.exit(INTERNAL_ERROR)
