"""The ``cleaner`` command line: a thin shell over the library.

Each subcommand lives in a module of this package that defines ``add_parser(sub)``;
the parser's ``func`` default runs it and returns the exit code. Exit codes: 0 done,
1 some inputs failed, 2 usage error or unusable input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import CleanerError

__all__ = ["EXIT_FAILURES", "EXIT_OK", "EXIT_USAGE", "add_model_arguments", "main"]

EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_USAGE = 2

# Subcommand modules, in the order `cleaner --help` lists them.
_COMMANDS = ("clean", "batch", "evaluate", "retrain", "model")

TRUST_PICKLE_HELP = (
    "also load a pickle (joblib) model file, as cleaner wrote them before: loading a pickle RUNS ANY "
    "CODE IT HOLDS, so only for a file from a source you trust (better: convert it once with "
    "`cleaner model convert`)"
)


def add_model_arguments(p: argparse.ArgumentParser) -> None:
    """``--model`` and ``--trust-pickle``, as every command that loads a model takes them."""
    p.add_argument("--model", default=None, help="model file (default: the shipped model)")
    p.add_argument("--trust-pickle", action="store_true", help=TRUST_PICKLE_HELP)


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Turn scraped web page text into clean article documents.",
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMANDS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = args.func(args)
    except CleanerError as exc:
        print(f"cleaner: error: {exc.command_line_message()}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cleaner: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code
